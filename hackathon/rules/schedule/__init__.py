"""The hackathon schedule builder: pitches before judging panels and mentors' office hours, in rooms.

The problem goes in as frozen dataclasses with timezone-aware datetimes; the schedule comes out
as `ScheduleItem`s plus what could not be placed and why. Nothing here reads the clock.

Decomposed so that 300 teams solve in seconds:

1. **Pre-analysis** (cheap, exact): times become slots of `Timing.slot_minutes` from the
   hackathon's start, computed in UTC, so a DST change mid-hackathon shifts nothing. Fixed
   talks and breaks are cut out of the availability of their room and people. Whatever has no
   possible time at all (no panel while the team is there, no common time with the mentor,
   no room large enough, ...) is reported now, with its reason, and kept out of the models.
2. **Room plan** (greedy interval colouring): panels of judges are *input* (organisers compose
   them for expertise and conflicts; `form_panels` offers a first cut). A panel's availability
   is cut into sittings of at most `panel_sitting_minutes` with pauses between, and each
   sitting gets a room of its own, in time order, rotating among panels when rooms run short.
   Panels never compete for a room afterwards, and a room keeps the time its sitting leaves.
3. **Sitting choice** (min-cost flow): team -> (team, panel), capacity 1 so a team's pitches
   reach different panels -> sitting -> sink, early sittings cheaper, each filled to `FILL`
   before it costs more. Each pitch may then use the flow's sitting or `SPARE_SITTINGS` others.
4. **CP-SAT, pitches**: a start variable per pitch, a literal per candidate sitting, and per
   sitting an interval from its first pitch that lasts exactly one pitch per team in it, so
   pitches run back to back. `NoOverlap` per panel, team (padded by the buffer) and judge
   sitting on several panels (whole sittings, padded). A greedy back-to-back fill of the
   flow's sittings is the hint, so the search starts from a nearly full schedule. Objective:
   unplaced pitches (each outweighing all sittings), then the number of sittings; the search
   stops once the pitch count is settled, since the bound on sittings is too weak to wait for.
5. **CP-SAT, office hours**, around the fixed pitches: a start per session, a literal per
   room, `NoOverlap` per room, team and mentor (padded); maximise the sessions placed. The
   hint is time-major list scheduling (rooms are the scarce resource). Office hours are soft:
   they come second and may stay unplaced, each with its reason.

Never infeasible: leaving a session out is always allowed at a price, so a partial schedule
always comes back, and the cheap analysis names the reason for what is missing. Padding every
person's items by the buffer is deliberately conservative: the checker only asks for it between
different rooms, so builder output never draws a buffer warning.

Fairness is a local search over the result: inside a sitting, a team that is first or last
at least twice more often than another swaps places with it when both are free at the other's
time, so no team with several pitches is first or last in all of them when a swap avoids it.

The package follows those steps: `model` (what goes in and comes out), `slots` (the slot grid
and spans of slots), `prepare` (pre-analysis), `room_plan`, `sittings` (sitting choice),
`cpsat` (what both CP-SAT phases share), `pitches`, `office_hours`, `fairness`, `results`
(items and reasons) and `build` (`build_schedule`, the steps in order). This module is its
public face: import from `hackathon.rules.schedule`, not from the parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hackathon.rules.schedule.model import (
    Availability,
    FixedSession,
    Hackathon,
    Judge,
    Mentor,
    Panel,
    Progress,
    Room,
    ScheduleItem,
    ScheduleProblem,
    ScheduleResult,
    Team,
    Timing,
    Unplaced,
    Window,
    daily_windows,
    form_panels,
)

__all__ = [
    "Availability",
    "FixedSession",
    "Hackathon",
    "Judge",
    "Mentor",
    "Panel",
    "Progress",
    "Room",
    "ScheduleItem",
    "ScheduleProblem",
    "ScheduleResult",
    "Team",
    "Timing",
    "Unplaced",
    "Window",
    "build_schedule",
    "daily_windows",
    "form_panels",
]

if TYPE_CHECKING:
    from hackathon.rules.schedule.build import build_schedule
else:

    def __getattr__(name: str) -> Any:
        # CP-SAT (with pandas, which it imports) is 3 of the 7 s an app takes to import on two busy
        # cores, and about 60 MB of each worker: loaded the first time a schedule is built.
        if name == "build_schedule":
            from hackathon.rules.schedule.build import build_schedule

            return build_schedule
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
