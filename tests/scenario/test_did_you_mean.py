"""Misspelt names and fields: the known ones, and the closest ("did you mean")."""

import pytest

from ccsim.scenario import ScenarioError, loads

SMALL = """\
name: Small
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
  support:
    arrivals: {rate: 30/h}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  universal: {skills: [sales, support], staffing: 3}
  specialists: {skills: [support], staffing: 2}
"""


def problems(text=SMALL, *sets) -> list:
    with pytest.raises(ScenarioError) as info:
        loads(text, source="s.yaml", overrides=sets)
    return info.value.problems


def test_a_change_to_a_misspelt_group_names_the_group_not_its_missing_fields():
    (problem,) = problems(SMALL, "agent_groups.univrsal.staffing=5")
    assert problem.source == "--set agent_groups.univrsal.staffing=5"
    assert problem.message == ("unknown agent group 'univrsal' (known: universal, specialists; "
                               "did you mean 'universal'?)")


def test_a_change_to_a_misspelt_contact_type():
    (problem,) = problems(SMALL, "contact_types.suport.arrivals.rate=40/h")
    assert problem.message == "unknown contact type 'suport' (known: sales, support; did you mean 'support'?)"


def test_no_guess_when_nothing_is_close_and_a_new_group_may_still_be_given_whole():
    (problem,) = problems(SMALL, "agent_groups.zzz.staffing=5")
    assert problem.message == "unknown agent group 'zzz' (known: universal, specialists)"
    sc = loads(SMALL, overrides=["agent_groups.night={skills: [sales], staffing: 1}"])
    assert sc.agent_groups["night"].staffing == 1


def test_misspelt_field_in_a_file_and_in_a_set_option():
    (problem,) = problems(SMALL.replace("handle_time: {dist: exponential, mean: 3min}",
                                        "handle_time: {dist: exponential, mean: 3min}\n    patiense: 2min"))
    assert (problem.line, problem.path) == (7, "contact_types.sales.patiense")
    assert problem.message.endswith("; did you mean 'patience'?)")
    (problem,) = problems(SMALL, "contact_types.sales.handle_time.maen=4min")
    assert "unknown field 'maen'" in problem.message and "did you mean 'mean'?" in problem.message


def test_misspelt_skill_distribution_channel_and_routing():
    text = (SMALL.replace("skills: [support]", "skills: [suport]").replace("dist: exponential, mean: 5min",
                                                                            "dist: exponentail, mean: 5min")
            .replace("  sales:\n", "  sales:\n    channel: vioce\n") + "routing: prioity\n")
    messages = {p.path: p.message for p in problems(text)}
    assert messages["agent_groups.specialists.skills[0]"].endswith("did you mean 'support'?)")
    assert messages["contact_types.support.handle_time.dist"].endswith("did you mean 'exponential'?)")
    assert messages["contact_types.sales.channel"].endswith("(did you mean 'voice'?)")
    assert messages["routing"].endswith("(did you mean 'priority'?)")
