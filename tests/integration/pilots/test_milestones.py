"""Milestones: organisers set them; the named sides sign them off or refuse with a reason, on
the record; achieved only when every named side's latest word is an approval."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from litestar import Litestar

from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage
from pilots.enums import MilestoneStatus, PilotStatus, Side, SignOffDecision
from pilots.queries.milestones import load_milestone, milestones_of
from pilots.services import milestones
from pilots.tables import Milestone, SignOff
from tests.fixtures import http_client
from tests.integration.pilots.milestones_world import add_milestone_row, command, signed_in, user
from tests.integration.pilots.world import make_pilot_world
from tests.web import field_error

APPROVE, REFUSE = SignOffDecision.APPROVE, SignOffDecision.REFUSE


async def _status(milestone_id: int) -> tuple[str, bool]:
    row = await Milestone.select(Milestone.status, Milestone.achieved_at).where(Milestone.id == milestone_id).first()
    return row["status"], row["achieved_at"] is not None


# --- setting milestones ------------------------------------------------------------------------


async def test_an_organiser_adds_a_milestone_and_it_is_audited() -> None:
    world = await make_pilot_world()
    organiser = await user(world.organiser)

    milestone_id = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command())

    [view] = await milestones_of(world.pilot_id)
    assert (view.milestone.id, view.milestone.title, view.milestone.due_on) == (
        milestone_id,
        "Sensors installed",
        date(2026, 10, 1),
    )
    assert (view.milestone.sign_off_by, view.milestone.status, view.waiting_for) == (
        [Side.MUNICIPALITY, Side.STARTUP],
        MilestoneStatus.PENDING,
        [Side.MUNICIPALITY, Side.STARTUP],
    )
    event = await AuditEvent.select().where(AuditEvent.action == "pilot.milestone_added").first()
    assert (event["actor"], event["entity"], event["entity_id"]) == (
        world.organiser["id"],
        "milestone",
        str(milestone_id),
    )


async def test_bad_milestones_get_an_error_for_each_field() -> None:
    world = await make_pilot_world()
    organiser = await user(world.organiser)

    with pytest.raises(ValidationFailed) as empty:
        await milestones.add_milestone(
            user=organiser,
            pilot_id=world.pilot_id,
            command=command(title=" ", deliverable="", due_on=None, sides=()),
        )
    with pytest.raises(ValidationFailed) as outside:
        await milestones.add_milestone(
            user=organiser, pilot_id=world.pilot_id, command=command(due_on=date(2027, 3, 2))
        )

    assert set(empty.value.errors) == {"title", "deliverable", "due_on", "sign_off_by"}
    assert empty.value.errors["due_on"] == milestones.NOT_A_DATE
    assert outside.value.errors == {"due_on": "A milestone falls within the pilot, from its start to its end."}
    assert await Milestone.count() == 0


async def test_only_organisers_set_milestones() -> None:
    world = await make_pilot_world()
    for person in (world.staff, world.founder, world.mentor):
        with pytest.raises(PermissionDenied):
            await milestones.add_milestone(user=await user(person), pilot_id=world.pilot_id, command=command())
    assert await Milestone.count() == 0


async def test_editing_moves_the_status_with_the_sides_named_and_removing_is_refused_once_signed() -> None:
    world = await make_pilot_world()
    organiser, staff = await user(world.organiser), await user(world.staff)
    milestone_id = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command())
    await milestones.sign_off(
        user=staff, pilot_id=world.pilot_id, milestone_id=milestone_id, decision=APPROVE, reason=""
    )

    # The startup is no longer named: the municipality's approval is all it takes.
    await milestones.edit_milestone(
        user=organiser,
        pilot_id=world.pilot_id,
        milestone_id=milestone_id,
        command=command(title="Sensors online", sides=(Side.MUNICIPALITY,)),
    )
    with pytest.raises(StateConflict) as achieved:
        await milestones.edit_milestone(
            user=organiser, pilot_id=world.pilot_id, milestone_id=milestone_id, command=command()
        )
    with pytest.raises(StateConflict) as signed:
        await milestones.remove_milestone(user=organiser, pilot_id=world.pilot_id, milestone_id=milestone_id)

    assert await _status(milestone_id) == ("achieved", True)
    assert (achieved.value.message, signed.value.message) == (milestones.ACHIEVED_STAYS, milestones.SIGNED_STAYS)
    other = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command(title="Report"))
    await milestones.remove_milestone(user=organiser, pilot_id=world.pilot_id, milestone_id=other)
    assert [m["title"] for m in await Milestone.select(Milestone.title)] == ["Sensors online"]


async def test_a_finished_pilot_keeps_its_milestones_as_they_are() -> None:
    world = await make_pilot_world(status=PilotStatus.COMPLETED)
    with pytest.raises(StateConflict):
        await milestones.add_milestone(user=await user(world.organiser), pilot_id=world.pilot_id, command=command())


# --- signing off -------------------------------------------------------------------------------


async def test_achieved_only_when_every_named_side_approved_and_a_refusal_stays_on_the_record() -> None:
    world = await make_pilot_world()
    organiser, staff, founder = await user(world.organiser), await user(world.staff), await user(world.founder)
    milestone_id = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command())
    pilot_id = world.pilot_id

    refused = await milestones.sign_off(
        user=staff, pilot_id=pilot_id, milestone_id=milestone_id, decision=REFUSE, reason="Only twelve sensors work."
    )
    startup_approved = await milestones.sign_off(
        user=founder, pilot_id=pilot_id, milestone_id=milestone_id, decision=APPROVE, reason=""
    )
    achieved = await milestones.sign_off(
        user=staff, pilot_id=pilot_id, milestone_id=milestone_id, decision=APPROVE, reason="All twenty now."
    )

    assert (refused, startup_approved, achieved) == (
        MilestoneStatus.REFUSED,
        MilestoneStatus.REFUSED,
        MilestoneStatus.ACHIEVED,
    )
    assert await _status(milestone_id) == ("achieved", True)
    [view] = await milestones_of(pilot_id)
    assert [(s.side, s.decision, s.reason, s.signer_name) for s in view.history] == [
        (Side.MUNICIPALITY, REFUSE, "Only twelve sensors work.", "Marko Staff"),
        (Side.STARTUP, APPROVE, "", "Ana Founder"),
        (Side.MUNICIPALITY, APPROVE, "All twenty now.", "Marko Staff"),
    ]
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]
    assert actions == [
        "pilot.milestone_added",
        "pilot.milestone_refused",
        "pilot.milestone_approved",
        "pilot.milestone_approved",
    ]


async def test_a_refusal_needs_a_reason_and_only_named_sides_sign() -> None:
    world = await make_pilot_world()
    organiser = await user(world.organiser)
    milestone_id = await milestones.add_milestone(
        user=organiser, pilot_id=world.pilot_id, command=command(sides=(Side.MUNICIPALITY,))
    )

    with pytest.raises(ValidationFailed) as no_reason:
        await milestones.sign_off(
            user=await user(world.staff),
            pilot_id=world.pilot_id,
            milestone_id=milestone_id,
            decision=REFUSE,
            reason=" ",
        )
    for person in (world.founder, world.organiser, world.stranger_staff, world.mentor):
        with pytest.raises(PermissionDenied):
            await milestones.sign_off(
                user=await user(person), pilot_id=world.pilot_id, milestone_id=milestone_id, decision=APPROVE, reason=""
            )
    with pytest.raises(PermissionDenied):
        await milestones.sign_off(
            user=organiser,
            pilot_id=world.pilot_id,
            milestone_id=milestone_id,
            decision=APPROVE,
            reason="",
            side=Side.MUNICIPALITY,
        )

    assert no_reason.value.errors == {"reason": "Say why you refuse; the reason is kept on the record."}
    assert await SignOff.count() == 0


async def test_milestones_are_signed_off_only_while_the_pilot_runs_or_once_it_completed() -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    milestone_id = await milestones.add_milestone(
        user=await user(world.organiser), pilot_id=world.pilot_id, command=command()
    )
    with pytest.raises(StateConflict):
        await milestones.sign_off(
            user=await user(world.staff),
            pilot_id=world.pilot_id,
            milestone_id=milestone_id,
            decision=APPROVE,
            reason="",
        )


async def test_the_other_named_sides_and_the_organisers_are_mailed_in_their_language() -> None:
    world = await make_pilot_world()
    await _set_locale(world.founder["id"], "sr_Latn")
    milestone_id = await milestones.add_milestone(
        user=await user(world.organiser), pilot_id=world.pilot_id, command=command()
    )

    await milestones.sign_off(
        user=await user(world.staff),
        pilot_id=world.pilot_id,
        milestone_id=milestone_id,
        decision=REFUSE,
        reason="Only twelve sensors work.",
    )

    mails = await OutboxMessage.select(
        OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body_text
    ).order_by(OutboxMessage.to_address)
    assert [(m["to_address"], m["subject"]) for m in mails] == [
        ("ana@agrosense.example", "Prekretnica odbijena: Sensors installed"),
        ("olga@challenge.example", "Milestone refused: Sensors installed"),
    ]
    assert "Only twelve sensors work." in mails[1]["body_text"]
    assert f"/pilots/{world.pilot_id}/work/milestones" in mails[1]["body_text"]


async def test_two_sides_approving_at_once_both_count() -> None:
    world = await make_pilot_world()
    milestone_id = await milestones.add_milestone(
        user=await user(world.organiser), pilot_id=world.pilot_id, command=command()
    )
    staff, founder = await user(world.staff), await user(world.founder)

    await asyncio.gather(
        *(
            milestones.sign_off(
                user=person, pilot_id=world.pilot_id, milestone_id=milestone_id, decision=APPROVE, reason=""
            )
            for person in (staff, founder)
        )
    )

    assert await _status(milestone_id) == ("achieved", True)


async def _set_locale(user_id: int, locale: str) -> None:
    from core.tables import User

    await User.update({User.locale: locale}).where(User.id == user_id)


# --- pages -------------------------------------------------------------------------------------


async def test_the_organiser_adds_a_milestone_on_the_page_and_a_bad_one_keeps_its_input(app: Litestar) -> None:
    world = await make_pilot_world()
    url = f"/pilots/{world.pilot_id}/work/milestones"
    async with signed_in(app, world.organiser) as web:
        empty = await web.get(url + "/")
        bad = await web.post_form(
            url + "/",
            {
                "form_for": "add",
                "title": "Sensors installed",
                "deliverable": "",
                "due_on": "1 Oct",
                "sign_off_by": "startup",
            },
        )
        good = await web.post_form(
            url + "/",
            {
                "form_for": "add",
                "title": "Sensors installed",
                "deliverable": "Twenty sensors online.",
                "due_on": "2026-10-01",
                "sign_off_by": ["municipality", "startup"],
                "public": "on",
            },
        )
        shown = await web.get(url + "/")

    assert empty.status_code == 200 and "No milestone yet." in empty.text
    assert 'aria-current="page">Milestones<' in empty.text
    assert bad.status_code == 422
    assert field_error(bad.text, "deliverable") == "Say what is delivered at this milestone."
    assert field_error(bad.text, "due_on") == "Give the date as year-month-day, e.g. 2026-10-01."
    assert 'value="Sensors installed"' in bad.text and 'value="1 Oct"' in bad.text
    assert good.status_code in (302, 303) and good.headers["location"] == url
    assert "Sensors installed" in shown.text and "Twenty sensors online." in shown.text
    assert await Milestone.count() == 1


async def test_a_named_side_refuses_with_a_reason_on_the_page_and_the_other_approves(app: Litestar) -> None:
    world = await make_pilot_world()
    milestone_id = await milestones.add_milestone(
        user=await user(world.organiser), pilot_id=world.pilot_id, command=command()
    )
    url = f"/pilots/{world.pilot_id}/work/milestones"
    action = f"{url}/{milestone_id}/sign-off"
    async with signed_in(app, world.staff) as staff:
        page = await staff.get(url + "/")
        no_reason = await staff.post_form(
            action, {"form_for": str(milestone_id), "side": "municipality", "decision": "refuse"}
        )
        refused = await staff.post_form(
            action, {"form_for": str(milestone_id), "decision": "refuse", "reason": "Only twelve sensors work."}
        )
    async with signed_in(app, world.mentor) as mentor:
        followed = await mentor.get(url + "/")
    async with signed_in(app, world.stranger_staff) as stranger:
        refused_entry = await stranger.get(url + "/")

    assert f'action="{action}"' in page.text and "Add a milestone" not in page.text
    assert no_reason.status_code == 422
    assert "Say why you refuse; the reason is kept on the record." in no_reason.text
    assert 'value="refuse" checked' in no_reason.text
    assert refused.status_code in (302, 303)
    assert "refused by Marko Staff" in followed.text and "Only twelve sensors work." in followed.text
    assert f'action="{action}"' not in followed.text
    assert refused_entry.status_code == 403
    assert await _status(milestone_id) == ("refused", False)


async def test_the_overdue_page_lists_what_is_late_and_is_reached_from_the_organisers_home(app: Litestar) -> None:
    world = await make_pilot_world()
    await add_milestone_row(world.pilot_id, title="Sensors installed", due_on=date(2026, 9, 2), sides=["startup"])
    async with signed_in(app, world.organiser) as web:
        home = await web.get("/organiser")
        overdue = await web.get("/organiser/pilots/overdue")
    async with signed_in(app, world.staff) as staff:
        refused = await staff.get("/organiser/pilots/overdue")

    assert 'href="/organiser/pilots/overdue"' in home.text
    assert overdue.status_code == 200
    assert "Milestone: Sensors installed" in overdue.text and "Ivanjica" in overdue.text
    assert "the startup" in overdue.text
    assert refused.status_code == 403


# --- API ---------------------------------------------------------------------------------------


async def test_the_api_shows_residents_only_public_milestones_with_refusal_reasons_and_no_names(app: Litestar) -> None:
    world = await make_pilot_world()
    organiser = await user(world.organiser)
    public = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command())
    await milestones.add_milestone(
        user=organiser, pilot_id=world.pilot_id, command=command(title="Budget review", public=False)
    )
    await milestones.sign_off(
        user=await user(world.staff),
        pilot_id=world.pilot_id,
        milestone_id=public,
        decision=REFUSE,
        reason="Only twelve sensors work.",
    )
    url = f"/api/v1/pilots/{world.pilot_id}/milestones"

    async with http_client(app) as http:
        anonymous = await http.get(url)
    async with signed_in(app, world.founder) as founder:
        insider = await founder.get(url)

    body = anonymous.json()
    assert anonymous.status_code == 200
    assert [(m["title"], m["status"], m["waiting_for"]) for m in body["milestones"]] == [
        ("Sensors installed", "refused", ["municipality", "startup"])
    ]
    assert [(s["side"], s["decision"], s["reason"]) for s in body["milestones"][0]["sign_offs"]] == [
        ("municipality", "refuse", "Only twelve sensors work.")
    ]
    assert "Marko" not in anonymous.text and "@" not in anonymous.text
    assert [m["title"] for m in insider.json()["milestones"]] == ["Sensors installed", "Budget review"]


async def test_the_api_hides_the_milestones_of_a_draft_pilot_from_outsiders(app: Litestar) -> None:
    world = await make_pilot_world(status=PilotStatus.DRAFT)
    async with http_client(app) as http:
        hidden = await http.get(f"/api/v1/pilots/{world.pilot_id}/milestones")
    assert hidden.status_code == 404


async def test_organisers_add_milestones_and_named_sides_sign_them_off_through_the_api(app: Litestar) -> None:
    world = await make_pilot_world()
    url = f"/api/v1/pilots/{world.pilot_id}/milestones"
    payload = {
        "title": "Sensors installed",
        "deliverable": "Twenty sensors online.",
        "due_on": "2026-10-01",
        "sign_off_by": ["startup"],
    }
    async with signed_in(app, world.organiser) as organiser:
        bad = await organiser.post_json(url, {**payload, "due_on": "2027-04-01", "title": ""})
        added = await organiser.post_json(url, payload)
    milestone_id = added.json()["id"]
    async with signed_in(app, world.staff) as staff:
        not_named = await staff.post_json(f"{url}/{milestone_id}/sign-offs", {"decision": "approve"})
        not_organiser = await staff.post_json(url, payload)
    async with signed_in(app, world.founder) as founder:
        no_reason = await founder.post_json(f"{url}/{milestone_id}/sign-offs", {"decision": "refuse"})
        approved = await founder.post_json(f"{url}/{milestone_id}/sign-offs", {"decision": "approve"})

    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"title", "due_on"}
    assert added.status_code == 201 and added.json()["status"] == "pending"
    assert (not_named.status_code, not_organiser.status_code) == (403, 403)
    assert no_reason.status_code == 422 and set(no_reason.json()["errors"]) == {"reason"}
    assert approved.status_code == 201
    assert (approved.json()["status"], approved.json()["waiting_for"]) == ("achieved", [])
    assert approved.json()["achieved_at"] is not None


async def test_an_achieved_milestone_stays_achieved() -> None:
    world = await make_pilot_world()
    organiser, staff, founder = await user(world.organiser), await user(world.staff), await user(world.founder)
    milestone_id = await milestones.add_milestone(user=organiser, pilot_id=world.pilot_id, command=command())
    for person in (staff, founder):
        await milestones.sign_off(
            user=person, pilot_id=world.pilot_id, milestone_id=milestone_id, decision=APPROVE, reason=""
        )

    with pytest.raises(StateConflict) as refused:
        await milestones.sign_off(
            user=staff, pilot_id=world.pilot_id, milestone_id=milestone_id, decision=REFUSE, reason="Changed my mind."
        )

    assert refused.value.message == milestones.ACHIEVED_STAYS
    assert await _status(milestone_id) == ("achieved", True)


async def test_the_organiser_changes_a_milestone_from_its_page_and_a_bad_change_keeps_its_input(app: Litestar) -> None:
    world = await make_pilot_world()
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Sensors installed", due_on=date(2026, 10, 1), sides=["startup"]
    )
    url = f"/pilots/{world.pilot_id}/work/milestones"
    change = {"title": "Sensors online", "deliverable": "Twenty sensors.", "sign_off_by": ["municipality", "startup"]}
    async with signed_in(app, world.organiser) as web:
        listed = await web.get(url + "/")
        form = await web.get(f"{url}/{milestone_id}/edit")
        bad = await web.post_form(f"{url}/{milestone_id}/edit", {**change, "due_on": "1 Nov"})
        good = await web.post_form(f"{url}/{milestone_id}/edit", {**change, "due_on": "2026-11-01", "public": "on"})
    async with signed_in(app, world.founder) as founder:
        refused = await founder.get(f"{url}/{milestone_id}/edit")

    assert f'href="{url}/{milestone_id}/edit"' in listed.text
    assert form.status_code == 200 and 'value="Sensors installed"' in form.text and 'value="2026-10-01"' in form.text
    assert bad.status_code == 422
    assert field_error(bad.text, "due_on") == "Give the date as year-month-day, e.g. 2026-10-01."
    assert 'value="Sensors online"' in bad.text and 'value="1 Nov"' in bad.text
    assert good.status_code in (302, 303) and good.headers["location"] == f"{url}#milestone-{milestone_id}"
    assert refused.status_code == 403
    changed = await load_milestone(world.pilot_id, milestone_id)
    assert (changed.title, changed.due_on, changed.sign_off_by) == (
        "Sensors online",
        date(2026, 11, 1),
        [Side.MUNICIPALITY, Side.STARTUP],
    )
    assert await AuditEvent.count().where(AuditEvent.action == "pilot.milestone_changed") == 1


async def test_the_api_changes_a_milestone_and_an_achieved_one_stays(app: Litestar) -> None:
    world = await make_pilot_world()
    milestone_id = await add_milestone_row(
        world.pilot_id, title="Sensors installed", due_on=date(2026, 10, 1), sides=["startup"]
    )
    url = f"/api/v1/pilots/{world.pilot_id}/milestones/{milestone_id}"
    payload = {
        "title": "Sensors online",
        "deliverable": "Twenty sensors.",
        "due_on": "2026-11-01",
        "sign_off_by": ["startup"],
    }
    async with signed_in(app, world.organiser) as organiser:
        bad = await organiser.put_json(url, {**payload, "title": ""})
        changed = await organiser.put_json(url, payload)
    async with signed_in(app, world.founder) as founder:
        not_organiser = await founder.put_json(url, payload)
        await founder.post_json(f"{url}/sign-offs", {"decision": "approve"})
    async with signed_in(app, world.organiser) as organiser:
        achieved = await organiser.put_json(url, {**payload, "title": "Renamed"})

    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"title"}
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["due_on"]) == ("Sensors online", "2026-11-01")
    assert not_organiser.status_code == 403
    assert achieved.status_code == 409
    assert await Milestone.select(Milestone.title).first() == {"title": "Sensors online"}
