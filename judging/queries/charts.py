"""Charts of a round for organisers: each judge's score distribution, and the ranking's spread.

Server-rendered pygal SVG without JavaScript, inlined like the edition dashboard's charts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pygal

from challenge.queries.dashboard import chart_style, render_inline
from core.i18n import gettext as _
from judging.records import SubmittedTotal
from judging.rules.scoring import Ranking

# How many of the best applications the ranking chart shows.
TOP = 30


def _config(title: str, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": chart_style(),
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "no_data_text": _("No submitted scores yet"),
        **options,
    }


def judge_distributions(totals: list[SubmittedTotal], names: dict[int, str]) -> str:
    """A box per judge: harsh and lenient judges stand out at a glance."""
    by_judge: dict[int, list[float]] = defaultdict(list)
    for row in totals:
        by_judge[row.judge].append(row.total)
    chart = pygal.Box(
        **_config(_("Totals given by each judge"), box_mode="tukey", show_legend=False, x_label_rotation=20, height=420)
    )
    ordered = sorted(by_judge, key=lambda j: names.get(j, str(j)).lower())
    chart.x_labels = [names.get(j, str(j)) for j in ordered]
    for judge in ordered:
        chart.add(names.get(judge, str(judge)), by_judge[judge])
    return render_inline(chart)


def ranking_spread(ranking: Ranking | None, names: dict[int, str], *, top: int = TOP) -> str:
    """The best applications' normalised and raw means side by side, with their spread."""
    chart = pygal.Bar(
        **_config(
            _("Ranking: normalised and raw means"),
            x_label_rotation=30,
            height=440,
            legend_at_bottom=True,
            truncate_label=18,
        )
    )
    standings = list(ranking.standings[:top]) if ranking else []
    chart.x_labels = [names.get(s.application_id, str(s.application_id)) for s in standings]
    chart.add(_("Normalised mean"), [round(s.normalised_mean, 2) for s in standings])
    chart.add(_("Raw mean"), [round(s.raw_mean, 2) for s in standings])
    chart.add(_("Spread (max - min)"), [round(s.spread, 2) for s in standings])
    return render_inline(chart)
