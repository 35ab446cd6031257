"""The checklist's shared shapes: urgency from a deadline, the order of steps, and how a step reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.i18n import set_locale
from core.next_steps import render_text
from core.rules.next_steps import Step, Urgency, ordered, plural, say, urgency_before

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_urgency_before_a_far_deadline_is_normal() -> None:
    assert urgency_before(NOW + timedelta(days=3), now=NOW) == Urgency.NORMAL


def test_urgency_within_48_hours_is_soon() -> None:
    assert urgency_before(NOW + timedelta(hours=48), now=NOW) == Urgency.SOON


def test_urgency_after_the_deadline_is_late() -> None:
    assert urgency_before(NOW, now=NOW) == Urgency.LATE


def test_urgency_without_a_deadline_is_normal() -> None:
    assert urgency_before(None, now=NOW) == Urgency.NORMAL


def test_urgency_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError):
        urgency_before(None, now=NOW.replace(tzinfo=None))


def test_ordered_puts_pending_first_most_pressing_first_done_last() -> None:
    done = Step("a", say("a"), done=True)
    normal = Step("b", say("b"))
    late = Step("c", say("c"), urgency=Urgency.LATE)
    soon = Step("d", say("d"), urgency=Urgency.SOON)
    normal_too = Step("e", say("e"))

    assert [s.kind for s in ordered([done, normal, late, soon, normal_too])] == ["c", "d", "b", "e", "a"]


def test_render_text_chooses_the_plural_form_and_fills_the_count() -> None:
    set_locale("en")
    one = render_text(plural("%(num)s session to rate.", "%(num)s sessions to rate.", 1))
    three = render_text(plural("%(num)s session to rate.", "%(num)s sessions to rate.", 3))

    assert (one, three) == ("1 session to rate.", "3 sessions to rate.")


def test_render_text_translates_and_uses_serbian_plural_forms() -> None:
    set_locale("sr_Latn")
    try:
        texts = [render_text(plural("%(num)s session to rate.", "%(num)s sessions to rate.", n)) for n in (1, 2, 5)]
    finally:
        set_locale("en")

    assert texts == ["1 sesija za ocenu.", "2 sesije za ocenu.", "5 sesija za ocenu."]


def test_render_text_shows_a_date_in_the_given_zone() -> None:
    from core.i18n import format_datetime

    set_locale("en")
    when = datetime(2026, 3, 13, 17, 0, tzinfo=UTC)
    text = render_text(say("Due on %(when)s.", when=when), "Europe/Belgrade")

    assert text == f"Due on {format_datetime(when, 'Europe/Belgrade')}."
