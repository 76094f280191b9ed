"""The writer never builds on a log that went backwards, was replaced, or holds a record it cannot
authenticate (issue 14, item 1).

Invariant. A running writer W refuses an append (AuditDiscontinuityError, a 503 for the guarded
action) exactly when, since W's own last record:
* the log file (or database file) was deleted or replaced, or W's last record is no longer stored
  where W wrote it (the log was cut, rewritten, or the record changed), or the file was changed
  after W's last write and ends exactly at W's last record again (other writers' records cut); or
* a record stored after it is not a canonical record that chains to the one before it, does not
  match its own hash (HMAC under the chain key), lacks a valid writer code (with a signing key),
  or claims to come from W.
It then keeps refusing every append, writing nothing, until an operator records the discontinuity
(`audit recover`); after that it resumes on the log as it is. A writer starting on an existing log
checks the same way the records from the log's last tree head on (without a signing key or
witness: its last record). Changes strictly *before* W's last
record, which keep its position, are not the writer's to see (an O(1) check): `audit verify`
(with keys or a witness) catches them — see the tamper matrix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from status_guard.audit import AuditDiscontinuityError, open_audit
from status_guard.audit.canonical import canonical, record_hash
from status_guard.audit.keys import record_auth, writer_auth_key

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}

SIGNING = Ed25519PrivateKey.generate()
HMAC = b"k" * 32
SETUPS = {"none": {}, "hmac": {"hmac_key": HMAC}, "signing": {"signing_key": SIGNING}}


def _open(spec: str, setup: str) -> Any:
    log = open_audit(spec, fsync="never", checkpoint_every=1000, checkpoint_seconds=0, **SETUPS[setup])
    log.recheck_interval = 0.0
    return log


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


def _save(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(x + b"\n" for x in lines))


def _ok_record(rec: Any, line: bytes, setup: str, first: bool = False) -> bool:
    key = HMAC if setup == "hmac" else None
    if not isinstance(rec, dict) or canonical(rec) != line or record_hash(rec, key) != rec.get("hash"):
        return False
    if setup == "signing" and first and isinstance(rec.get("sth"), dict):
        from status_guard.audit.treehead import check_head_signature

        if check_head_signature(rec["sth"], SIGNING.public_key()) is None:
            return True  # a signed tree head authenticates the record that carries it
    return setup != "signing" or rec.get("auth") == record_auth(writer_auth_key(SIGNING), rec["hash"])


def _oracle_refuses(path: Path, ident: tuple[int, int] | None, w_last: bytes | None, w_end: int, w_id: str,
                    setup: str, w_ctime: int | None = None) -> bool:
    """Computed from the stored bytes alone (and the file's change time), by the invariant's definition."""
    try:
        st_ = os.stat(path)
    except FileNotFoundError:
        return w_last is not None
    if ident is not None and (st_.st_dev, st_.st_ino) != ident:
        return True
    if w_ctime is not None and st_.st_size == w_end and st_.st_ctime_ns != w_ctime:
        return True  # changed after the writer's last write and back at exactly its end (r14b F10)
    lines = _lines(path)
    if w_last is None:  # a writer starting now: from the last tree head (or the last record) on
        if not lines:
            return False
        tree_on = setup == "signing"
        idx = max((i for i, x in enumerate(lines) if b'"frontier":' in x), default=0) if tree_on else len(lines) - 1
        try:
            prev = orjson.loads(lines[idx])
        except orjson.JSONDecodeError:
            return True
        if not _ok_record(prev, lines[idx], setup, first=True):
            return True
    else:
        data = path.read_bytes()
        at = [i for i, x in enumerate(lines) if x == w_last]
        if not at or not any(sum(len(x) + 1 for x in lines[: i + 1]) == w_end for i in at) or len(data) < w_end:
            return True  # gone, or no longer at the byte where it was written
        idx = next(i for i in at if sum(len(x) + 1 for x in lines[: i + 1]) == w_end)
        prev = orjson.loads(w_last)
    for line in lines[idx + 1:]:
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            return True
        if not _ok_record(rec, line, setup):
            return True
        if rec.get("seq") != prev["seq"] + 1 or rec.get("prev_hash") != prev["hash"] or rec.get("writer") == w_id:
            return True
        prev = rec
    return False


def _content(line: bytes) -> bytes:
    """A record without what only keys or the chain vouch for (its hashes and authenticator)."""
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError:
        return line
    if not isinstance(rec, dict):
        return line
    for k in ("hash", "prev_hash", "auth"):
        rec.pop(k, None)
    return orjson.dumps(rec, option=orjson.OPT_SORT_KEYS)


def _tamper(path: Path, op: tuple[Any, ...], setup: str) -> None:
    lines = _lines(path)
    kind = op[0]
    if kind == "cut" and lines:
        _save(path, lines[: max(0, len(lines) - op[1])])
    elif kind == "edit" and lines:
        i = op[1] % len(lines)
        lines[i] = lines[i].replace(b'"effect":"block"', b'"effect":"allow"').replace(b'"kind":"end"', b'"kind":"eNd"')
        _save(path, lines)
    elif kind == "grow" and lines:  # an edit that changes the length of one line
        i = op[1] % len(lines)
        lines[i] = lines[i].replace(b'"action":"collect"', b'"action":"disclose"')
        _save(path, lines)
    elif kind == "rehash" and lines:  # an insider without keys edits and recomputes every hash after
        i = max(1, op[1] % len(lines)) if len(lines) > 1 else 0
        prev = orjson.loads(lines[i - 1])["hash"] if i else "0" * 64
        for j in range(i, len(lines)):
            rec = orjson.loads(lines[j])
            if j == i and rec.get("effect") == "block":
                rec["effect"] = "allow"
            rec.pop("auth", None)
            rec["prev_hash"] = prev
            rec["hash"] = prev = record_hash(rec, None)
            lines[j] = canonical(rec)
        _save(path, lines)
    elif kind == "forge" and lines:  # a forged record chained onto the tail
        last = orjson.loads(lines[-1])
        forged = orjson.loads(lines[-1])
        for k in ("sth", "frontier", "consistency", "auth", "log", "chain", "recovered"):
            forged.pop(k, None)
        forged.update(kind="decision", action="collect", effect="allow", adapter="asgi", seq=last["seq"] + 1,
                      prev_hash=last["hash"])
        forged["hash"] = record_hash(forged, None)
        _save(path, lines + [canonical(forged)])
    elif kind == "delete" and path.exists():
        path.unlink()
    elif kind == "replace" and path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(path.read_bytes())
        os.replace(tmp, path)


OPS = st.one_of(
    st.tuples(st.just("w"), st.integers(1, 3)),
    st.tuples(st.just("o"), st.integers(1, 3)),
    st.tuples(st.just("cut"), st.integers(1, 4)),
    st.tuples(st.just("edit"), st.integers(0, 50)),
    st.tuples(st.just("grow"), st.integers(0, 50)),
    st.tuples(st.just("rehash"), st.integers(0, 50)),
    st.tuples(st.just("forge")),
    st.tuples(st.just("delete")),
    st.tuples(st.just("replace")),
    st.tuples(st.just("recover")),
)


class _Writer:
    def __init__(self, path: Path, setup: str) -> None:
        self.log = _open(f"jsonl:{path}", setup)
        self.path, self.setup = path, setup
        self.last: bytes | None = None
        self.last_op = -1
        self.end = 0
        self.ident: tuple[int, int] | None = None
        self.ctime: int | None = None
        self.refusing = False

    def _remember(self) -> None:
        lines = _lines(self.path)
        i = max(i for i, x in enumerate(lines) if orjson.loads(x).get("writer") == self.log.writer)
        self.last, self.end = lines[i], sum(len(x) + 1 for x in lines[: i + 1])
        st_ = os.stat(self.path)
        self.ident = (st_.st_dev, st_.st_ino)
        self.ctime = st_.st_ctime_ns

    def append(self, n: int, recoveries: list[tuple[int, bytes]], op: int) -> None:
        if self.refusing:
            # it resumes (then starts afresh) only on an operator's record written after its last record
            lines = _lines(self.path)
            covered = any(i > self.last_op and line in lines for i, line in recoveries)
            if self.setup == "none":
                # without keys nothing authenticates the operator's record: one an insider re-hashed
                # (same content, new hashes) is indistinguishable from it — the documented limit of a
                # plain chain ("consistent only"); a signed or HMAC log must tell them apart
                seen = {_content(x) for x in lines}
                covered = covered or any(i > self.last_op and _content(line) in seen for i, line in recoveries)
            expect = not covered or _oracle_refuses(self.path, None, None, 0, self.log.writer, self.setup)
        else:
            expect = _oracle_refuses(self.path, self.ident, self.last, self.end, self.log.writer, self.setup,
                                     self.ctime)
        before = self.path.read_bytes() if self.path.exists() else None
        for _ in range(n):
            try:
                self.log.append(REC)
            except AuditDiscontinuityError:
                assert expect, "refused although the log still holds what this writer wrote"
                assert (self.path.read_bytes() if self.path.exists() else None) == before, "wrote while refusing"
                self.refusing = True
                return
            assert not expect, "appended on a log that went backwards or holds a record it cannot authenticate"
            self.refusing = False
            self.last_op = op
            self._remember()
            expect = False


@pytest.mark.parametrize("setup", ["none", "hmac", "signing"])
@settings(max_examples=int(os.environ.get('SG_EXAMPLES', '40')), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=1, max_size=14))
@example(ops=[('cut', 2), ('w', 1), ('o', 1), ('recover',), ('rehash', 0), ('w', 1)])  # a re-hashed recovery record
def test_a_running_writer_refuses_exactly_when_the_log_no_longer_holds_what_it_wrote(
        tmp_path_factory: pytest.TempPathFactory, setup: str, ops: list[tuple[Any, ...]]) -> None:
    path = tmp_path_factory.mktemp("log") / "audit.jsonl"
    w = _Writer(path, setup)
    o = _Writer(path, setup)  # another worker process's writer, legitimately sharing the log
    w.append(1, [], 0)
    recoveries: list[tuple[int, bytes]] = []
    for i, op in enumerate(ops, 1):
        if op[0] in ("w", "o"):
            (w if op[0] == "w" else o).append(op[1], recoveries, i)
        elif op[0] == "recover":
            if w.refusing or o.refusing:
                r = _open(f"jsonl:{path}", setup)
                try:
                    rec = r.recover(ticket="TEST-1")
                except Exception:  # noqa: BLE001 - e.g. keys no longer match the damaged log: stays refusing
                    continue
                r.close()
                recoveries.append((i, canonical(rec)))
        else:
            _tamper(path, op, setup)


def test_cut_tail_of_a_running_log_is_refused_and_stays_refused_until_recovery(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = _open(f"jsonl:{path}", "signing")
    for _ in range(5):
        log.append(REC)
    _save(path, _lines(path)[:-2])
    with pytest.raises(AuditDiscontinuityError, match="went backwards") as err:
        log.append(REC)
    assert "audit recover" in str(err.value)
    size = path.stat().st_size
    for _ in range(3):
        with pytest.raises(AuditDiscontinuityError):
            log.append(REC)
    assert path.stat().st_size == size and log.halted
    r = _open(f"jsonl:{path}", "signing")
    rec = r.recover(ticket="INC-42")
    r.close()
    assert rec["kind"] == "discontinuity" and rec["discontinuity"]["ticket"] == "INC-42"
    assert log.append(REC)["seq"] > rec["seq"]
    log.close()
    v = open_audit(f"jsonl:{path}").verify(SIGNING.public_key())
    assert v.ok, v.problems
    assert v.discontinuities and "INC-42" in v.discontinuities[0]


def test_forged_record_appended_to_a_running_signed_log_is_refused_not_signed_over(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = _open(f"jsonl:{path}", "signing")
    log.append(REC)
    _tamper(path, ("forge",), "signing")
    with pytest.raises(AuditDiscontinuityError, match="writer authentication code"):
        log.append(REC)
    with pytest.raises(AuditDiscontinuityError):
        log.checkpoint()  # no tree head is ever signed over the forged record
    assert not any(b'"kind":"checkpoint"' in x for x in _lines(path))


def test_forged_record_in_a_running_hmac_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = _open(f"jsonl:{path}", "hmac")
    log.append(REC)
    _tamper(path, ("forge",), "hmac")
    with pytest.raises(AuditDiscontinuityError, match="HMAC"):
        log.append(REC)


@pytest.mark.parametrize("scheme", ["jsonl", "sqlite"])
def test_deleted_log_file_is_refused_never_replaced_by_a_new_log(tmp_path: Path, scheme: str) -> None:
    path = tmp_path / f"a.{scheme}"
    log = _open(f"{scheme}:{path}", "none")
    log.append(REC)
    os.unlink(path)
    with pytest.raises(AuditDiscontinuityError, match="deleted"):
        log.append(REC)
    assert not path.exists()  # no new log was started in its place, and nothing went into the deleted file


def test_sqlite_rows_cut_or_table_emptied_are_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "a.db"
    log = _open(f"sqlite:{path}", "none")
    for _ in range(4):
        log.append(REC)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq >= 3")
    with pytest.raises(AuditDiscontinuityError, match="gone"):
        log.append(REC)
    log2 = _open(f"sqlite:{path}", "none")
    log2.append(REC)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(AuditDiscontinuityError, match="empty"):
        log2.append(REC)


def test_pinned_writer_refuses_an_emptied_or_swapped_log(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first = _open(f"jsonl:{a}", "none")
    first.append(REC)
    first.close()
    log_id = first.log_id
    other = _open(f"jsonl:{b}", "none")
    other.append(REC)
    other.close()
    os.replace(b, a)  # another day's log put in its place
    pinned = open_audit(f"jsonl:{a}", log_id=log_id)
    with pytest.raises(AuditDiscontinuityError, match="swapped"):
        pinned.append(REC)
    a.unlink()
    with pytest.raises(AuditDiscontinuityError, match="empty"):
        open_audit(f"jsonl:{a}", log_id=log_id).append(REC)


def test_recover_from_the_command_line_lets_the_refusing_writer_resume(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from status_guard.cli import cli

    path = tmp_path / "a.jsonl"
    log = _open(f"jsonl:{path}", "none")
    for _ in range(3):
        log.append(REC)
    _save(path, _lines(path)[:-1])
    with pytest.raises(AuditDiscontinuityError):
        log.append(REC)
    r = CliRunner().invoke(cli, ["audit", "recover", "--audit", f"jsonl:{path}", "--ticket", "INC-2026-77",
                                 "--reason", "cut", "--yes"])
    assert r.exit_code == 0, r.output
    assert "discontinuity recorded as seq" in r.output and "reason: cut" in r.output
    log.append(REC)
    log.close()
    v = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}"])
    assert v.exit_code == 0 and "DISCONTINUITY" in v.output and "INC-2026-77" in v.output
    bad = CliRunner().invoke(cli, ["audit", "recover", "--audit", f"jsonl:{path}", "--ticket", "free text!", "--yes"])
    assert bad.exit_code == 2


def test_a_change_made_without_the_lock_while_the_writer_appends_is_refused(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the writer's look at the file and its write, someone who ignores the lock cuts it."""
    import status_guard.audit.sinks.jsonl as jsonl_mod

    path = tmp_path / "a.jsonl"
    log = _open(f"jsonl:{path}", "none")
    for _ in range(3):
        log.append(REC)
    real_write = os.write
    state = {"done": False}

    def racing_write(fd: int, data: Any) -> int:
        if not state["done"]:
            state["done"] = True
            os.truncate(path, path.stat().st_size - 10)  # the insider's cut lands just before our write
        return real_write(fd, data)

    monkeypatch.setattr(jsonl_mod.os, "write", racing_write)
    with pytest.raises(AuditDiscontinuityError, match="without the lock"):
        log.append(REC)
    monkeypatch.setattr(jsonl_mod.os, "write", real_write)
    with pytest.raises(AuditDiscontinuityError):
        log.append(REC)  # and it keeps refusing
