"""Who enters a pilot's working pages: its three sides and its mentor, loaded once; nobody else."""

from __future__ import annotations

from core.auth import load_current_user
from pilots.enums import Side
from pilots.queries.pilots import load_pilot, may_work_on, sides_of
from tests.integration.pilots.world import make_pilot_world


async def test_each_party_stands_for_its_own_side() -> None:
    world = await make_pilot_world()
    pilot = await load_pilot(world.pilot_id)

    async def sides(person: dict) -> frozenset[Side]:
        user = await load_current_user(person["id"])
        assert user is not None
        return sides_of(user, pilot)

    assert await sides(world.organiser) == {Side.ORGANISER}
    assert await sides(world.staff) == {Side.MUNICIPALITY}
    assert await sides(world.founder) == {Side.STARTUP}
    assert await sides(world.stranger_staff) == frozenset()


async def test_the_mentor_may_follow_the_pilot_but_staff_of_another_town_may_not() -> None:
    world = await make_pilot_world()
    pilot = await load_pilot(world.pilot_id)
    mentor, stranger = (
        await load_current_user(world.mentor["id"]),
        await load_current_user(world.stranger_staff["id"]),
    )
    assert mentor is not None and stranger is not None

    assert (may_work_on(mentor, pilot), may_work_on(stranger, pilot)) == (True, False)
    assert pilot.terms.locations == ("Kušići", "Ivanjica centre")
