"""Engine speed benchmark: ccsim against Ciw and a textbook SimPy model.

Usage: ``python benchmarks/engine.py [--runs 5] [--quick] [--skip-ccsim] [--json FILE]``

Scenario: the Erlang-A reference day (M/M/c+M, see ``peers.py``): Poisson
arrivals for 24 h, exponential handle time (mean 300 s) and patience (mean
180 s), FCFS; calls still in the system at 24 h are finished. Two volumes:
1x = 1,000 calls/h with 90 agents (~24,000 calls) and 10x = 10,000 calls/h
with 860 agents (~240,000 calls).

What is measured, per model and volume:

- Speed: wall-clock time (``time.perf_counter``) of one whole run, repeated
  ``--runs`` times (default 5) with a different seed each time, after one
  untimed 1-hour warm-up run that pays for imports and first-call costs. For
  ccsim the timed call is ``ccsim.simulate(scenario, replications=1, seed=s)``,
  KPIs included; the scenario is validated once, untimed. For the peers the
  timed call builds the model, runs it and computes the KPIs. We report the
  median seconds and the median over runs of calls/second. Python's garbage
  collector stays on, as in real use. At 10x, a peer (Ciw or textbook SimPy)
  whose first run takes more than 60 s is run 3 times only; the table says so.
- Peak memory: in a separate, untimed run, in a fresh process (multiprocessing
  ``spawn``): after imports and the warm-up we reset the peak-RSS mark and read
  the current RSS, run the model once, and report peak RSS (Linux ``VmHWM``)
  minus that baseline. Without /proc we fall back to ``ru_maxrss``. Time is
  never measured in that process.
- KPI sanity: service level (answered within 20 s over answered plus
  abandoned), abandon rate and ASA, mean and standard deviation over the timed
  runs, next to the stationary Erlang-A values; a model whose mean SL or
  abandon rate is more than 5 standard errors from theory is flagged (the run
  sd is pooled over the models of a volume, see ``pooled_sd``).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import multiprocessing as mp
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Benchmark the working tree's ccsim whether or not it is pip-installed, and
# import peers.py however this script is started (also in spawned children).
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import peers  # noqa: E402

HOURS = 24
VOLUMES = {"1x": (1000, 90), "10x": (10_000, 860)}
PEERS = ("ciw", "textbook-simpy")
SLOW_PEER_S = 60.0
SLOW_PEER_RUNS = 3
TARGET_CALLS_PER_S = 250_000
FLAG_STANDARD_ERRORS = 5.0  # loose on purpose: the check is for broken models, not small biases


def ccsim_scenario(rate_per_h: float, agents: int, hours: int, seed: int) -> dict:
    """The reference scenario in ccsim's scenario format."""
    return {
        "name": "Erlang-A reference day",
        "horizon": {"start": "00:00", "end": f"{hours:02d}:00", "interval": "30min"},
        "seed": seed,
        "replications": 1,
        "contact_types": {"calls": {
            "channel": "voice",
            "arrivals": {"rate": f"{rate_per_h:g}/h"},
            "handle_time": {"dist": "exponential", "mean": f"{peers.HANDLE_MEAN_S:g}s"},
            "patience": {"dist": "exponential", "mean": f"{peers.PATIENCE_MEAN_S:g}s"},
            "service_level": {"target": 0.8, "threshold": f"{peers.SL_THRESHOLD_S:g}s"},
        }},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": agents}},
    }


def _ccsim_kpis(est) -> dict:
    ct = est.contact_types["calls"]

    def mean(name: str) -> float:
        # Only offered, service_level and abandon_rate are in the contract;
        # the others are shown when ccsim provides them.
        try:
            return float(ct[name].mean)
        except (KeyError, AttributeError, TypeError):
            return math.nan

    return {"calls": mean("offered"), "answered": mean("answered"),
            "abandoned": mean("abandoned"), "service_level": mean("service_level"),
            "abandon_rate": mean("abandon_rate"), "asa": mean("asa")}


def prepare(model: str, rate_per_h: float, agents: int, hours: int):
    """Return ``run(seed) -> KPI dict``; all set-up outside the timed call is done here."""
    if model == "ccsim":
        import ccsim

        scenario = ccsim.scenario_from_dict(ccsim_scenario(rate_per_h, agents, hours, 1))

        def run(seed: int) -> dict:
            return _ccsim_kpis(ccsim.simulate(scenario, replications=1, seed=seed))

        return run
    fn = {"ciw": peers.run_ciw, "textbook-simpy": peers.run_textbook_simpy}[model]
    return functools.partial(fn, rate_per_h, agents, hours)


