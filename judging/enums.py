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
