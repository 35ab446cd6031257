"""Pieces of the kernel that need neither database nor server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import i18n
from core.uploads import csrf_token_valid, named_for_content, safe_filename


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


def test_csrf_tokens_must_match_and_be_signed() -> None:
    from litestar.middleware.csrf import generate_csrf_token

    from core.settings import get_settings

    token = generate_csrf_token(secret=get_settings().secret_key)
    other = generate_csrf_token(secret=get_settings().secret_key)
    foreign = generate_csrf_token(secret="another-secret")

    assert csrf_token_valid(token, token) is True
    assert csrf_token_valid(token, other) is False
    assert csrf_token_valid(foreign, foreign) is False
    assert csrf_token_valid(None, token) is False


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
