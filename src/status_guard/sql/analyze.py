"""Compatibility module: the analysis now lives in :mod:`status_guard.sql.analysis`, one pass per
module (see its docstring for the order)."""

from __future__ import annotations

from .analysis import RULES, Analysis, KeyedUse, Output, Pin, StatementAnalysis, Value, Write, analyse

__all__ = ["Analysis", "KeyedUse", "Output", "Pin", "RULES", "StatementAnalysis", "Value", "Write", "analyse"]
