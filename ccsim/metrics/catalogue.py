"""The KPI catalogue: every KPI's name, label, unit, direction, levels and definition.

One entry per KPI that ``compute_results`` (and the staffing search) can produce;
the terminal tables, the report, the notebook figures and the CSV headers take
their labels and units from here, and docs/kpis.md and docs/journeys.md define
the same names in the same words. ``tests/metrics/test_catalogue.py`` fails on a
KPI of any bundled scenario's results without an entry.

Fields:

* ``unit``: ``share`` (a fraction, shown as %), ``s``, ``h``, ``contacts``,
  ``issues``, ``agents``, ``agent-hours``, ``contacts/agent-hour``,
  ``contacts/issue`` or ``score``;
* ``direction``: ``higher`` or ``lower`` is better, or ``neither`` (volumes,
  staffing, occupancy: a planner wants them right, not high or low);
* ``levels``: where the KPI is reported — ``contact_type``, ``agent_group``,
  ``channel`` (split by channel), ``agent`` (per agent or across agents),
  ``interval``, ``total``;
* ``when``: which results carry it (``always`` or the feature that adds it);
* ``topic``: the family it belongs to (``contacts``, ``email``, ``journeys``, ``outbound``,
  ``groups``, ``channels``, ``agents``, ``staffing``), which the report uses to
  group KPIs into sections.

``handled_<type>`` is one entry for every contact type's name.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS = ("share", "s", "h", "contacts", "issues", "agents", "agent-hours", "contacts/agent-hour",
         "contacts/issue", "score")
DIRECTIONS = ("higher", "lower", "neither")
LEVELS = ("contact_type", "agent_group", "channel", "agent", "interval", "total")

# How values of each unit are written: shares as %, seconds, hours, plain numbers.
_KIND = {"share": "share", "s": "seconds", "h": "hours", "agent-hours": "agent_hours", "contacts": "count",
         "issues": "count"}


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI of the catalogue (see the module docstring for the fields)."""

    name: str
    label: str
    unit: str
    direction: str
    levels: tuple[str, ...]
    definition: str
    when: str = "always"
    topic: str = "contacts"

    @property
    def kind(self) -> str:
        """How its values are written: share, seconds, hours, agent_hours (an amount of work), count or number."""
        return _KIND.get(self.unit, "number")

    @property
    def better(self) -> int:
        """+1 when higher is better, -1 when lower is, 0 otherwise."""
        return {"higher": 1, "lower": -1}.get(self.direction, 0)


_TYPE = ("contact_type", "interval")
_TYPE_TOTAL = ("contact_type", "interval", "total")
_GROUP = ("agent_group", "interval")
_EMAIL = "email types"
_JOURNEYS = "caller journeys"
_TRANSFERS = "transfers"
_PER_AGENT = "statistics.per_agent"
_OUTBOUND = "outbound types"


def _k(name, label, unit, direction, levels, definition, when="always", topic="contacts") -> Kpi:
    return Kpi(name, label, unit, direction, levels, definition, when, topic)


