"""Witnesses: where signed tree heads go so that someone who can edit the log cannot edit them.

    from status_guard.audit.witness import open_witness, WitnessBook
    w = open_witness("dir:/mnt/witness/audit")       # postgresql://..., syslog:, https://..., memory:
    findings = WitnessBook(public_keys=[pub]).extend(w.entries()).check()
"""

from .base import ENTRY_TYPE, Witness, WitnessError, entry_problem, make_entry, open_witness
from .book import Finding, WitnessBook

__all__ = ["ENTRY_TYPE", "Finding", "Witness", "WitnessBook", "WitnessError", "entry_problem", "make_entry",
           "open_witness"]
