"""Pieces of the kernel that need neither database nor server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import i18n
from core.uploads import named_for_content, safe_filename


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("deck.pdf", "deck.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Plan pilota.pdf", "Plan pilota.pdf"),
        ("evil\x00name.pdf", "evilname.pdf"),
        ("..", "upload"),
        ("", "upload"),
        ("Ужице — план.pdf", "Ужице — план.pdf"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_safe_filename_is_bounded() -> None:
    assert len(safe_filename("a" * 1000 + ".pdf")) == 200


def test_csrf_tokens_belong_to_one_session() -> None:
    from core.csrf import token_for, token_valid
    from core.sessions import CSRF_KEY, Session

    mine = Session({CSRF_KEY: "mine"}, session_id="s1", needs_renewal=False)
    theirs = Session({CSRF_KEY: "theirs"}, session_id="s2", needs_renewal=False)
    nobody = Session({}, session_id=None, needs_renewal=False)
    token = token_for(mine)

    assert token is not None and token_valid(mine, token) is True
    assert token_valid(theirs, token) is False
    assert token_valid(mine, None) is False
    assert token_for(nobody) is None and token_valid(nobody, token) is False
    assert token_for(nobody, issue=True) == token_for(nobody)  # a visitor id, issued once


def test_signing_in_changes_the_csrf_secret() -> None:
    from core.csrf import token_for
    from core.sessions import Session

    session = Session({}, session_id=None, needs_renewal=False, visitor_id="v.visitor")
    before = token_for(session)
    session.rotate()

    assert token_for(session) != before


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("sr-Latn-RS,sr;q=0.9,en;q=0.8", "sr_Latn"),
        ("sr-RS,sr;q=0.9", "sr_Cyrl"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", None),
        ("", None),
    ],
)
def test_language_negotiation(header: str, locale: str | None) -> None:
    assert i18n.negotiate(header) == locale


@pytest.mark.parametrize(
    ("locale", "winter", "summer"),
    [
        ("en", "Thu 12 Mar 2026, 18:00 CET", "Mon 1 Jun 2026, 12:00 CEST"),
        ("sr_Latn", "čet 12. mar 2026. 18:00 CET", "pon 1. jun 2026. 12:00 CEST"),
        ("sr_Cyrl", "чет 12. мар 2026. 18:00 CET", "пон 1. јун 2026. 12:00 CEST"),
    ],
)
def test_dates_have_one_style_per_language_in_the_given_zone_with_the_zone_named(
    locale: str, winter: str, summer: str
) -> None:
    token = i18n.set_locale(locale)
    try:
        assert i18n.format_datetime(datetime(2026, 3, 12, 17, 0, tzinfo=UTC), "Europe/Belgrade") == winter
        assert i18n.format_datetime(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), "Europe/Belgrade") == summer
        # Babel's named formats no longer bring their own style.
        for named in ("full", "long", "medium", "short"):
            assert i18n.format_datetime(datetime(2026, 3, 12, 17, 0, tzinfo=UTC), "Europe/Belgrade", named) == winter
    finally:
        i18n._current_locale.reset(token)


def test_a_date_names_the_zone_it_is_shown_in_and_naive_times_are_utc() -> None:
    token = i18n.set_locale("en")
    try:
        assert i18n.format_datetime(datetime(2026, 6, 1, 10, 0), "Europe/Lisbon") == "Mon 1 Jun 2026, 11:00 WEST"
        assert i18n.format_datetime(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), "UTC") == "Mon 1 Jun 2026, 10:00 UTC"
        assert i18n.format_datetime(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), "UTC", "date") == "Mon 1 Jun 2026"
        assert i18n.format_datetime(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), "UTC", "time") == "10:00 UTC"
        assert i18n.format_datetime(None) == ""
    finally:
        i18n._current_locale.reset(token)


def test_another_date_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        i18n.format_datetime(datetime(2026, 6, 1, tzinfo=UTC), "UTC", "d MMM HH:mm")


def test_a_span_names_its_day_once_unless_it_crosses_midnight() -> None:
    token = i18n.set_locale("sr_Latn")
    try:
        start = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
        assert i18n.format_range(start, start.replace(hour=10, minute=30), "Europe/Belgrade") == (
            "čet 12. mar 2026. 10:00–11:30 CET"
        )
        assert i18n.format_range(start, start.replace(day=13), "Europe/Belgrade") == (
            "čet 12. mar 2026. 10:00 CET – pet 13. mar 2026. 10:00 CET"
        )
    finally:
        i18n._current_locale.reset(token)


def test_labels_fall_back_to_the_value() -> None:
    assert i18n.label("judge") == "Judge"
    assert i18n.label("something_new") == "something_new"


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [("poly.html", "application/pdf", "poly.pdf"), ("deck.exe.pdf", "application/pdf", "deck.exe.pdf"),
     ("photo.JPEG", "image/jpeg", "photo.jpg"), ("scan.pdf", "image/png", "scan.png"),
     ("report", "application/pdf", "report.pdf"), ("upload", "image/webp", "upload.webp"),
     ("a" * 200, "application/pdf", "a" * 196 + ".pdf"), ("notes.txt", "text/plain", "notes.txt")],
)  # fmt: skip
def test_a_file_is_named_for_its_content(name: str, content_type: str, expected: str) -> None:
    assert named_for_content(name, content_type) == expected


def test_the_audit_log_names_stored_codes_and_keeps_what_people_typed() -> None:
    import challenge.labels  # noqa: F401 - registers the application statuses' names
    from core.i18n import in_locale, stored_label

    with in_locale("sr_Cyrl"):
        assert stored_label("shortlisted") == "у ужем избору"
        assert stored_label("Team") == "Team"  # typed text is never translated, even when it is a msgid
        assert stored_label("12") == "12"
