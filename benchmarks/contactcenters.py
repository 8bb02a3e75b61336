"""Speed against ContactCenters (Java), the field's reference simulator, on its own examples.

Usage::

    CC_BUILD=/path/to/build python benchmarks/contactcenters.py [--rounds 3] [--models mmc,bank]
    CC_GIT=... SSJ_GIT=... OPT_GIT=... python benchmarks/contactcenters.py   # builds the peer first

The models are ContactCenters' reference examples (doc/examples: MMC, Bank,
Telethon, Bilingual, and CallCC, SSJ's call centre example), written in ccsim's
format in ``benchmarks/contactcenters/*.yaml`` (each file's header says how the
Java model maps and what differs). tests/test_contactcenters_models.py checks
that ccsim agrees with the examples' published results.

What is timed, per model, on one core (both pinned with ``taskset -c 0``):

- Java: ``java TimeCC <Example> N``: the example built as its ``main()`` does,
  then its own ``simulate(N)`` (KPIs collected on every replication), timed
  inside the JVM. Run for two replication counts; the difference of the two
  times is the cost of the extra replications, start-up and most of the JIT
  warm-up cancelled.
- ccsim: ``ccsim run model.yaml --json --replications N --workers 1 -q``, the
  whole process (start-up, scenario loading, simulation, KPIs with their
  confidence intervals and per-interval figures, the JSON document), wall
  clock, for the same two replication counts; again the difference.

A round times every model on both engines (Java low, Java high, ccsim low,
ccsim high); rounds alternate so a noisy neighbour hits both engines alike;
each figure is the median of the rounds. Calls per replication are ccsim's
offered contacts per replication (every attempt, retrials included), used for
both engines (tests/test_contactcenters_models.py checks they agree with the
Java examples' published arrival counts). Peak memory is the peak RSS of the
larger run's process (``wait4``'s ``ru_maxrss``), the JVM's heap reservation
included.

Finding the Java peer: ``CC_BUILD`` is a build directory made by the peer's
build script (it holds ``classpath.txt`` and ``examples/`` with ``TimeCC``).
Without it, given ``CC_GIT``, ``SSJ_GIT`` and ``OPT_GIT`` (git directories or
URLs of umontreal-simul/contactcenters, umontreal-simul/ssj and
rwl/optimization), the script runs the build script (``CC_BUILD_SH``, default
``../shared/peers/contactcenters/build.sh`` next to the repository) into
``CC_TOP`` (default: a new temporary directory) and uses that. Without Java or
the peer it says so and exits with status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "benchmarks" / "contactcenters"
DEFAULT_BUILD_SH = ROOT.parent / "shared" / "peers" / "contactcenters" / "build.sh"

# ccsim model file -> (Java example class, what it is)
MODELS = {
    "mmc": ("MMC", "MMC: M/M/12, 4.2 calls/min, 8 h"),
    "bank": ("Bank", "Bank: 3 types, 2 groups, overflow, 5 days"),
    "telethon": ("Telethon", "Telethon: 12 agents, 24 lines, 5 mornings"),
    "bilingual": ("Bilingual", "Bilingual: 2 types, 3 groups, retrials, 5 days"),
    "callcenter": ("CallCC", "CallCC (SSJ CallCenter): 13 h, busyness factor"),
    "teamwork": ("Teamwork", "Teamwork: 5 groups in turn, transfers, conferences, 7 days"),
    "blend": ("Blend", "Blend: inbound and a threshold dialer, 2 groups, 6 h"),
}


def skip(message: str) -> int:
    print(f"ContactCenters benchmark skipped: {message}")
    return 0


def find_peer() -> tuple[Path | None, str]:
    """The peer's build directory, building it if asked; or None and why not."""
    if shutil.which("java") is None:
        return None, "no `java` on PATH (JDK 17 is what the peer's build script uses)"
    build = os.environ.get("CC_BUILD")
    if build:
        b = Path(build)
        if not (b / "classpath.txt").is_file() or not (b / "examples" / "TimeCC.class").is_file():
            return None, f"CC_BUILD={build} has no classpath.txt or examples/TimeCC.class"
        return b, ""
    if not all(os.environ.get(v) for v in ("CC_GIT", "SSJ_GIT", "OPT_GIT")):
        return None, ("set CC_BUILD to the peer's build directory, or CC_GIT, SSJ_GIT and "
                      "OPT_GIT to build it (see the docstring)")
    script = Path(os.environ.get("CC_BUILD_SH", DEFAULT_BUILD_SH))
    if not script.is_file():
        return None, f"build script {script} not found (set CC_BUILD_SH)"
    if shutil.which("javac") is None:
        return None, "no `javac` on PATH to build the peer"
    top = Path(os.environ.get("CC_TOP") or tempfile.mkdtemp(prefix="ccpeer-"))
    print(f"building the Java peer in {top} with {script} ...", file=sys.stderr, flush=True)
    env = {**os.environ, "TOP": str(top)}
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    if done.returncode != 0 or not (top / "build" / "examples" / "TimeCC.class").is_file():
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        return None, f"the peer's build failed:\n{tail}"
    return top / "build", ""


