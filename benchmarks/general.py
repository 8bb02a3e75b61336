"""Contacts per second through the general machinery of the engine, before and after.

Usage: ``python benchmarks/general.py [--runs 7] [--json FILE] [--tree DIR]``

Three days that use what the foundation's rule does not: the Erlang-A reference day
with per-agent statistics (``statistics.per_agent: true``), the omnichannel retailer
(chats with slowdown, email with overnight mail, overflow, three groups on shifts with
breaks, absenteeism and aux) and the telco line (IVR, balking, retrials, scheduled
callbacks, repeat calls over three days) — beside the plain reference day.

Timed: ``ccsim.simulate(scenario, replications=1, seed=s, workers=1)``, KPIs included,
one core, the median over ``--runs`` seeds after an untimed warm-up; every contact
attempt counts (retrials and repeat contacts too). Both CPU time of the process
(``time.process_time``: steadier on a shared machine) and wall time are reported.

``--tree DIR`` times the ccsim found in DIR instead of this checkout (a worktree of an
earlier commit, for before/after figures measured in one session).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("reference day (plain)", "erlang_a_reference.yaml", {}),
    ("reference day, per-agent statistics", "erlang_a_reference.yaml", {"statistics.per_agent": True}),
    ("omnichannel.yaml", "omnichannel.yaml", {}),
    ("telco_support.yaml", "telco_support.yaml", {}),
]


def measure(ccsim, path: Path, changes: dict, runs: int) -> dict:
    scenario = ccsim.load(path)
    if changes:
        scenario = scenario.with_changes(changes)
    ccsim.simulate(scenario, replications=1, seed=10_000, workers=1)  # warm-up
    cpu, wall, contacts = [], [], []
    for seed in range(1, runs + 1):
        w0, c0 = time.perf_counter(), time.process_time()
        est = ccsim.simulate(scenario, replications=1, seed=seed, workers=1)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        contacts.append(sum(k["offered"].mean for k in est.contact_types.values()))
    return {"contacts": statistics.median(contacts),
            "cpu_per_s": statistics.median(c / t for c, t in zip(contacts, cpu, strict=True)),
            "wall_per_s": statistics.median(c / t for c, t in zip(contacts, wall, strict=True))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose ccsim to time")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.tree.resolve()))
    import ccsim

    rows = []
    for label, name, changes in CASES:
        row = {"case": label, **measure(ccsim, ROOT / "scenarios" / name, changes, args.runs)}
        rows.append(row)
        print(f"| {label} | {row['contacts']:,.0f} | {row['cpu_per_s']:,.0f} | {row['wall_per_s']:,.0f} |",
              flush=True)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"tree": str(args.tree), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
