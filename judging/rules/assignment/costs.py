"""What each allowed pair costs: expertise points less, plus a reproducible jitter below one point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence

from core.rules.flow import Edge
from judging.rules.assignment.model import ApplicationToJudge, Judge

# Costs are counted in thousandths of a point, so a jitter below 1,000 stays under one point.
_JITTER_SCALE = 1_000


_MASK = (1 << 64) - 1


def _tag_key(tag: str) -> str:
    return " ".join(tag.split()).casefold()


def shared_tags(judge: Judge, application: ApplicationToJudge) -> tuple[str, ...]:
    """The application's tags the judge offers, in the application's order and spelling."""
    offered = {_tag_key(tag) for tag in judge.expertise}
    shared: dict[str, str] = {}
    for tag in application.tags:
        key = _tag_key(tag)
        if key and key in offered:
            shared.setdefault(key, tag.strip())
    return tuple(shared.values())


def _mix(value: int) -> int:
    """SplitMix64's finaliser: 64 well-mixed bits from any integer, the same on every platform."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _edges(
    judges: Sequence[Judge],
    applications: Sequence[ApplicationToJudge],
    conflicted: Collection[tuple[int, int]],
    *,
    seed: int,
    expertise_weight: int,
) -> Iterator[Edge[int, int]]:
    """Every pair without a conflict, its cost the jitter less the expertise points."""
    judges_with: dict[str, list[int]] = defaultdict(list)
    for judge in judges:
        for key in {key for tag in judge.expertise if (key := _tag_key(tag))}:
            judges_with[key].append(judge.id)
    against: dict[int, set[int]] = defaultdict(set)
    for judge_id, application_id in conflicted:
        against[application_id].add(judge_id)
    # A hash of (seed, judge, application) rather than a stream of random numbers: a judge or
    # an application joining the round leaves every other pair's jitter as it was.
    seed_key = _mix(seed & _MASK)
    judge_keys = [(judge.id, _mix(seed_key ^ (judge.id & _MASK))) for judge in judges]
    for application in applications:
        wanted = {key for tag in application.tags if (key := _tag_key(tag))}
        shared: dict[int, int] = defaultdict(int)
        for key in wanted:
            for judge_id in judges_with.get(key, ()):
                shared[judge_id] += 1
        application_key = _mix(~application.id & _MASK)
        excluded = against.get(application.id, ())
        for judge_id, judge_key in judge_keys:
            if judge_id not in excluded:
                points = expertise_weight * _JITTER_SCALE * shared[judge_id] // len(wanted) if shared else 0
                jitter = _mix(judge_key ^ application_key) % _JITTER_SCALE
                yield Edge(judge_id, application.id, jitter - points)
