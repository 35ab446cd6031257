"""Who advances: the best-ranked applications that meet every quota, each swap explained.

Feasibility under quotas is an exact max-flow question over a two-layer network of groups.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.rules import N_
from judging.rules.rubrics import Message


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
