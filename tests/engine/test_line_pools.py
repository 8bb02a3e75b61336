"""Trunk lines shared by several contact types (`lines:` pools named at the top level).

A pool of K lines shared by two Poisson streams served by one group of c agents with
the same exponential handle time is an M/M/c/K queue of the summed load: by PASTA both
types are blocked with the stationary probability of K in the system. Types with their
own limit next to a pool keep it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.experiment.stats import mean_ci

CONFIDENCE = 0.999
AHT = 180.0


def mmck_blocking(load: float, agents: int, lines: int) -> float:
    """P(lines in system) of M/M/c/K, from its birth-death chain."""
    log_p = [0.0]
    for n in range(1, lines + 1):
        log_p.append(log_p[-1] + math.log(load) - math.log(min(n, agents)))
    p = np.exp(np.array(log_p) - max(log_p))
    return float(p[-1] / p.sum())


def pooled(rates_per_h: dict[str, float], pool: int, agents: int, own: dict[str, int] | None = None,
           seed: int = 5) -> ccsim.Scenario:
    own = own or {}
    types = {name: {"arrivals": {"rate": f"{rate}/h"},
                    "handle_time": {"dist": "exponential", "mean": AHT},
                    "lines": own.get(name, "trunks")}
             for name, rate in rates_per_h.items()}
    return ccsim.scenario_from_dict({
        "name": "shared trunks",
        "horizon": {"start": "00:00", "end": "24:00", "interval": "60min", "warmup": "2h"},
        "seed": seed,
        "lines": {"trunks": pool},
        "contact_types": types,
        "agent_groups": {"agents": {"skills": list(types), "staffing": agents}},
    })


def covers(est: ccsim.Estimates, name: str, kpi: str, truth: float) -> str | None:
    mean, ci = mean_ci(est.contact_types[name][kpi].values, CONFIDENCE)
    assert ci is not None
    if ci[0] - 1e-9 <= truth <= ci[1] + 1e-9:
        return None
    return f"{name} {kpi}: exact {truth:.5g}, simulated {mean:.5g}, 99.9 % CI [{ci[0]:.5g}, {ci[1]:.5g}]"


@pytest.mark.parametrize(("agents", "pool"), [(8, 8), (8, 11)])
def test_a_shared_pool_blocks_every_type_with_the_pooled_mmck_probability(agents, pool):
    rates = {"sales": 100.0, "service": 60.0}  # 8 erlangs together
    load = sum(rates.values()) * AHT / 3600
    est = ccsim.simulate(pooled(rates, pool, agents), replications=30, seed=11)
    blocking = mmck_blocking(load, agents, pool)
    failures = [f for name in rates if (f := covers(est, name, "blocked_rate", blocking))]
    assert not failures, "\n".join(failures)
    # Sharing matters: each type alone on `pool` lines would hardly ever be blocked.
    alone = mmck_blocking(rates["service"] * AHT / 3600, agents, pool)
    assert np.mean(est.contact_types["service"]["blocked_rate"].values) > 5 * alone


def test_a_type_with_its_own_limit_beside_a_pool_keeps_it():
    # 'vip' has 2 lines of its own; the pool serves the other two types only.
    rates = {"sales": 100.0, "service": 60.0, "vip": 30.0}
    est = ccsim.simulate(pooled(rates, 8, 12, own={"vip": 2}), replications=30, seed=12)
    vip_load = rates["vip"] * AHT / 3600
    # With 12 agents the pool's 8 lines and vip's 2 never exceed the agents: pure loss systems.
    failures = [covers(est, "vip", "blocked_rate", mmck_blocking(vip_load, 2, 2)),
                covers(est, "sales", "blocked_rate", mmck_blocking(8.0, 8, 8))]
    assert not any(failures), "\n".join(f for f in failures if f)


def test_conservation_holds_with_a_shared_pool():
    rates = {"sales": 100.0, "service": 60.0}
    est = ccsim.simulate(pooled(rates, 9, 7), replications=4, seed=2)
    for name in rates:
        kpis = est.contact_types[name]
        offered = np.asarray(kpis["offered"].values)
        parts = sum(np.asarray(kpis[k].values) for k in ("answered", "abandoned", "blocked", "waiting_at_end"))
        assert np.array_equal(offered, parts)


def _validate(tmp_path, text: str):
    path = tmp_path / "pool.yaml"
    path.write_text(text)
    return CliRunner().invoke(main, ["validate", str(path)])


BASE = """\
name: pools
horizon: {start: "08:00", end: "10:00", interval: 60min}
lines: {trunks: 10}
contact_types:
  calls:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    lines: %s
agent_groups:
  agents: {skills: [calls], staffing: 4}
"""


def test_an_unknown_pool_is_a_located_error_with_a_suggestion(tmp_path):
    out = _validate(tmp_path, BASE % "trunk")
    assert out.exit_code == 2
    assert "pool.yaml:8" in out.output and "contact_types.calls.lines" in out.output
    assert "unknown line pool 'trunk'" in out.output and "did you mean 'trunks'" in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)


def test_a_pool_of_no_lines_is_a_located_error(tmp_path):
    out = _validate(tmp_path, BASE.replace("{trunks: 10}", "{trunks: 0}") % "trunks")
    assert out.exit_code == 2
    assert "lines.trunks" in out.output and isinstance(out.exception, SystemExit)


def test_emails_take_no_lines_from_a_pool(tmp_path):
    text = (BASE % "trunks").replace("    arrivals: {rate: 60/h}", "    channel: email\n    arrivals: {rate: 60/h}")
    out = _validate(tmp_path, text)
    assert out.exit_code == 2
    assert "'lines' applies to voice and chat" in out.output
