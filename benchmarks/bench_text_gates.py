"""Free-text detection of values never seen before, with and without the literal pre-filter gates
(issue 15, ``status_guard.text.gates``), as a ratio measured in the same run (CPU time, alternating
rounds; the median is reported).

    python benchmarks/bench_text_gates.py [--rounds 5] [--n 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from status_guard.text.config import build_config
from status_guard.text.engine import TextDetector

EN = ("the resident asked about parking permits and library hours near the park on Monday after school "
      "bus route seven was late again because of road work on the bridge").split()
ES = ("la residente preguntó por los permisos de estacionamiento y el horario de la biblioteca cerca del "
      "parque el lunes después de la escuela porque el autobús llegó tarde").split()


def texts(words: list[str], n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 14))) + f" #{seed}-{i}" for i in range(n)]


def per_text(det: TextDetector, batch: list[str]) -> float:
    t = time.process_time()
    for x in batch:
        det._detect(x, None, det.config.min_score, None)  # the detection itself, no memo
    return (time.process_time() - t) / len(batch) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    cfg = build_config(None, None)
    gated, plain = TextDetector(cfg), TextDetector(cfg, prefilter=False)
    for d in (gated, plain):
        d.warm()
    for name, words in (("English (ASCII)", EN), ("Spanish (accents: non-ASCII)", ES)):
        g, p = [], []
        for r in range(args.rounds):
            batch = texts(words, args.n, r)
            order = [(gated, g), (plain, p)] if r % 2 == 0 else [(plain, p), (gated, g)]
            for det, out in order:
                out.append(per_text(det, batch))
        mg, mp = statistics.median(g), statistics.median(p)
        print(f"{name}: ungated {mp:.0f} µs → gated {mg:.0f} µs CPU per new text ({mp / mg:.1f}× less)")


if __name__ == "__main__":
    main()
