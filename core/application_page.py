"""Sections other domains add to a startup's own application page.

The page is challenge's, and challenge knows no domain downstream of it: judging (the judges'
feedback once a round's results are published) registers a source from the composition root,
and the page renders whatever sections the sources return, each with its own template. A source
is only ever asked about an application the reader may see (challenge checks the team first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.auth import CurrentUser


@dataclass(frozen=True, slots=True)
class PageSection:
    """A block of the application page: a template (a domain's partial) and what it shows."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


SectionSource = Callable[..., Awaitable[Sequence[PageSection]]]
"""`await source(user=..., application_id=...)`: one domain's sections for one application."""

_SOURCES: list[SectionSource] = []


def register_section_source(source: SectionSource) -> None:
    """Add a domain's sections to the application page (upstream first); registering twice is harmless."""
    if source not in _SOURCES:
        _SOURCES.append(source)


async def sections_for(*, user: CurrentUser, application_id: int) -> list[PageSection]:
    """Every registered domain's sections for an application its reader may already see."""
    found: list[PageSection] = []
    for source in _SOURCES:
        found.extend(await source(user=user, application_id=application_id))
    return found
