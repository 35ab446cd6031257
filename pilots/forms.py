"""HTML form strings -> the typed commands the pilots' services take; each part in its own section.

Only the shape changes here; every check of the values is the services' (and their rules'), the
same for the pages and the JSON API.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.forms import field
from pilots.enums import Side, SignOffDecision
from pilots.schemas import FeedbackCommand, MilestoneCommand

# --- Residents' feedback ---


def feedback_command(data: dict[str, Any]) -> FeedbackCommand:
    raw = field(data, "rating").strip()
    return FeedbackCommand(
        rating=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else None,
        comment=field(data, "comment"),
        local=field(data, "local") == "yes",
    )


# --- Milestones and sign-offs ---


def _listed(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def milestone_command(data: dict[str, Any]) -> MilestoneCommand:
    sides = frozenset(Side(value) for value in _listed(data, "sign_off_by") if value in {s.value for s in Side})
    return MilestoneCommand(
        title=field(data, "title"),
        deliverable=field(data, "deliverable"),
        due_on=_day(field(data, "due_on")),
        sign_off_by=sides,
        public=field(data, "public") == "on",
    )


def milestone_form_values(
    title: str, deliverable: str, due_on: date, sign_off_by: list[Side], public: bool
) -> dict[str, Any]:
    return {
        "title": title,
        "deliverable": deliverable,
        "due_on": due_on.isoformat(),
        "sign_off_by": [side.value for side in sign_off_by],
        "public": "on" if public else "",
    }


def decision(data: dict[str, Any]) -> SignOffDecision | None:
    value = field(data, "decision")
    return SignOffDecision(value) if value in {d.value for d in SignOffDecision} else None


def side(data: dict[str, Any]) -> Side | None:
    value = field(data, "side")
    return Side(value) if value in {s.value for s in Side} else None
