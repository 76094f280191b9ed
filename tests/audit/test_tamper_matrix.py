"""The tamper matrix of docs/audit.md, cell by cell.

Invariant: for each kind of edit an insider with write access and no keys can make, under each key
set-up, the outcome is exactly the one docs/audit.md states — every cell below is run against a
real log (tamper_matrix.py), and the table in the docs is rendered from these cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tamper_matrix as tm  # noqa: E402

V, W, X, N = tm.CAUGHT_VERIFY, tm.CAUGHT_WRITER, tm.CAUGHT_WITNESS, tm.NOT
PIN = f"{N}; with --log-id: caught"

EXPECTED: dict[str, tuple[str, str, str, str]] = {
    #                   no key  HMAC  signing  signing + witness
    "edit":             (V, V, V, V),
    "edit_rehash":      (V, V, V, V),
    "rewrite":          (N, V, V, V),
    "delete":           (V, V, V, V),
    "delete_rechain":   (N, V, V, V),
    "insert_rechain":   (N, V, V, V),
    "reorder":          (V, V, V, V),
    "append_session":   (N, V, V, V),
    "cut_tail":         (V, V, V, V),
    "cut_forged_end":   (N, V, V, V),
    "cut_checkpoint_end": (N, V, V, V),
    "cut_session":      (N, N, N, X),
    "swap":             (PIN, PIN, PIN, X),
    "delete_restart":   (PIN, PIN, PIN, W),
    "cut_restart":      (N, N, N, W),
    "strip_heads":      (N, V, V, V),
    "rewrite_whole":    (N, V, V, V),
    "live_cut":         (W, W, W, W),
    "live_forge":       (N, W, W, W),
    "live_delete":      (W, W, W, W),
}


def test_the_matrix_covers_every_row() -> None:
    assert set(EXPECTED) == set(tm.ROWS)


@pytest.mark.parametrize("setup", tm.SETUPS)
@pytest.mark.parametrize("row", list(tm.ROWS))
def test_tamper_matrix_cell(row: str, setup: str) -> None:
    assert tm.run_cell(row, setup) == EXPECTED[row][tm.SETUPS.index(setup)]


def test_docs_show_exactly_this_matrix() -> None:
    table = tm.render({(r, s): EXPECTED[r][i] for r in EXPECTED for i, s in enumerate(tm.SETUPS)})
    docs = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    assert table in docs, "docs/audit.md must contain the tamper matrix as rendered by tests/audit/tamper_matrix.py"
