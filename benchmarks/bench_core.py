"""Cost of the policy core, as ratios against baselines measured in the same run.

    .venv/bin/python benchmarks/bench_core.py

Baselines: a naive keyword test (`any(k in name.lower() for k in KEYWORDS)`) for classification,
and `json.dumps` of the same form for a whole submission check. Figures are medians of repeated
runs; this machine is noisy (±30 %), so read the ratios, not the microseconds.
"""

from __future__ import annotations

import json
import statistics
import time

from status_guard import Guard
from status_guard.classify import Classifier

NAMES = [
    "first_name", "last_name", "isUsCitizen", "parent1citizenship1", "home_address", "zip", "phone",
    "email_address", "district_residency_proof", "english_learner_status", "student.grade",
    "guardian[relationship]", "country_of_birth", "visa_card_number", "emergency_contact.phone",
    "household.members[0].income", "school_preference_1", "allergies", "bus_route", "photo_release",
]
LABELS = ["Nombre", None, "¿Es ciudadano de EE.UU.?", None, "Dirección", None, None, None, None, None,
          None, None, "País de nacimiento", None, None, None, None, None, None, "Media release"]
KEYWORDS = ["citizen", "immigra", "alien", "passport", "visa", "birth", "address", "release", "court"]
FORM = {n: "x" for n in NAMES}


def timeit(fn, n: int, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n)
    return statistics.median(runs)


def main() -> None:
    guard = Guard.default(audit="memory:")

    def naive() -> None:
        for n in NAMES:
            any(k in n.lower() for k in KEYWORDS)

    def cold() -> None:
        c = Classifier(guard.policy.file.categories)  # fresh cache each time: includes compile
        for n, l in zip(NAMES, LABELS):
            c.classify(n, l)

    compiled = Classifier(guard.policy.file.categories)

    def cold_no_compile() -> None:
        compiled._cache.cache_clear()
        compiled._pair_cache.cache_clear()
        from status_guard.normalize import normalize, tokens
        normalize.cache_clear()
        tokens.cache_clear()
        for n, l in zip(NAMES, LABELS):
            compiled.classify(n, l)

    def cached() -> None:
        for n, l in zip(NAMES, LABELS):
            guard.classify_field(n, l)

    def submission() -> None:
        guard.check_submission(FORM, scope="schools", requester="local")

    def dumps() -> None:
        json.dumps(FORM)

    cached()
    base = timeit(naive, 2000)
    rows = [
        ("naive keyword scan, 20 names (baseline)", base, 1.0),
        ("classify 20 names+labels, compile + cold", timeit(cold, 20), None),
        ("classify 20 names+labels, cold cache", timeit(cold_no_compile, 200), None),
        ("classify 20 names+labels, cached", timeit(cached, 2000), None),
    ]
    print(f"{'case':48} {'per call':>12} {'× baseline':>11}")
    for name, t, r in rows:
        print(f"{name:48} {t * 1e6:10.1f}µs {(r or t / base):10.1f}×")
    b2 = timeit(dumps, 5000)
    s = timeit(submission, 2000)
    print(f"{'json.dumps of the 20-field form (baseline)':48} {b2 * 1e6:10.1f}µs {1.0:10.1f}×")
    print(f"{'check_submission, 20 fields, schools':48} {s * 1e6:10.1f}µs {s / b2:10.1f}×")


if __name__ == "__main__":
    main()
