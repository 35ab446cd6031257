from piccolo.columns import JSON, Boolean, DoublePrecision, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.tables import Application, Edition
from core.tables import User
from judging.enums import DeckPolicy, FeedbackScores, Normalisation, RoundEntry, RoundMethod, RoundStatus, ScoreStatus


class Round(Table):
    """One judging round of an edition (screening, semi-final, final)."""

    id: Serial  # added by Piccolo; annotated for the type checker

    edition = ForeignKey(references=Edition, index=True)
    name = Varchar(length=120)
    position = Integer(default=1)
    method = Varchar(length=20, choices=RoundMethod, default=RoundMethod.WEIGHTED_RUBRIC)
    entry = Varchar(length=20, choices=RoundEntry, default=RoundEntry.ALL_SUBMITTED)
    status = Varchar(length=10, choices=RoundStatus, default=RoundStatus.DRAFT, index=True)
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    judges_per_application = Integer(default=3)
    max_per_judge = Integer(default=20)
    advance_count = Integer(default=10)
    normalisation = Varchar(length=20, choices=Normalisation, default=Normalisation.JUDGE_OFFSET)
    # The assignment's random tie-breaks: the same seed gives the same panels.
    seed = Integer(default=1)
    # What the last assignment run could not do (applications short of judges and why).
    assignment_report = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    # What each team sees of its own scores and comments once the results are published.
    feedback_scores = Varchar(length=20, choices=FeedbackScores, default=FeedbackScores.NONE)
    feedback_comments = Boolean(default=False)
    # A blind round: its judges never see who applied (judging.rules.redaction); the application
    # fields named in `redacted_fields` are hidden too, and the deck as `deck_policy` says.
    blind = Boolean(default=False)
    redacted_fields = JSON(default=[])
    deck_policy = Varchar(length=10, choices=DeckPolicy, default=DeckPolicy.WARN)
    # Pairwise: comparisons a project needs before it gets a rank (judging.rules.pairwise).
    min_comparisons = Integer(default=3)
    # Pairwise: whether the room's projector page shows the live ranking.
    projector_released = Boolean(default=False)


class Criterion(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    round = ForeignKey(references=Round, index=True)
    position = Integer(default=1)
    name = Varchar(length=120)
    guidance = Text(default="")
    weight = DoublePrecision(default=1.0)
    scale_min = Integer(default=1)
    scale_max = Integer(default=10)
    # Shown to judges and organisers, not counted in the total (e.g. municipality fit).
    independent = Boolean(default=False)


class JudgeProfile(Table):
    """What conflict detection and assignment need to know about a judge in an edition."""

    id: Serial  # added by Piccolo; annotated for the type checker

    user = ForeignKey(references=User, index=True)
    edition = ForeignKey(references=Edition, index=True)
    key = Varchar(length=40, unique=True)
    organisation = Varchar(length=200, default="")
    expertise = JSON(default=[])


class DeclaredConflict(Table):
    """A conflict a judge declared themselves (detected ones are recomputed from the facts)."""

    id: Serial  # added by Piccolo; annotated for the type checker

    judge = ForeignKey(references=User, index=True)
    application = ForeignKey(references=Application, index=True)
    note = Text(default="")
    key = Varchar(length=40, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class RoundApplication(Table):
    """An application that entered a round."""

    id: Serial  # added by Piccolo; annotated for the type checker

    round = ForeignKey(references=Round, index=True)
    application = ForeignKey(references=Application, index=True)
    key = Varchar(length=40, unique=True)
    # Set when organisers advance it to the next round or mark the round's result.
    advanced = Boolean(default=False)
    advanced_by_hand = Boolean(default=False)
    rank = Integer(null=True, default=None)


class JudgeAssignment(Table):
    id: Serial  # added by Piccolo; annotated for the type checker
    round = ForeignKey(references=Round, index=True)
    judge = ForeignKey(references=User, index=True)
    application = ForeignKey(references=Application, index=True)
    locked = Boolean(default=False)
    # "<round>:<judge>:<application>": a judge scores an application once per round.
    key = Varchar(length=60, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ScoreSheet(Table):
    """A judge's scores for one assigned application; only submitted sheets count."""

    id: Serial  # added by Piccolo; annotated for the type checker

    assignment = ForeignKey(references=JudgeAssignment, index=True)
    # "<assignment>": one sheet per assignment, whatever two tabs do.
    key = Varchar(length=20, unique=True)
    round = ForeignKey(references=Round, index=True)
    judge = ForeignKey(references=User, index=True)
    application = ForeignKey(references=Application, index=True)
    values = JSON(default={})
    comments = JSON(default={})
    # Criterion ids (as strings) whose comment the judge kept for the organisers: never shown to the team.
    private_comments = JSON(default=[])
    status = Varchar(length=10, choices=ScoreStatus, default=ScoreStatus.DRAFT, index=True)
    total = DoublePrecision(null=True, default=None)
    version = Integer(default=1)
    submitted_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class PairwiseSeat(Table):
    """Where a judge is in a pairwise round: the project they saw last and the one before them."""

    id: Serial  # added by Piccolo; annotated for the type checker

    round = ForeignKey(references=Round, index=True)
    judge = ForeignKey(references=User, index=True)
    key = Varchar(length=40, unique=True)
    previous = ForeignKey(references=Application, null=True, default=None)
    current = ForeignKey(references=Application, null=True, default=None)
    seen = JSON(default=[])
    # The single-use token of what the judge is shown now: an answer names it, so a stale tab
    # or a second click cannot answer for a pair it never showed.
    token = Varchar(length=40, default="")
    # The token answered last and the answer: the same answer again is a repeat and changes nothing.
    last_token = Varchar(length=40, default="")
    last_choice = Varchar(length=20, default="")


class PairwiseVote(Table):
    """One comparison: the stored votes are the truth, beliefs are replayed from them."""

    id: Serial  # added by Piccolo; annotated for the type checker

    round = ForeignKey(references=Round, index=True)
    judge = ForeignKey(references=User, index=True)
    winner = ForeignKey(references=Application)
    loser = ForeignKey(references=Application)
    created_at = Timestamptz(default=TimestamptzNow())
    # "win" (winner beat loser) or "tie" (the judge could not tell: no CrowdBT update, but the
    # pair was seen, which the organiser's counts show).
    outcome = Varchar(length=10, default="win", index=True)


class JudgeRelease(Table):
    """A judge who dropped out of a round: their unsubmitted sheets went to other judges, and
    no assignment run gives them a new application in it (their submitted sheets stay)."""

    id: Serial  # added by Piccolo; annotated for the type checker

    round = ForeignKey(references=Round, index=True)
    judge = ForeignKey(references=User, index=True)
    # "<round>:<judge>": released once; a second release (two tabs) finds it done.
    key = Varchar(length=40, unique=True)
    reason = Text(default="")
    released_by = ForeignKey(references=User, null=True, default=None)
    # The applications whose sheets were released, and how many went to other judges.
    applications = JSON(default=[])
    reassigned = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class RoundRanking(Table):
    """A round's ranking and charts as last computed (judging.queries.ranking_cache).

    Every audited write that changes what the ranking shows raises `version` and clears `fresh`
    in its own transaction; the next reader recomputes and stores the result only if `version`
    is still the one it read, so no worker serves a ranking older than a committed write.
    """

    id: Serial  # added by Piccolo; annotated for the type checker

    round = ForeignKey(references=Round, unique=True, index=True)
    version = Integer(default=0)
    fresh = Boolean(default=False)
    # msgspec JSON of judging.queries.ranking_cache.Snapshot ("" while stale).
    payload = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())
