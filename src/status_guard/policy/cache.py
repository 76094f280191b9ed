"""A local cache of validated policy packs (issue 15: ``Guard.default()`` parsed ~560 KB of YAML,
validated it with pydantic and compiled the lexicon automata on every start: ~0.85 s).

An entry holds the validated pack (model, hash, lexicon files) and its compiled lexicon, pickled,
with the SHA-256 of every file it was read from — the pack file and each lexicon file it lists —
and of the library source that reads and compiles them. It is used only when all of them are
byte-for-byte what they were: a changed pack file, a changed lexicon file or a changed loader
never meets a stale entry (``tests/core/test_policy_cache.py``).

Where: ``$STATUS_GUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/status_guard``, else
``~/.cache/status_guard``. ``STATUS_GUARD_CACHE_DIR=off`` turns it off. Because an entry is a
pickle, it is read only from a directory and file owned by the current user and writable by no
one else; anything else (and any error reading or writing) means "no entry": the pack is loaded
from its files, as without a cache.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("status_guard")

FORMAT = 1
#: library source whose code decides what a loaded pack is (validated model, hash, compiled lexicon)
_PKG = Path(__file__).resolve().parents[1]


def _sources() -> list[str]:
    """Every module of the package: what the compiled lexicon is built by can move between
    modules, so a source change anywhere makes a new entry (never a stale one)."""
    return sorted(str(p.relative_to(_PKG)) for p in _PKG.rglob("*.py"))


def cache_dir() -> Path | None:
    env = os.environ.get("STATUS_GUARD_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in {"", "off", "0", "false", "no"} else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "status_guard"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_code_tag: str | None = None


def code_tag() -> str:
    """What the entry's contents depend on besides the pack: library source, Python, pydantic,
    pyahocorasick (the pickled automata)."""
    global _code_tag
    if _code_tag is None:
        h = hashlib.sha256()
        for rel in _sources():
            try:
                h.update(rel.encode() + b"\0" + (_PKG / rel).read_bytes() + b"\0")
            except OSError:
                h.update(rel.encode() + b"\0missing\0")
        import ahocorasick
        import pydantic

        h.update(f"{FORMAT}|{sys.version}|{pydantic.VERSION}|{getattr(ahocorasick, '__version__', '')}|"
                 f"{pickle.HIGHEST_PROTOCOL}".encode())
        _code_tag = h.hexdigest()
    return _code_tag


def _entry_path(directory: Path, pack_path: Path, pack_sha: str) -> Path:
    return directory / f"pack-{_sha(str(pack_path).encode())[:16]}-{pack_sha[:16]}.pickle"


def _private(p: Path, st: os.stat_result, *, directory: bool) -> bool:
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)


def load(pack_path: Path, pack_text: bytes) -> tuple[Any, ...] | None:
    """``(model, digest, lexicon, compiled_lexicon)`` of an entry whose every input file is unchanged."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        if not _private(directory, os.stat(directory), directory=True):
            return None
        pack_sha = _sha(pack_text)
        entry = _entry_path(directory, pack_path, pack_sha)
        with open(entry, "rb") as f:
            if not _private(entry, os.fstat(f.fileno()), directory=False):
                return None
            head = pickle.load(f)  # noqa: S301 - a private file (owner-only writable), content-keyed
            if (not isinstance(head, dict) or head.get("format") != FORMAT or head.get("code") != code_tag()
                    or head.get("pack") != (str(pack_path), pack_sha)):
                return None
            for rel, sha in head["files"]:
                if _sha((pack_path.parent / rel).read_bytes()) != sha:
                    return None
            # the cyclic GC is held off while the entry's many objects are built (it would walk
            # them again and again: about half the load time), then restored as it was
            paused = gc.isenabled()
            gc.disable()
            try:
                body = pickle.load(f)  # noqa: S301
            finally:
                if paused:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a cache: any problem means "load from the files"
        log.debug("status_guard: policy cache not used: %s", exc)
        return None
    return body


def store(pack_path: Path, pack_text: bytes, files: list[str], body: tuple[Any, ...]) -> None:
    """Write an entry (atomically); ``files``: the lexicon files the pack lists, relative to it."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory, os.stat(directory), directory=True):
            return
        pack_sha = _sha(pack_text)
        head = {"format": FORMAT, "code": code_tag(), "pack": (str(pack_path), pack_sha),
                "files": [(rel, _sha((pack_path.parent / rel).read_bytes())) for rel in files]}
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(head, f, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(body, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _entry_path(directory, pack_path, pack_sha))
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception as exc:  # noqa: BLE001 - a cache: not writing it changes nothing but speed
        log.debug("status_guard: policy cache not written: %s", exc)
