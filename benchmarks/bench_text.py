"""Cost of free-text detection: status_guard's detector vs Presidio's full default registry.

    .venv/bin/python benchmarks/bench_text.py [--repeat 7] [--json] [--check]

Both run in this process on the same texts: a ~200-character note and a ~5 KB narrative (English
and a multilingual mix).  The baseline is Presidio's full predefined English registry (17
recognizers incl. phone, e-mail, credit card...) built offline: NoOpNlpEngine, tldextract pinned
to its bundled list.  Figures are medians of ``--repeat`` rounds; the target is a *ratio*
(ours / baseline), which is what ``--check`` enforces, never an absolute time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

TARGET_RATIO = 1.0  # ours must not cost more than Presidio's default registry on the same text

NOTES = [
    "R/O responded to a disturbance at 48 Columbia Street, Apt 3, Cambridge, MA 02139. The reporting "
    "party said she is undocumented and was afraid to call. Subject released on 03/14/2026.",
    "Parent came in to enroll two children. Proof of residency: lease for 19 Pine Street, Unit 1B. "
    "Parent volunteered the family is seeking asylum; hearing March 20, 2026.",
    "La clienta dijo que es indocumentada y tiene miedo de llamar a la policía. Vive en 52 Webster "
    "Ave, Apt 1. Tiene audiencia en la corte el 15 de abril de 2026.",
    "A cliente está sem documentos e trabalha como faxineira. O preso será solto no dia 18 de março.",
    "Kliyan an di li san papye e li pè rele lapolis. Li gen yon odyans nan tribinal 10/04/2026.",
    "客户说她是无证移民，不敢报警。移民法庭听证会定于2026年4月20日。ICE listed A-number A123456789.",
    "Officers assisted with a traffic stop on Mass Ave near Central Square. The operator produced a "
    "valid license. Citation issued for failure to stop. Call 617-555-0142 for the report copy.",
]


def _texts() -> dict[str, str]:
    short_en = NOTES[0][:200]
    short_mixed = NOTES[2][:200]
    long = []
    i = 0
    while sum(len(t) + 1 for t in long) < 5 * 1024:
        long.append(NOTES[i % len(NOTES)])
        i += 1
    long_text = " ".join(long)[: 5 * 1024]
    long_en = " ".join([NOTES[0], NOTES[1], NOTES[6]] * 20)[: 5 * 1024]
    return {"200 chars (en)": short_en, "200 chars (es)": short_mixed,
            "5 KB (en)": long_en, "5 KB (5 languages)": long_text}


def _median_ms(fn: Callable[[], object], repeat: int, min_time: float = 0.2) -> float:
    fn()
    n = 1
    while True:  # calibrate: enough calls per round for min_time
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or n >= 100_000:
            break
        n *= 2
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        rounds.append((time.perf_counter() - t0) / n * 1000)
    return statistics.median(rounds)


def build_presidio_default():
    from status_guard.text.offline import pin_tldextract

    pin_tldextract()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    engine.analyze("warm up 617-555-0142 bob@example.com", language="en")
    return engine, len(registry.recognizers)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true", help=f"exit 1 unless ours/baseline <= {TARGET_RATIO}")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from status_guard.text import TextDetector

    ours = TextDetector.from_policy_data(None)
    build_ours = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    ours.warm()
    warm_ours = (time.perf_counter() - t0) * 1000
    presidio, n_presidio = build_presidio_default()

    rows = []
    for label, text in _texts().items():
        a = _median_ms(lambda: ours.detect(text), args.repeat)
        b = _median_ms(lambda: presidio.analyze(text, language="en"), args.repeat)
        rows.append({"text": label, "chars": len(text), "ours_ms": round(a, 4), "presidio_default_ms": round(b, 4),
                     "ratio": round(a / b, 3)})
    result = {"build_ms_incl_presidio_import": round(build_ours, 1), "first_call_ms": round(warm_ours, 2),
              "ours_recognizers": len(ours.config.recognizers), "presidio_default_recognizers": n_presidio,
              "target_ratio": TARGET_RATIO, "rows": rows}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"status_guard detector: {result['ours_recognizers']} recognizers; built in "
              f"{result['build_ms_incl_presidio_import']} ms (incl. Presidio import), first call "
              f"{result['first_call_ms']} ms")
        print(f"baseline: Presidio default registry, {n_presidio} recognizers, NoOpNlpEngine, offline")
        print(f"{'text':<22}{'chars':>7}{'ours ms':>11}{'presidio ms':>13}{'ratio':>8}")
        for r in rows:
            print(f"{r['text']:<22}{r['chars']:>7}{r['ours_ms']:>11.3f}{r['presidio_default_ms']:>13.3f}{r['ratio']:>8.2f}")
    if args.check and any(r["ratio"] > TARGET_RATIO for r in rows):
        print(f"FAIL: a ratio is above the target {TARGET_RATIO}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
