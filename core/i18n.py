"""Languages of the chrome (English, Serbian Latin and Cyrillic) and locale-aware formatting.

Catalogues are the .po files under locales/, compiled in memory at start-up, so there is no
build step and no generated .mo file to forget.
"""

from __future__ import annotations

import contextvars
import io
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
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


def babel_locale() -> Locale:
    return _parsed(current_locale())


@cache
def _parsed(code: str) -> Locale:
    # Parsing reads CLDR data: about 70 us, paid once per locale instead of per date on a page.
    return Locale.parse(code)


def format_datetime(value: datetime | None, timezone: str | None = None, format: str = "medium") -> str:
    """A timestamp in the reader's language, in `timezone` (an edition's), else the platform's."""
    if value is None:
        return ""
    tz = ZoneInfo(timezone or get_settings().timezone)
    locale = babel_locale()
    if format not in NAMED_FORMATS:
        return babel_format_datetime(value, format=format, tzinfo=tz, locale=locale)
    # What Babel's format_datetime does for a named format, with the locale's patterns looked up
    # once: each lookup costs more than the formatting itself, and a list shows fifty dates.
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)
    frame, time_pattern, date_pattern = _named_patterns(locale, format)
    return frame.replace("{0}", time_pattern.apply(local.timetz(), locale, reference_date=local.date())).replace(
        "{1}", date_pattern.apply(local.date(), locale)
    )


NAMED_FORMATS = frozenset({"full", "long", "medium", "short"})


@cache
def _named_patterns(locale: Locale, format: str) -> tuple[str, DateTimePattern, DateTimePattern]:
    named: Any = format
    return (
        str(get_datetime_format(named, locale=locale)).replace("'", ""),
        get_time_format(named, locale=locale),
        get_date_format(named, locale=locale),
    )


def language_name(code: str) -> str:
    """A language's name in the reader's language, from CLDR (e.g. "sr" -> "srpski")."""
    return babel_locale().languages.get(code, code)


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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope.get("session") or {}
        user = scope.get("user")
        accept = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"accept-language"), "")
        locale = (
            session.get("locale")
            or (user.locale if user is not None else None)
            or negotiate(accept)
            or get_settings().default_locale
        )
        token = set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            _current_locale.reset(token)
