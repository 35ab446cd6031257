"""Panels that link judges: normalisation compares judges only through shared applications.

The optimal plan often splits into groups of judges that never meet on a panel; seats are
swapped, keeping every load, until the groups join or no swap helps, and a split that remains
is warned about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from core.rules import N_
from judging.rules.rubrics import Message

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
