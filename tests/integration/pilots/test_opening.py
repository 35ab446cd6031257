"""An organiser opens a pilot from a winner (or an application that advanced), for one of its problems."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar

from core.errors import PermissionDenied, ValidationFailed
from mentoring.tables import Match
from pilots.enums import PilotStatus
from pilots.queries.agreement import candidates, versions_of
from pilots.queries.pilots import load_pilot
from pilots.rules.codes import is_code
from pilots.services.opening import ALREADY_PILOTED, NOT_ADVANCED, NOT_ITS_PROBLEM, open_pilot
from pilots.tables import Pilot
from tests.factories import make_problem
from tests.integration.pilots.agree_world import TERMS, audited, form_of, opening, outbox, signed_in, user
from tests.integration.pilots.world import make_winner
from tests.web import field_error


async def test_opening_from_a_winner_writes_an_unsigned_version_1_and_mails_both_other_sides() -> None:
    world = await make_winner()

    pilot_id = await open_pilot(
        user=await user(world.organiser), command=opening(world), edition_id=world.edition["id"]
    )

    pilot = await load_pilot(pilot_id)
    versions = await versions_of(pilot_id)
    assert (pilot.status, pilot.title, pilot.current_version, pilot.version_in_force) == (
        PilotStatus.DRAFT,
        "AgroSense: Water for small farms",
        1,
        None,
    )
    assert (pilot.municipality, pilot.startup, pilot.problem) == (
        world.municipality["id"],
        world.startup["id"],
        world.problem["id"],
    )
    assert pilot.terms.locations == ("Kušići", "Ivanjica centre")
    assert is_code(pilot.code)
    assert [(v.number, v.signed_by, v.terms.budget_eur, v.terms.mentor_id) for v in versions] == [
        (1, frozenset(), 12000, None)
    ]
    assert await audited(pilot_id) == ["pilot.opened"]
    assert await outbox() == [
        ("marko@ivanjica.example", "Pilot “AgroSense: Water for small farms”: read and sign the agreement"),
        ("ana@agrosense.example", "Pilot “AgroSense: Water for small farms”: read and sign the agreement"),
    ]


async def test_the_mentor_defaults_to_the_published_mentoring_match() -> None:
    world = await make_winner()
    await Match.insert(
        Match(
            edition=world.edition["id"],
            mentor=world.mentor["id"],
            application=world.application_id,
            startup=world.startup["id"],
            status="published",
            key=f"{world.mentor['id']}:{world.application_id}",
        )
    )

    pilot_id = await open_pilot(user=await user(world.organiser), command=opening(world, title="Sensors"))

    assert (await load_pilot(pilot_id)).mentor == world.mentor["id"]
    assert [c.mentor_id for c in await candidates(world.edition["id"])] == [world.mentor["id"]]


async def test_a_rejected_application_is_refused_beside_its_field() -> None:
    world = await make_winner(application_status="rejected")

    with pytest.raises(ValidationFailed) as refused:
        await open_pilot(user=await user(world.organiser), command=opening(world))

    assert refused.value.errors == {"application_id": NOT_ADVANCED}
    assert await candidates(world.edition["id"]) == []
    assert await outbox() == []


async def test_every_bad_term_and_a_problem_the_application_does_not_address_are_named_at_once() -> None:
    world = await make_winner()
    other = await make_problem(edition_id=world.edition["id"], municipality_id=world.municipality["id"])

    with pytest.raises(ValidationFailed) as refused:
        await open_pilot(
            user=await user(world.organiser),
            command=opening(
                world, problem_id=other["id"], locations=[" "], ends_on=TERMS["starts_on"], mentor_id=world.staff["id"]
            ),
        )

    assert refused.value.errors == {
        "problem_id": NOT_ITS_PROBLEM,
        "locations": "Name at least one place in the municipality.",
        "ends_on": "The pilot ends after it starts.",
        "mentor_id": "Choose one of the mentors, or nobody.",
    }


async def test_an_application_of_another_edition_is_not_opened_from_this_one() -> None:
    world = await make_winner()

    with pytest.raises(ValidationFailed) as refused:
        await open_pilot(user=await user(world.organiser), command=opening(world), edition_id=world.edition["id"] + 1)

    assert list(refused.value.errors) == ["application_id"]


async def test_only_organisers_open_pilots() -> None:
    world = await make_winner()

    with pytest.raises(PermissionDenied):
        await open_pilot(user=await user(world.staff), command=opening(world))


async def test_an_accepted_application_is_offered_with_its_status_and_problems() -> None:
    world = await make_winner(application_status="accepted")

    found = await candidates(world.edition["id"])

    assert [(c.startup_name, c.status, [(p.title, p.municipality_name) for p in c.problems]) for c in found] == [
        ("AgroSense", "accepted", [("Water for small farms", "Ivanjica")])
    ]


# --- Pages -----------------------------------------------------------------------------------------


async def test_an_organiser_reaches_the_form_from_the_editions_page_and_opens_a_pilot(app: Litestar) -> None:
    world = await make_winner()
    web = await signed_in(app, world.organiser)
    try:
        editions = await web.get("/organiser/editions/")
        form = await web.get(f"/organiser/editions/{world.edition['id']}/pilots/")
        opened = await web.post_form(f"/organiser/editions/{world.edition['id']}/pilots/", form_of(world))
        listed = await web.get(f"/organiser/editions/{world.edition['id']}/pilots/")
        audit_log = await web.get("/organiser/audit")
    finally:
        await web.http.aclose()

    assert f'href="/organiser/editions/{world.edition["id"]}/pilots/"' in editions.text
    assert "AgroSense (winner): Water for small farms · Ivanjica" in form.text
    pilot = (await Pilot.select(Pilot.id).first())["id"]
    assert (opened.status_code, opened.headers["location"]) == (302, f"/pilots/{pilot}/work")
    assert f'<a href="/pilots/{pilot}/work">AgroSense: Water for small farms</a>' in listed.text
    assert (await load_pilot(pilot)).budget_eur == 12000
    assert f'<a href="/pilots/{pilot}/work">pilot #{pilot}</a>' in audit_log.text


async def test_bad_input_is_named_beside_each_field_with_the_input_kept(app: Litestar) -> None:
    world = await make_winner()
    web = await signed_in(app, world.organiser)
    try:
        refused = await web.post_form(
            f"/organiser/editions/{world.edition['id']}/pilots/",
            form_of(world, ends_on="soon", budget_eur="12,50", scope="Sensors <b>everywhere</b>", locations=" "),
        )
    finally:
        await web.http.aclose()

    assert refused.status_code == 422
    # What the form cannot read and what the terms' check refuses, all at once.
    assert [field_error(refused.text, name) for name in ("ends_on", "budget_eur", "locations")] == [
        "Give a date (day, month and year).",
        "Give the budget in whole euros, or leave it empty.",
        "Name at least one place in the municipality.",
    ]
    assert "Sensors &lt;b&gt;everywhere&lt;/b&gt;</textarea>" in refused.text
    assert 'value="12,50"' in refused.text
    assert f'value="{world.application_id}:{world.problem["id"]}" selected' in refused.text


async def test_a_rejected_application_is_refused_beside_the_choice(app: Litestar) -> None:
    world = await make_winner(application_status="rejected")
    web = await signed_in(app, world.organiser)
    try:
        refused = await web.post_form(f"/organiser/editions/{world.edition['id']}/pilots/", form_of(world))
    finally:
        await web.http.aclose()

    assert (refused.status_code, field_error(refused.text, "target")) == (422, NOT_ADVANCED)


# --- API -------------------------------------------------------------------------------------------


async def test_the_api_opens_a_pilot_and_answers_its_agreement(app: Litestar) -> None:
    world = await make_winner()
    body = {
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in TERMS.items()},
        "application_id": world.application_id,
        "problem_id": world.problem["id"],
    }
    organiser, staff = await signed_in(app, world.organiser), await signed_in(app, world.staff)
    try:
        refused = await staff.post_json("/api/v1/pilots", body)
        unknown = await organiser.post_json("/api/v1/pilots", {**body, "budget": 1})
        bad = await organiser.post_json("/api/v1/pilots", {**body, "locations": [], "ends_on": "2026-08-01"})
        opened = await organiser.post_json("/api/v1/pilots", body)
    finally:
        await organiser.http.aclose()
        await staff.http.aclose()

    assert refused.status_code == 403
    assert (unknown.status_code, unknown.json()["errors"]) == (
        422,
        {"budget": "This field is not part of this request; remove it."},
    )
    assert (bad.status_code, bad.json()["errors"]) == (
        422,
        {"locations": "Name at least one place in the municipality.", "ends_on": "The pilot ends after it starts."},
    )
    assert opened.status_code == 201
    answer = opened.json()
    assert (answer["status"], answer["current_version"], answer["version_in_force"], answer["title"]) == (
        "draft",
        1,
        None,
        "AgroSense: Water for small farms",
    )
    assert [(v["number"], v["budget_eur"], v["signatures"], v["waiting_for"]) for v in answer["versions"]] == [
        (1, 12000, [], ["organiser", "municipality", "startup"])
    ]


async def test_every_overlong_term_is_named_and_nothing_is_cut(app: Litestar) -> None:
    world = await make_winner()
    web = await signed_in(app, world.organiser)
    long = {
        "title": "t" * 201,
        "scope": "s" * 5001,
        "locations": "l" * 201,
        "funded_by": "f" * 201,
        "data_terms": "d" * 5001,
    }
    try:
        refused = await web.post_form(f"/organiser/editions/{world.edition['id']}/pilots/", form_of(world, **long))
    finally:
        await web.http.aclose()

    assert refused.status_code == 422
    assert {name: field_error(refused.text, name) for name in long} == dict.fromkeys(
        long, "This is too long; please shorten it."
    )
    assert "s" * 5001 + "</textarea>" in refused.text
    assert await Pilot.count() == 0


async def test_ids_no_column_can_hold_are_refused_as_no_such_choice(app: Litestar) -> None:
    world = await make_winner()
    web = await signed_in(app, world.organiser)
    huge = str(2**40)
    try:
        refused = await web.post_form(
            f"/organiser/editions/{world.edition['id']}/pilots/",
            form_of(world, target=f"{huge}:{huge}", mentor_id=huge),
        )
    finally:
        await web.http.aclose()

    assert refused.status_code == 422
    assert await Pilot.count() == 0


async def test_two_organisers_opening_the_same_pilot_at_once_open_it_once() -> None:
    world = await make_winner()
    organiser = await user(world.organiser)

    results = await asyncio.gather(
        open_pilot(user=organiser, command=opening(world)),
        open_pilot(user=organiser, command=opening(world)),
        return_exceptions=True,
    )

    refused = [result for result in results if isinstance(result, ValidationFailed)]
    assert (len(refused), [error.errors for error in refused]) == (1, [{"problem_id": ALREADY_PILOTED}])
    assert await Pilot.count().where(Pilot.application == world.application_id) == 1
