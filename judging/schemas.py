"""Every msgspec struct judging's API speaks, and the typed commands its services take.

A page's form and the JSON API turn their input into the same command (`judging.forms` does it
for forms); the service then applies the domain's checks, whoever called it. The checks on a
round's own fields are the rules' (`judging.rules.rounds`); the form applies them too, so a form
that fails to parse some fields still reports what is wrong with the others.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.schemas import JsonInput
from judging.enums import DeckPolicy, FeedbackScores, Normalisation, RoundEntry, RoundMethod
from judging.rules.rounds import ROUND_NUMBERS


class RoundIn(msgspec.Struct, frozen=True, kw_only=True):
    """A round's settings as an organiser gives them; times are UTC (the form converts from the
    edition's time zone)."""

    name: str
    method: RoundMethod
    entry: RoundEntry
    normalisation: Normalisation
    judges_per_application: int
    max_per_judge: int
    advance_count: int
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # What teams see once the results are published (judging.rules.feedback).
    feedback_scores: FeedbackScores = FeedbackScores.NONE
    feedback_comments: bool = False
    # A blind round's judges never see the team; `redacted_fields` are of judging.rules.redaction.
    blind: bool = False
    redacted_fields: list[str] = msgspec.field(default_factory=list)
    deck_policy: DeckPolicy = DeckPolicy.WARN
    # Pairwise rounds: comparisons a project needs before it gets a rank.
    min_comparisons: int = 3

    def numbers(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ROUND_NUMBERS}


class CriterionIn(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a rubric being saved.

    Attributes:
        weight: NaN when the form's text was no number (the rubric check says so).
        scale_min, scale_max: A float when the form's text was no whole number (likewise).
        row: Where the line stood in what the organiser filled in, blank rows included: errors
            name this row. None: its position among the criteria.
    """

    name: str
    weight: float
    scale_min: int | float = 1
    scale_max: int | float = 10
    guidance: str = ""
    independent: bool = False
    row: int | None = None


class RubricIn(msgspec.Struct, frozen=True, kw_only=True):
    criteria: list[CriterionIn]


class ScoresIn(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's scores and comments by criterion id; a value that is no whole number (a float
    from the form) is reported by the sheet check with the criterion's scale."""

    values: dict[int, int | float] = msgspec.field(default_factory=dict)
    comments: dict[int, str] = msgspec.field(default_factory=dict)
    submit: bool = False
    # Criteria whose comment is for the organisers only (never shown to the team).
    private_comments: frozenset[int] = frozenset()


class JudgeProfileIn(msgspec.Struct, frozen=True, kw_only=True):
    organisation: str
    expertise: list[str]


class AdvanceIn(msgspec.Struct, frozen=True, kw_only=True):
    """Who advances: the top N under the quotas, or exactly `application_ids` when given."""

    application_ids: list[int] | None = None
    min_rural: int = 0
    max_per_municipality: int = 0


# The JSON API.


class QueueItemOut(msgspec.Struct):
    """An entry of my queue; in a blind round `startup_name` is the entry's pseudonym
    ("Entry 7F3K") and `blind` is true."""

    id: int
    application: int
    startup_name: str
    track: str
    sheet_status: str | None
    total: float | None
    blind: bool = False


class SheetIn(JsonInput):
    values: dict[str, int]
    comments: dict[str, str] = msgspec.field(default_factory=dict)
    submit: bool = False
    # Criterion ids whose comment is for the organisers only; the others may be shared with the team.
    organisers_only: list[int] = msgspec.field(default_factory=list)


class SheetOut(msgspec.Struct):
    status: str
    total: float | None
    version: int


class StandingOut(msgspec.Struct):
    rank: int
    application_id: int
    startup_name: str
    track: str
    normalised_mean: float
    raw_mean: float
    judges: int
    spread: float
    flags: list[str]
    advanced: bool


class PairwiseStandingOut(msgspec.Struct):
    """A project in a pairwise round's CrowdBT ranking: no rank before its minimum of comparisons."""

    rank: int | None
    application_id: int
    startup_name: str
    track: str
    mu: float
    sigma: float
    # The belief's 95% interval.
    low: float
    high: float
    comparisons: int
    advanced: bool


class RankingOut(msgspec.Struct):
    round_id: int
    normalisation: str
    standings: list[StandingOut]
    # A pairwise round's ranking (its `standings` stay empty: there are no scores to normalise).
    method: str = "weighted_rubric"
    min_comparisons: int = 0
    pairwise: list[PairwiseStandingOut] = msgspec.field(default_factory=list)


class DistributionOut(msgspec.Struct):
    """Every scored team's mean on one criterion."""

    teams: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


class CriterionScoreOut(msgspec.Struct):
    criterion_id: int
    name: str
    scale_min: int
    scale_max: int
    mean: float
    judges: int
    field: DistributionOut
    # 1 is the highest mean; equal means share a place.
    place: int


class CommentOut(msgspec.Struct):
    criterion_id: int
    criterion: str
    text: str


class JudgeCommentsOut(msgspec.Struct):
    """One judge's shared comments, signed only by a letter ("A", "B"…)."""

    letter: str
    comments: list[CommentOut]


class RoundFeedbackOut(msgspec.Struct):
    round_id: int
    round_name: str
    # "raw_mean" or "normalised_mean": what `scores` hold; "none" when the round shares no scores.
    scores_mode: str
    scores: list[CriterionScoreOut]
    comments: list[JudgeCommentsOut]


class FeedbackOut(msgspec.Struct):
    application_id: int
    rounds: list[RoundFeedbackOut]


class ProjectOut(msgspec.Struct):
    id: int
    startup_name: str
    city: str
    track: str
    solution: str


class PairOut(msgspec.Struct):
    """What a pairwise judge is shown: the project before (None at the start), the one now, and
    the single-use token an answer must name."""

    round_id: int
    token: str
    previous: ProjectOut | None
    current: ProjectOut | None


class PairAnswerIn(JsonInput):
    """An answer for the pair `token` names. `choice`: "previous" or "current" (which was
    better), "tie" (cannot tell), "next" (done with the first project), "skip" (could not see it)."""

    token: str
    choice: str


class PairConflictOut(msgspec.Struct):
    """409: not possible now; for a stale token, `current` is the pair in front of the judge."""

    status_code: int
    detail: str
    errors: dict[str, str] = msgspec.field(default_factory=dict)
    current: PairOut | None = None
