"""The organisers' dashboard of an edition: problem figures, server-rendered charts, CSV export.

Read side only. Every figure comes from three queries whatever the number of problems: a count
and endorsement sum grouped by status, a count grouped by region, settlement kind and track
(joined through the municipality), and the SDG lists of the live problems, tallied here.

Charts are pygal SVG meant to be inlined in the page: no JavaScript (pygal's tooltip script
and its inline configuration script are both left out), no XML declaration, an SVG title for
assistive technology. pygal escapes every label it writes, so the only text from users that
reaches a chart, a municipality's region, arrives as text and never as markup.

The Content-Security-Policy refuses inline style, so each chart's own `<style>` element is cut
out as well: every chart is drawn with the one `chart_style()`, and pygal's stylesheet for it is
served once as static/css/charts.css (`chart_stylesheet()` writes it; a test keeps the two equal).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pygal
from piccolo.query.functions.aggregate import Count, Sum
from pygal.style import Style

from challenge.enums import ProblemStatus, SettlementKind, Track
from challenge.rules.sdgs import SDGS
from challenge.tables import Problem
from core.i18n import current_locale, format_number, label
from core.i18n import gettext as _
from core.rules.spreadsheets import safe_cell
from core.settings import PROJECT_ROOT

# Problems someone is working on: the pipeline the region, kind, track and SDG figures show.
# Drafts have not been sent yet; archived and withdrawn problems have left the challenge.
LIVE_STATUSES: tuple[ProblemStatus, ...] = (
    ProblemStatus.SUBMITTED,
    ProblemStatus.CHANGES_REQUESTED,
    ProblemStatus.PUBLISHED,
)

BRAND = "#0b6e4f"
# Brand green, then a dark amber and the site's blue: told apart easily, and each carries its
# count in white at a contrast of at least 4.5:1.
CHART_COLOURS = (BRAND, "#8a5a00", "#1d5fbf")
CHART_STYLESHEET = PROJECT_ROOT / "static" / "css" / "charts.css"
_SERIES_COLOUR = re.compile(r"\bcolor-(\d+)\b")
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")

CSV_HEADER = (
    "id",
    "title",
    "municipality",
    "region",
    "kind",
    "track",
    "status",
    "sdgs",
    "budget_range",
    "procurement_path",
    "affected_count",
    "endorsement_count",
    "submitted_at",
    "published_at",
    "contact_name",
    "contact_email",
)


@dataclass(frozen=True)
class ProblemStats:
    """What an edition's problems look like, in counts.

    Attributes:
        by_status: every problem of the edition per status, every status listed (zeros too).
            Archived and withdrawn problems count here, and only here.
        by_region: live problems (see `LIVE_STATUSES`) per municipality region, largest first.
        by_kind: live problems per settlement kind, every kind listed.
        by_track: live problems per track, every track listed (submission requires a track).
        by_sdg: live problems per goal 1..17; a problem counts once for each of its goals, so
            these add up to more than `live` when problems name several goals.
        endorsements: residents' endorsements over all the edition's problems, whatever their
            status: an endorsement given to a problem later archived was still given.
    """

    by_status: dict[str, int]
    by_region: dict[str, int]
    by_kind: dict[str, int]
    by_track: dict[str, int]
    by_sdg: dict[int, int]
    endorsements: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def live(self) -> int:
        return sum(self.by_status[status] for status in LIVE_STATUSES)


@dataclass(frozen=True)
class Figure:
    """One chart and the table that carries the same numbers beside it.

    Attributes:
        key: a stable name for anchors and tests (`status`, `region`, `kind`, `sdg`).
        title: the heading, also the chart's SVG title.
        column: the heading of the table's first column.
        rows: (what, how many problems), in the order the chart shows them.
        svg: pygal's markup, safe to inline: every label in it is escaped.
        note: how to read the figure, when that is not obvious.
    """

    key: str
    title: str
    column: str
    rows: tuple[tuple[str, int], ...]
    svg: str
    note: str = ""


def zero_filled(counts: Mapping[Any, int], keys: Iterable[Any]) -> dict[Any, int]:
    """`counts` over exactly `keys`, in their order, with zero where nothing was counted."""
    return {key: counts.get(key, 0) for key in keys}


def largest_first(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts ordered by size, then by name, so equal regions keep a stable order."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def tally_sdgs(goal_lists: Iterable[Sequence[int] | None]) -> dict[int, int]:
    """Problems per goal 1..17: each problem counts once per goal it names (duplicates once)."""
    counts: Counter[int] = Counter()
    for goals in goal_lists:
        counts.update({int(goal) for goal in goals or ()})
    return zero_filled(counts, SDGS)


async def problem_stats(edition_id: int) -> ProblemStats:
    """The counts behind the dashboard of edition `edition_id`, in three queries."""
    in_edition = Problem.edition == edition_id
    live = Problem.status.is_in(list(LIVE_STATUSES))
    by_status = await (
        Problem.select(Problem.status, Count(alias="problems"), Sum(Problem.endorsement_count, alias="endorsements"))
        .where(in_edition)
        .group_by(Problem.status)
    )
    region = Problem.municipality.region.as_alias("region")
    kind = Problem.municipality.kind.as_alias("kind")
    by_place = await (
        Problem.select(region, kind, Problem.track, Count(alias="problems"))
        .where(in_edition, live)
        .group_by(Problem.municipality.region, Problem.municipality.kind, Problem.track)
    )
    goal_lists = await Problem.select(Problem.sdgs).where(in_edition, live).output(load_json=True)

    regions: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    tracks: Counter[str] = Counter()
    for row in by_place:
        regions[row["region"]] += row["problems"]
        kinds[row["kind"]] += row["problems"]
        tracks[row["track"]] += row["problems"]
    return ProblemStats(
        by_status=zero_filled({row["status"]: row["problems"] for row in by_status}, (s.value for s in ProblemStatus)),
        by_region=largest_first(regions),
        by_kind=zero_filled(kinds, (k.value for k in SettlementKind)),
        by_track=zero_filled(tracks, (t.value for t in Track)),
        by_sdg=tally_sdgs(row["sdgs"] for row in goal_lists),
        endorsements=sum(int(row["endorsements"] or 0) for row in by_status),
    )


# Charts -------------------------------------------------------------------------------------


def chart_style() -> Style:
    return Style(
        colors=CHART_COLOURS,
        background="transparent",
        plot_background="transparent",
        foreground="#1f2933",
        foreground_strong="#1f2933",
        foreground_subtle="#52606d",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        title_font_size=24,
        label_font_size=19,
        major_label_font_size=19,
        value_font_size=19,
        legend_font_size=19,
        no_data_font_size=24,
        value_colors=("#ffffff",) * len(CHART_COLOURS),
        opacity="1",
        opacity_hover="1",
    )


def _tag(element: Any) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


_COORDINATES = frozenset({"cx", "cy", "x", "y", "d", "points", "transform", "width", "height"})
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{2,}")


def _one_decimal(found: re.Match[str]) -> str:
    return f"{float(found[0]):.1f}"


def _for_inline_use(root: Any) -> Any:
    """Ready pygal's SVG for inlining under the page's own heading.

    Drops pygal's inline configuration script (the chart needs no JavaScript), its tooltip
    (shown only by that script) and the tooltip's anchor positions on every point, its `<style>`
    element (the CSP refuses it; charts.css has the same rules) and the drawn title (the section
    heading above says it), and names the chart by its SVG `<title>` for assistive technology.
    Coordinates keep one decimal (a tenth of a pixel): pygal writes fifteen, which made a chart of
    fifty points three times its size. Series past the palette take its colours again, as the
    static stylesheet colours only `len(CHART_COLOURS)` series.
    """
    chart_id = root.get("id")
    for parent in root.iter():
        for child in list(parent):
            tag, classes = _tag(child), child.get("class", "")
            if tag in {"script", "style"} or (tag == "g" and classes in {"titles", "plot tooltip-overlay"}):
                parent.remove(child)
                continue
            if tag == "desc" and classes.split(" ")[0] in {"x", "y"}:
                parent.remove(child)
                continue
            for name in _COORDINATES.intersection(child.attrib):
                child.set(name, _LONG_DECIMAL.sub(_one_decimal, child.get(name)))
            if tag == "title" and parent is root:
                child.set("id", f"{chart_id}-title")
            if "color-" in classes:
                child.set("class", _SERIES_COLOUR.sub(lambda m: f"color-{int(m[1]) % len(CHART_COLOURS)}", classes))
            child.attrib.pop("style", None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title")
    return root


def chart_stylesheet() -> str:
    """pygal's stylesheet for `chart_style()`, for every chart of a page (static/css/charts.css).

    pygal writes its rules for one chart, under that chart's `#chart-<uuid>` id; here they are
    taken from a chart of one series per palette colour and put under `.pygal-chart`, the class
    every pygal chart carries.
    """
    chart = pygal.Bar(style=chart_style(), js=[], disable_xml_declaration=True)
    for index in range(len(CHART_COLOURS)):
        chart.add(str(index), [1])
    rendered = str(chart.render(is_unicode=True))
    match = re.search(r"<style[^>]*>(.*?)</style>", rendered, re.DOTALL)
    if match is None:  # pragma: no cover - pygal always writes its style
        raise RuntimeError("pygal wrote no stylesheet")
    rules = _CHART_ID.sub(".pygal-chart", html.unescape(match[1])).replace("}", "}\n")
    return (
        "/* The charts' style (pygal, LGPL-3.0-or-later), written by challenge.queries.dashboard.chart_stylesheet():\n"
        "   run `make chart-css` after changing chart_style(). */\n"
        f"{rules}"
    )


def _config(title: str, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": chart_style(),
        "js": [],
        "disable_xml_declaration": True,
        "no_data_text": _("No problems yet"),
        "formatter": lambda value: "" if value is None else format_number(int(value)),
        "print_values": True,
        # A zero has no bar to carry it; the table beside the chart lists it.
        "print_zeroes": False,
        "width": 800,
        **options,
    }


def render_inline(chart: Any) -> str:
    chart.add_xml_filter(_for_inline_use)
    return str(chart.render(is_unicode=True))


def horizontal_bar_chart(title: str, rows: Sequence[tuple[str, int]]) -> str:
    """Bars read top to bottom in the order of `rows`, each labelled and its count printed."""
    chart = pygal.HorizontalBar(
        **_config(
            title,
            show_legend=False,
            show_x_labels=False,  # the counts are printed on the bars themselves
            truncate_label=30,  # the full label stays in the SVG as a tooltip title and in the table
            height=max(240, 60 + 44 * len(rows)),
        )
    )
    # pygal draws the first label at the bottom of a horizontal chart.
    chart.x_labels = [name for name, _count in reversed(rows)]
    chart.add(title, [count for _name, count in reversed(rows)])
    return render_inline(chart)


def pie_chart(title: str, rows: Sequence[tuple[str, int]]) -> str:
    chart = pygal.Pie(**_config(title, inner_radius=0.45, legend_at_bottom=True, height=420, truncate_legend=40))
    if any(count for _name, count in rows):
        for name, count in rows:
            chart.add(name, count)
    return render_inline(chart)


@lru_cache(maxsize=64)
def _drawn(kind: str, title: str, rows: tuple[tuple[str, int], ...], locale: str) -> str:
    """A chart drawn once per title, counts and language (`locale` is the key: the drawing reads the
    current one): pygal takes tens of milliseconds a chart, and the counts change far more rarely
    than organisers look at them."""
    return pie_chart(title, rows) if kind == "pie" else horizontal_bar_chart(title, rows)


def sdg_name(goal: int) -> str:
    return f"{goal} {_(SDGS[goal])}"


def figures(stats: ProblemStats) -> list[Figure]:
    """The dashboard's four charts, each with the rows of its table, in the reader's language."""
    by_status = tuple((label(ProblemStatus(s)).capitalize(), n) for s, n in stats.by_status.items())
    by_region = tuple(stats.by_region.items())
    by_kind = tuple((label(kind), n) for kind, n in stats.by_kind.items())
    by_sdg = tuple((sdg_name(goal), n) for goal, n in stats.by_sdg.items())
    locale = current_locale()
    titles = {
        "status": _("Problems by status"),
        "region": _("Live problems by region"),
        "kind": _("Live problems: urban, rural or mixed"),
        "sdg": _("Live problems by Sustainable Development Goal"),
    }
    return [
        Figure(
            "status",
            titles["status"],
            _("Status"),
            by_status,
            _drawn("bar", titles["status"], by_status, locale),
            _("Every problem of the edition, drafts, archived and withdrawn ones included."),
        ),
        Figure("region", titles["region"], _("Region"), by_region, _drawn("bar", titles["region"], by_region, locale)),
        Figure(
            "kind", titles["kind"], _("Kind of municipality"), by_kind, _drawn("pie", titles["kind"], by_kind, locale)
        ),
        Figure(
            "sdg",
            titles["sdg"],
            _("Goal"),
            by_sdg,
            _drawn("bar", titles["sdg"], by_sdg, locale),
            _("A problem counts once for each goal it names."),
        ),
    ]


# CSV export ---------------------------------------------------------------------------------


def csv_filename(slug: str) -> str:
    """`problems-<slug>.csv`, safe inside a Content-Disposition header whatever the slug holds."""
    return f"problems-{re.sub(r'[^A-Za-z0-9_-]+', '-', slug).strip('-') or 'edition'}.csv"


def csv_cell(value: object) -> str:
    """A value as a spreadsheet shows it, never as a formula it would run.

    Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe,
    which spreadsheets show as text. Numbers we write ourselves are left alone.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return safe_cell(str(value))


