"""Request and response bodies of the challenge's JSON API, and the typed commands its services take."""

from __future__ import annotations

from datetime import datetime

import msgspec

from challenge.enums import Phase
from challenge.rules.editions import LONG_TEXTS, EditionDraft
from challenge.rules.problems import FIELD_NAMES as PROBLEM_FIELDS
from core.rules.bilingual import SERBIAN
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

    def draft(self) -> EditionDraft:
        """The edition as the validity check reads it: texts stripped, phase starts by phase."""
        phases = {phase.value for phase in Phase}
        return EditionDraft(
            name=self.name.strip(),
            slug=self.slug.strip(),
            timezone=self.timezone.strip(),
            year=self.year,
            tracks=list(self.tracks),
            starts={Phase(name): moment for name, moment in self.timeline.items() if name in phases},
            texts={name: str(getattr(self, name)).strip() for name in LONG_TEXTS},
            translated_name=self.translated_name.strip(),
            language=self.language.strip() or SERBIAN,
        )


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

    def statement(self) -> dict[str, object]:
        """The statement's fields by name, as the problem rule reads them (`submit` is no field)."""
        return {k: v for k, v in msgspec.structs.asdict(self).items() if k in PROBLEM_FIELDS}


class NewProblemIn(ProblemIn):
    edition_id: int = 0
    municipality_id: int = 0


class ReviewIn(JsonInput):
    action: str
    comment: str = ""


class ProblemStatementOut(msgspec.Struct):
    """What a problem says, the same in the public and the staff views."""

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


class StaffProblemOut(ProblemStatementOut):
    """A problem in any status, as its municipality's staff and organisers see it."""

    id: int
    edition: int
    municipality: int
    status: str
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
    # The organisers' own questions, by question id: text, or choice keys for a multiple choice; a
    # file question takes the id of an upload of the caller's. Omitted questions keep their answer.
    question_answers: dict[str, str | list[str]] = msgspec.field(default_factory=dict)
    pitch_deck_file_id: int | None = None
    # The version this edit started from: a newer save by a teammate is then reported, not hidden.
    version: int | None = None


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
    # Answers to the organisers' own questions as stored, by question id (even ones not valid yet).
    question_answers: dict[str, str | list[str]] = msgspec.field(default_factory=dict)
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


# Editions and the public catalogue ------------------------------------------------------------


class EditionOut(msgspec.Struct):
    id: int
    name: str
    year: int
    slug: str
    timezone: str
    tracks: list[str]
    description: str
    language: str
    translated_name: str
    translated_description: str


class PhaseOut(msgspec.Struct):
    phase: str
    starts_at: datetime
    ends_at: datetime | None
    current: bool


class TimelineOut(msgspec.Struct):
    edition: str
    timezone: str
    current_phase: str | None
    phases: list[PhaseOut]


class MunicipalityOut(msgspec.Struct):
    id: int
    name: str
    region: str
    kind: str


class ProblemSummaryOut(msgspec.Struct):
    id: int
    title: str
    summary: str
    track: str | None
    sdgs: list[int]
    endorsement_count: int
    published_at: datetime | None
    municipality: MunicipalityOut
    url: str


class ProblemPageOut(msgspec.Struct):
    items: list[ProblemSummaryOut]
    page: int
    has_next: bool


class AttachmentOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class CommentOut(msgspec.Struct):
    id: int
    author: str
    body: str
    created_at: datetime


class ProblemOut(ProblemStatementOut):
    """A published problem, as everyone sees it."""

    id: int
    edition_id: int
    endorsement_count: int
    published_at: datetime | None
    municipality: MunicipalityOut
    attachments: list[AttachmentOut]
    comments: list[CommentOut]


class EndorsementOut(msgspec.Struct):
    problem_id: int
    endorsement_count: int


class LabelsOut(msgspec.Struct):
    en: str
    sr_Cyrl: str
    sr_Latn: str


class ChoiceOut(msgspec.Struct):
    # Stable: an answer names its choices by key; renaming a choice keeps it.
    key: str
    label: LabelsOut


class QuestionOut(msgspec.Struct):
    """One of the organisers' own application questions, as it is asked now."""

    id: int
    position: int
    # None: asked in every track.
    track: str | None
    required: bool
    version: int
    kind: str
    label: LabelsOut
    help: LabelsOut
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    choices: list[ChoiceOut] = msgspec.field(default_factory=list)
    file_types: list[str] = msgspec.field(default_factory=list)
    max_megabytes: int | None = None
