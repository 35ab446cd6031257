"""HTML form strings -> the typed commands the pilots' services take; each part in its own section.

Only the shape changes here; every check of the values is the services' (and their rules'), the
same for the pages and the JSON API.
"""

from __future__ import annotations

from typing import Any

from core.forms import field
from pilots.schemas import FeedbackCommand

# --- Residents' feedback ---


def feedback_command(data: dict[str, Any]) -> FeedbackCommand:
    raw = field(data, "rating").strip()
    return FeedbackCommand(
        rating=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else None,
        comment=field(data, "comment"),
        local=field(data, "local") == "yes",
    )
