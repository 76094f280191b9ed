"""Group commit of the audit records of concurrent requests (issue 15).

Every withheld or redacted response is audited durably before its body is released (NIST AU-5: no
response withheld without its record). Writing each record from its own worker thread paid a
thread hop and, under load, an fsync per request. Here requests hand their decisions to a fixed
pair of flusher threads per guard (per audit log) and await an asyncio future; a thread takes
everything queued, writes it with ``Guard.record_each`` — one chained write and one fsync/COMMIT for
the whole batch — and resolves each request's future from the thread (``loop.call_soon_threadsafe``,
one call per event loop per batch). Two threads, not one: while one waits for its fsync the other
validates the next batch (measured: one thread left the CPU idle during every fsync). The event
loop never waits on the disk; a request waits only for the commit that carries its own records.

Fail closed. A request whose records could not be stored, or were not stored within the audit
log's own bound (``append_timeout``), gets :class:`AuditUnavailableError` (the middleware answers
503 ``audit_unavailable``). The queue is bounded (``max_pending`` records): past it a request is
refused at once with a clear error instead of growing memory without limit. A request that gives
up before the thread took its records takes them back (no record outlives its refusal).

The threads start on ASGI lifespan start-up or lazily with the first record, and stop on lifespan
shutdown after writing what is queued.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import AuditUnavailableError
from ..model import Decision

log = logging.getLogger("status_guard.asgi")

#: records waiting for the flusher, per guard, before requests are refused (503)
MAX_PENDING = 10_000
#: records written in one commit at most
MAX_BATCH = 512
#: flusher threads per guard: while one waits for its fsync (the GIL released), the other validates
#: the next batch; the audit log's own group commit then writes it as soon as the disk is free
FLUSHERS = 2
#: a flusher with nothing to write for this long ends (started again with the next record)
IDLE_SECONDS = 30.0


class _Job:
    """One request's records and the future it awaits."""

    __slots__ = ("items", "loop", "future", "taken", "dropped")

    def __init__(self, items: list[tuple[Decision, Mapping[str, Any]]], loop: asyncio.AbstractEventLoop,
                 future: asyncio.Future[None]) -> None:
        self.items = items
        self.loop = loop
        self.future = future
        self.taken = False
        self.dropped = False


def _settle(outcomes: list[tuple[_Job, BaseException | None]]) -> None:
    """On the job's event loop: resolve each request's future (unless it gave up already)."""
    for job, error in outcomes:
        fut = job.future
        if fut.done():
            continue
        if error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)