def warm_up(model: str, seed: int) -> None:
    """One untimed 1-hour run: imports, lazy imports and first-call costs."""
    prepare(model, *VOLUMES["1x"], 1)(seed)


def time_model(model: str, volume: str, runs: int, base_seed: int) -> dict:
    rate, agents = VOLUMES[volume]
    warm_up(model, base_seed)
    run = prepare(model, rate, agents, HOURS)
    seconds, kpis, note = [], [], ""
    while len(seconds) < runs:
        seed = base_seed + len(seconds)
        gc.collect()  # start each run from the same heap state
        t0 = time.perf_counter()
        out = run(seed)
        seconds.append(time.perf_counter() - t0)
        kpis.append(out)
        print(f"  {model:15s} {volume:3s} seed {seed}: {seconds[-1]:8.2f} s  "
              f"{out['calls']:.0f} calls", file=sys.stderr, flush=True)
        if (len(seconds) == 1 and volume == "10x" and model in PEERS
                and seconds[0] > SLOW_PEER_S and runs > SLOW_PEER_RUNS):
            runs = SLOW_PEER_RUNS
            note = f"{SLOW_PEER_RUNS} runs only: first run took > {SLOW_PEER_S:.0f} s"
    rates = [k["calls"] / s for k, s in zip(kpis, seconds, strict=True)]
    return {"model": model, "volume": volume, "rate_per_h": rate, "agents": agents,
            "hours": HOURS, "runs": len(seconds),
            "seeds": [base_seed + i for i in range(len(seconds))],
            "seconds": seconds, "kpis": kpis, "median_s": statistics.median(seconds),
            "calls_per_s": statistics.median(rates), "note": note}


def _proc_status_kib(field: str) -> float:
    with open("/proc/self/status") as f:
        return next(float(ln.split()[1]) for ln in f if ln.startswith(field + ":"))


def _peak_memory_child(model: str, volume: str, seed: int) -> tuple[float, str]:
    warm_up(model, seed)
    run = prepare(model, *VOLUMES[volume], HOURS)
    gc.collect()
    # Not ru_maxrss: on Linux it survives exec, so a spawned child starts with
    # the parent's peak RSS (the parent has just done the timed runs). VmHWM
    # belongs to the child's own address space, and writing 5 to clear_refs
    # resets it to the current RSS, so the warm-up's peak does not count.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        baseline = _proc_status_kib("VmRSS")
    except OSError:
        pass
    else:
        run(seed)
        return (_proc_status_kib("VmHWM") - baseline) / 1024, "VmHWM - VmRSS"
    # No /proc (e.g. macOS): ru_maxrss, in bytes there, minus the peak so far.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run(seed)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / scale, "ru_maxrss"


