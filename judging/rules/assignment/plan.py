"""`assign_judges`: the optimal panels, locks kept and every rule they break reported."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from core.rules import N_
from core.rules.flow import Agent, Item, assign
from core.rules.flow import Shortfall as FlowShortfall
from judging.rules.assignment.costs import _JITTER_SCALE, _edges, shared_tags
from judging.rules.assignment.linking import _components, _components_warning, _connect_panels
from judging.rules.assignment.model import ApplicationToJudge, AssignmentResult, Judge, JudgeAssignment, Shortfall
from judging.rules.assignment.shortfalls import _why_short
from judging.rules.conflicts import organisation_key
from judging.rules.rubrics import Message


def assign_judges(
    judges: Sequence[Judge],
    applications: Sequence[ApplicationToJudge],
    *,
    judges_per_application: int,
    max_per_judge: int,
    conflicts: Collection[tuple[int, int]],
    locked: Collection[tuple[int, int]] = (),
    seed: int = 0,
    expertise_weight: int = 100,
    balance_weight: int = 50,
    one_per_organisation: bool = True,
) -> AssignmentResult:
    """The optimal panels: k judges each where possible, expertise, even loads, locks kept.

    Args:
        judges: the round's judges.
        applications: the applications to judge.
        judges_per_application: k, the panel size the round asks for.
        max_per_judge: the most applications a judge takes (a judge's own lower
            `max_applications` wins).
        conflicts: (judge id, application id) pairs that must not be assigned, for instance
            `conflicted_pairs(detect_conflicts(...))`; pairs naming someone else are ignored.
        locked: (judge id, application id) pairs the organiser fixed; kept even over a limit or
            against a conflict (and warned about), dropped with a warning when they name
            someone not in the round.
        seed: picks among equally good plans; the same seed gives the same plan.
        expertise_weight: points for a judge offering every tag of an application.
        balance_weight: the n-th application of a judge costs `balance_weight * (n - 1)` points.
        one_per_organisation: at most one judge of an organisation on a panel (locks excepted).

    Raises:
        ValueError: when k or the limit is below 1, a weight or a judge's own limit is negative,
            or two judges or two applications share an id.
    """
    k = judges_per_application
    _validate(judges, applications, k=k, max_per_judge=max_per_judge, weights=(expertise_weight, balance_weight))
    judge_by_id = {judge.id: judge for judge in judges}
    application_by_id = {application.id: application for application in applications}
    limit = _limits(judges, max_per_judge)
    conflicted = {pair for pair in conflicts if pair[0] in judge_by_id and pair[1] in application_by_id}
    known_locks, warnings = _known_locks(locked, judge_by_id, application_by_id, conflicted)
    warnings += _lock_limit_warnings(known_locks, judge_by_id, application_by_id, limit, k)

    groups = {judge.id: organisation_key(judge.organisation) or None for judge in judges}
    plan = assign(
        [Agent(judge.id, limit[judge.id], groups[judge.id]) for judge in judges],
        [Item(application.id, k) for application in applications],
        _edges(judges, applications, conflicted, seed=seed, expertise_weight=expertise_weight),
        locked=known_locks,
        balance=balance_weight * _JITTER_SCALE,
        one_per_group=one_per_organisation,
    )

    chosen = _connect_panels(
        [(pair.agent, pair.item, pair.locked) for pair in plan.pairs],
        conflicted=conflicted,
        groups=groups if one_per_organisation else {},
    )
    assignments = _seats(chosen, judge_by_id, application_by_id)
    loads = dict(plan.loads)
    panels: dict[int, set[int]] = defaultdict(set)
    for assignment in assignments:
        panels[assignment.application_id].add(assignment.judge_id)
    shortfalls = _shortfalls(
        plan.shortfalls, application_by_id, panels, k=k, judges=judges, conflicted=conflicted, loads=loads, limit=limit
    )
    component_judges = _components(panels.values())
    if len(component_judges) > 1:
        warnings.append(_components_warning(component_judges))
    return AssignmentResult(
        assignments=assignments,
        shortfalls=shortfalls,
        loads=loads,
        components=len(component_judges),
        component_judges=component_judges,
        warnings=tuple(warnings),
    )


def _seats(
    chosen: Iterable[tuple[int, int, bool]],
    judge_by_id: Mapping[int, Judge],
    application_by_id: Mapping[int, ApplicationToJudge],
) -> tuple[JudgeAssignment, ...]:
    """The chosen (judge, application, locked) pairs with the tags that explain them."""
    return tuple(
        JudgeAssignment(
            judge_id,
            application_id,
            is_locked,
            shared_tags(judge_by_id[judge_id], application_by_id[application_id]),
        )
        for judge_id, application_id, is_locked in chosen
    )


def _limits(judges: Sequence[Judge], max_per_judge: int) -> dict[int, int]:
    """Each judge's limit: the round's, or the judge's own when it is lower."""
    return {
        judge.id: max_per_judge if judge.max_applications is None else min(max_per_judge, judge.max_applications)
        for judge in judges
    }


