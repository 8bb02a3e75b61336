"""Calls simulated per second on every bundled scenario (one core, KPIs included).

Usage: ``python benchmarks/scenarios.py [--runs 5] [--json FILE]``

For each ``scenarios/*.yaml`` (snapshots left out): the median over ``--runs`` seeds of the wall time
of ``ccsim.simulate(scenario, replications=1, seed=s, workers=1)``, after an
untimed warm-up, and contacts simulated per second (every contact attempt
counts: retrials and repeat contacts too). Shows what caller journeys, several
contact types and multi-day horizons cost compared with the plain reference day.
Last, the bundled omnichannel scenario's wall time with its default replications.
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


def measure(path: Path, runs: int) -> dict:
    scenario = ccsim.load(path)
    ccsim.simulate(scenario, replications=1, seed=10_000, workers=1)  # warm-up
    times, calls = [], []
    for seed in range(1, runs + 1):
        start = time.perf_counter()
        est = ccsim.simulate(scenario, replications=1, seed=seed, workers=1)
        times.append(time.perf_counter() - start)
        calls.append(sum(k["offered"].mean for k in est.contact_types.values()))
    rates = [c / t for c, t in zip(calls, times, strict=True)]
    return {"scenario": path.name, "days": scenario.horizon.days, "calls": statistics.median(calls),
            "median_s": statistics.median(times), "calls_per_s": statistics.median(rates)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    paths = [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if not p.name.startswith("snapshot_")]
    rows = [measure(p, args.runs) for p in paths]
    print("| scenario | days | contacts | median s | contacts/s |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['scenario']} | {r['days']} | {r['calls']:,.0f} | {r['median_s']:.3f} | {r['calls_per_s']:,.0f} |")
    # The omnichannel scenario as a planner runs it: its default replications, one core.
    scenario = ccsim.load(ROOT / "scenarios" / "omnichannel.yaml")
    start = time.perf_counter()
    ccsim.simulate(scenario, workers=1)
    whole = time.perf_counter() - start
    print(f"\nomnichannel.yaml with its default {scenario.replications} replications: {whole:.2f} s (one core)")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"scenarios": rows, "omnichannel_default_s": whole}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