def java_classpath(build: Path) -> str:
    return (build / "classpath.txt").read_text().strip() + os.pathsep + str(build / "examples")


def java_workdir(build: Path) -> Path:
    """Where the examples' data files are (CallCC reads CallCenter.dat from its working directory)."""
    src = build.parent / "src" / "examples"
    return src if src.is_dir() else build / "examples"


def pinned(cmd: list[str]) -> list[str]:
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + cmd


def run_measured(cmd: list[str], cwd: Path | None = None) -> tuple[str, float, float, float]:
    """Run cmd; return its stdout, wall seconds, peak RSS (MiB) and CPU seconds of the process."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err)
        # Not communicate(): it would reap the child, and its rusage with it.
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                               f"{err.read().decode(errors='replace')[-2000:]}")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return out.decode(), wall, usage.ru_maxrss / scale, usage.ru_utime + usage.ru_stime


def time_java(build: Path, example: str, n: int) -> tuple[float, float, float]:
    """TimeCC's sim_s, the JVM's peak RSS (MiB) and its CPU seconds (all threads)."""
    cmd = pinned(["java", "-cp", java_classpath(build), "TimeCC", example, str(n)])
    out, _, rss, cpu = run_measured(cmd, cwd=java_workdir(build))
    m = re.search(r"sim_s=([0-9.]+)", out)
    if not m:
        raise RuntimeError(f"no sim_s in TimeCC output: {out!r}")
    return float(m.group(1)), rss, cpu


def ccsim_command() -> list[str]:
    exe = Path(sys.executable).with_name("ccsim")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ccsim")
    return [found] if found else [sys.executable, "-m", "ccsim.cli"]


def time_ccsim(model: str, n: int) -> tuple[float, float, float, float]:
    """Wall seconds, peak RSS (MiB), CPU seconds and offered calls per replication of one ccsim run."""
    cmd = pinned(ccsim_command() + ["run", str(MODELS_DIR / f"{model}.yaml"), "--json",
                                    "--replications", str(n), "--workers", "1", "-q"])
    out, wall, rss, cpu = run_measured(cmd)
    doc = json.loads(out)
    return wall, rss, cpu, float(doc["total"]["offered"]["mean"])


def verify_peer(build: Path, models: list[str]) -> dict[str, str]:
    """Run each example's main() and compare with its published .res (the peer's cmpres.py)."""
    cmpres = DEFAULT_BUILD_SH.with_name("cmpres.py")
    work = java_workdir(build)
    out = {}
    for model in models:
        example = MODELS[model][0]
        res = work / f"{example}.res"
        if not cmpres.is_file() or not res.is_file():
            out[model] = "not checked (cmpres.py or the .res file missing)"
            continue
        args = [example] + (["CallCenter.dat"] if example == "CallCC" else [])
        text, _, _, _ = run_measured(["java", "-cp", java_classpath(build)] + args, cwd=work)
        with tempfile.NamedTemporaryFile("w", suffix=".out", delete=False) as f:
            f.write(text)
        done = subprocess.run([sys.executable, str(cmpres), f.name, str(res)], capture_output=True, text=True)
        os.unlink(f.name)
        out[model] = done.stdout.strip().split()[0] if done.stdout.strip() else "?"
    return out


def environment() -> dict:
    env = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            env["cpu"] = next(ln.split(":")[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        env["cpu"] = platform.machine()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True)
    env["java"] = (java.stderr or java.stdout).splitlines()[0] if (java.stderr or java.stdout) else "?"
    try:
        import ccsim
        env["ccsim"] = getattr(ccsim, "__version__", "?")
    except ImportError:
        pass
    return env


def markdown(rows: list[dict], reps: int) -> str:
    lines = [f"| model | calls per replication | Java s / {reps:,} rep. | ccsim s / {reps:,} rep. "
             "| Java calls/s | ccsim calls/s | Java / ccsim | same, CPU time | Java peak MiB | ccsim peak MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['calls_per_rep']:,.0f} | {r['java_s']:.2f} | {r['ccsim_s']:.2f} "
            f"| {r['java_calls_per_s']:,.0f} | {r['ccsim_calls_per_s']:,.0f} | {r['ratio']:.1f}x "
            f"| {r['cpu_ratio']:.1f}x "
            f"| {r['java_rss_mib']:.0f} | {r['ccsim_rss_mib']:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated, from {', '.join(MODELS)} (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds; median (default 3)")
    parser.add_argument("--low", type=int, default=200, help="smaller replication count (default 200)")
    parser.add_argument("--high", type=int, default=1200, help="larger replication count (default 1200)")
    parser.add_argument("--verify", action="store_true",
                        help="first check that each Java example reproduces its published .res")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    args = parser.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {list(MODELS)}")
    if not 0 < args.low < args.high:
        parser.error("need 0 < --low < --high")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    build, why = find_peer()
    if build is None:
        return skip(why)
    print(f"Java peer: {build}", file=sys.stderr)
    verified = verify_peer(build, models) if args.verify else {}
    for model, status in verified.items():
        print(f"  {MODELS[model][0]} against its .res: {status}", file=sys.stderr)

    reps = args.high - args.low
    raw = {m: {"java": [], "ccsim": [], "java_cpu": [], "ccsim_cpu": [], "java_rss": [], "ccsim_rss": [],
               "calls": []} for m in models}
    load_before = os.getloadavg()
    for rnd in range(args.rounds):
        for model in models:
            example = MODELS[model][0]
            java_lo, _, jcpu_lo = time_java(build, example, args.low)
            java_hi, java_rss, jcpu_hi = time_java(build, example, args.high)
            cc_lo, _, ccpu_lo, _ = time_ccsim(model, args.low)
            cc_hi, cc_rss, ccpu_hi, calls = time_ccsim(model, args.high)
            r = raw[model]
            r["java"].append(java_hi - java_lo)
            r["ccsim"].append(cc_hi - cc_lo)
            r["java_cpu"].append(jcpu_hi - jcpu_lo)
            r["ccsim_cpu"].append(ccpu_hi - ccpu_lo)
            r["java_rss"].append(java_rss)
            r["ccsim_rss"].append(cc_rss)
            r["calls"].append(calls)
            print(f"  round {rnd + 1} {model:10s} Java {java_lo:6.2f} / {java_hi:6.2f} s   "
                  f"ccsim {cc_lo:6.2f} / {cc_hi:6.2f} s", file=sys.stderr, flush=True)

    rows = []
    for model in models:
        r = raw[model]
        calls = statistics.fmean(r["calls"])
        java_s, cc_s = statistics.median(r["java"]), statistics.median(r["ccsim"])
        java_rate = statistics.median(calls * reps / s for s in r["java"])
        cc_rate = statistics.median(calls * reps / s for s in r["ccsim"])
        rows.append({"model": model, "label": MODELS[model][1], "calls_per_rep": calls,
                     "java_s": java_s, "ccsim_s": cc_s, "java_calls_per_s": java_rate,
                     "ccsim_calls_per_s": cc_rate,
                     "ratio": statistics.median(c / j for j, c in zip(r["java"], r["ccsim"], strict=True)),
                     "cpu_ratio": statistics.median(
                         c / j for j, c in zip(r["java_cpu"], r["ccsim_cpu"], strict=True)),
                     "java_rss_mib": max(r["java_rss"]), "ccsim_rss_mib": max(r["ccsim_rss"]),
                     "rounds": r})

    env = environment()
    env["load average (1 min) before / after"] = f"{load_before[0]:.1f} / {os.getloadavg()[0]:.1f}"
    print("ccsim against ContactCenters (Java) on its reference examples; one core each (taskset -c 0).")
    print("Environment: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    print(f"Timing: {reps:,} replications = time({args.high}) - time({args.low}); median of "
          f"{args.rounds} alternated rounds. Java: TimeCC's simulate(N) inside the JVM; "
          "ccsim: the whole `ccsim run --json --workers 1` process. 'same, CPU time': the ratio of "
          "the two processes' CPU seconds (user + sys, all threads; the JVM's JIT and GC included), "
          "differenced the same way, less sensitive to other load on the machine.")
    if verified:
        print("Java examples against their published .res: "
              + ", ".join(f"{MODELS[m][0]} {s}" for m, s in verified.items()))
    print()
    print(markdown(rows, reps))
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "low": args.low, "high": args.high,
                                         "verified": verified, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