_ENTRIES = (
    # ------------------------------------------------------------- contact types
    _k("offered", "offered", "contacts", "neither", _TYPE_TOTAL,
       "contacts that arrived; offered = answered + abandoned + blocked + waiting_at_end (+ disconnected, messages, "
       "+ balked, ivr_resolved and callbacks_failed with caller journeys)"),
    _k("answered", "answered", "contacts", "higher", _TYPE_TOTAL,
       "contacts that reached an agent (emails: emails started, every one of them replied)"),
    _k("abandoned", "abandoned", "contacts", "lower", _TYPE_TOTAL,
       "contacts that hung up before an agent answered (their patience ran out); always 0 for emails"),
    _k("blocked", "blocked", "contacts", "lower", _TYPE_TOTAL, "contacts that found all `lines` of the type busy"),
    _k("waiting_at_end", "waiting at end", "contacts", "lower", _TYPE,
       "contacts still waiting when the run ended (no patience limit and no agent left)"),
    _k("disconnected", "disconnected", "contacts", "lower", _TYPE_TOTAL,
       "callers still waiting at a day's closing and disconnected then (`at_closing: disconnect`); not "
       "abandoned: their patience had not run out", when="at_closing: disconnect"),
    _k("messages", "messages", "contacts", "lower", _TYPE_TOTAL,
       "callers still waiting at the type's voicemail limit, who left a message then (`voicemail.after`); "
       "not abandoned, and in the service level's base", when="voicemail"),
    _k("service_level", "service level", "share", "higher", _TYPE_TOTAL,
       "answered within the threshold / (answered + abandoned + disconnected at closing + messages), abandons quicker "
       "than `short_abandon` left out of both, accepted callbacks out of both; waits from queue entry. "
       "Emails: replied within the threshold / (replied + emails in the backlog at the end already older "
       "than the threshold). The total uses each type's own threshold"),
    _k("asa", "ASA", "s", "lower", _TYPE_TOTAL,
       "average speed of answer: mean wait of the contacts answered (accepted callbacks left out); "
       "emails: time from arrival to the start of handling"),
    _k("mean_wait", "mean wait", "s", "lower", _TYPE_TOTAL,
       "mean wait of answered and abandoned contacts (an abandoned caller waited its patience)"),
    _k("wait_p90", "P90 wait", "s", "lower", _TYPE, "90th percentile of the wait of the contacts answered"),
    _k("abandon_rate", "abandonment", "share", "lower", _TYPE_TOTAL, "abandoned / offered"),
    _k("blocked_rate", "blocked share", "share", "lower", _TYPE_TOTAL, "blocked / offered"),
    _k("mean_queue", "mean queue", "contacts", "lower", _TYPE,
       "time-average number of contacts waiting (callers waiting for a callback are not in the queue)"),
    _k("max_queue", "max queue", "contacts", "lower", _TYPE, "largest number of contacts waiting at once"),
    _k("aht", "AHT (talk)", "s", "neither", _TYPE, "mean talk time of the contacts answered"),
    _k("answered_within_threshold", "answered within threshold", "contacts", "higher", _TYPE,
       "the service level's numerator: contacts answered within the threshold (emails: replied within it)"),
    _k("sl_counted", "SL base (answered + abandoned)", "contacts", "neither", _TYPE,
       "the service level's denominator: answered + abandoned − short abandons (emails: replied + backlog "
       "older than the threshold at the end)"),
    # ------------------------------------------------------------- the field's other definitions, by name
    _k("service_level_answered", "service level over answered", "share", "higher", _TYPE_TOTAL,
       "answered within the threshold / answered from the queue: abandoned contacts out of the base, accepted "
       "callbacks out of both; emails: replied within the threshold / replied. The total sums both counts over "
       "the types (each type's own threshold)"),
    _k("service_level_offered", "service level over offered", "share", "higher", _TYPE_TOTAL,
       "answered within the threshold / offered: every contact that arrived in the base, abandoned (short ones "
       "too), blocked and still waiting included; emails: replied within the threshold / emails arrived. The "
       "total sums both counts over the types (each type's own threshold)"),
    _k("p_wait", "P(wait > 0)", "share", "lower", _TYPE_TOTAL,
       "answered and abandoned contacts that waited at all (wait > 0) / answered + abandoned (the contacts of "
       "mean_wait). The total sums both counts over the types"),
    # ------------------------------------------------------------- email types
    _k("backlog_at_end", "email backlog at end", "contacts", "lower", ("contact_type",),
       "emails not started when the last day's horizon ends", _EMAIL, "email"),
    _k("oldest_backlog_hours", "oldest email in backlog", "h", "lower", ("contact_type",),
       "age of the oldest email in the backlog when the last day's horizon ends; 0 without a backlog",
       _EMAIL, "email"),
    _k("mean_reply_hours", "mean time to reply", "h", "lower", ("contact_type",),
       "mean time from arrival to reply (end of handling) of the emails replied", _EMAIL, "email"),
    _k("backlog", "email backlog", "contacts", "lower", ("interval",),
       "emails waiting at the end of the interval: arrived by then and not started by then", _EMAIL, "email"),
    # ------------------------------------------------------------- caller journeys (report order)
    _k("fcr", "first-contact resolution", "share", "higher", _TYPE,
       "issues resolved at their first answered contact / issues whose first contact was answered", _JOURNEYS,
       "journeys"),
    _k("contacts_per_issue", "contacts per issue", "contacts/issue", "lower", _TYPE,
       "contact attempts per issue (retrials and repeat contacts included)", _JOURNEYS, "journeys"),
    _k("unique_customers", "issues (customers)", "issues", "neither", _TYPE,
       "issues that started (counted under their first contact's type and interval)", _JOURNEYS, "journeys"),
    _k("service_level_customer", "service level of first attempts", "share", "higher", _TYPE,
       "issues whose first attempt was answered within the threshold / issues whose first attempt was answered "
       "or abandoned", _JOURNEYS, "journeys"),
    _k("abandon_rate_customer", "issues abandoned for good", "share", "lower", _TYPE,
       "issues never answered (a failed callback answers nobody), not resolved in the IVR, not deferred and not "
       "still waiting at the end / issues", _JOURNEYS, "journeys"),
    _k("callbacks_offered", "callbacks offered", "contacts", "neither", _TYPE,
       "contacts offered a callback (accepted or declined)", _JOURNEYS, "journeys"),
    _k("callbacks_accepted", "callbacks accepted", "contacts", "neither", _TYPE,
       "contacts that accepted a callback", _JOURNEYS, "journeys"),
    _k("callbacks_completed", "callbacks completed", "contacts", "higher", _TYPE,
       "accepted callbacks that an agent made", _JOURNEYS, "journeys"),
    _k("callbacks_failed", "callbacks failed (not reached)", "contacts", "lower", _TYPE,
       "callbacks whose customer did not answer the agent's call", _JOURNEYS, "journeys"),
    _k("callback_delay", "callback delay", "s", "lower", _TYPE,
       "mean time from accepting a callback to being called back", _JOURNEYS, "journeys"),
    _k("conversion_rate", "conversion", "share", "higher", _TYPE,
       "sales / answered contacts of a type with a conversion model", _JOURNEYS, "journeys"),
    _k("sales", "sales", "contacts", "higher", _TYPE, "answered contacts that ended in a sale", _JOURNEYS,
       "journeys"),
    _k("rating_mean", "mean rating", "score", "higher", _TYPE,
       "the rating model's mean score per issue", _JOURNEYS, "journeys"),
    _k("share_satisfied", "satisfied", "share", "higher", _TYPE,
       "issues rated at or above the rating model's `satisfied_at` / issues", _JOURNEYS, "journeys"),
    # ------------------------------------------------------------- transfers (report order)
    _k("transfers_made", "transfers made", "contacts", "neither", _TYPE,
       "legs transferred out of this type's contacts (counted where the new leg arrived)", _TRANSFERS, "transfers"),
    _k("legs_in", "legs received", "contacts", "neither", _TYPE,
       "legs this type received by transfer (in offered too)", _TRANSFERS, "transfers"),
    _k("legs_answered", "legs answered", "contacts", "higher", _TYPE, "legs received and answered here",
       _TRANSFERS, "transfers"),
    _k("legs_abandoned", "legs abandoned", "contacts", "lower", _TYPE,
       "legs whose caller hung up waiting here (patience or a warm transfer's wait limit)", _TRANSFERS, "transfers"),
    _k("legs_voicemail", "legs to voicemail", "contacts", "lower", _TYPE,
       "legs not reached whose caller left a message (if_not_reached: voicemail)", _TRANSFERS, "transfers"),
    _k("legs_returned", "legs returned", "contacts", "lower", _TYPE,
       "warm transfers not reached, the caller back with the first agent (if_not_reached: back)",
       _TRANSFERS, "transfers"),
    _k("conference_time", "conference time", "s", "neither", _TYPE,
       "mean conference of the warm transfers answered here", _TRANSFERS, "transfers"),
    _k("issues", "issues", "issues", "neither", _TYPE, "issues whose first contact is of this type",
       _TRANSFERS, "transfers"),
    _k("issues_served", "issues served", "issues", "higher", _TYPE,
       "issues that ended with an agent (an answered leg nobody transferred on)", _TRANSFERS, "transfers"),
    _k("legs_per_issue", "legs per issue", "contacts/issue", "neither", _TYPE,
       "rows per issue, its first contact included", _TRANSFERS, "transfers"),
    _k("journey_wait", "journey wait", "s", "lower", _TYPE,
       "mean of the summed waits over all legs of each issue served", _TRANSFERS, "transfers"),
    _k("ivr_resolved", "resolved in the IVR", "contacts", "neither", _TYPE,
       "contacts resolved by self-service in the IVR (never reached the queue)", _JOURNEYS, "journeys"),
    _k("balked", "balked", "contacts", "lower", _TYPE,
       "contacts that left at once on hearing the expected wait", _JOURNEYS, "journeys"),
    _k("retrials", "retrials", "contacts", "lower", _TYPE,
       "attempts that are a retrial (after abandoning, balking, being blocked or a failed callback)", _JOURNEYS,
       "journeys"),
    _k("repeat_contacts", "repeat contacts", "contacts", "lower", _TYPE,
       "contacts of an issue after its first, unresolved one", _JOURNEYS, "journeys"),
    _k("expected_wait_error", "announced wait error", "s", "lower", _TYPE,
       "mean |announced expected wait − actual wait| of the contacts told a prediction", _JOURNEYS, "journeys"),
    _k("deferred", "deferred past the horizon", "contacts", "neither", _TYPE,
       "retrials and repeat contacts that would fall after the horizon (per type for the day; nan per interval)",
       _JOURNEYS, "journeys"),
    # ------------------------------------------------------------- outbound types
    _k("dialled", "dialled", "contacts", "neither", _TYPE,
       "calls the dialer placed (dialled = right_party + wrong_party + machines + no_answer), by the interval "
       "in which they were dialled", _OUTBOUND, "outbound"),
    _k("reached", "reached", "contacts", "higher", _TYPE,
       "dialled calls someone (or an answering machine) answered: dialled - no_answer", _OUTBOUND, "outbound"),
    _k("right_party", "right party", "contacts", "higher", _TYPE,
       "dialled calls answered by the person sought", _OUTBOUND, "outbound"),
    _k("wrong_party", "wrong party", "contacts", "lower", _TYPE,
       "dialled calls answered by someone else (a live call, with its own short talk)", _OUTBOUND, "outbound"),
    _k("machines", "answering machines", "contacts", "lower", _TYPE,
       "dialled calls answered by an answering machine (dropped, or a message left)", _OUTBOUND, "outbound"),
    _k("no_answer", "no answer", "contacts", "lower", _TYPE,
       "dialled calls nobody answered (no answer, busy)", _OUTBOUND, "outbound"),
    _k("right_party_rate", "right-party rate", "share", "higher", _TYPE,
       "right_party / dialled: the list's right-party connect rate", _OUTBOUND, "outbound"),
    _k("right_party_connects", "right-party connects", "contacts", "higher", _TYPE,
       "right-party calls an agent talked to", _OUTBOUND, "outbound"),
    _k("mismatches", "mismatches", "contacts", "lower", _TYPE,
       "live calls (right or wrong party) answered while no agent was free: they waited, or hung up",
       _OUTBOUND, "outbound"),
    _k("outbound_abandon_rate", "abandoned (regulators' rule)", "share", "lower", _TYPE,
       "live calls not connected to an agent within the dialer's grace (2 s by default) of the greeting — hung "
       "up or connected later — / live calls; the rule's limit is usually 3 %", _OUTBOUND, "outbound"),
    _k("idle_between_contacts", "idle between contacts", "s", "neither", _GROUP,
       "a group serving an outbound type: time present and not busy / contacts started (the agents' wait "
       "for the next call)", _OUTBOUND, "groups"),
    # ------------------------------------------------------------- agent groups
    _k("occupancy", "occupancy", "share", "neither", ("agent_group", "agent", "interval"),
       "handling time (talk + after-call work) / agent time present and available; chat time counts once per "
       "agent (busy while one or more chats are open and no call or email is in hand)", topic="groups"),
    _k("utilisation", "utilisation", "share", "neither", _GROUP,
       "handling time / paid agent time (available + breaks + aux); equal to occupancy without breaks or aux",
       topic="groups"),
    _k("contacts_per_hour", "contacts per agent-hour", "contacts/agent-hour", "neither",
       ("agent_group", "agent", "interval"),
       "contacts the group started (answered, or a callback attempt) per present agent-hour, both in the same "
       "interval or statistics window", topic="groups"),
    _k("handled", "handled", "contacts", "neither", ("agent_group", "agent", "interval"),
       "contacts answered by the group, counted as the contact types count them: by arrival (after the warm-up), "
       "in the interval of arrival, whenever answered (after closing too); the groups' handled add up to the "
       "answered", topic="groups"),
    _k("agents_present", "agents present", "agents", "neither", _GROUP,
       "average agents logged in and available (includes agents finishing a contact after a staffing drop)",
       topic="groups"),
    _k("agents_scheduled", "agents scheduled", "agents", "neither", _GROUP, "staffing from the scenario",
       topic="groups"),
    _k("busy_hours", "busy agent-hours", "agent-hours", "neither", ("agent_group", "agent", "interval"),
       "agent-hours handling contacts", topic="groups"),
    _k("present_hours", "present agent-hours", "agent-hours", "neither", ("agent_group", "agent", "interval"),
       "agent-hours logged in and available", topic="groups"),
    _k("break_hours", "break agent-hours", "agent-hours", "neither", _GROUP, "agent-hours on breaks",
       topic="groups"),
    _k("aux_hours", "aux agent-hours", "agent-hours", "neither", _GROUP, "agent-hours on aux (unavailable) time",
       topic="groups"),
    _k("agents_required", "agents required", "agents", "neither", _GROUP,
       "agents each interval needs to meet the targets (the staffing search's answer)", "ccsim staff", "staffing"),
    # ------------------------------------------------------------- channels and skills
    _k("slot_utilisation", "chat slot utilisation", "share", "neither", _GROUP,
       "chat-hours open / (available agent-hours × the group's chat `concurrency`)",
       "groups with a chat skill", "channels"),
    _k("occupancy_voice", "occupancy on calls", "share", "neither", ("agent_group", "channel", "interval"),
       "the part of occupancy spent on calls (talk + after-call work)", "groups serving two channels or more",
       "channels"),
    _k("occupancy_chat", "occupancy on chats", "share", "neither", ("agent_group", "channel", "interval"),
       "the part of occupancy spent with chats open and no call or email in hand",
       "groups serving two channels or more", "channels"),
    _k("occupancy_email", "occupancy on emails", "share", "neither", ("agent_group", "channel", "interval"),
       "the part of occupancy spent on emails (handling + after-call work)", "groups serving two channels or more",
       "channels"),
    _k("contacts_per_hour_voice", "calls per agent-hour", "contacts/agent-hour", "neither",
       ("agent_group", "channel", "interval"), "calls the group started per available agent-hour",
       "groups serving two channels or more", "channels"),
    _k("contacts_per_hour_chat", "chats per agent-hour", "contacts/agent-hour", "neither",
       ("agent_group", "channel", "interval"), "chats the group started per available agent-hour",
       "groups serving two channels or more", "channels"),
    _k("contacts_per_hour_email", "emails per agent-hour", "contacts/agent-hour", "neither",
       ("agent_group", "channel", "interval"), "emails the group started per available agent-hour",
       "groups serving two channels or more", "channels"),
    # ------------------------------------------------------------- per agent
    _k("agents_counted", "agents (per-agent statistics)", "agents", "neither", ("agent_group", "agent"),
       "agents of the group present 30 minutes or more in a replication", _PER_AGENT, "agents"),
    _k("agent_occupancy_mean", "agent occupancy, mean", "share", "neither", ("agent_group", "agent"),
       "per agent, busy time / available time; the mean across the counted agents of a replication",
       _PER_AGENT, "agents"),
    _k("agent_occupancy_min", "agent occupancy, lowest", "share", "neither", ("agent_group", "agent"),
       "per agent, busy time / available time; the lowest across the counted agents of a replication",
       _PER_AGENT, "agents"),
    _k("agent_occupancy_max", "agent occupancy, highest", "share", "neither", ("agent_group", "agent"),
       "per agent, busy time / available time; the highest across the counted agents of a replication",
       _PER_AGENT, "agents"),
    _k("agent_contacts_per_hour_mean", "agent contacts per hour, mean", "contacts/agent-hour", "neither",
       ("agent_group", "agent"), "per agent, contacts started / available hours; the mean across the counted "
       "agents of a replication", _PER_AGENT, "agents"),
    _k("agent_contacts_per_hour_min", "agent contacts per hour, lowest", "contacts/agent-hour", "neither",
       ("agent_group", "agent"), "per agent, contacts started / available hours; the lowest across the counted "
       "agents of a replication", _PER_AGENT, "agents"),
    _k("agent_contacts_per_hour_max", "agent contacts per hour, highest", "contacts/agent-hour", "neither",
       ("agent_group", "agent"), "per agent, contacts started / available hours; the highest across the counted "
       "agents of a replication", _PER_AGENT, "agents"),
)

