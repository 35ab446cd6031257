"""The dashboard's pure pieces: CSV cells, tallies and the SVG charts, without a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from challenge.queries.dashboard import (
    CHART_STYLESHEET,
    ProblemStats,
    chart_stylesheet,
    csv_cell,
    csv_filename,
    figures,
    goals_text,
    horizontal_bar_chart,
    iso_utc,
    largest_first,
    pie_chart,
    tally_sdgs,
    zero_filled,
)

NO_GOALS = dict.fromkeys(range(1, 18), 0)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+381 11 123 4567", "'+381 11 123 4567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Voda = život", "Voda = život"),
        ("Čačak", "Čačak"),
        ("", ""),
        (None, ""),
        (4200, "4200"),
        (-5, "-5"),
    ],
)
def test_csv_cell_neutralises_formulas_only(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_iso_utc_writes_utc_with_a_z() -> None:
    belgrade = datetime(2026, 3, 14, 10, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Belgrade"))

    assert iso_utc(belgrade) == "2026-03-14T09:30:15Z"
    assert iso_utc(datetime(2026, 7, 1, 8, 0)) == "2026-07-01T08:00:00Z"
    assert iso_utc(None) == ""


def test_goals_text_is_sorted_unique_and_semicolon_separated() -> None:
    assert goals_text([11, 6, 6]) == "6;11"
    assert goals_text([]) == ""
    assert goals_text(None) == ""


def test_csv_filename_keeps_only_safe_characters() -> None:
    assert csv_filename("serbia-2027") == "problems-serbia-2027.csv"
    assert csv_filename('a"b\r\nc') == "problems-a-b-c.csv"
    assert csv_filename('"') == "problems-edition.csv"


def test_tally_sdgs_counts_a_problem_once_per_goal() -> None:
    assert tally_sdgs([[6, 11], [6], [11, 11], None, []]) == {**NO_GOALS, 6: 2, 11: 2}


def test_zero_filled_keeps_the_order_of_the_keys() -> None:
    assert list(zero_filled({"b": 2}, ["a", "b", "c"]).items()) == [("a", 0), ("b", 2), ("c", 0)]


def test_largest_first_breaks_ties_by_name() -> None:
    counts = {"Zlatiborski": 1, "Moravički": 3, "Beogradski": 1}

    assert list(largest_first(counts).items()) == [("Moravički", 3), ("Beogradski", 1), ("Zlatiborski", 1)]


def test_charts_escape_labels_and_carry_no_script() -> None:
    svg = horizontal_bar_chart("Live problems by region", [('<script>alert("x")</script>', 2), ("Južnobački", 1)])

    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "<script" not in svg
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in svg
    assert "Južnobački" in svg
    assert ">Live problems by region</title>" in svg


def test_charts_are_named_for_assistive_technology_and_use_the_brand_colour() -> None:
    svg = pie_chart("Urban or rural", [("urban", 2), ("rural", 1), ("mixed", 0)])

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-' in svg
    assert ">Urban or rural</title>" in svg
    assert "#0b6e4f" in chart_stylesheet()


def test_charts_carry_no_inline_style_for_the_content_security_policy() -> None:
    svg = pie_chart("Urban or rural", [("urban", 2), ("rural", 1), ("mixed", 0)])

    assert ("<style" in svg, "style=" in svg, "tooltip-overlay" in svg) == (False, False, False)


def test_series_past_the_palette_take_its_colours_again() -> None:
    svg = pie_chart("Settlements", [("one", 1), ("two", 1), ("three", 1), ("four", 1), ("five", 1)])

    legend_colours = re.findall(r'class="(color-\d+) reactive"', svg)
    assert legend_colours == ["color-0", "color-1", "color-2", "color-0", "color-1"]


def test_the_static_chart_stylesheet_is_what_pygal_writes_for_the_chart_style() -> None:
    # Run `make chart-css` when this fails after a change of chart_style().
    css = chart_stylesheet()

    assert CHART_STYLESHEET.read_text() == css
    assert "#chart-" not in css
    assert ".pygal-chart .color-0" in css and ".pygal-chart .color-2" in css


def test_figures_carry_the_numbers_of_their_charts() -> None:
    stats = ProblemStats(
        by_status={"draft": 1, "submitted": 2, "changes_requested": 0, "published": 3, "archived": 1, "withdrawn": 0},
        by_region={"Moravički": 2, "Južnobački": 1},
        by_kind={"urban": 1, "rural": 2, "mixed": 0},
        by_track={"smart_city": 1, "smart_rural": 2},
        by_sdg={**NO_GOALS, 6: 3},
        endorsements=9,
    )

    shown = {figure.key: figure.rows for figure in figures(stats)}

    assert (stats.total, stats.live) == (7, 5)
    assert shown["status"] == (
        ("Draft", 1),
        ("Submitted", 2),
        ("Changes requested", 0),
        ("Published", 3),
        ("Archived", 1),
        ("Withdrawn", 0),
    )
    assert shown["region"] == (("Moravički", 2), ("Južnobački", 1))
    assert shown["kind"] == (("urban", 1), ("rural", 2), ("mixed urban and rural", 0))
    assert shown["sdg"][5] == ("6 Clean water and sanitation", 3)
    assert len(shown["sdg"]) == 17


def test_a_naive_and_an_aware_utc_instant_agree() -> None:
    assert iso_utc(datetime(2026, 1, 1, tzinfo=UTC)) == iso_utc(datetime(2026, 1, 1)) == "2026-01-01T00:00:00Z"
