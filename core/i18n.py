"""Languages of the chrome (English, Serbian Latin and Cyrillic) and locale-aware formatting.

Catalogues are the .po files under locales/, compiled in memory at start-up, so there is no
build step and no generated .mo file to forget.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, parse_pattern
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from core.rules import N_
from core.settings import PROJECT_ROOT, get_settings

LOCALES: dict[str, str] = {"en": "English", "sr_Latn": "Srpski", "sr_Cyrl": "Српски"}
LOCALE_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"

_current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default="en")


@cache
def translations(locale: str) -> NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == "en" or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def current_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current_locale.set(locale if locale in LOCALES else get_settings().default_locale)


def reset_locale(token: contextvars.Token[str]) -> None:
    _current_locale.reset(token)


@contextlib.contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Format and translate in `locale` for the block (outside a request: mail jobs, tests)."""
    token = set_locale(locale)
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


_ = gettext

# Human names of stored values (enum members), as msgids; domains add their own.
_SCOPED: dict[tuple[str, str], str] = {
    ("JobRunStatus", "running"): N_("running"),
    ("JobRunStatus", "ok"): N_("succeeded"),
    ("JobRunStatus", "error"): N_("failed"),
}
_LABELS: dict[str, str] = {
    "organiser": N_("Organiser"),
    "municipality": N_("Municipality staff"),
    "startup": N_("Startup"),
    "mentor": N_("Mentor"),
    "judge": N_("Judge"),
    "pending": N_("pending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
}


def register_labels(labels: dict[str, str], *, namespace: str = "") -> None:
    """Names for stored values. Values that mean different things in different enums (a "pilot"
    procurement path, a "pilot" stage) go in a namespace, named by the enum's class."""
    if namespace:
        _SCOPED.update({(namespace, str(key)): text for key, text in labels.items()})
    else:
        _LABELS.update(labels)


def label(value: object, namespace: str = "") -> str:
    """The translated human name of a stored value such as `smart_rural` (`value|label("StartupStage")`)."""
    key = str(getattr(value, "value", value))
    namespace = namespace or (type(value).__name__ if hasattr(value, "value") else "")
    if namespace and (namespace, key) in _SCOPED:
        return gettext(_SCOPED[(namespace, key)])
    return gettext(_LABELS.get(key, key))


_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def stored_label(value: object) -> str:
    """A value as the audit log shows it: a stored code (`shortlisted`, `optimal`) by its translated
    name, anything else (a title, a number, a sentence someone typed) exactly as stored."""
    text = str(value)
    return label(text) if _CODE.match(text) else text


def babel_locale() -> Locale:
    return _parsed(current_locale())


@cache
def _parsed(code: str) -> Locale:
    # Parsing reads CLDR data: about 70 us, paid once per locale instead of per date on a page.
    return Locale.parse(code)


# The one date style of each language: weekday, day, month, year, 24-hour time, then the zone's
# abbreviation (CET, CEST, UTC), so a reader in another zone knows what the time means.
DATE_STYLES: dict[str, tuple[str, str]] = {
    "en": ("EEE d MMM y", "HH:mm"),
    "sr": ("EEE d. MMM y.", "HH:mm"),
}
# The formats callers may ask for: the whole moment, its day only, or its time of day only.
DATE_PARTS = frozenset({"datetime", "date", "time"})
# Babel's named formats, still accepted so that no caller can bring back a second style.
NAMED_FORMATS = frozenset({"full", "long", "medium", "short"})


def format_datetime(value: datetime | None, timezone: str | None = None, format: str = "datetime") -> str:
    """A moment in the platform's one date style for the reader's language, in `timezone` (an
    edition's), else the platform's, with the zone named: "Thu 12 Mar 2026, 18:00 CET".

    `format` is "datetime", "date" (the day only) or "time" (time and zone only); Babel's named
    formats mean "datetime". Any other pattern is refused: one style, everywhere.
    """
    if value is None:
        return ""
    part = "datetime" if format in NAMED_FORMATS else format
    if part not in DATE_PARTS:
        raise ValueError(f"unknown date format {format!r}: use 'datetime', 'date' or 'time'")
    day, clock, zone = _parts(value, timezone)
    if part == "date":
        return day
    return f"{clock} {zone}" if part == "time" else _joined(day, f"{clock} {zone}")


def format_iso(text: str | None, timezone: str | None = None) -> str:
    """A moment stored as ISO text (in a JSON record) in the one style; text that is not one is shown as it is."""
    if not text:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(text), timezone)
    except ValueError:
        return text


def format_range(start: datetime, end: datetime, timezone: str | None = None) -> str:
    """A span in the one style: "Thu 12 Mar 2026, 18:00–19:00 CET"; the day repeats only when it changes."""
    start_day, start_clock, start_zone = _parts(start, timezone)
    end_day, end_clock, end_zone = _parts(end, timezone)
    if start_day != end_day or start_zone != end_zone:
        return f"{format_datetime(start, timezone)} – {format_datetime(end, timezone)}"
    return _joined(start_day, f"{start_clock}–{end_clock} {end_zone}")


def _parts(value: datetime, timezone: str | None) -> tuple[str, str, str]:
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(
        ZoneInfo(timezone or get_settings().timezone)
    )
    locale = babel_locale()
    date_pattern, time_pattern = _style(locale.language)
    return date_pattern.apply(local, locale), time_pattern.apply(local, locale), local.tzname() or ""


def _joined(day: str, clock: str) -> str:
    # English puts a comma between the day and the time; Serbian's day already ends in a full stop.
    return f"{day}, {clock}" if babel_locale().language == "en" else f"{day} {clock}"


@cache
def _style(language: str) -> tuple[DateTimePattern, DateTimePattern]:
    # Parsing a pattern costs more than applying it, and a list shows fifty dates.
    date_text, time_text = DATE_STYLES.get(language, DATE_STYLES["en"])
    return parse_pattern(date_text), parse_pattern(time_text)


def language_name(code: str) -> str:
    """A language's name in the reader's language, from CLDR (e.g. "sr" -> "srpski")."""
    name: str = babel_locale().languages.get(code, code)
    return name


def format_number(value: float | int) -> str:
    return format_decimal(value, locale=babel_locale())


def negotiate(accept_language: str) -> str | None:
    """Pick one of our locales from an Accept-Language header."""
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().replace("-", "_").lower()
        if tag.startswith("sr_latn"):
            return "sr_Latn"
        if tag.startswith("sr"):
            return "sr_Cyrl"
        if tag.startswith("en"):
            return "en"
    return None


class LocaleMiddleware:
    """Chooses the request's language: the session's choice, the user's, the browser's, the default."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        session: object = scope.get("session")
        user = scope.get("user")
        accept = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"accept-language"), "")
        locale = (
            (session.get("locale") if isinstance(session, dict) else None)
            or (user.locale if user is not None else None)
            or negotiate(accept)
            or get_settings().default_locale
        )
        token = set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            _current_locale.reset(token)
