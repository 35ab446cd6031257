"""Request and response bodies of the challenge's JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from challenge.enums import Phase
from core.schemas import JsonInput


class EditionIn(JsonInput):
    name: str
    year: int
    slug: str
    timezone: str
    tracks: list[str]
    timeline: dict[str, datetime] = msgspec.field(default_factory=dict)
    description: str = ""
    prize_text: str = ""
    programme_text: str = ""
    language: str = "sr"
    """The language name and description are written in: "sr" or "en"."""
    translated_name: str = ""
    """The name in the other language (optional)."""
    translated_description: str = ""

    def as_form(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(self).items() if k != "timeline"}
        data["year"] = str(self.year)
        data.update({f"starts_{phase}": moment.isoformat() for phase, moment in self.timeline.items()})
        return data


class PhaseIn(JsonInput):
    phase: Phase


class ProblemIn(JsonInput):
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
    language: str = "sr"
    """The language title, summary and context are written in: "sr" or "en"."""
    translated_title: str = ""
    """Title, summary and context in the other language (optional)."""
    translated_summary: str = ""
    translated_context: str = ""
    submit: bool = False

    def as_form(self) -> dict[str, Any]:
        data = {k: v for k, v in msgspec.structs.asdict(self).items() if v is not None and k != "submit"}
        data["sdgs"] = [str(goal) for goal in self.sdgs]
        data["affected_count"] = "" if self.affected_count is None else str(self.affected_count)
        return data


class NewProblemIn(ProblemIn):
    edition_id: int = 0
    municipality_id: int = 0


class ReviewIn(JsonInput):
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
    language: str
    translated_title: str
    translated_summary: str
    translated_context: str
    endorsement_count: int
    submitted_at: datetime | None
    published_at: datetime | None


class ApplicationIn(JsonInput):
    """A draft's content. `pitch_deck_file_id` is a PDF uploaded first through POST /api/v1/files."""

    edition_id: int | None = None
    track: str | None = None
    problems: list[int] = msgspec.field(default_factory=list)
    solution: str = ""
    why_us: str = ""
    traction: str = ""
    pilot_plan: str = ""
    impact: str = ""
    sdgs: list[int] = msgspec.field(default_factory=list)
    support_needed: list[str] = msgspec.field(default_factory=list)
    video_url: str = ""
    answers: dict[str, str] = msgspec.field(default_factory=dict)
    pitch_deck_file_id: int | None = None
    # The version this edit started from: a newer save by a teammate is then reported, not hidden.
    version: int | None = None

    def as_form(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            k: v for k, v in msgspec.structs.asdict(self).items() if k not in ("answers", "pitch_deck_file_id")
        }
        data["problems"] = [str(p) for p in self.problems]
        data["sdgs"] = [str(goal) for goal in self.sdgs]
        data.update({f"q{key}": value for key, value in self.answers.items()})
        return data


class ApplicationEventOut(msgspec.Struct):
    to_status: str
    at: datetime
    message: str = ""
    from_status: str | None = None


class ApplicationOut(msgspec.Struct):
    id: int
    edition: int
    startup: int
    track: str
    status: str
    version: int
    solution: str
    why_us: str
    traction: str
    pilot_plan: str
    impact: str
    sdgs: list[int]
    support_needed: list[str]
    video_url: str
    answers: dict[str, str]
    pitch_deck: int | None
    submitted_at: datetime | None
    updated_at: datetime
    problems: list[int] = msgspec.field(default_factory=list)
    missing: dict[str, str] = msgspec.field(default_factory=dict)
    timeline: list[ApplicationEventOut] = msgspec.field(default_factory=list)
    # True when this save replaced a teammate's newer one (last write wins, said out loud).
    overwrote_newer_save: bool = False


class ApplicationRowOut(msgspec.Struct):
    id: int
    startup_id: int
    startup_name: str
    country: str
    city: str
    stage: str | None
    track: str
    status: str
    submitted_at: datetime | None
    support_needed: list[str]
    problems: list[int]


class ApplicationPageOut(msgspec.Struct):
    rows: list[ApplicationRowOut]
    page: int
    has_next: bool
    total: int


class StatusChangeIn(JsonInput):
    ids: list[int]
    status: str
    message: str = ""


class StatusChangeOut(msgspec.Struct):
    moved: list[int]
    skipped: list[tuple[int, str]]
