"""Hostile input to a pilot's milestones, on the page and through the API: overlong fields named
and kept whole, wrong JSON types and NUL characters named, impossible ids not found, markup inert
on the milestones page and the organisers' overdue list."""

from __future__ import annotations

from datetime import date

from litestar import Litestar

from pilots.enums import SignOffDecision
from pilots.services import milestones
from pilots.tables import Milestone, SignOff
from tests.integration.core.hostile_text import hostile, inertness
from tests.integration.pilots.milestones_world import add_milestone_row, command, signed_in, user
from tests.integration.pilots.world import make_pilot_world
from tests.web import field_error

TOO_LONG = "This is too long; please shorten it."
NUL = "Remove the invisible NUL character from this text."


def over(name: str, limit: int) -> str:
    return (f"{name}Ž·" * (limit // 3 + 2))[: limit + 1]


async def test_overlong_milestone_fields_and_reasons_are_named_and_kept_whole(app: Litestar) -> None:
    world = await make_pilot_world()
    milestone_id = await milestones.add_milestone(
        user=await user(world.organiser), pilot_id=world.pilot_id, command=command()
    )
    url = f"/pilots/{world.pilot_id}/work/milestones"
    title, deliverable, reason = over("title", 200), over("deliverable", 2000), over("reason", 2000)
    form = {
        "form_for": "add",
        "title": title,
        "deliverable": deliverable,
        "due_on": "2026-10-01",
        "sign_off_by": "startup",
    }
    async with signed_in(app, world.organiser) as organiser:
        page = await organiser.post_form(url + "/", form)
        api = await organiser.post_json(
            f"/api/v1/pilots/{world.pilot_id}/milestones",
            {"title": title, "deliverable": deliverable, "due_on": "2026-10-01", "sign_off_by": ["startup"]},
        )
    async with signed_in(app, world.staff) as staff:
        refused = await staff.post_form(
            f"{url}/{milestone_id}/sign-off", {"form_for": str(milestone_id), "decision": "refuse", "reason": reason}
        )
        api_refused = await staff.post_json(
            f"/api/v1/pilots/{world.pilot_id}/milestones/{milestone_id}/sign-offs",
            {"decision": "refuse", "reason": reason},
        )

    assert page.status_code == 422
    assert (field_error(page.text, "title"), field_error(page.text, "deliverable")) == (TOO_LONG, TOO_LONG)
    assert title in page.text and deliverable in page.text
    assert (api.status_code, api.json()["errors"]) == (422, {"title": TOO_LONG, "deliverable": TOO_LONG})
    assert refused.status_code == 422 and TOO_LONG in refused.text and reason in refused.text
    assert (api_refused.status_code, api_refused.json()["errors"]) == (422, {"reason": TOO_LONG})
    assert (await Milestone.count(), await SignOff.count()) == (1, 0)


async def test_wrong_json_types_and_nul_characters_are_named_beside_their_field(app: Litestar) -> None:
    world = await make_pilot_world()
    url = f"/api/v1/pilots/{world.pilot_id}/milestones"
    good = {"title": "Sensors", "deliverable": "Online.", "due_on": "2026-10-01", "sign_off_by": ["startup"]}
    async with signed_in(app, world.organiser) as organiser:
        answers = [
            await organiser.post_json(url, {**good, **change})
            for change in (
                {"due_on": "soon"},
                {"sign_off_by": "startup"},
                {"sign_off_by": ["mayor"]},
                {"public": "yes"},
                {"title": "Sensors\x00"},
            )
        ]
        form = await organiser.post_form(
            f"/pilots/{world.pilot_id}/work/milestones/",
            {"form_for": "add", "title": "Sensors\x00", "deliverable": "Online.", "due_on": "2026-10-01"},
        )

    assert [(a.status_code, a.json()["errors"]) for a in answers] == [
        (422, {"due_on": "Invalid RFC3339 encoded date"}),
        (422, {"sign_off_by": "Expected `array`, got `str`"}),
        (422, {"sign_off_by[0]": "Invalid enum value 'mayor'"}),
        (422, {"public": "Expected `bool`, got `str`"}),
        (422, {"title": NUL}),
    ]
    assert (form.status_code, field_error(form.text, "title")) == (422, NUL)
    assert "Online." in form.text
    assert await Milestone.count() == 0


async def test_ids_beyond_any_row_are_not_found(app: Litestar) -> None:
    world = await make_pilot_world()
    huge = "99999999999"
    async with signed_in(app, world.organiser) as organiser:
        pages = [
            (await organiser.get(f"/pilots/{huge}/work/milestones")).status_code,
            (await organiser.get(f"/api/v1/pilots/{huge}/milestones")).status_code,
            (await organiser.post_form(f"/pilots/{world.pilot_id}/work/milestones/{huge}/remove")).status_code,
        ]
    async with signed_in(app, world.staff) as staff:
        signed = await staff.post_json(
            f"/api/v1/pilots/{world.pilot_id}/milestones/{huge}/sign-offs", {"decision": "approve"}
        )
    assert pages == [404, 404, 404]
    assert signed.status_code == 404


async def test_milestone_texts_and_refusal_reasons_are_inert_on_every_page(app: Litestar) -> None:
    world = await make_pilot_world()
    milestone_id = await add_milestone_row(
        world.pilot_id, title=hostile("title"), due_on=date(2026, 9, 2), sides=["municipality"]
    )
    await Milestone.update({Milestone.deliverable: hostile("deliverable")}).where(Milestone.id == milestone_id)
    await milestones.sign_off(
        user=await user(world.staff),
        pilot_id=world.pilot_id,
        milestone_id=milestone_id,
        decision=SignOffDecision.REFUSE,
        reason=hostile("reason"),
    )
    async with signed_in(app, world.organiser) as organiser:
        work = await organiser.get(f"/pilots/{world.pilot_id}/work/milestones")
        overdue = await organiser.get("/organiser/pilots/overdue")

    assert inertness(work.text, ["title", "deliverable", "reason"]) == ([], ["title", "deliverable", "reason"])
    assert inertness(overdue.text, ["title"]) == ([], ["title"])
