"""The one Jinja environment, for pages and mails alike."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core import content, i18n
from core.settings import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"


def _say(message: Any) -> str:
    """A rule's message (anything with `render(translate)`) in the reader's language.

    Jinja's `_` is bound to the template context, so it cannot be handed to `render` itself.
    """
    return message.render(i18n.gettext) if hasattr(message, "render") else i18n.gettext(str(message))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["datetime"] = i18n.format_datetime
    env.globals["time_range"] = i18n.format_range
    env.filters["iso_datetime"] = i18n.format_iso
    env.filters["number"] = i18n.format_number
    env.filters["label"] = i18n.label
    env.filters["stored"] = i18n.stored_label
    env.filters["language"] = i18n.language_name
    env.filters["say"] = _say
    env.filters["shown"] = content.shown
    env.filters["place"] = content.place_name
    env.filters["written"] = content.written
    env.globals["content_languages"] = content.language_options
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["current_locale"] = i18n.current_locale
    return env


def render(template_name: str, **context: Any) -> str:
    return environment().get_template(template_name).render(**context)