def _shortfalls(
    short: Iterable[FlowShortfall[int]],
    application_by_id: Mapping[int, ApplicationToJudge],
    panels: Mapping[int, set[int]],
    *,
    k: int,
    judges: Sequence[Judge],
    conflicted: Collection[tuple[int, int]],
    loads: Mapping[int, int],
    limit: Mapping[int, int],
) -> tuple[Shortfall, ...]:
    """Each application the plan left short, with the first thing that stands in its way."""
    return tuple(
        _why_short(
            application_by_id[entry.item],
            entry.missing,
            k=k,
            judges=judges,
            panel=panels.get(entry.item, set()),
            conflicted=conflicted,
            loads=loads,
            limit=limit,
        )
        for entry in short
    )


def _validate(
    judges: Sequence[Judge],
    applications: Sequence[ApplicationToJudge],
    *,
    k: int,
    max_per_judge: int,
    weights: tuple[int, int],
) -> None:
    if k < 1:
        raise ValueError("each application needs at least one judge")
    if max_per_judge < 1:
        raise ValueError("each judge must be able to take at least one application")
    if min(weights) < 0:
        raise ValueError("weights must not be negative")
    if any(judge.max_applications is not None and judge.max_applications < 0 for judge in judges):
        raise ValueError("a judge's own limit must not be negative")
    if len({judge.id for judge in judges}) != len(judges):
        raise ValueError("judge ids must be unique")
    if len({application.id for application in applications}) != len(applications):
        raise ValueError("application ids must be unique")


def _known_locks(
    locked: Collection[tuple[int, int]],
    judge_by_id: Mapping[int, Judge],
    application_by_id: Mapping[int, ApplicationToJudge],
    conflicted: Collection[tuple[int, int]],
) -> tuple[list[tuple[int, int]], list[Message]]:
    """The locks naming people in the round, in application order; a warning per lock left out or conflicted."""
    warnings: list[Message] = []
    known_locks: list[tuple[int, int]] = []
    for judge_id, application_id in sorted(set(locked), key=lambda pair: (pair[1], pair[0])):
        judge, application = judge_by_id.get(judge_id), application_by_id.get(application_id)
        if judge is None or application is None:
            warnings.append(
                Message(
                    N_(
                        "The locked pair of judge %(judge_id)s and application %(application_id)s names "
                        "someone not in this round; it was left out."
                    ),
                    {"judge_id": judge_id, "application_id": application_id},
                )
            )
            continue
        known_locks.append((judge_id, application_id))
        if (judge_id, application_id) in conflicted:
            warnings.append(
                Message(
                    N_("%(judge)s is locked onto %(startup)s despite a conflict of interest."),
                    {"judge": judge.name, "startup": application.startup_name},
                )
            )
    return known_locks, warnings


def _lock_limit_warnings(
    locks: Sequence[tuple[int, int]],
    judge_by_id: Mapping[int, Judge],
    application_by_id: Mapping[int, ApplicationToJudge],
    limit: Mapping[int, int],
    k: int,
) -> list[Message]:
    warnings: list[Message] = []
    per_judge: dict[int, int] = defaultdict(int)
    per_application: dict[int, int] = defaultdict(int)
    for judge_id, application_id in locks:
        per_judge[judge_id] += 1
        per_application[application_id] += 1
    for judge_id, count in sorted(per_judge.items()):
        if count > limit[judge_id]:
            warnings.append(
                Message(
                    N_("%(judge)s has %(count)s locked applications, more than their limit of %(limit)s."),
                    {"judge": judge_by_id[judge_id].name, "count": count, "limit": limit[judge_id]},
                )
            )
    for application_id, count in sorted(per_application.items()):
        if count > k:
            warnings.append(
                Message(
                    N_("%(startup)s has %(count)s locked judges, more than the %(needed)s the round asks for."),
                    {"startup": application_by_id[application_id].startup_name, "count": count, "needed": k},
                )
            )
    return warnings
