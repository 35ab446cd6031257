"""What ranking takes and gives: judges' totals, the options, and the ranking with its flags."""

from __future__ import annotations

from dataclasses import dataclass

from judging.enums import FlagKind, Normalisation, TieKey
from judging.rules.rubrics import Message

# Means equal to this many decimals are a tie (sums in a different order differ in the 15th).
TIE_DECIMALS = 9


@dataclass(frozen=True, slots=True)
class JudgeScore:
    """One judge's weighted total for one application, from a submitted sheet."""

    judge_id: int
    application_id: int
    total: float


@dataclass(frozen=True, slots=True)
class ScoringOptions:
    normalisation: Normalisation = Normalisation.JUDGE_OFFSET
    # A judge's total this many pooled standard deviations from the others' mean is an outlier
    # (widened by sqrt(1 + 1/k) for the noise in the mean of k others).
    outlier_sd: float = 2.0
    # An application whose totals have a standard deviation above this many pooled ones is wide...
    spread_sd: float = 2.0
    # ... or, when this is set, one whose totals span more than this many points (max - min).
    max_spread: float | None = None

    def __post_init__(self) -> None:
        if not self.outlier_sd > 0 or not self.spread_sd > 0:
            raise ValueError("outlier_sd and spread_sd must be positive")
        if self.max_spread is not None and not self.max_spread >= 0:
            raise ValueError("max_spread must not be negative")


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    message: Message
    judge_id: int | None = None


@dataclass(frozen=True, slots=True)
class TieBreak:
    """This standing equals the one above (`above`, an application id) on every key before `key`."""

    key: TieKey
    above: int


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    application_id: int
    normalised_mean: float
    raw_mean: float
    judges: int
    median: float
    spread: float
    sd: float
    flags: tuple[Flag, ...] = ()
    tie_break: TieBreak | None = None


@dataclass(frozen=True, slots=True)
class JudgeCalibration:
    """What the normalisation read from one judge's totals."""

    judge_id: int
    scores: int
    mean: float
    sd: float
    # Leniency in points (JUDGE_OFFSET); None under Z_SCORE, which has no single offset.
    offset: float | None


@dataclass(frozen=True, slots=True)
class Ranking:
    standings: tuple[Standing, ...]
    judges: tuple[JudgeCalibration, ...]
    # Each input total after normalisation, in the order of the input.
    normalised_scores: tuple[float, ...]
    normalisation: Normalisation
    global_mean: float
    global_sd: float
    pooled_sd: float
