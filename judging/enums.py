from enum import StrEnum


class RoundMethod(StrEnum):
    """How a judging round decides: scores on a rubric, or comparisons of two projects."""

    WEIGHTED_RUBRIC = "weighted_rubric"
    PAIRWISE = "pairwise"


class ScoreStatus(StrEnum):
    """A judge's score sheet counts in the ranking only once submitted."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Normalisation(StrEnum):
    """How judges' habits are taken out of the normalised mean (see judging.rules.scoring)."""

    # Each judge's leniency, estimated against the other judges on shared applications.
    JUDGE_OFFSET = "judge_offset"
    # Each judge's scores standardised against their own mean and spread.
    Z_SCORE = "z_score"


class TieKey(StrEnum):
    """The keys that order the ranking, in the order they are tried."""

    NORMALISED_MEAN = "normalised_mean"
    RAW_MEAN = "raw_mean"
    JUDGES = "judges"
    MEDIAN = "median"
    APPLICATION_ID = "application_id"


TIE_KEY_ORDER: tuple[TieKey, ...] = tuple(TieKey)


class FlagKind(StrEnum):
    """Why an application's scores are worth a discussion before results are published."""

    OUTLIER = "outlier"
    WIDE_SPREAD = "wide_spread"


class RoundStatus(StrEnum):
    """A round is set up as a draft, scored while open, ranked once closed, then published."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class RoundEntry(StrEnum):
    """Which applications enter a round."""

    ALL_SUBMITTED = "all_submitted"
    ADVANCED = "advanced"


class ConflictReason(StrEnum):
    """Why a judge may not score an application (see judging.rules.conflicts)."""

    DECLARED = "declared"
    SAME_ORGANISATION = "same_organisation"
    SAME_EMAIL_DOMAIN = "same_email_domain"
    MENTORS_STARTUP = "mentors_startup"
    MUNICIPALITY_STAFF = "municipality_staff"


class ShortfallReason(StrEnum):
    """Why an application got fewer judges than the round asks for (see judging.rules.assignment)."""

    # The round has fewer judges than each application needs.
    TOO_FEW_JUDGES = "too_few_judges"
    # Enough judges, but too many of them have a conflict with the application.
    CONFLICTS = "conflicts"
    # Every judge without a conflict who is not on the panel yet is at their limit.
    ALL_FULL = "all_full"
    # The judges with room left are from organisations already on the panel.
    SAME_ORGANISATION = "same_organisation"


class FeedbackScores(StrEnum):
    """Which of its scores a team sees once a round's results are published (judging.rules.feedback)."""

    NONE = "none"
    RAW_MEAN = "raw_mean"
    NORMALISED_MEAN = "normalised_mean"


class DeckPolicy(StrEnum):
    """What judges of a blind round get of a pitch deck, which may name the team on any slide."""

    # Served under the entry's pseudonym, with a warning beside the link that it may name the team.
    WARN = "warn"
    # Not shown at all: the written answers alone are judged.
    HIDE = "hide"
