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


def test_dates_are_shown_in_the_given_timezone_and_language() -> None:
    moment = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    token = i18n.set_locale("en")
    try:
        assert i18n.format_datetime(moment, "Europe/Belgrade", format="short") == "6/1/26, 12:00\u202fPM"
        assert i18n.format_datetime(moment, "Europe/Lisbon", format="short") == "6/1/26, 11:00\u202fAM"
    finally:
        i18n._current_locale.reset(token)


@pytest.mark.parametrize("locale", ["en", "sr_Latn", "sr_Cyrl"])
@pytest.mark.parametrize("format", ["full", "long", "medium", "short", "d MMM HH:mm"])
def test_dates_read_as_babel_writes_them(locale: str, format: str) -> None:
    """Our shortcut for named formats (the frame looked up once) gives Babel's own text."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    token = i18n.set_locale(locale)
    try:
        for moment in (
            datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
            datetime(2026, 7, 1, 5, 5),
            datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        ):
            for zone in ("Europe/Belgrade", "UTC", "America/New_York"):
                expected = format_datetime(moment, format, tzinfo=ZoneInfo(zone), locale=locale)
                assert i18n.format_datetime(moment, zone, format=format) == expected
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
