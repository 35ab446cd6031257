"""From judges' weighted totals to a ranking, and from a ranking to who advances.

Input is one total per (judge, application) for submitted sheets only; a recusal or a missing
sheet is simply absent, so it neither adds nor costs anything: every mean is over the judges who
scored.

**Raw mean** is the plain mean of those totals.

**Normalised mean** takes judges' habits out, in one of two ways (`Normalisation`):

- `Z_SCORE`, the classic: each total becomes ``mu + sigma * z`` with ``z = (x - judge mean) /
  judge sd`` and mu, sigma the mean and standard deviation (population) of every total in the
  round, so it stays on the raw scale. A judge with a single total, or whose totals are all
  equal, gets z = 0 for all of them: there is no spread to read their scale from. Its flaw: it
  assumes every judge saw a batch of the same average quality. A judge who happened to get the
  strongest applications has a high mean for a good reason, yet z-scores pull those applications
  down towards the round's average (9 and 8 become +1 and -1, so the 8 lands below every
  application another judge ranked above their own average).
- `JUDGE_OFFSET` (the default) uses the overlap of panels instead: it fits ``total = quality of
  the application + leniency of the judge`` by least squares, so a judge's leniency is how much
  they score above or below the *other judges on the same applications*, never above the round.
  A judge with a strong batch whom the co-judges agree with gets no offset, and their
  applications keep their scores. The normalised total is ``total - leniency``, and the
  normalised mean of an application is its fitted quality. Leniencies are solved exactly from the
  normal equations (a judges x judges system) and sum to zero weighted by each judge's number of
  totals, separately within each group of judges linked by shared applications, so the round's
  level is unchanged. Where panels do not overlap at all there is no evidence to tell leniency from
  batch quality, and the raw totals stand. It corrects leniency, not how widely a judge spreads
  their scores; a judge's scale is not estimated (too few totals per judge to do it reliably
  without, again, leaning on the batch).

**Spread** per application is max - min and the sample standard deviation of its totals (0 for a
single judge). Flags for discussion are on the raw totals, as judges gave them, so a panel talks
about the sheets it can see; a judge's general leniency is shown apart, in `Ranking.judges`. Both
flags measure against s, the round's pooled within-application standard deviation (how far the
judges of one application differ, over the whole round), because two or three co-judges are too
few to estimate their own: two who agree would make any third total an outlier.

- A judge is an *outlier* on an application with at least three judges when their total is
  further from the mean of the k others than ``outlier_sd * s * sqrt(1 + 1/k)``: the distance
  between one total and the mean of k others has that standard deviation when judges agree up to
  noise, so the default 2 flags about one total in twenty by chance, whatever the panel size.
- An application has a *wide spread* when its own standard deviation exceeds ``spread_sd * s``
  (default 2: chance alone does that to about 5% of two-judge panels, 2% of three-judge ones and
  fewer of larger ones), or, when `max_spread` is set, when max - min exceeds it.

**Advancement** (`select_advancing`) takes the ranking and quotas and explains every swap.

**Order**: normalised mean, then raw mean, then the number of judges (more judges, more
evidence), then the median, all highest first, then the application id, lowest first, so the
order is total and the same on every run. Means equal to nine decimal places count as tied. Each
standing whose place was decided by a key after the first says which (`TieBreak`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.rules import N_
from judging.enums import TIE_KEY_ORDER, FlagKind, Normalisation, TieKey
from judging.rules.rubrics import Message

# Means equal to this many decimals are a tie (sums in a different order differ in the 15th).
TIE_DECIMALS = 9
# A judge whose totals vary by less than this (relative to their mean) has no spread.
_NO_SPREAD = 1e-9


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
    if options.normalisation is Normalisation.Z_SCORE:
        normalised = _z_scores(table, judge_mean, judge_sd)
        offsets: list[float | None] = [None] * table.judge_count
    else:
        leniency = _judge_offsets(table)
        normalised = x - leniency[table.j]
        offsets = leniency.tolist()
    normalised_mean = np.bincount(a, normalised, table.application_count) / n

    # Totals sorted by application, then value: min, max and median fall out by position.
    order = np.lexsort((x, a))
    ordered = x[order]
    first = np.concatenate(([0], np.cumsum(n)[:-1]))
    low = ordered[first]
    high = ordered[first + n - 1]
    median = (ordered[first + (n - 1) // 2] + ordered[first + n // 2]) / 2
    squares = np.bincount(a, (x - table.application_mean[a]) ** 2, table.application_count)
    sd = np.sqrt(squares / np.maximum(n - 1, 1))
    freedom = len(x) - table.application_count
    pooled_sd = math.sqrt(float(squares.sum()) / freedom) if freedom > 0 else 0.0
    flags = _flags(table, options, pooled_sd, low, high, sd)

    keys = (
        np.round(normalised_mean, TIE_DECIMALS),
        np.round(table.application_mean, TIE_DECIMALS),
        n,
        np.round(median, TIE_DECIMALS),
    )
    ranked = np.lexsort((table.application_ids, *(-key for key in reversed(keys))))
    # For each place after the first: the first key on which it differs from the place above.
    equal = np.array([key[ranked][1:] == key[ranked][:-1] for key in keys] + [np.zeros(len(ranked) - 1, bool)])
    decided_by = np.argmin(equal, axis=0) if len(ranked) > 1 else np.zeros(0, int)

    # Tie breaks, in rank order: (key, application above) where a key after the first decided.
    ids = table.application_ids[ranked].tolist()
    tie_breaks = [None] + [
        TieBreak(TIE_KEY_ORDER[key], above) if key else None
        for key, above in zip(decided_by.tolist(), ids[:-1], strict=True)
    ]
    columns = zip(
        ranked.tolist(),
        ids,
        normalised_mean[ranked].tolist(),
        table.application_mean[ranked].tolist(),
        n[ranked].tolist(),
        median[ranked].tolist(),
        (high - low)[ranked].tolist(),
        sd[ranked].tolist(),
        tie_breaks,
        strict=True,
    )
    standings = tuple(
        Standing(place, application_id, norm, raw, count, mid, spread, deviation, tuple(flags.get(index, ())), tie)
        for place, (index, application_id, norm, raw, count, mid, spread, deviation, tie) in enumerate(columns, 1)
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
        pooled_sd=pooled_sd,
    )


# --- Advancement -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """An application in rank order, with the groups quotas are about.

    `groups` maps a kind of group to the application's one group of that kind, e.g.
    ``{"track": "smart_rural", "municipality": "Kraljevo"}``; a missing kind means "none",
    which no quota counts or limits.
    """

    application_id: int
    name: str
    groups: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class AtLeast:
    """At least `count` of the advancing applications come from group `value` of kind `dimension`."""

    dimension: str
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class AtMost:
    """At most `count` advance from group `value` of kind `dimension`, or from each group when None."""

    dimension: str
    count: int
    value: str | None = None


Quota = AtLeast | AtMost


@dataclass(frozen=True, slots=True)
class Swap:
    """A place the plain top N would give `displaced_id` that goes to `promoted_id` instead."""

    displaced_id: int
    promoted_id: int
    # Why the displaced application could not advance; the first one is in the explanation.
    reasons: tuple[Message, ...]
    explanation: Message


@dataclass(frozen=True, slots=True)
class Advancement:
    chosen: tuple[int, ...]  # application ids, in rank order
    swaps: tuple[Swap, ...]


class QuotasInfeasible(ValueError):
    """No choice of the advancing applications meets every quota; `reasons` says which do not fit."""

    def __init__(self, reasons: Sequence[Message]) -> None:
        super().__init__("; ".join(str(reason) for reason in reasons))
        self.reasons = tuple(reasons)


# The group an application belongs to on each layer: (outer value, inner value), None where
# the application has no value of that kind or the layer is not in use.
_Group = tuple[str | None, str | None]
# A node of the quota network: "source", "sink", or a ("outer" | "inner", value) group node.
_Node = str | tuple[str, str | None]


class _Quotas:
    """The quotas as a two-layer flow network: groups of `outer` kind, then of `inner` kind.

    A selection is a flow source -> outer group -> inner group -> sink, one unit per application
    (an application is an edge between its two groups). Minimums sit on the source arcs (only one
    kind may carry them), maximums on the source or sink arcs. That covers "at least N of a track,
    at most M per municipality" and keeps feasibility an exact max-flow question.
    """

    def __init__(self, quotas: Sequence[Quota]) -> None:
        floor_kinds = {quota.dimension for quota in quotas if isinstance(quota, AtLeast)}
        kinds = {quota.dimension for quota in quotas}
        if len(floor_kinds) > 1:
            raise ValueError("minimums may be set on one kind of group only")
        if len(kinds) > 2:
            raise ValueError("quotas may concern at most two kinds of group")
        if any(quota.count < 0 for quota in quotas):
            raise ValueError("a quota's count must not be negative")
        ordered = sorted(floor_kinds) + sorted(kinds - floor_kinds)
        self.outer: str | None = ordered[0] if ordered else None
        self.inner: str | None = ordered[1] if len(ordered) > 1 else None
        self.minimum: dict[str, int] = {}
        self.maximum: dict[tuple[str, str | None], AtMost] = {}  # (kind, value or None for each)
        for quota in quotas:
            if isinstance(quota, AtLeast):
                self.minimum[quota.value] = max(quota.count, self.minimum.get(quota.value, 0))
            else:
                known = self.maximum.get((quota.dimension, quota.value))
                if known is None or quota.count < known.count:
                    self.maximum[(quota.dimension, quota.value)] = quota

    def group(self, candidate: Candidate) -> _Group:
        outer = candidate.groups.get(self.outer) if self.outer else None
        inner = candidate.groups.get(self.inner) if self.inner else None
        return outer, inner

    def cap(self, kind: str | None, value: str | None) -> AtMost | None:
        """The tightest maximum on one group, if any."""
        if kind is None or value is None:
            return None
        caps = [quota for quota in (self.maximum.get((kind, value)), self.maximum.get((kind, None))) if quota]
        return min(caps, key=lambda quota: quota.count) if caps else None

    def room(self, kind: str | None, value: str | None, used: int, places: int) -> int:
        cap = self.cap(kind, value)
        return places if cap is None else max(0, min(places, cap.count - used))

    def fill(self, pool: Counter[_Group], chosen: _Chosen, places: int, *, floors: bool = True) -> int:
        """How many of `places` more the pool can fill next to `chosen`: -1 if the minimums fail."""
        if places < 0:
            return -1
        for kind, used in ((self.outer, chosen.outer), (self.inner, chosen.inner)):
            for value, count in used.items():
                cap = self.cap(kind, value)
                if cap is not None and count > cap.count:
                    return -1
        need: dict[str | None, int] = (
            {value: max(0, count - chosen.outer[value]) for value, count in self.minimum.items()} if floors else {}
        )
        if sum(need.values()) > places:
            return -1
        room = {
            value: self.room(self.outer, value, chosen.outer[value], places)
            for value in {outer for outer, _ in pool} | set(need)
        }
        if any(need[value] > room[value] for value in need):
            return -1
        network = _Network()
        for (outer, inner), count in pool.items():
            if count:
                network.add(("outer", outer), ("inner", inner), count)
        for inner in {inner for _, inner in pool}:
            network.add(("inner", inner), "sink", self.room(self.inner, inner, chosen.inner[inner], places))
        # Minimums first; augmenting paths never take flow back from the source, so the larger
        # flow found next still meets them.
        for value in room:
            network.add("source", ("outer", value), need.get(value, 0))
        if network.max_flow(places) < sum(need.values()):
            return -1
        for value in room:
            network.add("source", ("outer", value), room[value] - need.get(value, 0))
        return network.max_flow(places)


@dataclass(frozen=True, slots=True)
class _Chosen:
    """How many chosen applications each group has, per layer of the network."""

    outer: Counter[str | None]
    inner: Counter[str | None]

    def plus(self, group: _Group) -> _Chosen:
        return _Chosen(self.outer + Counter([group[0]]), self.inner + Counter([group[1]]))


class _Network:
    """A small max-flow (shortest augmenting paths); the networks here have a few hundred arcs."""

    def __init__(self) -> None:
        self.residual: dict[_Node, dict[_Node, int]] = defaultdict(dict)
        self.flow = 0

    def add(self, tail: _Node, head: _Node, capacity: int) -> None:
        self.residual[tail][head] = self.residual[tail].get(head, 0) + capacity
        self.residual[head].setdefault(tail, 0)

    def max_flow(self, limit: int) -> int:
        while self.flow < limit:
            parent: dict[_Node, _Node | None] = {"source": None}
            queue: deque[_Node] = deque(["source"])
            while queue and "sink" not in parent:
                node = queue.popleft()
                for head, capacity in self.residual[node].items():
                    if capacity > 0 and head not in parent:
                        parent[head] = node
                        queue.append(head)
            if "sink" not in parent:
                break
            path: list[tuple[_Node, _Node]] = []
            node = "sink"
            while (previous := parent[node]) is not None:
                path.append((previous, node))
                node = previous
            push = min(limit - self.flow, *(self.residual[tail][head] for tail, head in path))
            for tail, head in path:
                self.residual[tail][head] -= push
                self.residual[head][tail] += push
            self.flow += push
        return self.flow


def _infeasible_reasons(quotas: _Quotas, pool: Counter[_Group], places: int) -> list[Message]:
    nothing = _Chosen(Counter(), Counter())
    reasons = []
    for value, count in sorted(quotas.minimum.items()):
        # What the group could bring on its own, within every maximum.
        own = Counter({group: size for group, size in pool.items() if group[0] == value})
        available = quotas.fill(own, nothing, places, floors=False)
        if available < count:
            reasons.append(
                Message(
                    N_(
                        "Only %(available)s of the applications of %(dimension)s %(value)s can advance; the "
                        "minimum is %(count)s."
                    ),
                    {"available": available, "dimension": quotas.outer, "value": value, "count": count},
                )
            )
    total = sum(quotas.minimum.values())
    if total > places:
        reasons.append(
            Message(
                N_("The minimums add up to %(total)s, more than the number of places (%(places)s)."),
                {"total": total, "places": places},
            )
        )
    available = quotas.fill(pool, nothing, places, floors=False)
    if available < places:
        reasons.append(
            Message(
                N_("Within the maximums, places that can be filled: %(available)s of %(places)s."),
                {"available": available, "places": places},
            )
        )
    if not reasons:
        reasons.append(
            Message(N_("The minimums and maximums cannot all be met (places: %(places)s)."), {"places": places})
        )
    return reasons


def _skip_reasons(quotas: _Quotas, group: _Group, chosen: _Chosen) -> tuple[Message, ...]:
    outer, inner = group
    for kind, value, used in ((quotas.outer, outer, chosen.outer), (quotas.inner, inner, chosen.inner)):
        cap = quotas.cap(kind, value)
        if cap is not None and used[value] >= cap.count:
            return (
                Message(
                    N_("at most %(count)s may advance from %(dimension)s %(value)s, and that many already do"),
                    {"count": cap.count, "dimension": kind, "value": value},
                ),
            )
    unmet = tuple(
        Message(
            N_("places are kept for at least %(count)s from %(dimension)s %(value)s"),
            {"count": count, "dimension": quotas.outer, "value": value},
        )
        for value, count in sorted(quotas.minimum.items())
        if value != outer and chosen.outer[value] < count
    )
    return unmet or (Message(N_("the minimums and maximums leave no place for it")),)


def select_advancing(ranked: Sequence[Candidate], places: int, quotas: Sequence[Quota] = ()) -> Advancement:
    """The best-ranked `places` applications that meet every quota, with each swap explained.

    Walks the ranking from the top and takes each application unless taking it would leave no way
    to meet the quotas with the places left (an exact max-flow check), so the result is the
    lexicographically best selection: no quota-respecting choice has a better-ranked application
    in place of a worse one. Every application the plain top N would have taken but this does not
    is paired, in rank order, with one taken from further down, and the pair is explained. With
    fewer applications than places, every one advances. Raises `QuotasInfeasible` when nothing fits.
    """
    if places < 0:
        raise ValueError("places must not be negative")
    places = min(places, len(ranked))
    model = _Quotas(quotas)
    group_of = [model.group(candidate) for candidate in ranked]
    pool = Counter(group_of)
    chosen_groups = _Chosen(Counter(), Counter())
    if quotas and model.fill(pool, chosen_groups, places) < places:
        raise QuotasInfeasible(_infeasible_reasons(model, pool, places))
    chosen: list[int] = []
    skipped: dict[int, tuple[Message, ...]] = {}
    # A group that cannot take one more now never can: the pool only shrinks and choices only add.
    full: set[_Group] = set()
    for position, group in enumerate(group_of):
        if len(chosen) == places:
            break
        pool[group] -= 1
        if quotas:
            left = places - len(chosen) - 1
            taken = chosen_groups.plus(group)
            if group in full or model.fill(pool, taken, left) < left:
                full.add(group)
                skipped[position] = _skip_reasons(model, group, chosen_groups)
                continue
            chosen_groups = taken
        chosen.append(position)
    displaced = [position for position in range(places) if position in skipped]
    promoted = [position for position in chosen if position >= places]
    swaps = []
    for lost, won in zip(displaced, promoted, strict=True):
        reasons = skipped[lost]
        explanation = Message(
            N_(
                "%(promoted)s (rank %(promoted_rank)s) advances in place of %(displaced)s (rank %(displaced_rank)s): "
                "%(reason)s."
            ),
            {
                "promoted": ranked[won].name,
                "promoted_rank": won + 1,
                "displaced": ranked[lost].name,
                "displaced_rank": lost + 1,
                "reason": reasons[0],
            },
        )
        swaps.append(Swap(ranked[lost].application_id, ranked[won].application_id, reasons, explanation))
    return Advancement(tuple(ranked[position].application_id for position in chosen), tuple(swaps))
