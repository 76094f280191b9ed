"""`status-guard text detect` — exit codes like grep, no excerpts unless asked."""

from __future__ import annotations

import json

from click.testing import CliRunner

from status_guard.cli.text import text

NOTE = "Mom said they are undocumented; they live at 12 Otis St, Cambridge, MA 02141."


def test_detect_json_lists_spans_without_excerpts_and_exits_1(detector):
    res = CliRunner().invoke(text, ["detect", "--json", NOTE])
    assert res.exit_code == 1, res.output
    doc = json.loads(res.output)
    assert doc["categories"] == ["home_address", "immigration_status"]
    assert "undocumented" not in res.output and "Otis" not in res.output
    f = doc["findings"][0]
    assert NOTE[f["start"]:f["end"]] == "undocumented"


def test_detect_reads_stdin_and_redacts(detector):
    res = CliRunner().invoke(text, ["detect", "--redact", "-"], input=NOTE)
    assert res.exit_code == 1
    assert "Mom said they are [REDACTED:immigration_status]; they live at [REDACTED:home_address]." in res.output


def test_clean_text_exits_0(detector):
    res = CliRunner().invoke(text, ["detect", "--scope", "schools", "Bus leaves at 8:30 for the museum."])
    assert res.exit_code == 0 and "no protected categories found" in res.output


def test_unknown_scope_is_an_error_exit_2(detector):
    res = CliRunner().invoke(text, ["detect", "--scope", "nowhere", NOTE])
    assert res.exit_code == 2 and "unknown scope" in res.output and "Otis" not in res.output