CATALOGUE: dict[str, Kpi] = {k.name: k for k in _ENTRIES}

# One entry for the KPIs named after a contact type: handled_<type>.
HANDLED_BY_TYPE = Kpi("handled_<type>", "handled <type>", "contacts", "neither", ("agent_group", "interval"),
                      "contacts of that type the group answered, counted as handled is (by arrival, whenever answered)",
                      "groups with two skills or more", "channels")
_HANDLED_PREFIX = "handled_"


def find(name: str, contact_types=None) -> Kpi | None:
    """The catalogue entry of *name*, or None. ``handled_<type>`` names resolve to one entry
    (for any suffix, or only for the names in *contact_types* when given), labelled with
    the type's name."""
    entry = CATALOGUE.get(name)
    if entry is not None:
        return entry
    if name.startswith(_HANDLED_PREFIX):
        kind = name[len(_HANDLED_PREFIX):]
        if kind and (contact_types is None or kind in contact_types):
            e = HANDLED_BY_TYPE
            return Kpi(name, f"handled {kind}", e.unit, e.direction, e.levels, e.definition.replace("that type",
                       f"type {kind}"), e.when, e.topic)
    return None


def names(topic: str | None = None) -> tuple[str, ...]:
    """Every KPI name of the catalogue (of one *topic*), in the catalogue's order."""
    return tuple(k.name for k in _ENTRIES if topic is None or k.topic == topic)


def journey_kpis() -> tuple[str, ...]:
    """The caller-journey KPIs, in the order the report shows them."""
    return names("journeys")
