"""Judges' habits taken out of their totals: z-scores, or each judge's leniency against co-judges.

See the package docstring for why `JUDGE_OFFSET` is the default: it compares a judge with the
other judges of the same applications, never with the round.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from judging.rules.scoring.model import JudgeScore

# A judge whose totals vary by less than this (relative to their mean) has no spread.
_NO_SPREAD = 1e-9


class _Table:
    """The totals as arrays: judge and application positions into the sorted unique ids."""

    def __init__(self, scores: Sequence[JudgeScore]) -> None:
        count = len(scores)
        judges = np.fromiter((score.judge_id for score in scores), dtype=np.int64, count=count)
        applications = np.fromiter((score.application_id for score in scores), dtype=np.int64, count=count)
        self.x = np.fromiter((score.total for score in scores), dtype=np.float64, count=count)
        if not np.isfinite(self.x).all():
            raise ValueError("every total must be a finite number")
        self.judge_ids, self.j = np.unique(judges, return_inverse=True)
        self.application_ids, self.a = np.unique(applications, return_inverse=True)
        self.judge_count = len(self.judge_ids)
        self.application_count = len(self.application_ids)
        pairs = self.j * self.application_count + self.a
        if np.unique(pairs).size != count:
            _, first, seen = np.unique(pairs, return_index=True, return_counts=True)
            twice = scores[int(first[np.argmax(seen > 1)])]
            raise ValueError(f"judge {twice.judge_id} scored application {twice.application_id} twice")
        self.per_judge = np.bincount(self.j, minlength=self.judge_count)
        self.per_application = np.bincount(self.a, minlength=self.application_count)
        self.application_mean = np.bincount(self.a, self.x, self.application_count) / self.per_application


def _judge_moments(table: _Table) -> tuple[np.ndarray, np.ndarray]:
    """Each judge's mean and standard deviation (population) of their totals."""
    x, j = table.x, table.j
    mean = np.bincount(j, x, table.judge_count) / table.per_judge
    sd = np.sqrt(np.bincount(j, (x - mean[j]) ** 2, table.judge_count) / table.per_judge)
    return mean, sd


def _z_scores(table: _Table, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Totals as ``mu + sigma * z``; z = 0 for a judge with one total or no spread."""
    x, j = table.x, table.j
    spread = (table.per_judge >= 2) & (sd > _NO_SPREAD * np.maximum(1.0, np.abs(mean)))
    z = np.where(spread[j], (x - mean[j]) / np.where(spread, sd, 1.0)[j], 0.0)
    centre: float = x.mean()
    scale: float = x.std()
    return centre + scale * z


def _shared_weights(table: _Table) -> np.ndarray:
    """C[j, k] = sum of 1 / (number of judges) over the applications judges j and k both scored.

    Built pair by pair within each application (the d-th pass pairs every total with the one d
    places further along its application's list), so the cost grows with the sum over
    applications of judges squared, not with judges x applications.
    """
    judges = table.judge_count
    order = np.argsort(table.a, kind="stable")
    a = table.a[order]
    j = table.j[order]
    size = table.per_application[a]
    start = np.concatenate(([0], np.cumsum(table.per_application)[:-1]))[a]
    position = np.arange(len(a)) - start
    weight = 1.0 / size
    shared = np.zeros(judges * judges)
    for distance in range(int(size.max(initial=0))):
        take = size > distance
        partner = j[start + (position + distance) % size]
        shared += np.bincount((j * judges + partner)[take], weight[take], judges * judges)
    return shared.reshape(judges, judges)


def _linked_groups(shared: np.ndarray) -> list[np.ndarray]:
    """Judges linked through shared applications, directly or through other judges."""
    linked = shared > 0
    group = np.full(len(shared), -1)
    groups: list[np.ndarray] = []
    for first in range(len(shared)):
        if group[first] >= 0:
            continue
        group[first] = len(groups)
        frontier = np.array([first])
        while frontier.size:
            reached = linked[frontier].any(axis=0) & (group < 0)
            group[reached] = len(groups)
            frontier = np.flatnonzero(reached)
        groups.append(np.flatnonzero(group == len(groups)))
    return groups


def _judge_offsets(table: _Table) -> np.ndarray:
    """Each judge's leniency b in ``total = quality + b``, by least squares.

    Eliminating the qualities (quality = mean over the application's judges of total - b) leaves
    ``L b = r`` with L = diag(totals per judge) - C, a graph Laplacian over judges, and r each
    judge's summed difference from the application means. L is singular once per group of linked
    judges (adding a constant to a group's b and taking it from its qualities changes nothing);
    adding ``1 m^T`` per group, m the totals per judge, fixes ``m . b = 0`` in each group and makes
    the system regular (a judge linked to nobody gets b = 0).
    """
    m = table.per_judge.astype(np.float64)
    r = np.bincount(table.j, table.x - table.application_mean[table.a], table.judge_count)
    shared = _shared_weights(table)
    system = np.diag(m) - shared
    for group in _linked_groups(shared):
        system[np.ix_(group, group)] += m[group][np.newaxis, :]
    return np.linalg.solve(system, r)
