"""Content in two languages as the current reader sees it (the choice itself: core.rules.bilingual)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.i18n import current_locale, gettext
from core.rules.bilingual import ENGLISH, LANGUAGE_NAMES, SERBIAN, Version, version_for
from core.rules.scripts import in_script, to_latin


def shown(row: Mapping[str, Any] | Any, field: str) -> Version:
    """`row[field]` or its translation (`translated_<field>`), whichever suits the reader.

    `row` is a stored problem or edition (a dict or an object) with its `language`.
    """
    get = row.get if isinstance(row, Mapping) else lambda name, default=None: getattr(row, name, default)
    language = get("language")
    if language is None:
        # A row loaded without its language (a list that selects a few columns): shown as written,
        # since transliterating English as if it were Serbian would garble it.
        return Version(str(get(field, "") or ""), "", foreign=False, lang_tag="")
    return version_for(
        original=str(get(field, "") or ""),
        translation=str(get(f"translated_{field}", "") or ""),
        written_in=str(language or SERBIAN),
        locale=current_locale(),
    )


def language_options() -> list[tuple[str, str]]:
    """The languages content may be written in, the reader's own first."""
    order = [ENGLISH, SERBIAN] if current_locale() == "en" else [SERBIAN, ENGLISH]
    return [(code, gettext(LANGUAGE_NAMES[code])) for code in order]


def written(text: object, language: object) -> Version:
    """A text written once in `language` (a pilot's title, a KPI's name), as the reader sees it:
    Serbian in the reader's script. Without a known language it is shown as written."""
    if language not in (ENGLISH, SERBIAN):
        return Version(str(text or ""), "", foreign=False, lang_tag="")
    return version_for(original=str(text or ""), translation="", written_in=str(language), locale=current_locale())


def place_name(name: object) -> str:
    """A Serbian place name (municipality, region) in the reader's script; Latin for English readers."""
    text = str(name or "")
    locale = current_locale()
    return in_script(text, locale) if locale.startswith("sr") else to_latin(text)
