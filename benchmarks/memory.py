"""Peak memory of large days: replications, per-contact records, one worker.

Usage: ``python benchmarks/memory.py [--cases 1m,1m-20,1m-records,10m-records] [--json FILE]``

Each case is one ``ccsim run`` in a fresh process (one worker, ``-q``) on an
M/M/c+M day of 24 hours — 1 million calls (41,667/h, 3,550 agents) or 10
million (416,667/h, 35,000 agents); exponential handle time of 5 min and
patience of 3 min. Peak memory is the process's peak RSS (``ru_maxrss`` from
``wait4``), wall time its elapsed time. Targets (issue 19): 20 replications
within 20 % of one replication's peak; 1 million calls with ``--records``
under 1 GB; 10 million with ``--records`` under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY = """\
name: {calls} calls a day
horizon: {{start: "00:00", end: "24:00", interval: 1h}}
seed: 1
replications: 1
contact_types:
  calls:
    arrivals: {{rate: {rate}/h}}
    handle_time: {{dist: exponential, mean: 5min}}
    patience: {{dist: exponential, mean: 3min}}
    service_level: {{target: 0.80, threshold: 20s}}
agent_groups:
  agents: {{skills: [calls], staffing: {agents}}}
"""
SIZES = {"1m": (41_667, 3_550), "10m": (416_667, 35_000)}
CASES = {  # name: (size, replications, records)
    "1m": ("1m", 1, False),
    "1m-20": ("1m", 20, False),
    "1m-records": ("1m", 1, True),
    "10m-records": ("10m", 1, True),
}


def peak_of(command: list[str]) -> tuple[float, float]:
    """(wall s, peak RSS MiB) of *command* in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # KiB on Linux


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ccsim-memory-"))
    rows = []
    try:
        for name in args.cases.split(","):
            size, replications, records = CASES[name]
            rate, agents = SIZES[size]
            scenario = work / f"{size}.yaml"
            scenario.write_text(DAY.format(calls=size, rate=rate, agents=agents))
            command = [sys.executable, "-m", "ccsim.cli", "run", str(scenario), "-r", str(replications),
                       "--workers", "1", "-q"]
            if records:
                command += ["--out", str(work / f"out-{name}"), "--records"]
            wall, peak = peak_of(command)
            size_mib = sum(p.stat().st_size for p in (work / f"out-{name}").iterdir()) / 2**20 if records else 0.0
            rows.append({"case": name, "replications": replications, "records": records, "wall_s": round(wall, 1),
                         "peak_mib": round(peak), "files_mib": round(size_mib)})
            print(f"{name:12s} r={replications:<3d} records={str(records):5s} {wall:7.1f} s "
                  f"peak {peak:7.0f} MiB  files {size_mib:6.0f} MiB", flush=True)
            shutil.rmtree(work / f"out-{name}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
