"""Moderating residents' feedback, and fitting a pilot's title on its printed poster."""

from __future__ import annotations

from pilots.rules.feedback import MAX_REASON, check_moderation
from pilots.rules.poster import poster_lines, printable


def test_hiding_feedback_needs_a_reason_restoring_does_not() -> None:
    assert check_moderation(hide=True, reason="  ") == {"reason": "Say why the feedback is hidden."}
    assert check_moderation(hide=True, reason="A phone number") == {}
    assert check_moderation(hide=False, reason="") == {}


def test_a_moderation_reason_over_the_limit_is_too_long() -> None:
    assert check_moderation(hide=True, reason="x" * MAX_REASON) == {}
    assert check_moderation(hide=True, reason="x" * (MAX_REASON + 1)) == {
        "reason": "This is too long; please shorten it."
    }


def test_a_title_is_broken_into_lines_of_the_posters_width() -> None:
    assert poster_lines("Soil sensors for Ivanjica's farms", width=20, max_lines=3) == (
        "Soil sensors for",
        "Ivanjica's farms",
    )


def test_what_does_not_fit_ends_with_an_ellipsis() -> None:
    assert poster_lines("one two three four five six", width=9, max_lines=2) == ("one two", "three…")
    assert poster_lines("abcdefghijklmnopqrstuvwxyz", width=10, max_lines=2) == ("abcdefghij", "klmnopqrs…")


def test_characters_no_xml_document_may_hold_are_dropped_and_spaces_made_single() -> None:
    assert printable("Water\x0b for\x01  small\n farms\ufffe") == "Water for small farms"
    assert poster_lines("Вода за\tмала газдинства", width=40, max_lines=2) == ("Вода за мала газдинства",)
