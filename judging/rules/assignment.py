"""Which judges score which application: k per application, even loads, no conflicts.

The plan is an optimal capacitated assignment (`core.rules.flow.assign`), chosen in this order:

1. As many judge places filled as there can be: exactly k judges per application whenever the
   judges' limits and conflicts allow it. A pair with a conflict has no edge, so it is never
   chosen; at most one judge of an organisation sits on a panel (unless switched off).
2. Then the best expertise less the load cost. A pair earns `expertise_weight` times the share
   of the application's tags (requested expertise and sector) the judge offers; the n-th
   application of a judge costs `balance_weight * (n - 1)`. Without expertise the loads differ by
   at most one; moving an application to a judge already d above another costs
   `balance_weight * d`, so with the defaults (100 and 50) loads differ by at most three.
3. Then chance, reproducibly: every pair's cost carries a jitter from a hash of (seed, judge,
   application), worth less than one point, which decides between plans equal in points. Equal
   plans are common (no tags, or many judges with the same ones), and drawing among them rather
   than always taking the lowest ids mixes panels, which links judges through shared
   applications. The same seed gives the same plan, in any input order; another seed may give
   another plan, never a worse one by more than the jitter.

Normalising scores compares judges on the applications they share, so the plan reports the
judge co-assignment graph (judges linked when they sit on one panel) and warns when it falls
apart into more than one group: leniency cannot be told from batch quality across groups.

The organiser's locked pairs are kept as they are, even over a limit or against a conflict,
and each rule a lock breaks is reported. An application left short of judges gets a
`Shortfall` naming the first thing that stands in the way. Every message meant for people is a
`Message`, translated where it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from core.rules import N_
from core.rules.flow import Agent, Edge, Item, assign
from judging.enums import ShortfallReason
from judging.rules.conflicts import organisation_key
from judging.rules.rubrics import Message

# Costs are counted in thousandths of a point, so a jitter below 1,000 stays under one point.
_JITTER_SCALE = 1_000
_MASK = (1 << 64) - 1
# Long lists of names in messages stop here; the structured ids keep them all.
_NAMES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Judge:
    id: int
    name: str
    organisation: str = ""
    expertise: tuple[str, ...] = ()
    # A judge's own limit when it is lower than the round's; None: the round's `max_per_judge`.
    max_applications: int | None = None


@dataclass(frozen=True, slots=True)
class ApplicationToJudge:
    id: int
    startup_name: str
    # The expertise the application asks for and its sector, compared with judges' expertise.
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JudgeAssignment:
    """A judge on an application's panel; `shared_tags` (the application's spelling) say why."""

    judge_id: int
    application_id: int
    locked: bool = False
    shared_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An application that got `missing` judges fewer than the round asks for, and why.

    `judge_ids` are the judges the reason is about: the conflicted ones, the full ones, or the
    ones held back by the organisation rule.
    """

    application_id: int
    missing: int
    reason: ShortfallReason
    message: Message
    judge_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """The plan, who is short and why, each judge's load, and how the panels link judges.

    `assignments` are in application then judge order; `loads` holds every judge (locks
    included); `component_judges` lists the groups of judges linked through shared applications
    (judges without an application left out), largest first, and `components` counts them.
    `warnings` are about locks that break a rule and about panels that do not link up.
    """

    assignments: tuple[JudgeAssignment, ...]
    shortfalls: tuple[Shortfall, ...]
    loads: Mapping[int, int]
    components: int
    component_judges: tuple[tuple[int, ...], ...]
    warnings: tuple[Message, ...]

    @property
    def panels(self) -> dict[int, tuple[int, ...]]:
        """Each application with at least one judge and its judges' ids."""
        panels: dict[int, list[int]] = defaultdict(list)
        for assignment in self.assignments:
            panels[assignment.application_id].append(assignment.judge_id)
        return {application_id: tuple(judge_ids) for application_id, judge_ids in panels.items()}


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


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + ", …" if len(names) > _NAMES_SHOWN else shown


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
    if k < 1:
        raise ValueError("each application needs at least one judge")
    if max_per_judge < 1:
        raise ValueError("each judge must be able to take at least one application")
    if expertise_weight < 0 or balance_weight < 0:
        raise ValueError("weights must not be negative")
    if any(judge.max_applications is not None and judge.max_applications < 0 for judge in judges):
        raise ValueError("a judge's own limit must not be negative")
    judge_by_id = {judge.id: judge for judge in judges}
    application_by_id = {application.id: application for application in applications}
    if len(judge_by_id) != len(judges):
        raise ValueError("judge ids must be unique")
    if len(application_by_id) != len(applications):
        raise ValueError("application ids must be unique")

    limit = {
        judge.id: max_per_judge if judge.max_applications is None else min(max_per_judge, judge.max_applications)
        for judge in judges
    }
    conflicted = {pair for pair in conflicts if pair[0] in judge_by_id and pair[1] in application_by_id}
    warnings: list[Message] = []
    locks = sorted(set(locked), key=lambda pair: (pair[1], pair[0]))
    known_locks: list[tuple[int, int]] = []
    for judge_id, application_id in locks:
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
    assignments = tuple(
        JudgeAssignment(
            judge_id,
            application_id,
            is_locked,
            shared_tags(judge_by_id[judge_id], application_by_id[application_id]),
        )
        for judge_id, application_id, is_locked in chosen
    )
    loads = dict(plan.loads)
    panels: dict[int, set[int]] = defaultdict(set)
    for assignment in assignments:
        panels[assignment.application_id].add(assignment.judge_id)
    shortfalls = tuple(
        _why_short(
            application_by_id[short.item],
            short.missing,
            k=k,
            judges=judges,
            panel=panels.get(short.item, set()),
            conflicted=conflicted,
            loads=loads,
            limit=limit,
        )
        for short in plan.shortfalls
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


# Each try recounts the groups; a large round gives up after this many and keeps the warning.
_MAX_SWAP_TRIES = 500


def _connect_panels(
    pairs: list[tuple[int, int, bool]],
    *,
    conflicted: Collection[tuple[int, int]],
    groups: Mapping[int, str | None],
) -> list[tuple[int, int, bool]]:
    """Join judges who share no application with the rest, by swapping two judges' seats.

    The optimal plan often splits into groups of judges that never meet on a panel, and then
    normalisation cannot compare them. Swapping judge j1 of application a (group A) with judge
    j2 of application b (group B) keeps every load, so every cap, and the number of judges
    placed; a's other judges (group A) now sit with j2 (group B), and the swap is kept only when
    it leaves fewer groups (a swap can also just move the split). A swap never touches a locked
    pair nor breaks a conflict or the one-per-organisation rule; it costs a little expertise,
    which is why it only runs while groups are split.
    """
    pairs = sorted(pairs, key=lambda p: (p[1], p[0]))
    while True:
        panels: dict[int, list[int]] = defaultdict(list)
        for judge_id, application_id, _locked in pairs:
            panels[application_id].append(judge_id)
        components = _components(panels.values())
        if len(components) <= 1:
            return pairs
        group_of = {judge: index for index, members in enumerate(components) for judge in members}
        swap = _find_swap(pairs, panels, group_of, conflicted, groups)
        if swap is None:
            return pairs
        (i, j1, a), (m, j2, b) = swap
        pairs[i] = (j2, a, False)
        pairs[m] = (j1, b, False)


def _find_swap(
    pairs: list[tuple[int, int, bool]],
    panels: Mapping[int, list[int]],
    group_of: Mapping[int, int],
    conflicted: Collection[tuple[int, int]],
    groups: Mapping[int, str | None],
) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """The first swap (in a fixed order) that leaves fewer groups; None if none is found."""

    def fits(judge: int, application: int, leaving: int) -> bool:
        others = [j for j in panels[application] if j != leaving]
        if judge in others or (judge, application) in conflicted:
            return False
        group = groups.get(judge)
        return group is None or all(groups.get(j) != group for j in others)

    before = len(set(group_of.values()))
    # Seats that can move: unlocked, on a panel with someone else to keep the group's side.
    movable = [(i, j, a) for i, (j, a, locked) in enumerate(pairs) if not locked and len(panels[a]) >= 2]
    tries = 0
    for i, j1, a in movable:
        for m, j2, b in movable:
            if group_of[j2] <= group_of[j1] or not (fits(j2, a, j1) and fits(j1, b, j2)):
                continue
            tries += 1
            if tries > _MAX_SWAP_TRIES:
                return None
            trial = dict(panels)
            trial[a] = [j2 if j == j1 else j for j in panels[a]]
            trial[b] = [j1 if j == j2 else j for j in panels[b]]
            # A swap can also just move the split elsewhere: keep it only if groups join.
            if len(_components(trial.values())) < before:
                return (i, j1, a), (m, j2, b)
    return None


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


def _why_short(
    application: ApplicationToJudge,
    missing: int,
    *,
    k: int,
    judges: Sequence[Judge],
    panel: Collection[int],
    conflicted: Collection[tuple[int, int]],
    loads: Mapping[int, int],
    limit: Mapping[int, int],
) -> Shortfall:
    """Name the first thing that stands between the application and another judge.

    The plan fills as many places as can be filled, so once there are enough judges without a
    conflict, each of them off the panel is either at their limit or from an organisation the
    panel already has: otherwise they could simply be added.
    """
    ordered = sorted(judges, key=lambda judge: judge.id)
    params = {"startup": application.startup_name, "assigned": len(panel), "needed": k, "missing": missing}

    def shortfall(reason: ShortfallReason, template: str, about: Sequence[Judge] = (), **extra: object) -> Shortfall:
        if about:
            extra["judges"] = _names(judge.name for judge in about)
        return Shortfall(
            application.id, missing, reason, Message(template, params | extra), tuple(judge.id for judge in about)
        )

    if len(judges) < k:
        return shortfall(
            ShortfallReason.TOO_FEW_JUDGES,
            N_("%(startup)s has %(assigned)s of the %(needed)s judges it needs: the round has only %(total)s judges."),
            total=len(judges),
        )
    off_panel = [judge for judge in ordered if judge.id not in panel]
    against = [judge for judge in off_panel if (judge.id, application.id) in conflicted]
    candidates = [judge for judge in off_panel if (judge.id, application.id) not in conflicted]
    if len(panel) + len(candidates) < k:
        return shortfall(
            ShortfallReason.CONFLICTS,
            N_(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: %(conflicted)s of the "
                "%(total)s judges have a conflict with it (%(judges)s)."
            ),
            against,
            conflicted=len(against),
            total=len(judges),
        )
    free = [judge for judge in candidates if loads.get(judge.id, 0) < limit[judge.id]]
    if not free:
        return shortfall(
            ShortfallReason.ALL_FULL,
            N_(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: every other judge "
                "without a conflict has reached their limit (%(judges)s)."
            ),
            candidates,
        )
    return shortfall(
        ShortfallReason.SAME_ORGANISATION,
        N_(
            "%(startup)s has %(assigned)s of the %(needed)s judges it needs: the judges with room left "
            "are from organisations already on its panel (%(judges)s)."
        ),
        free,
    )


def _components(panels: Iterable[Collection[int]]) -> tuple[tuple[int, ...], ...]:
    """Judges linked through shared panels, each group sorted, the largest group first."""
    parent: dict[int, int] = {}

    def root(judge_id: int) -> int:
        parent.setdefault(judge_id, judge_id)
        while parent[judge_id] != judge_id:
            parent[judge_id] = parent[parent[judge_id]]
            judge_id = parent[judge_id]
        return judge_id

    for panel in panels:
        if not panel:
            continue
        first, *others = panel
        for other in others:
            parent[root(other)] = root(first)
        root(first)
    groups: dict[int, list[int]] = defaultdict(list)
    for judge_id in parent:
        groups[root(judge_id)].append(judge_id)
    return tuple(sorted((tuple(sorted(group)) for group in groups.values()), key=lambda group: (-len(group), group)))


def _components_warning(component_judges: Sequence[Sequence[int]]) -> Message:
    return Message(
        N_(
            "The panels split the judges into %(count)s groups that share no application "
            "(%(sizes)s judges), so scores can be normalised only within each group."
        ),
        {"count": len(component_judges), "sizes": ", ".join(str(len(group)) for group in component_judges)},
    )
