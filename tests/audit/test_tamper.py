"""Every edited, deleted, inserted, reordered or truncated record is found and named."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest

from status_guard.audit import open_audit
from status_guard.audit.canonical import canonical, record_hash


def _write_log(path: Path, make_record: Any, n: int = 10, **kw: Any) -> list[bytes]:
    log = open_audit(f"jsonl:{path}", fsync="never", **kw)
    for i in range(n):
        log.append(make_record(request_id=f"req-{i}"))
    log.close()
    return path.read_bytes().splitlines()


def _save(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _verify(path: Path, **kw: Any) -> Any:
    return open_audit(f"jsonl:{path}", hmac_key=kw.pop("hmac_key", None)).verify(**kw)


def _kinds(report: Any) -> list[tuple[int | None, str]]:
    return [(p.seq if p.seq is not None else p.line, p.kind) for p in report.problems]


def _rehash(line: bytes, change: Any, key: bytes | None = None) -> bytes:
    rec = orjson.loads(line)
    change(rec)
    rec["hash"] = record_hash(rec, key)
    return canonical(rec)


def test_intact_log_verifies_and_ended_cleanly(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    _write_log(path, make_record)
    r = _verify(path)
    assert r.ok, r.problems
    assert (r.first_seq, r.last_seq, r.count, r.ended_cleanly) == (0, 11, 12, True)


def test_edited_record_is_named_by_seq(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    lines[4] = lines[4].replace(b'"effect":"block"', b'"effect":"allow"')
    _save(path, lines)
    assert _kinds(_verify(path)) == [(4, "edited")]


def test_edited_and_rehashed_record_is_named_not_the_next_one(tmp_path: Path, make_record: Any) -> None:
    """The first edited record is named (seq 4), not the record whose link it broke (seq 5)."""
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    lines[4] = _rehash(lines[4], lambda r: r.__setitem__("effect", "allow"))
    _save(path, lines)
    r = _verify(path)
    assert _kinds(r) == [(4, "edited")]
    assert "seq 4 (line 5) was changed and its hash recomputed" in r.problems[0].message


def _rewrite_from(lines: list[bytes], start: int, change: Any, *, heads: bool = True) -> list[bytes]:
    """What an insider without keys does: change record ``start``, recompute every SHA-256 hash and link
    after it and (``heads``) every tree head's root, frontier and head hash, leaving the signatures as
    they were (they cannot be recomputed without the private key)."""
    from status_guard.audit.merkle import Frontier, leaf_hash

    out = list(lines[:start])
    tree = Frontier()
    for line in out:
        tree.append(leaf_hash(line))
    prev = orjson.loads(lines[start - 1])["hash"]
    for line in lines[start:]:
        rec = orjson.loads(line)
        if len(out) == start:
            change(rec)
        rec.pop("auth", None)
        rec["prev_hash"] = prev
        if heads and "sth" in rec:
            rec["sth"].update(root=tree.root().hex(), head=prev)
            rec["frontier"] = tree.to_hex()
            rec.pop("consistency", None)
        rec["hash"] = prev = record_hash(rec, None)
        data = canonical(rec)
        tree.append(leaf_hash(data))
        out.append(data)
    return out


def test_rewritten_chain_and_heads_are_caught_by_the_signatures(tmp_path: Path, make_record: Any,
                                                                signing_key: Any) -> None:
    """Anyone can recompute SHA-256 hashes and Merkle roots after an edit; nobody without the key can
    re-sign a tree head."""
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=10, signing_key=signing_key, checkpoint_every=4)
    good = _verify(path, public_key=signing_key.public_key())
    assert good.ok and good.checkpoints_verified == 2 and good.heads_verified == 4  # start, 2 checkpoints, end
    _save(path, _rewrite_from(lines, 2, lambda r: r.__setitem__("effect", "allow")))
    assert _verify(path).ok  # without the public key the rewrite is invisible ...
    r = _verify(path, public_key=signing_key.public_key())
    assert not r.ok  # ... with it, no rewritten head carries a valid signature
    assert {k for _, k in _kinds(r)} == {"bad_signature", "unsigned"}  # and the closed log's tail is not covered
    assert r.heads_verified == 1  # only the start marker's head (size 0) still holds


def test_rewritten_chain_under_the_original_heads_is_narrowed_to_a_range(tmp_path: Path, make_record: Any,
                                                                          signing_key: Any) -> None:
    """When the insider leaves the signed heads in place, their roots no longer match, and the signed
    Merkle frontier narrows where the first change is."""
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=10, signing_key=signing_key, checkpoint_every=4)
    _save(path, _rewrite_from(lines, 7, lambda r: r.__setitem__("effect", "allow"), heads=False))
    r = _verify(path)
    assert "checkpoint_mismatch" in r.problem_kinds  # even without the key: the roots are plain SHA-256
    r = _verify(path, public_key=signing_key.public_key())
    edited = [p for p in r.problems if p.kind == "edited"]
    assert len(edited) == 1 and edited[0].seq is not None and edited[0].seq <= 7
    assert edited[0].message.startswith("seq 5-7:")  # after the head at seq 5, within the frontier node [0, 8)


def test_stripping_every_tree_head_is_caught_when_a_public_key_is_given(tmp_path: Path, make_record: Any,
                                                                         signing_key: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=5, signing_key=signing_key, checkpoint_every=2)
    kept, prev, seq = [], None, 0
    for line in lines:
        rec = orjson.loads(line)
        if rec["kind"] == "checkpoint":
            continue
        for k in ("sth", "frontier", "consistency", "auth"):
            rec.pop(k, None)
        rec["seq"], seq = seq, seq + 1
        if prev is not None:
            rec["prev_hash"] = prev
        rec["hash"] = prev = record_hash(rec, None)
        kept.append(canonical(rec))
    _save(path, kept)
    assert _verify(path).ok
    assert "unsigned" in {k for _, k in _kinds(_verify(path, public_key=signing_key.public_key()))}


def test_hmac_chain_cannot_be_rehashed_without_the_key(tmp_path: Path, make_record: Any, hmac_key: bytes) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, hmac_key=hmac_key)
    lines[3] = _rehash(lines[3], lambda r: r.__setitem__("effect", "allow"))  # attacker has no key: uses SHA-256
    _save(path, lines)
    # the forged hash is not an HMAC under the key, and the next record no longer links to it
    assert _kinds(_verify(path, hmac_key=hmac_key)) == [(3, "edited"), (4, "broken_link")]


def test_hmac_log_without_the_key_is_unverifiable_not_valid(tmp_path: Path, make_record: Any, hmac_key: bytes) -> None:
    path = tmp_path / "a.jsonl"
    _write_log(path, make_record, hmac_key=hmac_key)
    assert _verify(path, hmac_key=hmac_key).ok
    r = _verify(path)
    assert not r.ok and "unverifiable" in r.problem_kinds


def test_downgrade_to_sha256_is_refused_when_a_key_is_expected(tmp_path: Path, make_record: Any,
                                                                 hmac_key: bytes) -> None:
    path = tmp_path / "a.jsonl"
    _write_log(path, make_record)  # a SHA-256 log (e.g. rewritten wholesale by an insider)
    r = _verify(path, hmac_key=hmac_key)
    assert not r.ok and "unverifiable" in r.problem_kinds


def test_deleted_record_is_named_missing(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    del lines[6]
    _save(path, lines)
    r = _verify(path)
    assert _kinds(r) == [(6, "missing")]
    assert "seq 6" in r.problems[0].message


def test_deleted_range_is_named_with_its_seqs(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    del lines[3:6]
    _save(path, lines)
    r = _verify(path)
    assert _kinds(r) == [(3, "missing")]
    assert "seq 3-5" in r.problems[0].message


def test_deleted_beginning_is_named_missing(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    _save(path, lines[2:])
    r = _verify(path)
    assert _kinds(r) == [(0, "missing")]


def test_inserted_forged_record_is_named(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    forged = orjson.loads(lines[5])
    forged["effect"] = "allow"
    forged["request_id"] = "req-forged"
    forged["hash"] = record_hash(forged, None)  # links to seq 4, claims seq 5
    lines.insert(6, canonical(forged))
    _save(path, lines)
    r = _verify(path)
    assert _kinds(r) == [(5, "inserted")]
    assert "line 7" in r.problems[0].message


def test_inserted_record_after_end_marker_is_named(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    last = orjson.loads(lines[-1])
    forged = orjson.loads(lines[-2])
    forged.update(seq=last["seq"] + 1, prev_hash=last["hash"])
    forged["hash"] = record_hash(forged, None)
    lines.append(canonical(forged))
    _save(path, lines)
    r = _verify(path)
    kinds = {k for _, k in _kinds(r)}
    assert "inserted" in kinds and r.problems[0].seq == 12


def test_reordered_records_are_named(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    lines[4], lines[5] = lines[5], lines[4]
    _save(path, lines)
    r = _verify(path)
    assert [k for _, k in _kinds(r)] == ["reordered"]
    assert r.problems[0].seq in (4, 5)


def test_truncated_tail_is_named_with_the_last_record(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record)
    _save(path, lines[:-3])
    r = _verify(path)
    assert _kinds(r) == [(8, "truncated")]
    assert "ends at seq 8" in r.problems[0].message
    assert not r.ended_cleanly


def test_truncation_below_an_exported_checkpoint_is_caught_even_with_a_forged_end(
        tmp_path: Path, make_record: Any, signing_key: Any) -> None:
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}", signing_key=signing_key, fsync="never")
    for i in range(8):
        log.append(make_record())
    anchor = log.checkpoint()  # exported and kept elsewhere
    log.close()
    lines = path.read_bytes().splitlines()[:5]
    end = orjson.loads(path.read_bytes().splitlines()[-1])
    prev = orjson.loads(lines[-1])
    for k in ("sth", "frontier", "consistency", "auth"):  # the insider cannot sign a head for the new end
        end.pop(k, None)
    end.update(seq=prev["seq"] + 1, prev_hash=prev["hash"])
    end["hash"] = record_hash(end, None)
    _save(path, lines + [canonical(end)])
    assert _verify(path).ok  # the cut is invisible to the chain alone
    r = _verify(path, anchors=[anchor], public_key=signing_key.public_key())
    assert "truncated" in r.problem_kinds
    # and the forged end marker, which carries no signed head, is named even without the anchor
    assert "unsigned" in _verify(path, public_key=signing_key.public_key()).problem_kinds


def test_open_tail_is_accepted_only_when_asked(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    log.append(make_record())
    assert not log.verify().ok
    live = log.verify(allow_open_tail=True)
    assert live.ok and not live.ended_cleanly and live.warnings
    log.close()
    assert log.verify().ok


def test_value_smuggled_into_a_rehashed_record_is_named_invalid(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=3)
    lines[-1] = _rehash(lines[-1], lambda r: r.__setitem__("note", "A123456789"))
    _save(path, lines)
    r = _verify(path)
    assert (4, "invalid_record") in _kinds(r)
    assert "A123456789" not in str(r.as_dict())


def test_duplicate_key_smuggling_outside_the_hash_is_named_edited(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=3)
    lines[2] = b'{"effect":"SECRET-VALUE",' + lines[2][1:]  # the later "effect" wins when parsed
    _save(path, lines)
    assert _kinds(_verify(path)) == [(2, "edited")]


def test_garbage_line_in_the_middle_is_named_corrupt(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    lines = _write_log(path, make_record, n=3)
    lines.insert(2, b"not a record")
    _save(path, lines)
    r = _verify(path)
    assert [(p.line, p.kind) for p in r.problems] == [(3, "corrupt")]


def test_sqlite_row_edit_delete_and_swap_are_named(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.db"
    log = open_audit(f"sqlite:{path}")
    for i in range(10):
        log.append(make_record(request_id=f"req-{i}"))
    log.close()
    assert log.verify().ok
    conn = sqlite3.connect(path)
    conn.execute("UPDATE audit_log SET record = replace(record, '\"effect\":\"block\"', '\"effect\":\"allow\"') "
                 "WHERE seq = 3")
    conn.execute("DELETE FROM audit_log WHERE seq = 6")
    r7, r8 = (conn.execute("SELECT record FROM audit_log WHERE seq = ?", (s,)).fetchone()[0] for s in (7, 8))
    conn.execute("UPDATE audit_log SET record = ? WHERE seq = 7", (r8,))
    conn.execute("UPDATE audit_log SET record = ? WHERE seq = 8", (r7,))
    conn.commit()
    conn.close()
    r = open_audit(f"sqlite:{path}").verify()
    kinds = _kinds(r)
    assert (3, "edited") in kinds and (6, "missing") in kinds
    assert any(k == "reordered" and s in (7, 8) for s, k in kinds)
