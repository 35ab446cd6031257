"""Which editions a judge works in: read from their judge grants, one rule for every page and service."""

from __future__ import annotations

from collections.abc import Sequence

from core.auth import CurrentUser
from core.enums import Role


def judges_in(user: CurrentUser, edition_id: int) -> bool:
    """A judge grant for this edition, or one without an edition (it covers every edition)."""
    return any(g.role == Role.JUDGE and g.edition_id in (None, edition_id) for g in user.grants)


def judged_editions(user: CurrentUser, edition_ids: Sequence[int]) -> list[int]:
    """The editions among `edition_ids` the user judges: all of them for a grant without an
    edition, else those their grants name, in the order of the grants."""
    grants = [g for g in user.grants if g.role == Role.JUDGE]
    if any(g.edition_id is None for g in grants):
        return list(edition_ids)
    known = set(edition_ids)
    return [g.edition_id for g in grants if g.edition_id is not None and g.edition_id in known]
