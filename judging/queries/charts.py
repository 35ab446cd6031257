"""Charts of a round for organisers: each judge's score distribution, and the ranking's spread.

Server-rendered pygal SVG without JavaScript, inlined like the edition dashboard's charts.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from typing import Any

import pygal

from challenge.dashboard import chart_style, render_inline
from core.i18n import current_locale
from core.i18n import gettext as _
from judging.records import SubmittedTotal
from judging.rules.scoring import Ranking


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


def ranking_spread(ranking: Ranking | None, names: dict[int, str], *, top: int = 30) -> str:
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


_drawn: OrderedDict[tuple[Any, ...], dict[str, str]] = OrderedDict()


def round_charts(
    round_id: int, totals: list[SubmittedTotal], judge_names: dict[int, str], ranking: Ranking, names: dict[int, str]
) -> dict[str, str]:
    """Both charts, drawn again only when what they show changed (pygal takes a second for 100 judges)."""
    top = ranking.standings[:30]
    key = (
        round_id,
        current_locale(),
        hash(tuple((row.judge, row.application, row.total) for row in totals)),
        hash(tuple(sorted(judge_names.items()))),
        tuple((s.application_id, s.normalised_mean, s.raw_mean, s.spread, names.get(s.application_id)) for s in top),
    )
    if key not in _drawn:
        _drawn[key] = {"judges": judge_distributions(totals, judge_names), "ranking": ranking_spread(ranking, names)}
        while len(_drawn) > 16:
            _drawn.popitem(last=False)
    _drawn.move_to_end(key)
    return _drawn[key]
