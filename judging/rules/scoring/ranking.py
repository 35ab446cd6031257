"""`rank_applications`: raw and normalised means, spread and flags, and a total, deterministic order."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.rules import N_
from judging.enums import TIE_KEY_ORDER, FlagKind, Normalisation
from judging.rules.rubrics import Message
from judging.rules.scoring.model import (
    TIE_DECIMALS,
    Flag,
    JudgeCalibration,
    JudgeScore,
    Ranking,
    ScoringOptions,
    Standing,
    TieBreak,
)
from judging.rules.scoring.normalisation import _judge_moments, _judge_offsets, _Table, _z_scores


def _flags(
    table: _Table, options: ScoringOptions, pooled_sd: float, low: np.ndarray, high: np.ndarray, sd: np.ndarray
) -> dict[int, list[Flag]]:
    """Outliers and wide spreads, by application position (see the module docstring)."""
    flags: dict[int, list[Flag]] = defaultdict(list)
    x, a, j = table.x, table.a, table.j
    size = table.per_application[a]
    if pooled_sd > 0:
        several = size >= 3
        others = np.where(several, (table.application_mean[a] * size - x) / np.maximum(size - 1, 1), x)
        # One total against the mean of k others differs by sd * sqrt(1 + 1/k) when judges agree
        # up to noise; the limit allows for it, so "2 sd" flags about 5% of totals by chance.
        limit = options.outlier_sd * pooled_sd * np.sqrt(1 + 1 / np.maximum(size - 1, 1))
        distance = np.abs(x - others)
        for index in np.flatnonzero(several & (distance > limit)).tolist():
            judge_id = int(table.judge_ids[j[index]])
            message = Message(
                N_(
                    "Judge %(judge)s gave %(score)s against an average of %(others)s from the other judges: "
                    "%(distance)s apart, beyond the limit of %(limit)s."
                ),
                {
                    "judge": judge_id,
                    "score": round(float(x[index]), 2),
                    "others": round(float(others[index]), 2),
                    "distance": round(float(distance[index]), 2),
                    "limit": round(float(limit[index]), 2),
                },
            )
            flags[int(a[index])].append(Flag(FlagKind.OUTLIER, message, judge_id))
    if options.max_spread is not None:
        wide = np.flatnonzero(high - low > options.max_spread).tolist()
        template = N_("The judges' totals run from %(low)s to %(high)s, a spread of %(spread)s, more than %(limit)s.")
        limit_value = options.max_spread
    elif pooled_sd > 0:
        wide = np.flatnonzero(sd > options.spread_sd * pooled_sd).tolist()
        template = N_(
            "The judges' totals run from %(low)s to %(high)s; their standard deviation of %(sd)s is more than "
            "%(limit)s."
        )
        limit_value = options.spread_sd * pooled_sd
    else:
        wide = []
    for index in wide:
        message = Message(
            template,
            {
                "low": round(float(low[index]), 2),
                "high": round(float(high[index]), 2),
                "spread": round(float(high[index] - low[index]), 2),
                "sd": round(float(sd[index]), 2),
                "limit": round(limit_value, 2),
            },
        )
        flags[index].append(Flag(FlagKind.WIDE_SPREAD, message))
    return flags


def rank_applications(scores: Sequence[JudgeScore], options: ScoringOptions | None = None) -> Ranking:
    """Raw and normalised means, spread, flags and a total, deterministic order (module docstring)."""
    options = options or ScoringOptions()
    if not scores:
        return Ranking((), (), (), options.normalisation, 0.0, 0.0, 0.0)
    table = _Table(scores)
    x, a, n = table.x, table.a, table.per_application
    judge_mean, judge_sd = _judge_moments(table)
    normalised, offsets = _normalise(table, options.normalisation, judge_mean, judge_sd)
    normalised_mean = np.bincount(a, normalised, table.application_count) / n
    spread = _Spread.of(table)
    flags = _flags(table, options, spread.pooled_sd, spread.low, spread.high, spread.sd)
    ranked, tie_breaks = _order(table, normalised_mean, spread.median)
    columns = zip(
        ranked.tolist(),
        table.application_ids[ranked].tolist(),
        normalised_mean[ranked].tolist(),
        table.application_mean[ranked].tolist(),
        n[ranked].tolist(),
        spread.median[ranked].tolist(),
        (spread.high - spread.low)[ranked].tolist(),
        spread.sd[ranked].tolist(),
        tie_breaks,
        strict=True,
    )
    standings = tuple(
        Standing(place, application_id, norm, raw, count, mid, width, deviation, tuple(flags.get(index, ())), tie)
        for place, (index, application_id, norm, raw, count, mid, width, deviation, tie) in enumerate(columns, 1)
    )
    judges = tuple(
        JudgeCalibration(judge_id, count, mean, deviation, offset)
        for judge_id, count, mean, deviation, offset in zip(
            table.judge_ids.tolist(),
            table.per_judge.tolist(),
            judge_mean.tolist(),
            judge_sd.tolist(),
            offsets,
            strict=True,
        )
    )
    return Ranking(
        standings=standings,
        judges=judges,
        normalised_scores=tuple(normalised.tolist()),
        normalisation=options.normalisation,
        global_mean=float(x.mean()),
        global_sd=float(x.std()),
        pooled_sd=spread.pooled_sd,
    )


def _normalise(
    table: _Table, normalisation: Normalisation, judge_mean: np.ndarray, judge_sd: np.ndarray
) -> tuple[np.ndarray, list[float | None]]:
    """Each total with the judge's habit taken out, and each judge's offset (None under Z_SCORE)."""
    if normalisation is Normalisation.Z_SCORE:
        offsets: list[float | None] = [None] * table.judge_count
        return _z_scores(table, judge_mean, judge_sd), offsets
    leniency = _judge_offsets(table)
    return table.x - leniency[table.j], leniency.tolist()


@dataclass(frozen=True, slots=True)
class _Spread:
    """Per application position: lowest, highest and median total, sample sd; and the pooled sd."""

    low: np.ndarray
    high: np.ndarray
    median: np.ndarray
    sd: np.ndarray
    pooled_sd: float

    @classmethod
    def of(cls, table: _Table) -> _Spread:
        x, a, n = table.x, table.a, table.per_application
        # Totals sorted by application, then value: min, max and median fall out by position.
        order = np.lexsort((x, a))
        ordered = x[order]
        first = np.concatenate(([0], np.cumsum(n)[:-1]))
        squares = np.bincount(a, (x - table.application_mean[a]) ** 2, table.application_count)
        freedom = len(x) - table.application_count
        return cls(
            low=ordered[first],
            high=ordered[first + n - 1],
            median=(ordered[first + (n - 1) // 2] + ordered[first + n // 2]) / 2,
            sd=np.sqrt(squares / np.maximum(n - 1, 1)),
            pooled_sd=math.sqrt(float(squares.sum()) / freedom) if freedom > 0 else 0.0,
        )


def _order(table: _Table, normalised_mean: np.ndarray, median: np.ndarray) -> tuple[np.ndarray, list[TieBreak | None]]:
    """Application positions in rank order, and per place the tie break that decided it, if any."""
    keys = (
        np.round(normalised_mean, TIE_DECIMALS),
        np.round(table.application_mean, TIE_DECIMALS),
        table.per_application,
        np.round(median, TIE_DECIMALS),
    )
    ranked = np.lexsort((table.application_ids, *(-key for key in reversed(keys))))
    # For each place after the first: the first key on which it differs from the place above.
    equal = np.array([key[ranked][1:] == key[ranked][:-1] for key in keys] + [np.zeros(len(ranked) - 1, bool)])
    decided_by = np.argmin(equal, axis=0) if len(ranked) > 1 else np.zeros(0, int)
    # Tie breaks, in rank order: (key, application above) where a key after the first decided.
    ids = table.application_ids[ranked].tolist()
    tie_breaks: list[TieBreak | None] = [None]
    tie_breaks += [
        TieBreak(TIE_KEY_ORDER[key], above) if key else None
        for key, above in zip(decided_by.tolist(), ids[:-1], strict=True)
    ]
    return ranked, tie_breaks
