"""Signing, amending and moving a pilot along: the three signatures, stale versions, the life cycle."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

import pytest
from litestar import Litestar

from core import privacy
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent
from pilots.enums import PilotStatus, Side
from pilots.queries.agreement import versions_of
from pilots.queries.pilots import load_pilot
from pilots.services import agreement
from pilots.services.opening import open_pilot
from tests.integration.pilots.agree_world import amended, audited, opening, outbox, signed_in, user
from tests.integration.pilots.world import PilotWorld, make_pilot_world, make_winner
from tests.web import field_error

TITLE = "AgroSense: Water for small farms"
SUBJECT = f"Pilot “{TITLE}”"


async def opened() -> tuple[PilotWorld, int]:
    world = await make_winner()
    pilot_id = await open_pilot(user=await user(world.organiser), command=opening(world))
    return world, pilot_id


async def sign_all(world: PilotWorld, pilot_id: int, number: int) -> None:
    for side, person in (
        (Side.ORGANISER, world.organiser),
        (Side.MUNICIPALITY, world.staff),
        (Side.STARTUP, world.founder),
    ):
        await agreement.sign(user=await user(person), pilot_id=pilot_id, number=number, side=side)


async def test_three_signatures_put_version_1_in_force_and_the_draft_becomes_agreed() -> None:
    world, pilot_id = await opened()

    first = await agreement.sign(user=await user(world.staff), pilot_id=pilot_id, number=1, side=Side.MUNICIPALITY)
    second = await agreement.sign(user=await user(world.founder), pilot_id=pilot_id, number=1, side=Side.STARTUP)
    assert (await load_pilot(pilot_id)).status == PilotStatus.DRAFT
    third = await agreement.sign(user=await user(world.organiser), pilot_id=pilot_id, number=1, side=Side.ORGANISER)

    pilot = await load_pilot(pilot_id)
    assert [(s.in_force, s.status) for s in (first, second, third)] == [
        (False, PilotStatus.DRAFT),
        (False, PilotStatus.DRAFT),
        (True, PilotStatus.AGREED),
    ]
    assert (pilot.status, pilot.version_in_force, pilot.agreed_at is not None) == (PilotStatus.AGREED, 1, True)
    assert [s.side for s in (await versions_of(pilot_id))[0].signatures] == [
        Side.ORGANISER,
        Side.MUNICIPALITY,
        Side.STARTUP,
    ]
    assert await audited(pilot_id) == ["pilot.opened", "pilot.signed", "pilot.signed", "pilot.signed", "pilot.agreed"]
    # Each signature is mailed to the two other sides, never to the signer.
    assert (await outbox())[2:] == [
        ("olga@challenge.example", f"{SUBJECT}: a side signed"),
        ("ana@agrosense.example", f"{SUBJECT}: a side signed"),
        ("olga@challenge.example", f"{SUBJECT}: a side signed"),
        ("marko@ivanjica.example", f"{SUBJECT}: a side signed"),
        ("marko@ivanjica.example", f"{SUBJECT}: in force"),
        ("ana@agrosense.example", f"{SUBJECT}: in force"),
    ]


async def test_a_double_click_signs_once() -> None:
    world, pilot_id = await opened()
    staff = await user(world.staff)

    await agreement.sign(user=staff, pilot_id=pilot_id, number=1, side=Side.MUNICIPALITY)
    again = await agreement.sign(user=staff, pilot_id=pilot_id, number=1, side=Side.MUNICIPALITY)

    assert again.already is True
    assert [len(v.signatures) for v in await versions_of(pilot_id)] == [1]
    assert await audited(pilot_id) == ["pilot.opened", "pilot.signed"]


async def test_three_sides_signing_at_once_agree_the_pilot_exactly_once() -> None:
    world, pilot_id = await opened()
    people = {Side.ORGANISER: world.organiser, Side.MUNICIPALITY: world.staff, Side.STARTUP: world.founder}
    users = {side: await user(person) for side, person in people.items()}

    results = await asyncio.gather(
        *(agreement.sign(user=users[side], pilot_id=pilot_id, number=1, side=side) for side in people),
        agreement.sign(user=users[Side.STARTUP], pilot_id=pilot_id, number=1, side=Side.STARTUP),
    )

    assert sorted(r.in_force for r in results if not r.already) == [False, False, True]
    assert [r.already for r in results].count(True) == 1
    assert (await load_pilot(pilot_id)).status == PilotStatus.AGREED
    assert (await audited(pilot_id)).count("pilot.agreed") == 1
    assert [len(v.signatures) for v in await versions_of(pilot_id)] == [3]


async def test_an_amendment_needs_all_three_again_while_version_1_stays_in_force() -> None:
    world, pilot_id = await opened()
    await sign_all(world, pilot_id, 1)
    organiser = await user(world.organiser)

    number = await agreement.amend(
        user=organiser, pilot_id=pilot_id, command=amended(budget_eur=15000), note="Five more farms joined."
    )
    await agreement.sign(user=organiser, pilot_id=pilot_id, number=2, side=Side.ORGANISER)
    await agreement.sign(user=await user(world.staff), pilot_id=pilot_id, number=2, side=Side.MUNICIPALITY)

    pilot = await load_pilot(pilot_id)
    versions = await versions_of(pilot_id)
    assert number == 2
    assert (pilot.status, pilot.current_version, pilot.version_in_force, pilot.budget_eur) == (
        PilotStatus.AGREED,
        2,
        1,
        12000,
    )
    assert [(v.number, v.changed, v.note, sorted(v.signed_by), v.waiting_for) for v in versions] == [
        (2, ("budget_eur",), "Five more farms joined.", [Side.MUNICIPALITY, Side.ORGANISER], (Side.STARTUP,)),
        (1, (), "", [Side.MUNICIPALITY, Side.ORGANISER, Side.STARTUP], ()),
    ]

    await agreement.sign(user=await user(world.founder), pilot_id=pilot_id, number=2, side=Side.STARTUP)

    pilot = await load_pilot(pilot_id)
    assert (pilot.status, pilot.version_in_force, pilot.budget_eur) == (PilotStatus.AGREED, 2, 15000)
    assert (
        await audited(pilot_id)
        == ["pilot.opened"] + ["pilot.signed"] * 3 + ["pilot.agreed", "pilot.amended"] + ["pilot.signed"] * 3
    )
    amendment_mail = [m for m in await outbox() if m[1] == f"{SUBJECT}: the agreement was amended"]
    assert amendment_mail == [
        ("marko@ivanjica.example", f"{SUBJECT}: the agreement was amended"),
        ("ana@agrosense.example", f"{SUBJECT}: the agreement was amended"),
    ]


async def test_a_signature_on_a_version_no_longer_current_is_refused_naming_the_current_one() -> None:
    world, pilot_id = await opened()
    await agreement.amend(
        user=await user(world.organiser), pilot_id=pilot_id, command=amended(scope="Thirty farms."), note="Bigger."
    )

    with pytest.raises(agreement.StaleVersion) as refused:
        await agreement.sign(user=await user(world.founder), pilot_id=pilot_id, number=1, side=Side.STARTUP)

    assert (refused.value.status_code, refused.value.current, refused.value.message) == (
        409,
        2,
        "This version is no longer current: version 2 is.",
    )
    # Before any version is in force, the pilot shows the draft being signed.
    assert (await load_pilot(pilot_id)).scope == "Thirty farms."


async def test_a_person_signs_only_for_a_side_they_stand_for() -> None:
    world, pilot_id = await opened()

    with pytest.raises(PermissionDenied):
        await agreement.sign(user=await user(world.staff), pilot_id=pilot_id, number=1, side=Side.STARTUP)
    with pytest.raises(PermissionDenied):
        await agreement.sign(user=await user(world.stranger_staff), pilot_id=pilot_id, number=1, side=Side.MUNICIPALITY)
    assert await AuditEvent.count().where(AuditEvent.action == "pilot.signed") == 0


async def test_an_amendment_that_changes_nothing_or_says_nothing_is_refused() -> None:
    world, pilot_id = await opened()
    organiser = await user(world.organiser)

    with pytest.raises(ValidationFailed) as unchanged:
        await agreement.amend(user=organiser, pilot_id=pilot_id, command=amended(), note="Nothing.")
    with pytest.raises(ValidationFailed) as silent:
        await agreement.amend(user=organiser, pilot_id=pilot_id, command=amended(budget_eur=1), note=" ")

    assert (unchanged.value.message, unchanged.value.errors) == (agreement.NOTHING_CHANGED, {})
    assert silent.value.errors == {"note": agreement.NOTE_REQUIRED}
    with pytest.raises(PermissionDenied):
        await agreement.amend(user=await user(world.staff), pilot_id=pilot_id, command=amended(budget_eur=1), note="x")


async def test_an_agreed_pilot_starts_completes_and_each_step_is_audited_and_mailed() -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    organiser = await user(world.organiser)

    with pytest.raises(StateConflict):
        await agreement.complete(user=organiser, pilot_id=world.pilot_id)
    started = await agreement.start(user=organiser, pilot_id=world.pilot_id)
    completed = await agreement.complete(user=organiser, pilot_id=world.pilot_id)

    pilot = await load_pilot(world.pilot_id)
    assert (started, completed, pilot.started_at is not None, pilot.ended_at is not None) == (
        PilotStatus.RUNNING,
        PilotStatus.COMPLETED,
        True,
        True,
    )
    assert await audited(world.pilot_id) == ["pilot.started", "pilot.completed"]
    subject = "Pilot “Soil sensors for Ivanjica's farms”"
    assert await outbox() == [
        ("marko@ivanjica.example", f"{subject} has started"),
        ("ana@agrosense.example", f"{subject} has started"),
        ("marko@ivanjica.example", f"{subject} is completed"),
        ("ana@agrosense.example", f"{subject} is completed"),
    ]
    with pytest.raises(StateConflict):
        await agreement.amend(user=organiser, pilot_id=world.pilot_id, command=amended(budget_eur=1), note="Late.")


async def test_stopping_needs_a_public_reason() -> None:
    world = await make_pilot_world(status=PilotStatus.RUNNING)
    organiser = await user(world.organiser)

    with pytest.raises(ValidationFailed) as silent:
        await agreement.stop(user=organiser, pilot_id=world.pilot_id, reason="  ")
    stopped = await agreement.stop(user=organiser, pilot_id=world.pilot_id, reason="The sensors were stolen.")

    pilot = await load_pilot(world.pilot_id)
    assert list(silent.value.errors) == ["reason"]
    assert (stopped, pilot.stop_reason) == (PilotStatus.STOPPED, "The sensors were stolen.")
    with pytest.raises(PermissionDenied):
        await agreement.start(user=await user(world.staff), pilot_id=world.pilot_id)


# --- Pages -----------------------------------------------------------------------------------------


async def test_the_municipality_reaches_its_pilot_from_its_home_and_signs_it(app: Litestar) -> None:
    world, pilot_id = await opened()
    web = await signed_in(app, world.staff)
    try:
        home = await web.get("/municipality")
        mine = await web.get("/pilots/mine")
        work = await web.get(f"/pilots/{pilot_id}/work")
        signed = await web.post_form(f"/pilots/{pilot_id}/work/versions/1/sign", {"side": "municipality"})
        again = await web.get(f"/pilots/{pilot_id}/work")
        home_after = await web.get("/municipality")
    finally:
        await web.http.aclose()

    step = f'<a href="/pilots/{pilot_id}/work#current">Sign version 1 of the agreement of the pilot “{TITLE}”</a>'
    assert (step in home.text, step in home_after.text) == (True, False)
    assert 'href="/pilots/mine"' in home.text
    assert f'<a href="/pilots/{pilot_id}/work">AgroSense: Water for small farms</a>' in mine.text
    assert "Sign version 1 for the municipality" in work.text
    assert "Sign version 1 for the startup" not in work.text
    assert "Amend the agreement" not in work.text
    assert signed.status_code == 302
    assert "Sign version 1 for the municipality" not in again.text
    assert "Awaited: the organisers" in again.text
    assert "✓ the municipality: Marko Staff" in again.text


async def test_the_startup_reaches_its_pilot_from_its_home(app: Litestar) -> None:
    world, pilot_id = await opened()
    web = await signed_in(app, world.founder)
    try:
        home = await web.get("/startup")
        mine = await web.get("/pilots/mine")
    finally:
        await web.http.aclose()

    assert 'href="/pilots/mine"' in home.text
    assert f'<a href="/pilots/{pilot_id}/work#current">Sign version 1 of the agreement' in home.text
    assert f'href="/pilots/{pilot_id}/work"' in mine.text


async def test_a_stale_signature_gets_a_409_page_naming_the_current_version(app: Litestar) -> None:
    world, pilot_id = await opened()
    await agreement.amend(
        user=await user(world.organiser), pilot_id=pilot_id, command=amended(budget_eur=9000), note="Less money."
    )
    web = await signed_in(app, world.founder)
    try:
        stale = await web.post_form(f"/pilots/{pilot_id}/work/versions/1/sign", {"side": "startup"})
    finally:
        await web.http.aclose()

    assert stale.status_code == 409
    assert "This version is no longer current: version 2 is." in stale.text


async def test_staff_of_another_municipality_cannot_see_or_sign_the_pilot(app: Litestar) -> None:
    world, pilot_id = await opened()
    web = await signed_in(app, world.stranger_staff)
    try:
        work = await web.get(f"/pilots/{pilot_id}/work")
        sign = await web.post_form(f"/pilots/{pilot_id}/work/versions/1/sign", {"side": "municipality"})
        mine = await web.get("/pilots/mine")
    finally:
        await web.http.aclose()

    assert (work.status_code, sign.status_code) == (403, 403)
    assert "AgroSense" not in mine.text
    assert await audited(pilot_id) == ["pilot.opened"]


async def test_the_organiser_amends_on_the_page_and_a_bad_amendment_keeps_the_input(app: Litestar) -> None:
    world, pilot_id = await opened()
    web = await signed_in(app, world.organiser)
    form = {
        "scope": "Thirty farms.",
        "locations": "Kušići",
        "starts_on": "2026-09-01",
        "ends_on": "2027-03-01",
        "budget_eur": "",
        "funded_by": "",
        "procurement": "grant",
        "data_terms": "Open.",
        "mentor_id": "",
    }
    try:
        silent = await web.post_form(f"/pilots/{pilot_id}/work/versions", {**form, "note": ""})
        written = await web.post_form(f"/pilots/{pilot_id}/work/versions", {**form, "note": "A grant pays."})
        page = await web.get(f"/pilots/{pilot_id}/work")
    finally:
        await web.http.aclose()

    assert (silent.status_code, field_error(silent.text, "note")) == (422, agreement.NOTE_REQUIRED)
    assert "Thirty farms.</textarea>" in silent.text
    assert written.status_code == 302
    assert "Version 2, waiting for signatures" in page.text
    assert "It changes: <strong>scope</strong>, <strong>places</strong>" in page.text


async def test_the_organiser_starts_and_stops_a_pilot_on_the_page(app: Litestar) -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    web = await signed_in(app, world.organiser)
    try:
        started = await web.post_form(f"/pilots/{world.pilot_id}/work/actions", {"action": "start"})
        silent = await web.post_form(f"/pilots/{world.pilot_id}/work/actions", {"action": "stop", "reason": ""})
        stopped = await web.post_form(
            f"/pilots/{world.pilot_id}/work/actions", {"action": "stop", "reason": "Floods took the sensors."}
        )
        page = await web.get(f"/pilots/{world.pilot_id}/work")
    finally:
        await web.http.aclose()

    assert (started.status_code, silent.status_code, stopped.status_code) == (302, 422, 302)
    assert field_error(silent.text, "reason") == "Say why the pilot stops; the reason is on the public record."
    assert "Why it stopped: Floods took the sensors." in page.text
    assert (await load_pilot(world.pilot_id)).status == PilotStatus.STOPPED


# --- API -------------------------------------------------------------------------------------------


async def test_the_api_signs_amends_and_refuses_a_stale_signature_with_the_current_version(app: Litestar) -> None:
    world, pilot_id = await opened()
    organiser, founder = await signed_in(app, world.organiser), await signed_in(app, world.founder)
    body = {
        "scope": "Thirty farms.",
        "locations": ["Kušići"],
        "starts_on": "2026-09-01",
        "ends_on": "2027-03-01",
        "data_terms": "Open.",
        "note": "Bigger.",
    }
    try:
        signed = await founder.post_json(f"/api/v1/pilots/{pilot_id}/versions/1/signatures", {"side": "startup"})
        not_hers = await founder.post_json(f"/api/v1/pilots/{pilot_id}/versions", body)
        amended_ = await organiser.post_json(f"/api/v1/pilots/{pilot_id}/versions", body)
        stale = await founder.post_json(f"/api/v1/pilots/{pilot_id}/versions/1/signatures", {"side": "startup"})
        wrong_side = await founder.post_json(
            f"/api/v1/pilots/{pilot_id}/versions/2/signatures", {"side": "municipality"}
        )
        read = await founder.get(f"/api/v1/pilots/{pilot_id}/agreement")
    finally:
        await organiser.http.aclose()
        await founder.http.aclose()

    assert (signed.status_code, signed.json()["versions"][0]["waiting_for"]) == (201, ["organiser", "municipality"])
    assert not_hers.status_code == 403
    assert (amended_.status_code, amended_.json()["current_version"], amended_.json()["versions"][0]["changed"]) == (
        201,
        2,
        ["scope", "locations", "budget_eur", "funded_by", "data_terms"],
    )
    assert (stale.status_code, stale.json()["detail"]) == (409, "This version is no longer current: version 2 is.")
    assert wrong_side.status_code == 403
    assert [(v["number"], [s["side"] for s in v["signatures"]]) for v in read.json()["versions"]] == [
        (2, []),
        (1, ["startup"]),
    ]


async def test_the_api_takes_the_pilot_through_its_life_and_keeps_strangers_out(app: Litestar) -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    organiser, stranger = await signed_in(app, world.organiser), await signed_in(app, world.stranger_staff)
    path = f"/api/v1/pilots/{world.pilot_id}"
    try:
        outsider = await stranger.get(f"{path}/agreement")
        outsider_signs = await stranger.post_json(f"{path}/versions/1/signatures", {"side": "municipality"})
        early = await organiser.post_json(f"{path}/actions", {"action": "complete"})
        started = await organiser.post_json(f"{path}/actions", {"action": "start"})
        silent = await organiser.post_json(f"{path}/actions", {"action": "stop"})
        unknown = await organiser.post_json(f"{path}/actions", {"action": "agree"})
        stopped = await organiser.post_json(f"{path}/actions", {"action": "stop", "reason": "Floods."})
    finally:
        await organiser.http.aclose()
        await stranger.http.aclose()

    assert (outsider.status_code, outsider_signs.status_code) == (403, 403)
    assert (early.status_code, early.json()["detail"]) == (409, "Only a running pilot can be completed.")
    assert (started.status_code, started.json()["status"]) == (201, "running")
    assert (silent.status_code, list(silent.json()["errors"])) == (422, ["reason"])
    assert unknown.status_code == 422
    assert (stopped.json()["status"], stopped.json()["stop_reason"]) == ("stopped", "Floods.")
    assert await audited(world.pilot_id) == ["pilot.started", "pilot.stopped"]


async def test_the_overview_and_a_stale_signature_read_in_serbian(app: Litestar) -> None:
    world, pilot_id = await opened()
    await agreement.amend(
        user=await user(world.organiser), pilot_id=pilot_id, command=amended(budget_eur=9000), note="Manje novca."
    )
    web = await signed_in(app, world.staff)
    try:
        await web.post_form("/locale", {"locale": "sr_Cyrl"})
        work = await web.get(f"/pilots/{pilot_id}/work")
        stale = await web.post_form(f"/pilots/{pilot_id}/work/versions/1/sign", {"side": "municipality"})
        await web.post_form("/locale", {"locale": "sr_Latn"})
        latin = await web.get(f"/pilots/{pilot_id}/work")
    finally:
        await web.http.aclose()

    assert "Потпишите верзију 2 у име стране: општина" in work.text
    assert "Мења: <strong>буџет</strong>" in work.text
    assert (stale.status_code, "Ова верзија више није актуелна: актуелна је верзија 2." in stale.text) == (409, True)
    assert "Potpišite verziju 2 u ime strane: opština" in latin.text


async def test_a_signers_data_export_lists_their_signatures_and_erasure_keeps_them(app: Litestar) -> None:
    world, pilot_id = await opened()
    await agreement.sign(user=await user(world.staff), pilot_id=pilot_id, number=1, side=Side.MUNICIPALITY)

    with zipfile.ZipFile(io.BytesIO(await privacy.export(user_id=world.staff["id"]))) as archive:
        exported = json.loads(archive.read("pilots.json"))
    await privacy.erase_on_request(organiser_id=world.organiser["id"], user_id=world.staff["id"], reason="Asked.")

    assert [(s["pilot"], s["version"], s["side"]) for s in exported["signatures"]] == [(pilot_id, 1, "municipality")]
    assert [s.side for s in (await versions_of(pilot_id))[0].signatures] == [Side.MUNICIPALITY]
