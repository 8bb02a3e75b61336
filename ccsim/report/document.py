"""A self-contained HTML document: sections, tables and embedded figures.

The document needs nothing from the network: the style sheet is inline and
figures are SVG embedded as ``data:`` URIs. It uses no JavaScript.

A command that reports (``run``, ``compare``, ``sweep``, and later ``staff``)
builds a ``Report``, adds its sections — its own, and reusable ones from
``ccsim.report.sections`` — and writes it::

    report = Report("Staffing for the retail bank", "20 replications per step")
    report.add("search", "Staffing search", table_html(headers, rows))
    report.extend(run_sections(best_estimates))
    report.write("staff.html")
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from .._version import __version__
from .figures import to_svg

CSS = """
:root { --ink:#1d2430; --muted:#5b6573; --line:#d9dee5; --card:#fff; --bg:#f4f6f8;
        --met:#14632d; --met-bg:#e1f3e6; --missed:#9b1c1c; --missed-bg:#fbe3e3;
        --border:#7a5300; --border-bg:#fff2cc; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
header { background:#1f3a5f; color:#fff; padding:22px 32px 14px; }
header h1 { margin:0 0 4px; font-size:26px; font-weight:600; }
header p { margin:2px 0; color:#d7e2f0; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; position:sticky; top:0; }
nav a { color:#1f3a5f; margin-right:18px; text-decoration:none; font-size:14px; }
nav a:hover { text-decoration:underline; }
main { max-width:1180px; margin:0 auto; padding:18px 24px 40px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:18px 22px;
          margin:18px 0; }
section h2 { margin:0 0 12px; font-size:20px; font-weight:600; }
h3 { font-size:16px; margin:18px 0 8px; }
p.note, .note { color:var(--muted); font-size:13px; }
table { border-collapse:collapse; margin:8px 0 4px; font-size:14px; }
th, td { padding:5px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#eef1f5; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td small { display:block; color:var(--muted); font-size:12px; }
.met { background:var(--met-bg); color:var(--met); }
.missed { background:var(--missed-bg); color:var(--missed); }
.borderline { background:var(--border-bg); color:var(--border); }
.pill { display:inline-block; border-radius:10px; padding:0 8px; font-size:12px; font-weight:600; }
.cards { display:flex; flex-wrap:wrap; gap:14px; }
.card { flex:1 1 260px; border:1px solid var(--line); border-left:6px solid var(--line); border-radius:6px;
        padding:10px 14px; background:#fff; }
.card.met { border-left-color:#2e9e4f; } .card.missed { border-left-color:#d64545; }
.card.borderline { border-left-color:#e0a800; }
.card .big { font-size:28px; font-weight:600; }
.card h3 { margin:0 0 4px; color:var(--ink); }
.card p { margin:2px 0; color:var(--ink); }
figure { margin:14px 0; }
figure img { max-width:100%; height:auto; display:block; }
figcaption { color:var(--muted); font-size:13px; margin-top:2px; }
details { margin:10px 0; } summary { cursor:pointer; color:#1f3a5f; font-weight:600; }
.scroll { overflow-x:auto; max-width:100%; }
pre { overflow-x:auto; max-width:100%; background:#f7f8fa; padding:8px 10px; border-radius:4px; font-size:13px; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 30px; }
@media print {
  nav { display:none; } body { background:#fff; font-size:11px; } main { max-width:none; padding:0; }
  section { break-inside:auto; border:none; padding:0; margin:12px 0; }
  figure, .card, tr { break-inside:avoid; }
  /* Paper does not scroll: wide tables shrink to the page and their cells wrap. */
  .scroll { overflow:visible; }
  table { width:100%; table-layout:auto; font-size:9px; }
  th, td { padding:2px 4px; overflow-wrap:anywhere; }
  td.num, th.num { white-space:normal; }
  pre { white-space:pre-wrap; overflow:visible; font-size:9px; }
}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


class Section:
    """A titled part of a report; *body* is HTML."""

    __slots__ = ("key", "title", "body")

    def __init__(self, key: str, title: str, body: str):
        self.key, self.title, self.body = key, title, body


class Report:
    """An HTML report: a header, a table of contents, and sections."""

    def __init__(self, title: str, subtitle: str = ""):
        self.title = title
        self.subtitle = subtitle
        self.sections: list[Section] = []

    def add(self, key: str, title: str, body: str) -> Section:
        used = {s.key for s in self.sections}
        unique, n = key, 2
        while unique in used:
            unique, n = f"{key}-{n}", n + 1
        section = Section(unique, title, body)
        self.sections.append(section)
        return section

    def extend(self, sections) -> None:
        for section in sections:
            if section is not None:
                self.add(section.key, section.title, section.body)

    def to_html(self) -> str:
        nav = "".join(f'<a href="#{esc(s.key)}">{esc(s.title)}</a>' for s in self.sections)
        body = "".join(f'<section id="{esc(s.key)}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in self.sections)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="ccsim {esc(__version__)}">'
            '<link rel="icon" href="data:,">'
            f"<title>{esc(self.title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{esc(self.title)}</h1>"
            + (f"<p>{esc(self.subtitle)}</p>" if self.subtitle else "")
            + f"</header><nav>{nav}</nav><main>{body}</main>"
            f"<footer>Made by ccsim {esc(__version__)}. Means over replications, ± the half-width of the "
            "95 % confidence interval; bands and P10–P90 show how much days differ.</footer>"
            "</body></html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the report atomically (a temporary file renamed into place)."""
        from .export import atomic_write_text

        atomic_write_text(path, self.to_html())
        return Path(path)


def figure_html(fig, alt: str, caption: str = "") -> str:
    """A matplotlib figure embedded as an SVG image (no file beside the report)."""
    svg = to_svg(fig)
    width, height = (round(v * 96) for v in fig.get_size_inches())  # CSS px
    data = base64.b64encode(svg).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (f'<figure><img alt="{esc(alt)}" width="{width}" height="{height}" '
            f'src="data:image/svg+xml;base64,{data}">{cap}</figure>')


def table_html(headers: list[str], rows: list[list], numeric: set[int] = frozenset(),
               classes: dict[tuple[int, int], str] | None = None) -> str:
    """A table; cells are text (escaped) or ``Raw`` HTML; *classes* maps (row, column) to a CSS class."""
    classes = classes or {}

    def cell(tag, r, c, value):
        names = [n for n in ("num" if c in numeric else "", classes.get((r, c), "")) if n]
        attr = f' class="{" ".join(names)}"' if names else ""
        text = value.html if isinstance(value, Raw) else esc(value)
        return f"<{tag}{attr}>{text}</{tag}>"

    head = "".join(cell("th", -1, c, h) for c, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", r, c, v) for c, v in enumerate(row)) + "</tr>"
                   for r, row in enumerate(rows))
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


class Raw:
    """HTML that ``table_html`` must not escape."""

    __slots__ = ("html",)

    def __init__(self, text: str):
        self.html = text
