"""Rules for text people see as a name or a title."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.rules import N_

# The bidirectional controls (embeddings, overrides, isolates and marks): invisible, they can make
# "Acme\u202egnp.exe" display as "Acmeexe.png" and turn one name into another on the page.
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
DIRECTION_CONTROL = N_("Remove the invisible text-direction character from this text.")
# A field whose last part ends in "name" or "title" is shown as one: name, contact_name,
# criteria-0-name, session_title, rooms[1].name.
_NAME_LIKE = re.compile(r"(name|title)$", re.IGNORECASE)


def is_name_like(field: str) -> bool:
    return bool(_NAME_LIKE.search(field))


def has_direction_control(text: str) -> bool:
    return not DIRECTION_CONTROLS.isdisjoint(text)


def direction_control_errors(fields: Iterable[tuple[str, object]]) -> dict[str, str]:
    """A field error for each name or title (by its field's name) carrying a direction control."""
    return {
        field: DIRECTION_CONTROL
        for field, value in fields
        if isinstance(value, str) and is_name_like(field) and has_direction_control(value)
    }
