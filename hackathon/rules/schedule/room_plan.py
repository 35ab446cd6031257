"""The room plan (greedy interval colouring): each panel sitting gets a room of its own.

A panel's availability is cut into sittings of at most `panel_sitting_minutes` with pauses
between, and each sitting gets a room, in time order, rotating among panels when rooms run
short. Panels never compete for a room afterwards, and a room keeps the time its sitting leaves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from hackathon.rules.schedule.model import ScheduleProblem
from hackathon.rules.schedule.slots import Span, _intersect, _merge, _subtract


@dataclass(frozen=True)
class _Sitting:
    """A window in which a panel may hear pitches, in the room planned for it."""

    panel: int
    room: int
    start: int
    end: int


def _room_plan(
    problem: ScheduleProblem,
    panel_spans: Mapping[int, list[Span]],
    rooms: Mapping[int, list[Span]],
    capacity: Mapping[int, int],
    team_sizes: tuple[int, int],
    pitch: int,
    buffer: int,
) -> list[_Sitting]:
    """Give each panel sitting a room of its own, in time order, rotating when rooms run short.

    Sittings that start together go to the panels that have sat least so far; each panel stays
    in the room it had if it can. Rooms must hold the panel and the largest team, if any room
    can, else the smallest. A sitting with no free room is dropped: the panel rests.
    """
    claimed: dict[int, list[Span]] = {room.id: [] for room in problem.rooms}
    sat: dict[int, int] = defaultdict(int)
    last_room: dict[int, int] = {}
    last_end: dict[int, int] = {}
    plan: list[_Sitting] = []
    by_start: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    for panel in problem.panels:
        for span in panel_spans[panel.id]:
            by_start[span[0]].append((panel.id, span))
    largest_room = max(capacity.values(), default=0)
    needed = {}
    for panel in problem.panels:
        judges = len(panel.judge_ids)
        needed[panel.id] = judges + (team_sizes[1] if judges + team_sizes[1] <= largest_room else team_sizes[0])
    for start in sorted(by_start):
        for panel_id, span in sorted(by_start[start], key=lambda entry: (sat[entry[0]], entry[0])):
            best: tuple[tuple[bool, int, int, int], int, Span] | None = None
            for room in problem.rooms:
                if capacity[room.id] < needed[panel_id]:
                    continue
                usable = span
                if last_room.get(panel_id, room.id) != room.id:  # time for the judges to change rooms
                    usable = (max(span[0], last_end[panel_id] + buffer), span[1])
                free = _subtract(_intersect([usable], rooms[room.id]), claimed[room.id])
                if not free:
                    continue
                piece = max(free, key=lambda s: (s[1] - s[0], -s[0]))
                if piece[1] - piece[0] < pitch:
                    continue
                key = (last_room.get(panel_id) == room.id, piece[1] - piece[0], -capacity[room.id], -room.id)
                if best is None or key > best[0]:
                    best = (key, room.id, piece)
            if best is None:
                continue
            _, room_id, piece = best
            plan.append(_Sitting(panel_id, room_id, piece[0], piece[1]))
            claimed[room_id] = _merge([*claimed[room_id], piece])
            sat[panel_id] += piece[1] - piece[0]
            last_room[panel_id] = room_id
            last_end[panel_id] = piece[1]
    return plan
