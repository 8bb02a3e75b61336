"""Snapshots from real-time exports: Amazon Connect, Genesys Cloud, Avaya CMS (ccsim.realtime.importers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli import main
from ccsim.realtime import load_snapshot, whatif
from ccsim.realtime.importers import import_snapshot, parse_mapping
from ccsim.realtime.importers.base import waits_from_oldest
from ccsim.scenario import ScenarioError, load
from ccsim.units import parse_clock

BANK = "scenarios/retail_bank.yaml"
SAMPLES = Path("examples/realtime")
CASES = {  # kind: (export, --map, --time, the hand-written equivalent snapshot)
    "connect": ("connect_metrics.json", "connect_map.yaml", None, "retail_bank_1140.yaml"),
    "genesys": ("genesys_observations.json", "genesys_map.yaml", "11:40", "retail_bank_1140_genesys.yaml"),
    "avaya": ("avaya_skills.csv", None, "11:40", "retail_bank_1140.yaml"),
}
AGENT_NAME = "Marguerite Oyelaran-Quist"
CALLER = "+44 7700 900123"


def _import(kind, export=None, maps=None, time=None, scenario=BANK):
    name, default_map, default_time, _ = CASES[kind]
    maps = [str(SAMPLES / default_map)] if maps is None and default_map else (maps or [])
    at = time if time is not None else default_time
    return import_snapshot(kind, export or SAMPLES / name, load(scenario), parse_mapping(maps),
                           parse_clock(at) if at else None)


def _args(kind, export=None):
    name, mapping, at, _ = CASES[kind]
    args = ["--from", kind, str(export or SAMPLES / name)]
    if mapping:
        args += ["--map", str(SAMPLES / mapping)]
    if at:
        args += ["--time", at]
    return args


@pytest.mark.parametrize("kind", list(CASES))
def test_sample_gives_the_what_if_of_the_hand_written_snapshot(kind):
    sc = load(BANK)
    imported = _import(kind).snapshot(sc)
    by_hand = load_snapshot(SAMPLES / CASES[kind][3], sc)
    assert imported.model_dump() == by_hand.model_dump()
    a = whatif(sc, imported, ["agent_groups.sellers.staffing+=2@12:00"], replications=2, seed=11).to_dict()
    b = whatif(sc, by_hand, ["agent_groups.sellers.staffing+=2@12:00"], replications=2, seed=11).to_dict()
    assert a == b


def test_cli_snapshot_writes_the_file_and_whatif_takes_from(tmp_path):
    out = tmp_path / "now.yaml"
    runner = CliRunner()
    res = runner.invoke(main, ["snapshot", BANK, *_args("connect"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert text.startswith("# Snapshot imported by `ccsim snapshot --from connect`")
    assert "W*k/N" in text and "note: sales: 16 waiting" in res.stderr
    sc = load(BANK)
    assert load_snapshot(out, sc).model_dump() == load_snapshot(SAMPLES / "retail_bank_1140.yaml", sc).model_dump()
    common = ["-r", "2", "-s", "3", "--json", "-q"]
    via_from = runner.invoke(main, ["whatif", BANK, *_args("avaya"), *common])
    via_file = runner.invoke(main, ["whatif", BANK, "--snapshot", str(out), *common])
    assert via_from.exit_code == 0 and via_file.exit_code == 0, via_from.output
    assert json.loads(via_from.stdout) == json.loads(via_file.stdout)


def test_whatif_wants_one_source():
    runner = CliRunner()
    res = runner.invoke(main, ["whatif", BANK, "-r", "1"])
    assert res.exit_code == 2 and "--snapshot FILE or --from KIND EXPORT" in res.output
    res = runner.invoke(main, ["whatif", BANK, "--snapshot", str(SAMPLES / "retail_bank_1140.yaml"),
                               *_args("avaya")])
    assert res.exit_code == 2


def test_fill_rule_for_waits():
    assert waits_from_oldest(4, 400.0) == [400.0, 300.0, 200.0, 100.0]
    assert waits_from_oldest(1, 95.0) == [95.0]


def test_connect_oldest_age_is_milliseconds_when_ungrouped(tmp_path):
    export = tmp_path / "flat.json"
    export.write_text(json.dumps({"MetricResults": [{"Collections": [
        {"Metric": {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}, "Value": 2.0},
        {"Metric": {"Name": "OLDEST_CONTACT_AGE", "Unit": "SECONDS"}, "Value": 24113.0},
        {"Metric": {"Name": "AGENTS_ONLINE", "Unit": "COUNT"}, "Value": 90.0},
        {"Metric": {"Name": "AGENTS_AVAILABLE", "Unit": "COUNT"}, "Value": 1.0},
        {"Metric": {"Name": "AGENTS_ON_CONTACT", "Unit": "COUNT"}, "Value": 89.0}]}]}))
    result = import_snapshot("connect", export, load("scenarios/erlang_a_reference.yaml"), {}, parse_clock("09:00"))
    assert result.data["contact_types"]["calls"]["waiting"] == [24.1, 12.1]
    assert any("milliseconds" in note for note in result.notes)
    grouped = json.loads((SAMPLES / "connect_metrics.json").read_text())
    assert grouped["MetricResults"][0]["Collections"][1]["Value"] == 360.0  # seconds: grouped
    assert _import("connect").data["contact_types"]["sales"]["waiting"][0] == 360.0


def test_chat_queue_deals_open_chats_to_the_agents(tmp_path):
    export = tmp_path / "chat.json"
    export.write_text(json.dumps({"DataSnapshotTime": "2026-12-07T13:10:00Z", "MetricResults": [
        {"Dimensions": {"Queue": {"Id": "q-chat", "Arn": "arn:q-chat"}, "Channel": "CHAT"}, "Collections": [
            {"Metric": {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}, "Value": 3},
            {"Metric": {"Name": "OLDEST_CONTACT_AGE", "Unit": "SECONDS"}, "Value": 90},
            {"Metric": {"Name": "AGENTS_ONLINE", "Unit": "COUNT"}, "Value": 4},
            {"Metric": {"Name": "AGENTS_AVAILABLE", "Unit": "COUNT"}, "Value": 0},
            {"Metric": {"Name": "AGENTS_ON_CONTACT", "Unit": "COUNT"}, "Value": 4},
            {"Metric": {"Name": "SLOTS_ACTIVE", "Unit": "COUNT"}, "Value": 10}]}]}))
    sc = load("scenarios/omnichannel.yaml")
    result = import_snapshot("connect", export, sc, parse_mapping(["q-chat=chat/chat_team"]))
    chats = result.data["agent_groups"]["chat_team"]["chats"]
    assert [len(c) for c in chats] == [3, 3, 2, 2]
    assert result.data["time"] == "13:10:00"
    result.snapshot(sc)


def test_mapping_leaves_queues_out_and_names_unknown_targets():
    sc = load(BANK)
    result = import_snapshot("avaya", SAMPLES / "avaya_skills.csv", sc, parse_mapping(["support=-"]),
                             parse_clock("11:40"))
    assert list(result.data["contact_types"]) == ["sales"] and list(result.data["agent_groups"]) == ["sellers"]
    with pytest.raises(ScenarioError) as err:
        import_snapshot("avaya", SAMPLES / "avaya_skills.csv", sc, parse_mapping(["support=billing"]),
                        parse_clock("11:40"))
    assert "unknown contact type 'billing' (known: sales, support)" in str(err.value)


# --- malformed exports: located errors, exit 2, no traceback -------------------------------------

def _fails(tmp_path, kind, name, text, *expected):
    export = tmp_path / name
    export.write_text(text)
    res = CliRunner().invoke(main, ["snapshot", BANK, *_args(kind, export), "--out", str(tmp_path / "out.yaml")])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and isinstance(res.exception, SystemExit)
    for part in expected:
        assert part in res.stderr, res.stderr
    assert not (tmp_path / "out.yaml").exists()
    return res.stderr


def test_connect_malformed(tmp_path):
    _fails(tmp_path, "connect", "broken.json", '{"MetricResults": [\n  {"Collections": [}\n]}',
           "broken.json:2:", "malformed JSON")
    good = json.loads((SAMPLES / "connect_metrics.json").read_text())
    good["MetricResults"][1]["Collections"][0]["Value"] = -3
    good["MetricResults"][2]["Collections"][1]["Value"] = "many"
    text = json.dumps(good, indent=2)
    err = _fails(tmp_path, "connect", "bad.json", text,
                 "MetricResults[1].Collections[0].Value: expected CONTACTS_IN_QUEUE: a whole number",
                 "MetricResults[2].Collections[1].Value: expected AGENTS_AVAILABLE: a whole number from 0 to "
                 "1,000,000, got text")
    shown = err.replace(str(tmp_path), "")  # the folder's name may hold any digits (pytest-31)
    assert "bad.json:" in shown and "-3" not in shown and "many" not in shown
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"Value": -3' in t)
    assert f"bad.json:{line}:" in err
    _fails(tmp_path, "connect", "empty.json", "{}", "missing 'MetricResults'")


def test_unmapped_queue_is_located_not_named(tmp_path):
    good = json.loads((SAMPLES / "connect_metrics.json").read_text())
    good["MetricResults"][0]["Dimensions"]["Queue"]["Id"] = AGENT_NAME
    export = tmp_path / "renamed.json"
    export.write_text(json.dumps(good, indent=1))
    res = CliRunner().invoke(main, ["snapshot", BANK, "--from", "connect", str(export),
                                    "--map", str(SAMPLES / "connect_map.yaml")])
    assert res.exit_code == 2
    assert "MetricResults[0]: this queue's name is neither a contact type" in res.stderr
    assert AGENT_NAME not in res.output


def test_genesys_malformed(tmp_path):
    good = json.loads((SAMPLES / "genesys_observations.json").read_text())
    good["results"][0]["data"][3]["qualifier"] = "DANCING"
    del good["results"][1]["data"][0]["stats"]
    _fails(tmp_path, "genesys", "bad.json", json.dumps(good, indent=2),
           "results[0].data[3].qualifier: expected a routing status (IDLE, INTERACTING",
           "results[1].data[0]: missing 'stats'")
    _fails(tmp_path, "genesys", "list.json", "[1, 2]", "expected the observations query response")


def test_avaya_malformed(tmp_path):
    err = _fails(tmp_path, "avaya", "bad.csv",
                 "SPLIT,INQUEUE+INRING,OLDESTCALL,STAFFED,AVAIL,ACD,ACW,AUX\n"
                 "Sales,lots,6:00,19,1,15,2,1\n"
                 "Support,10,4:00,30,0,33,3,3\n",
                 "bad.csv:2:1: column INQUEUE+INRING: expected a whole number",
                 "bad.csv:3:1: column STAFFED: STAFFED is smaller than")
    assert "lots" not in err
    _fails(tmp_path, "avaya", "short.csv", "SPLIT,INQUEUE+INRING,OLDESTCALL\nSales,1,0:10\n",
           "missing column 'staffed'")


# --- personal data never enters a snapshot, nor any message -----------------------------------

def _planted(tmp_path, kind) -> Path:
    name = CASES[kind][0]
    export = tmp_path / name
    if kind == "avaya":
        lines = (SAMPLES / name).read_text().splitlines()
        lines[0] += ",TOP AGENT,LAST CALLER"
        lines[1:] = [line + f",{AGENT_NAME},{CALLER}" for line in lines[1:]]
        export.write_text("\n".join(lines) + "\n")
        return export
    data = json.loads((SAMPLES / name).read_text())
    if kind == "connect":
        data["MetricResults"][2]["Dimensions"]["RoutingProfile"]["Name"] = None
        data["MetricResults"][0]["Collections"].append(
            {"Metric": {"Name": "AGENT_NAME_TAG", "Unit": "COUNT"}, "Value": 1, "Agent": AGENT_NAME,
             "Caller": CALLER})
        data["Agents"] = [{"Username": AGENT_NAME, "Phone": CALLER}]
    else:
        data["results"][0]["data"][2]["observations"][0].update(participantName=AGENT_NAME, ani=f"tel:{CALLER}")
        data["results"][1]["data"].append({"metric": "oUserPresences", "qualifier": AGENT_NAME,
                                           "stats": {"count": 1}, "ani": CALLER})
    export.write_text(json.dumps(data, indent=2))
    return export


@pytest.mark.parametrize("kind", list(CASES))
def test_planted_agent_name_and_caller_number_appear_nowhere(tmp_path, kind):
    export = _planted(tmp_path, kind)
    out = tmp_path / "now.yaml"
    runner = CliRunner()
    outputs = []
    res = runner.invoke(main, ["snapshot", BANK, *_args(kind, export), "--out", str(out)])
    assert res.exit_code == 0, res.output
    outputs += [res.output, out.read_text()]
    res = runner.invoke(main, ["snapshot", BANK, *_args(kind, export)])
    outputs.append(res.output)
    res = runner.invoke(main, ["whatif", BANK, *_args(kind, export), "-r", "1", "-q", "--json",
                               "--out", str(tmp_path / "w.json")])
    assert res.exit_code == 0, res.output
    outputs += [res.output, (tmp_path / "w.json").read_text()]
    # and in an error: the planted values moved into cells and fields that are read
    broken = tmp_path / ("broken" + export.suffix)
    if kind == "avaya":
        lines = export.read_text().splitlines()
        cells = lines[1].split(",")
        cells[1], cells[2] = AGENT_NAME, CALLER
        lines[1] = ",".join(cells)
        broken.write_text("\n".join(lines) + "\n")
    else:
        data = json.loads(export.read_text())
        if kind == "connect":
            data["MetricResults"][0]["Collections"][0]["Value"] = AGENT_NAME
            data["MetricResults"][1]["Dimensions"]["Queue"]["Id"] = CALLER
            data["DataSnapshotTime"] = CALLER
        else:
            data["results"][0]["data"][0]["stats"]["count"] = CALLER
            data["results"][0]["data"][3]["qualifier"] = AGENT_NAME
            data["results"][1]["group"]["queueId"] = AGENT_NAME
        broken.write_text(json.dumps(data, indent=2))
    res = runner.invoke(main, ["snapshot", BANK, *_args(kind, broken), "--out", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2, res.output
    outputs.append(res.output)
    for text in outputs:
        for secret in (AGENT_NAME, "Oyelaran", CALLER, CALLER.replace(" ", ""), "7700 900123"):
            assert secret not in text, (kind, secret)


def test_a_failed_import_leaves_the_old_snapshot_as_it_was(tmp_path):
    out = tmp_path / "now.yaml"
    out.write_text("time: '11:00'\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    res = CliRunner().invoke(main, ["snapshot", BANK, "--from", "connect", str(broken), "--out", str(out)])
    assert res.exit_code == 2
    assert out.read_text() == "time: '11:00'\n" and sorted(p.name for p in tmp_path.iterdir()) == ["broken.json",
                                                                                                     "now.yaml"]