class AuditBatcher:
    """Flusher threads writing the queued records of a guard's requests in group commits."""

    def __init__(self, guard: Any, *, max_pending: int = MAX_PENDING, max_batch: int = MAX_BATCH,
                 timeout: float | None = None, flushers: int = FLUSHERS) -> None:
        if max_pending < 1 or max_batch < 1 or flushers < 1:
            raise ValueError("max_pending, max_batch and flushers must be at least 1")
        try:  # weakly: the registry below is keyed on the guard; a thread must not keep it alive
            self._guard: Any = weakref.ref(guard)
        except TypeError:
            self._guard = lambda g=guard: g
        self.max_pending = max_pending
        self.max_batch = max_batch
        self.flushers = flushers
        self._timeout = timeout
        self._cv = threading.Condition(threading.Lock())
        self._queue: deque[_Job] = deque()
        self._pending = 0  # records queued, not yet taken
        self._threads: list[threading.Thread] = []
        self._pid = 0
        self._stopping = False
        self.idle_seconds = IDLE_SECONDS

    @property
    def guard(self) -> Any:
        g = self._guard()
        if g is None:
            raise AuditUnavailableError("the guard of this audit batcher is gone; the record was not written")
        return g

    # -- life cycle ------------------------------------------------------------------------------
    @property
    def timeout(self) -> float:
        """How long a request waits for its commit: the audit log's own bound for one append."""
        if self._timeout is not None:
            return self._timeout
        return float(getattr(self.guard.audit, "append_timeout", 10.0) or 10.0)

    @property
    def running(self) -> bool:
        return self._pid == os.getpid() and any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        """Start the flusher threads (idempotent; again after a fork, an idle exit or stop())."""
        with self._cv:
            self._spawn()

    def _spawn(self) -> None:
        """(with the lock held) Bring the flusher threads up to ``flushers``."""
        if self._pid != os.getpid():  # forked: the parent's threads do not exist here
            self._threads = []
            self._pid = os.getpid()
        self._stopping = False
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.flushers:
            t = threading.Thread(target=self._run, name=f"status_guard-audit-batch-{len(self._threads)}",
                                 daemon=True)
            self._threads.append(t)
            t.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Write what is queued, then end the threads. True when they ended within ``timeout``."""
        with self._cv:
            threads = list(self._threads)
            self._stopping = True
            self._cv.notify_all()
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout + 1)
        for t in threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads if t is not threading.current_thread())

    async def aclose(self) -> None:
        """stop() without blocking the event loop (ASGI lifespan shutdown)."""
        await asyncio.get_running_loop().run_in_executor(None, self.stop)

    # -- the request side ------------------------------------------------------------------------
    async def record(self, items: Sequence[tuple[Decision, Mapping[str, Any]]]) -> None:
        """Store ``items`` — ``(decision, keyword arguments of Guard.record)`` each — durably, in one
        commit with whatever other requests queued meanwhile. Returns once they are durable; raises
        AuditUnavailableError when they are not (not written, refused, queue full, or not within
        :attr:`timeout`)."""
        if not items:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on asyncio (trio): a worker thread per request, same promise
            await self._record_in_thread(list(items))
            return
        job = _Job(list(items), loop, loop.create_future())
        n = len(job.items)
        with self._cv:
            if self._stopping and self.running:
                raise AuditUnavailableError("the audit writer is shutting down; the record was not written")
            if self._pending + n > self.max_pending:
                raise AuditUnavailableError(
                    f"the audit log is not keeping up: {self._pending} record(s) are already waiting to be "
                    f"written (at most {self.max_pending}); the record was not written")
            if len(self._threads) < self.flushers or self._pid != os.getpid():
                self._spawn()
            self._queue.append(job)
            self._pending += n
            self._cv.notify()
        bound = self.timeout
        try:
            async with asyncio.timeout(bound):
                await job.future
        except TimeoutError:
            self._give_up(job)
            raise AuditUnavailableError(f"the audit log did not answer within {bound:g} s; the record was not "
                                        "written") from None
        except asyncio.CancelledError:
            self._give_up(job)
            raise

    async def _record_in_thread(self, items: list[tuple[Decision, Mapping[str, Any]]]) -> None:
        import anyio
        import anyio.to_thread

        bound = self.timeout
        results: list[Any] = []
        with anyio.move_on_after(bound):
            results = await anyio.to_thread.run_sync(self.guard.record_each, items, abandon_on_cancel=True)
        if len(results) != len(items):
            raise AuditUnavailableError(f"the audit log did not answer within {bound:g} s; the record was not written")
        for res in results:
            if isinstance(res, BaseException):
                raise res if isinstance(res, AuditUnavailableError) else AuditUnavailableError(
                    f"audit log unavailable: {type(res).__name__}")

    def _give_up(self, job: _Job) -> None:
        """The request stops waiting: records the thread has not taken yet are never written."""
        with self._cv:
            if not job.taken and not job.dropped:
                job.dropped = True
                self._pending -= len(job.items)
                try:
                    self._queue.remove(job)
                except ValueError:
                    pass

    # -- the flusher thread ----------------------------------------------------------------------
    def _take(self) -> list[_Job] | None:
        with self._cv:
            while not self._queue:
                if self._stopping or not self._cv.wait(self.idle_seconds) and not self._queue:
                    me = threading.current_thread()  # idle (or stopping): end; the next record starts it again
                    if me in self._threads:
                        self._threads.remove(me)
                    return None
            batch: list[_Job] = []
            n = 0
            while self._queue and (not batch or n + len(self._queue[0].items) <= self.max_batch):
                job = self._queue.popleft()
                job.taken = True
                n += len(job.items)
                batch.append(job)
            self._pending -= n
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            if batch is None:
                return
            try:
                self._flush(batch)
            except BaseException as e:  # noqa: BLE001 - the thread must not die with requests waiting
                log.error("status_guard: the audit batch writer failed (%s)", type(e).__name__)
                self._resolve([(job, AuditUnavailableError(f"audit log unavailable: {type(e).__name__}"))
                               for job in batch])

    def _flush(self, batch: list[_Job]) -> None:
        items = [item for job in batch for item in job.items]
        results = self.guard.record_each(items)
        outcomes: list[tuple[_Job, BaseException | None]] = []
        lo = 0
        for job in batch:
            error: BaseException | None = None
            for res in results[lo:lo + len(job.items)]:
                if isinstance(res, BaseException):
                    error = res if isinstance(res, AuditUnavailableError) else AuditUnavailableError(
                        f"audit log unavailable: {type(res).__name__}")
                    break
            lo += len(job.items)
            outcomes.append((job, error))
        self._resolve(outcomes)

    @staticmethod
    def _resolve(outcomes: list[tuple[_Job, BaseException | None]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, BaseException | None]]] = {}
        for job, error in outcomes:
            by_loop.setdefault(job.loop, []).append((job, error))
        for loop, group in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, group)
            except RuntimeError:  # the loop is closed: nobody waits any more
                pass


_BATCHERS: weakref.WeakKeyDictionary[Any, AuditBatcher] = weakref.WeakKeyDictionary()
_BATCHERS_LOCK = threading.Lock()


def batcher_for(guard: Any) -> AuditBatcher:
    """The one batcher (one pair of flusher threads) of this guard's audit log."""
    try:
        b = _BATCHERS.get(guard)
        if b is None:
            with _BATCHERS_LOCK:
                b = _BATCHERS.get(guard)
                if b is None:
                    b = _BATCHERS[guard] = AuditBatcher(guard)
    except TypeError:  # a guard-like object that cannot be weakly referenced or hashed: its own batcher
        b = AuditBatcher(guard)
    return b


__all__ = ["MAX_BATCH", "MAX_PENDING", "AuditBatcher", "batcher_for"]
