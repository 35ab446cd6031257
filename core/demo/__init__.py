"""The demo edition a newcomer clicks through: a year of the challenge, replayed through the services.

Part of the composition root (it spans the domains). The content sits in each module beside its
loader; the loaders feed it to the same service functions the pages call (so every change has its
event, its audit record and its mail), one phase of the year after the other: problem intake
(`intake`), applications (`startups`), screening and interviews (`jury`), mentoring
(`programme`), the semi-final, the hackathon (`hackathon_days`) and its live pairwise final, then
last year's finished edition (`last_year`) and its winners' running pilots (`pilots`). Everything
is loaded in one transaction, so loading
twice changes nothing and a failed load leaves nothing behind. Afterwards the story's timestamps
are moved back to the days they belong to (`story_time`), and the mail the story queued is marked
as delivered (it went to demo addresses).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from challenge.enums import Phase
from challenge.tables import Edition
from core import db
from core.clock import utc_now
from core.demo.people import JUDGES, MENTORS, MUNICIPALITIES, PEOPLE, RESIDENTS, STAFF
from core.demo.world import DEMO_PASSWORD, EDITION_SLUG, World

# The loaders import every domain's services (and OR-Tools' solvers): only once there is a demo to
# load, so that `python -m core demo` on a database that has it (a repeated `make run`) stays quick.
if TYPE_CHECKING:
    from core.demo.startups import STARTUPS

__all__ = [
    "DEMO_PASSWORD",
    "JUDGES",
    "MENTORS",
    "MUNICIPALITIES",
    "PEOPLE",
    "RESIDENTS",
    "STAFF",
    "STARTUPS",
    "demo_present",
    "load_demo",
    "print_logins",
]


def __getattr__(name: str) -> Any:
    if name == "STARTUPS":  # the founders' content sits beside their loader
        from core.demo.startups import STARTUPS

        return STARTUPS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def demo_present() -> bool:
    return bool(await Edition.exists().where(Edition.slug == EDITION_SLUG))


async def load_demo() -> bool:
    """Load the demo edition unless it is there already. True if it was loaded now."""
    started = time.monotonic()
    async with db.transaction():
        if await demo_present():
            print_logins(loaded=False)
            return False
        from core.demo.hackathon_days import build_schedule
        from core.demo.languages import demo_languages
        from core.demo.last_year import past_edition
        from core.demo.pilots import running_pilots
        from core.demo.story_time import mark_mail_delivered, move_to_story_time

        world = World()
        await _this_year(world)
        await past_edition(world)
        await running_pilots(world)
        await move_to_story_time(world)
        await mark_mail_delivered()
    # The schedule builder runs in a task of its own, which sees only committed rows.
    _begin(world, "schedule")
    await build_schedule(world)
    async with db.transaction():
        await move_to_story_time(world, since="schedule")
        await mark_mail_delivered()
        await demo_languages()
    print_logins(loaded=True, seconds=time.monotonic() - started)
    return True


async def _this_year(world: World) -> None:
    """This year's edition, phase after phase, up to the hackathon's live final."""
    from core.demo.hackathon_days import hackathon
    from core.demo.intake import problems, residents_speak
    from core.demo.jury import interviews, judges, pairwise_final, screening, semi_final
    from core.demo.people import editions_and_people
    from core.demo.programme import mentoring
    from core.demo.startups import applications, founders
    from core.demo.story_time import set_timeline

    _begin(world, "intake")
    await editions_and_people(world)
    await founders(world)
    await set_timeline(world.edition, current=Phase.PROBLEM_INTAKE)
    await problems(world)
    await residents_speak(world)
    _begin(world, "applications")
    await set_timeline(world.edition, current=Phase.APPLICATIONS)
    await applications(world)
    _begin(world, "screening")
    await set_timeline(world.edition, current=Phase.SCREENING)
    await judges(world)
    await screening(world)
    _begin(world, "interviews")
    await interviews(world)
    _begin(world, "programme")
    await set_timeline(world.edition, current=Phase.MENTORING)
    await mentoring(world)
    _begin(world, "semi_final")
    await semi_final(world)
    _begin(world, "hackathon")
    await set_timeline(world.edition, current=Phase.HACKATHON)
    await hackathon(world)
    _begin(world, "final")
    await pairwise_final(world)
    await Edition.update({Edition.applied_phase: Phase.HACKATHON}).where(Edition.id == world.edition)


def _begin(world: World, stage: str) -> None:
    world.stages.append((stage, utc_now()))


def print_logins(*, loaded: bool, seconds: float | None = None) -> None:
    print("Demo edition " + (f"loaded in {seconds:.1f} s." if loaded and seconds is not None else "already present."))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, organisation in PEOPLE:
        what = (role.value if role else "resident") + (f" of {organisation}" if organisation else "")
        print(f"  {email:40} {what}")
    print("  (and the other judges, mentors, municipality staff and founders of the demo, same password)")
