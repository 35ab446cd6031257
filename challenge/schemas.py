"""Request and response bodies of the challenge's JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from challenge.enums import Phase


class EditionIn(msgspec.Struct):
    name: str
    year: int
    slug: str
    timezone: str
    tracks: list[str]
    timeline: dict[str, datetime] = msgspec.field(default_factory=dict)
    description: str = ""
    prize_text: str = ""
    programme_text: str = ""

    def as_form(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(self).items() if k != "timeline"}
        data["year"] = str(self.year)
        data.update({f"starts_{phase}": moment.isoformat() for phase, moment in self.timeline.items()})
        return data


class PhaseIn(msgspec.Struct):
    phase: Phase


class ProblemIn(msgspec.Struct):
    title: str
    track: str | None = None
    summary: str = ""
    context: str = ""
    affected_groups: str = ""
    affected_count: int | None = None
    tried_before: str = ""
    data_available: str = ""
    open_data_links: list[str] = msgspec.field(default_factory=list)
    sdgs: list[int] = msgspec.field(default_factory=list)
    budget_range: str | None = None
    procurement_path: str | None = None
    pilot_location: str = ""
    contact_name: str = ""
    contact_email: str = ""
    submit: bool = False

    def as_form(self) -> dict[str, Any]:
        data = {k: v for k, v in msgspec.structs.asdict(self).items() if v is not None and k != "submit"}
        data["sdgs"] = [str(goal) for goal in self.sdgs]
        data["affected_count"] = "" if self.affected_count is None else str(self.affected_count)
        return data


class NewProblemIn(ProblemIn):
    edition_id: int = 0
    municipality_id: int = 0


class ReviewIn(msgspec.Struct):
    action: str
    comment: str = ""


class StaffProblemOut(msgspec.Struct):
    """A problem in any status, as its municipality's staff and organisers see it."""

    id: int
    edition: int
    municipality: int
    status: str
    title: str
    track: str | None
    summary: str
    context: str
    affected_groups: str
    affected_count: int | None
    tried_before: str
    data_available: str
    open_data_links: list[str]
    sdgs: list[int]
    budget_range: str | None
    procurement_path: str | None
    pilot_location: str
    contact_name: str
    contact_email: str
    endorsement_count: int
    submitted_at: datetime | None
    published_at: datetime | None
