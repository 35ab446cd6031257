"""The "next steps" checklist at the top of every home page, gathered from the domains.

The kernel knows no domain: each domain registers, from the composition root, a source of
steps for the home pages it has something to say on (a startup's page hears from challenge
about its application and from mentoring about its sessions). A page asks `checklist()` for
its own home and gets the steps in the reader's language, ready for `core/_next_steps.html`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core import i18n
from core.auth import CurrentUser
from core.rules.next_steps import Step, StepText, Urgency, ordered


class Home(StrEnum):
    """The home page of each role, and of a signed-in person with none."""

    PERSON = "person"
    STARTUP = "startup"
    MUNICIPALITY = "municipality"
    MENTOR = "mentor"
    JUDGE = "judge"
    ORGANISER = "organiser"


Source = Callable[..., Awaitable[Sequence[Step]]]
"""`await source(user=..., now=...)`: one domain's steps for one home page."""

_SOURCES: dict[Home, list[Source]] = {home: [] for home in Home}


def register_source(home: Home, source: Source) -> None:
    """Add a domain's steps to `home` (upstream domains first); registering twice is harmless."""
    if source not in _SOURCES[home]:
        _SOURCES[home].append(source)


@dataclass(frozen=True, slots=True)
class ShownStep:
    """A step as the checklist shows it, in the reader's language."""

    kind: str
    text: str
    link: str | None
    done: bool
    urgency: Urgency


def _value(value: str | int | datetime, timezone: str | None) -> str:
    if isinstance(value, datetime):
        return i18n.format_datetime(value, timezone)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return i18n.format_number(value)
    return value


def render_text(text: StepText, timezone: str | None = None) -> str:
    """A step's sentence in the reader's language, its dates in `timezone`."""
    if text.plural is None or text.count is None:
        template = i18n.gettext(text.singular)
    else:
        template = i18n.ngettext(text.singular, text.plural, text.count)
    values = {name: _value(value, timezone) for name, value in text.params.items()}
    if text.count is not None:
        values["num"] = i18n.format_number(text.count)
    return template % values


def shown(step: Step) -> ShownStep:
    return ShownStep(step.kind, render_text(step.text, step.timezone), step.link, step.done, step.urgency)


_MEMO: contextvars.ContextVar[dict[object, object] | None] = contextvars.ContextVar("next_steps_memo", default=None)


def checklist_memo() -> dict[object, object] | None:
    """A scratch dict that lives for one `checklist()` call (None outside one): facts several
    domains need (the editions) are read once per page, never kept between requests."""
    return _MEMO.get()


async def checklist(home: Home, *, user: CurrentUser, now: datetime) -> list[ShownStep]:
    """Every registered domain's steps for `home`, pending first (the most pressing first)."""
    steps: list[Step] = []
    token = _MEMO.set({})
    try:
        for source in _SOURCES[home]:
            steps.extend(await source(user=user, now=now))
    finally:
        _MEMO.reset(token)
    return [shown(step) for step in ordered(steps)]
