"""What a notebook analyst sees: readable repr and HTML of results, tables as DataFrames with
CI columns and real timestamps, and `import ccsim` from the folder that holds a checkout."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ccsim

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "it_helpdesk.yaml"
OMNI = ROOT / "scenarios" / "omnichannel.yaml"


@pytest.fixture(scope="module")
def helpdesk():
    return ccsim.simulate(ccsim.load(HELPDESK), replications=3, workers=1)


@pytest.fixture(scope="module")
def omni():
    sc = ccsim.load(OMNI).with_changes({"statistics.per_agent": True})
    return ccsim.simulate(sc, replications=2, workers=1)


def test_estimates_repr_reads_as_a_summary(helpdesk):
    text = repr(helpdesk)
    assert text.startswith("<Estimates of 'IT helpdesk': 3 replications, seed 42")
    assert "incidents: service level" in text and "target 70 % in 1 min" in text
    assert "ASA " in text and " s ± " in text and "desk: occupancy" in text
    html = helpdesk._repr_html_()
    assert "<table>" in html and "70 % in 1 min" in html and "ASA" in html


def test_email_times_in_hours_in_the_notebook(omni):
    line = next(x for x in repr(omni).splitlines() if x.strip().startswith("email:"))
    assert " h ± " in line and "90 % in 4 h" in line


def test_comparison_and_sweep_show_themselves(helpdesk):
    sc = helpdesk.scenario
    comp = ccsim.compare(sc, sc.with_changes({"agent_groups.desk.staffing": 5}), replications=3, workers=1)
    text = repr(comp)
    assert text.startswith("<Comparison B − A: 3 paired replications")
    assert "incidents service_level:" in text and " pp ± " in text
    assert "<table>" in comp._repr_html_()
    frame = comp.to_frame()
    assert {"section", "name", "kpi", "a", "b", "difference", "paired_ci_low", "paired_ci_high",
            "unpaired_ci_low", "unpaired_ci_high"} <= set(frame.columns)
    curve = ccsim.sweep(sc, {"agent_groups.desk.staffing": [3, 4]}, replications=2, workers=1)
    text = repr(curve)
    assert text.startswith("<Sweep of 'IT helpdesk': 2 points") and "staffing=3" in text
    assert "<table>" in curve._repr_html_()
    frame = curve.to_frame("contact_types")
    assert list(frame["agent_groups.desk.staffing"]) == [3, 3, 4, 4]  # incidents and total per point
    assert "service_level_ci_low" in frame.columns


def test_to_frame_kinds_with_ci_columns(helpdesk, omni):
    types = helpdesk.to_frame("contact_types")
    assert list(types["contact_type"]) == ["incidents", "total"]
    row = types.iloc[0]
    assert row["service_level_ci_low"] <= row["service_level"] <= row["service_level_ci_high"]
    groups = helpdesk.to_frame("groups")
    assert list(groups["agent_group"]) == ["desk"] and "occupancy_ci_high" in groups.columns
    channels = omni.to_frame("channels").set_index("channel")
    assert list(channels.index) == ["voice", "chat", "email"]
    assert channels.loc["voice", "contact_types"] == "sales, support"
    voice_offered = sum(omni.contact_types[n]["offered"].mean for n in ("sales", "support"))
    assert channels.loc["voice", "offered"] == pytest.approx(voice_offered)
    assert channels.loc["email", "asa"] > 3600 > channels.loc["voice", "asa"]
    assert "service_level_ci_low" in channels.columns
    agents = omni.to_frame("agents")
    assert {"replication", "agent", "agent_group", "occupancy"} <= set(agents.columns)
    with pytest.raises(ValueError, match="per_agent"):
        helpdesk.to_frame("agents")
    with pytest.raises(ValueError, match="unknown kind 'bogus'.*contact_types"):
        helpdesk.rows("bogus")


def test_intervals_have_real_timestamps_and_cis(helpdesk):
    frame = helpdesk.to_frame("intervals", date="2026-03-02")
    assert len(frame) == helpdesk.plan.n_intervals
    assert str(frame["start"].dtype).startswith("datetime64")
    first = frame.iloc[0]
    assert first["start"] == dt.datetime(2026, 3, 2, 8, 0)
    assert (frame["end"] - frame["start"]).dt.total_seconds().eq(helpdesk.plan.interval_s).all()
    ok = frame.dropna(subset=["service_level_ci_low"])
    assert len(ok) and (ok["service_level_ci_low"] <= ok["service_level"]).all()
    assert frame["service_level"].tolist()[:3] == pytest.approx(
        [float(v) for v in helpdesk.intervals["incidents"]["service_level"][:3]], nan_ok=True)
    today = helpdesk.to_frame()  # the default: intervals on today's date
    assert today.iloc[0]["start"].date() == dt.date.today()
    groups = helpdesk.to_frame("group_intervals", date=dt.date(2026, 3, 2))
    assert set(groups["agent_group"]) == {"desk"} and "occupancy_ci_low" in groups.columns


def test_several_days_count_on(tmp_path):
    sc = ccsim.load(ROOT / "scenarios" / "telco_support.yaml")
    if sc.horizon.days < 2:
        pytest.skip("needs a scenario of several days")
    est = ccsim.simulate(sc, replications=2, workers=1)
    frame = est.to_frame("intervals", date="2026-03-02")
    assert frame["day"].max() == sc.horizon.days
    last = frame[frame["day"] == sc.horizon.days].iloc[0]["start"]
    assert last.date() == dt.date(2026, 3, 2) + dt.timedelta(days=sc.horizon.days - 1)


def test_without_pandas_to_frame_says_what_to_install_and_rows_still_work(helpdesk, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'ccsim\[pandas\]'.*rows\(kind\)"):
        helpdesk.to_frame("contact_types")
    rows = helpdesk.rows("contact_types")
    assert rows[0]["contact_type"] == "incidents" and "service_level_ci_low" in rows[0]


def test_import_from_the_folder_holding_a_checkout_named_ccsim(tmp_path):
    """Python puts the current folder first on its path, and a checkout's root (no __init__.py)
    is a namespace package there. An installed ccsim (on a path entry, as pip installs it) is a
    regular package, and a regular package wins over a namespace portion: the real ccsim loads."""
    checkout = tmp_path / "ccsim"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname = 'ccsim'\n")
    (checkout / "README.md").write_text("a clone of ccsim\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import ccsim; print(ccsim.__file__); print(callable(ccsim.simulate))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    path, ok = out.stdout.split()
    assert Path(path) == ROOT / "ccsim" / "__init__.py" and ok == "True"
