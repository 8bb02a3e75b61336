"""What lines a figure draws: one series per run and name, names checked against the run, and
the service-level target and threshold lines."""

from __future__ import annotations

from ...experiment.estimates import Estimates
from ..labels import duration
from .style import COLOURS, STYLES, TARGET_COLOUR, THRESHOLD_STYLES


def series(runs, names):
    """(label, estimates, name, colour, line style) for each run and name."""
    out = []
    for v, (label, est) in enumerate(runs):
        for i, name in enumerate(names):
            text = " · ".join(part for part in (label, name) if part)
            colour = COLOURS[(v * len(names) + i) % len(COLOURS)]
            out.append((text, est, name, colour, STYLES[v % len(STYLES)]))
    return out


def title(text: str) -> str:
    return text[:1].upper() + text[1:]


def names_of(est: Estimates, names, section: str = "contact_types") -> list[str]:
    every = list(getattr(est, section))
    if names is None:
        return every
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in every]
    if unknown:
        kind = "contact type" if section == "contact_types" else "agent group"
        raise ValueError(f"unknown {kind} {unknown[0]!r} (known: {', '.join(every)})")
    return names


def target_lines(ax, runs, names, what: str, scale: float = 1.0) -> None:
    """One line per distinct service-level target (or threshold) of the named contact types.

    Several lines differ in their dash pattern, and each says in its legend entry (and in a
    label at its right end) which contact types it belongs to.
    """
    lines: dict[float, dict] = {}
    for _, est in runs:
        for ct in est.plan.contact_types:
            if ct.name in names:
                value = ct.sl_target if what == "target" else ct.sl_threshold
                entry = lines.setdefault(value, {"within": set(), "types": []})
                entry["within"].add(ct.sl_threshold)
                if ct.name not in entry["types"]:
                    entry["types"].append(ct.name)
    for k, (value, entry) in enumerate(lines.items()):
        within = entry["within"]
        if what == "target":
            text = f"target {100 * value:g} %" + (f" in {duration(next(iter(within)))}" if len(within) == 1 else "")
        else:
            text = f"SL threshold {duration(value)}"
        if len(lines) > 1:
            text += f" ({', '.join(entry['types'])})"
        ax.axhline(value * scale, color=TARGET_COLOUR, linestyle=THRESHOLD_STYLES[k % len(THRESHOLD_STYLES)],
                   linewidth=1.3, label=text)
        if len(lines) > 1:
            ax.annotate(", ".join(entry["types"]), xy=(1.0, value * scale), xycoords=("axes fraction", "data"),
                        xytext=(-3, 2), textcoords="offset points", ha="right", va="bottom", fontsize=7,
                        color=TARGET_COLOUR)