def peak_memory_mib(model: str, volume: str, seed: int) -> tuple[float, str]:
    """Peak RSS growth (MiB) of one run in a fresh spawned process (untimed), and the method."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_peak_memory_child, (model, volume, seed))


def _mean_sd(values) -> tuple[float, float]:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return math.nan, math.nan
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else math.nan


def pooled_sd(rows: list[dict], key: str) -> float:
    """Run-to-run sd of a KPI pooled over the models of one volume.

    If the models are right they simulate the same system, so they share this
    sd; pooling gives it enough degrees of freedom that 3 runs with a
    luckily small spread do not flag a correct model.
    """
    num = den = 0.0
    for r in rows:
        values = [k[key] for k in r["kpis"] if not math.isnan(k[key])]
        if len(values) > 1:
            num += (len(values) - 1) * statistics.variance(values)
            den += len(values) - 1
    return math.sqrt(num / den) if den else math.nan


def agreement(res: dict, rows: list[dict], theory: dict) -> str:
    flags = []
    for key in ("service_level", "abandon_rate"):
        mean, _ = _mean_sd([k[key] for k in res["kpis"]])
        se = pooled_sd(rows, key) / math.sqrt(res["runs"])
        if math.isnan(mean):
            flags.append(f"{key} missing")
        elif abs(mean - theory[key]) > FLAG_STANDARD_ERRORS * se:
            flags.append(f"{key} off theory")
    return "CHECK: " + ", ".join(flags) if flags else "ok"


def markdown_table(results: list[dict], theory: dict) -> str:
    lines = ["| model | volume | runs | calls | median s | calls/s | peak MiB "
             "| SL | abandon rate | ASA s | vs theory |",
             "|---|---|---:|---:|---:|---:|---:|---|---|---|---|"]

    def fmt(values, digits):
        mean, sd = _mean_sd(values)
        if math.isnan(mean):
            return "n/a"
        return f"{mean:.{digits}f}" + ("" if math.isnan(sd) else f" ± {sd:.{digits}f}")

    for volume in VOLUMES:
        rows = [r for r in results if r["volume"] == volume]
        if not rows:
            continue
        for r in rows:
            k = r["kpis"]
            lines.append(
                f"| {r['model']} | {volume} | {r['runs']}{'*' if r['note'] else ''} "
                f"| {statistics.fmean(x['calls'] for x in k):,.0f} | {r['median_s']:.3f} "
                f"| {r['calls_per_s']:,.0f} | {r['peak_mib']:.1f} "
                f"| {fmt([x['service_level'] for x in k], 4)} "
                f"| {fmt([x['abandon_rate'] for x in k], 4)} "
                f"| {fmt([x['asa'] for x in k], 2)} | {agreement(r, rows, theory[volume])} |")
        t = theory[volume]
        lines.append(f"| Erlang-A theory | {volume} | | | | | | {t['service_level']:.4f} "
                     f"| {t['abandon_rate']:.4f} | {t['asa']:.2f} | |")
    return "\n".join(lines)


def environment(models) -> dict:
    import ciw
    import numpy
    import simpy

    env = {"python": platform.python_version(), "platform": platform.platform(),
           "cpu": platform.processor() or platform.machine(), "numpy": numpy.__version__,
           "simpy": simpy.__version__, "ciw": ciw.__version__}
    try:  # platform.processor() is empty on most Linux systems
        with open("/proc/cpuinfo") as f:
            env["cpu"] = next(ln.split(":")[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    if "ccsim" in models:
        import ccsim
        env["ccsim"] = getattr(ccsim, "__version__", "unknown")
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs per model and volume (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 1x volume only, 3 runs (not for published figures)")
    parser.add_argument("--skip-ccsim", action="store_true", help="time the peers only")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the first run; run i uses seed+i")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")

    runs = min(args.runs, 3) if args.quick else args.runs
    volumes = ["1x"] if args.quick else list(VOLUMES)
    models = ([] if args.skip_ccsim else ["ccsim"]) + list(PEERS)
    env = environment(models)
    theory = {v: peers.erlang_a_theory(*VOLUMES[v]) for v in VOLUMES}

    results = []
    for volume in volumes:
        for model in models:
            results.append(time_model(model, volume, runs, args.seed))
    for r in results:
        print(f"  peak memory {r['model']} {r['volume']} ...", file=sys.stderr, flush=True)
        r["peak_mib"], r["memory_method"] = peak_memory_mib(r["model"], r["volume"], args.seed)

    print(f"Erlang-A reference day ({HOURS} h, M/M/c+M, handle 300 s, patience 180 s); "
          f"1x = 1,000 calls/h, 90 agents; 10x = 10,000 calls/h, 860 agents.")
    print("Environment: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    print(f"Timing: median of the runs (seeds {args.seed}..), time.perf_counter, one process, "
          "after an untimed warm-up; calls/s is the median over runs.")
    methods = sorted({r["memory_method"] for r in results})
    print(f"Peak memory: peak RSS during one run minus RSS after imports and warm-up "
          f"({', '.join(methods)}), in a fresh spawned process, separate from the timed runs.")
    print("KPIs: mean ± sd over the timed runs; "
          "SL = answered within 20 s / (answered + abandoned).")
    if args.quick:
        print("QUICK MODE: 1x only, at most 3 runs; not for published figures.")
    print()
    print(markdown_table(results, theory))
    for r in results:
        if r["note"]:
            print(f"\n* {r['model']} {r['volume']}: {r['note']}.")
    for r in results:
        if r["model"] == "ccsim":
            verdict = "met" if r["calls_per_s"] >= TARGET_CALLS_PER_S else "NOT met"
            print(f"\nccsim {r['volume']}: {r['calls_per_s']:,.0f} calls/s; "
                  f"target >= {TARGET_CALLS_PER_S:,} calls/s on one core: {verdict}.")
    if args.json:
        args.json.write_text(json.dumps(
            {"environment": env, "theory": theory, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
