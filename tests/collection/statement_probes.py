"""Measure: how many first-person statements, threats, inquiries and service questions of
``test_volunteered_statements_every_language.py`` are read as the law wants (issue 12 items 7, 8).

    PYTHONPATH=src python tests/collection/statement_probes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from statement_phrasings import DISCLOSE, INQUIRIES, SERVICES, THREATS, _story  # noqa: E402

from status_guard import Effect, Guard  # noqa: E402
from status_guard import collection as C  # noqa: E402


def main() -> None:
    g = Guard.default(audit="memory:")

    def eff(body: dict, scope: str, **kw: object) -> tuple[Effect, bool]:
        col = C.check(g, C.read(body, **kw), scope=scope, requester="public")
        return col.decision.effect, any("volunteered_status" in h.categories for h in col.decision.hits)

    rows = {"statement (city flag + schools redact)": [0, 0], "threat (kept, flagged)": [0, 0],
            "inquiry as a label (refused)": [0, 0], "service question (accepted)": [0, 0]}
    for lang, sts in DISCLOSE.items():
        for s in sts:
            body = {"complaint": _story(lang, s, 1), "q7": "Oui"}
            ok = eff(body, "city") == (Effect.FLAG, True) and eff(body, "schools")[0] is Effect.REDACT
            rows["statement (city flag + schools redact)"][0] += ok
            rows["statement (city flag + schools redact)"][1] += 1
    for lang, t in THREATS.items():
        ok = eff({"complaint": _story(lang, t, 1)}, "schools")[0] is Effect.FLAG
        rows["threat (kept, flagged)"][0] += ok
        rows["threat (kept, flagged)"][1] += 1
    for lang, qs in INQUIRIES.items():
        for q in qs:
            rows["inquiry as a label (refused)"][0] += eff({"q7": "no"}, "city", labels={"q7": q})[0] is Effect.BLOCK
            rows["inquiry as a label (refused)"][1] += 1
    for lang, qs in SERVICES.items():
        for q, a in qs:
            rows["service question (accepted)"][0] += eff({"q7": a}, "city", labels={"q7": q})[0] is Effect.ALLOW
            rows["service question (accepted)"][1] += 1
    for k, (n, t) in rows.items():
        print(f"{k:45s} {n:3d}/{t}")


if __name__ == "__main__":
    main()
