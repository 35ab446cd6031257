"""The public pilot pages' charts: server-rendered pygal SVG, inlined as the dashboard's are.

Drawn with the dashboard's one style and made safe for inlining by its `render_inline`
(challenge.queries.dashboard: no script, no inline style under the CSP, an SVG title). What tells
a KPI chart's series apart beyond the palette (the disputed values' hollow rings, the dashed
baseline and target) is in static/css/pilots.css, keyed by the series' order fixed here.
Every chart has a table with the same numbers beside it in the template.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pygal

from challenge.queries.dashboard import CHART_STYLESHEET, chart_style, horizontal_bar_chart, render_inline, sdg_name
from core.i18n import format_datetime, format_number
from core.i18n import gettext as _
from core.settings import PROJECT_ROOT
from pilots.queries.public import EditionRollup, PublicKpi, PublicPilot, Tally
from pilots.rules.feedback import Summary


def day(value: date | datetime | None) -> str:
    """A day in the platform's one date style ("Tue 1 Sep 2026")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format="date")
    return format_datetime(datetime.combine(value, time(12), tzinfo=UTC), "UTC", "date")


def number(value: float | None) -> str:
    """A measured value as people read it: no trailing '.0' for whole numbers."""
    if value is None:
        return ""
    return format_number(int(value) if float(value).is_integer() else round(value, 2))


def _config(title: str, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": chart_style(),
        "js": [],
        "disable_xml_declaration": True,
        "no_data_text": _("No values yet"),
        "width": 800,
        "height": 420,
        "legend_at_bottom": True,
        "truncate_legend": 30,
        **options,
    }


def kpi_chart(kpi: PublicKpi, pilot: PublicPilot, *, dots: bool = True) -> str:
    """Measurements over time against the baseline and target lines. Accepted values are the
    line; disputed and not yet reviewed ones are separate series of unjoined markers, so a
    disputed value is never read as part of the trend. Without `dots` the accepted line is drawn
    without a marker per value (the pilot's page, whose table lists the latest values; the KPI's
    own page marks every one)."""
    chart = pygal.DateLine(
        **_config(
            kpi.name,
            x_value_formatter=day,
            value_formatter=number,
            x_label_rotation=0,
            show_minor_x_labels=False,
            x_labels_major_count=4,
            dots_size=5,
        )
    )
    first = min(kpi.baseline_on, pilot.starts_on)
    chart.add(_("Accepted"), [(m.measured_on, m.value) for m in kpi.accepted], show_dots=dots)
    chart.add(_("Disputed"), [(m.measured_on, m.value) for m in kpi.disputed], stroke=False, dots_size=8)
    chart.add(_("Awaiting review"), [(m.measured_on, m.value) for m in kpi.awaiting], stroke=False)
    chart.add(_("Baseline"), [(first, kpi.baseline_value), (pilot.ends_on, kpi.baseline_value)], show_dots=False)
    chart.add(_("Target"), [(first, kpi.target_value), (pilot.ends_on, kpi.target_value)], show_dots=False)
    return render_inline(chart)


PILOTS_STYLESHEET = PROJECT_ROOT / "static" / "css" / "pilots.css"


@functools.cache
def _image_stylesheet() -> str:
    """What an inline chart takes from the page's stylesheets, for a chart that is an image of its
    own: pygal's rules (charts.css) and the KPI series' markers (pilots.css)."""
    kpi_rules = [
        line.replace(".kpi-chart ", ".pygal-chart ")
        for line in PILOTS_STYLESHEET.read_text(encoding="utf-8").splitlines()
        if line.startswith(".kpi-chart ")
    ]
    return CHART_STYLESHEET.read_text(encoding="utf-8") + "\n".join(kpi_rules)


def kpi_chart_image(kpi: PublicKpi, pilot: PublicPilot) -> bytes:
    """The KPI's chart as an SVG image of its own (the pilot's page links one per KPI, so the page
    stays small): the same drawing, its style inside it, since an image loads nothing else."""
    svg = kpi_chart(kpi, pilot, dots=False)
    start_tag_end = svg.index(">") + 1
    style = f"<style><![CDATA[{_image_stylesheet()}]]></style>"
    return (svg[:start_tag_end] + style + svg[start_tag_end:]).encode()


@dataclass(frozen=True)
class FeedbackFigures:
    distribution: tuple[tuple[str, int], ...]  # "5 ★" -> how many, 5 first
    distribution_svg: str
    months: tuple[tuple[str, int, float], ...]  # month, how many, mean rating
    months_svg: str


def feedback_figures(summary: Summary) -> FeedbackFigures:
    distribution = tuple((f"{rating} ★", summary.distribution[rating - 1]) for rating in (5, 4, 3, 2, 1))
    months = tuple((month.month, month.count, month.mean) for month in summary.months)
    chart = pygal.Line(
        **_config(
            _("Mean rating by month"),
            range=(1, 5),
            show_legend=False,
            value_formatter=number,
            dots_size=5,
            print_values=False,
        )
    )
    chart.x_labels = [month for month, _count, _mean in months]
    if months:
        chart.add(_("Mean rating"), [mean for _month, _count, mean in months])
    return FeedbackFigures(
        distribution=distribution,
        distribution_svg=horizontal_bar_chart(_("Ratings from 1 to 5"), distribution),
        months=months,
        months_svg=render_inline(chart),
    )


@dataclass(frozen=True)
class RollupFigures:
    by_sdg: tuple[Tally, ...]
    by_sdg_svg: str
    by_municipality: tuple[Tally, ...]
    by_municipality_svg: str
    on_track_svg: str


def rollup_figures(rollup: EditionRollup) -> RollupFigures:
    by_sdg = tuple(
        Tally(
            key=t.key,
            name=sdg_name(int(t.key)),
            pilots=t.pilots,
            by_status=t.by_status,
            kpis=t.kpis,
            kpis_measured=t.kpis_measured,
            kpis_on_track=t.kpis_on_track,
        )
        for t in rollup.by_sdg
    )
    towns = tuple(rollup.by_municipality)
    on_track = [
        (_("On track"), rollup.kpis_on_track),
        (_("Behind"), rollup.kpis_measured - rollup.kpis_on_track),
        (_("No accepted value yet"), rollup.kpis - rollup.kpis_measured),
    ]
    return RollupFigures(
        by_sdg=by_sdg,
        by_sdg_svg=horizontal_bar_chart(
            _("Pilots by Sustainable Development Goal"), [(t.name, t.pilots) for t in by_sdg]
        ),
        by_municipality=towns,
        by_municipality_svg=horizontal_bar_chart(_("Pilots by municipality"), [(t.name, t.pilots) for t in towns]),
        on_track_svg=horizontal_bar_chart(_("KPIs on track"), on_track),
    )
