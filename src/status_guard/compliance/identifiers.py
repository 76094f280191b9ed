"""One normalisation of identifiers for every 2.129.060 figure (w16e F14).

A booking number and a case reference typed by an officer are the same identifier whatever their
letter case, Unicode compatibility form or surrounding spaces: ``INV-1``, ``inv-1`` and ``INV-1 ``
are one investigation, as ``BK-5120`` and ``bk-5120`` are one individual (the person reference folds
the same way, :func:`status_guard.audit.keyed_ref`). Figures group by :func:`same_id`; the report shows
the first spelling recorded.
"""

from __future__ import annotations

import unicodedata


def same_id(value: str) -> str:
    """The form two identifiers are compared in: NFKC, case-folded, outer spaces removed."""
    return unicodedata.normalize("NFKC", value).casefold().strip()
