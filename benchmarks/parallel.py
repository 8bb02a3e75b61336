"""Parallel speed-up: 40 replications of the Erlang-A reference day on 1 and 2 workers.

Usage: ``python benchmarks/parallel.py [--replications 40] [--repeats 3] [--json FILE]``

Times ``ccsim.simulate(scenario, replications=40, workers=N)`` (KPIs and
estimates included) for N = 1 and 2, median of ``--repeats`` runs, checks
that both give bit-identical JSON, and prints calls per second and the
speed-up. The target is >= 1.7x on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import ccsim

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)

    scenario = ccsim.load(ROOT / "scenarios" / "erlang_a_reference.yaml")
    ccsim.simulate(scenario, replications=2, workers=2)  # warm-up: imports, first fork
    rows, docs = [], {}
    for workers in (1, 2):
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            est = ccsim.simulate(scenario, replications=args.replications, workers=workers)
            times.append(time.perf_counter() - start)
        docs[workers] = json.dumps(est.to_dict(), sort_keys=True)
        calls = est.contact_types["calls"]["offered"].mean * args.replications
        seconds = statistics.median(times)
        rows.append({"workers": workers, "replications": args.replications, "calls": calls,
                     "median_s": seconds, "calls_per_s": calls / seconds})
    speedup = rows[0]["median_s"] / rows[1]["median_s"]
    identical = docs[1] == docs[2]
    print("| workers | replications | calls | median s | calls/s |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['workers']} | {r['replications']} | {r['calls']:,.0f} | {r['median_s']:.2f} "
              f"| {r['calls_per_s']:,.0f} |")
    print(f"\nspeed-up on 2 workers: {speedup:.2f}x (target >= 1.7x); results identical: {identical}")
    if args.json_path:
        summary = {"rows": rows, "speedup": speedup, "identical": identical}
        Path(args.json_path).write_text(json.dumps(summary, indent=2))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