def iso_utc(moment: datetime | None) -> str:
    """`2026-03-14T09:30:00Z`; a naive value is taken as UTC already."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def goals_text(goals: Sequence[int] | None) -> str:
    return ";".join(str(goal) for goal in sorted({int(goal) for goal in goals or ()}))


def csv_row(problem: Mapping[str, Any]) -> list[str]:
    return [
        csv_cell(value)
        for value in (
            problem["id"],
            problem["title"],
            problem["municipality"],
            problem["region"],
            problem["kind"],
            problem["track"],
            problem["status"],
            goals_text(problem["sdgs"]),
            problem["budget_range"],
            problem["procurement_path"],
            problem["affected_count"],
            problem["endorsement_count"],
            iso_utc(problem["submitted_at"]),
            iso_utc(problem["published_at"]),
            problem["contact_name"],
            problem["contact_email"],
        )
    ]


async def problems_csv(edition_id: int) -> str:
    """Every problem of the edition, whatever its status, one row each, in id order.

    Stored values (`smart_rural`, `10k_50k`) rather than translated names, so the columns sort,
    filter and re-import the same in every language.
    """
    problems = (
        await Problem.select(
            Problem.id,
            Problem.title,
            Problem.municipality.name.as_alias("municipality"),
            Problem.municipality.region.as_alias("region"),
            Problem.municipality.kind.as_alias("kind"),
            Problem.track,
            Problem.status,
            Problem.sdgs,
            Problem.budget_range,
            Problem.procurement_path,
            Problem.affected_count,
            Problem.endorsement_count,
            Problem.submitted_at,
            Problem.published_at,
            Problem.contact_name,
            Problem.contact_email,
        )
        .where(Problem.edition == edition_id)
        .order_by(Problem.id)
        .output(load_json=True)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(problem) for problem in problems)
    return buffer.getvalue()
