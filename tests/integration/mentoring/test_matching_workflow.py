"""Mentor profiles and the organiser's matching workflow over HTTP, on a real database."""

from __future__ import annotations

import asyncio

from challenge.tables import Application, Startup
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from mentoring.enums import RunStatus
from mentoring.tables import Match, MatchRun, MentorProfile
from tests.factories import make_edition, make_user
from tests.web import WebClient, field_error

PROFILE = {
    "organisation": "Mentor Co", "expertise": ["iot", "public_procurement"], "languages": ["sr", "en"],
    "capacity": "2", "timezone": "Europe/Belgrade", "avail_0_start": "09:00", "avail_0_end": "12:00",
}  # fmt: skip


async def _post(client: WebClient, url: str, data: dict) -> object:
    return await client.http.post(url, data={**data, "_csrf_token": await client.csrf_token()})


async def _accepted(edition: dict, name: str, *, languages: list[str], support: list[str]) -> int:
    startup = (
        await Startup.insert(Startup(name=name, country="Serbia", city="Niš", languages=languages)).returning(
            Startup.id
        )
    )[0]["id"]
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup,
                track="smart_rural",
                status="accepted",
                support_needed=support,
                active_key=f"{edition['id']}:{startup}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]


async def _mentor(logged_in, edition: dict, **overrides: object) -> WebClient:
    client: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"])
    response = await _post(client, f"/mentor/editions/{edition['id']}/profile", {**PROFILE, **overrides})
    assert response.status_code == 302, response.text[:400]
    return client


async def _finished_run(edition_id: int) -> dict:
    for _ in range(200):
        run = await (
            MatchRun.select()
            .where(MatchRun.edition == edition_id)
            .order_by(MatchRun.id, ascending=False)
            .output(load_json=True)
        )
        if run and run[0]["status"] != RunStatus.RUNNING:
            return run[0]
        await asyncio.sleep(0.05)
    raise AssertionError("the matching run did not finish")


async def test_a_mentor_fills_the_profile_and_bad_input_is_named(logged_in) -> None:
    edition = await make_edition()
    mentor: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"])
    url = f"/mentor/editions/{edition['id']}/profile"

    zero = await _post(mentor, url, {**PROFILE, "capacity": "0"})
    negative = await _post(mentor, url, {**PROFILE, "capacity": "-3"})
    unknown = await _post(mentor, url, {**PROFILE, "expertise": ["iot", "astrology"]})
    hours = await _post(mentor, url, {**PROFILE, "avail_2_start": "14:00", "avail_2_end": "10:00"})
    saved = await _post(mentor, url, PROFILE)
    other = await _post(mentor, f"/mentor/editions/{(await make_edition())['id']}/profile", PROFILE)

    assert [r.status_code for r in (zero, negative, unknown, hours)] == [422] * 4
    assert (
        field_error(zero.text, "capacity")
        == field_error(negative.text, "capacity")
        == ("You can mentor from 1 to 20 startups.")
    )
    assert field_error(unknown.text, "expertise") == "Unknown expertise: choose from the list."
    assert field_error(hours.text, "avail_2") and 'value="14:00"' in hours.text
    assert saved.status_code == 302 and other.status_code == 404
    profile = await MentorProfile.select().first().output(load_json=True)
    assert profile["availability"] == [[0, 540, 720]] and profile["capacity"] == 2


async def test_matching_runs_explains_locks_reruns_and_publishes(logged_in) -> None:
    edition = await make_edition()
    agro = await _accepted(edition, "AgroSense", languages=["sr"], support=["iot"])
    park = await _accepted(edition, "ParkPulse", languages=["en"], support=["public_procurement"])
    lonely = await _accepted(edition, "Lonely", languages=["hu"], support=["iot"])
    await _mentor(logged_in, edition)
    second = await _mentor(logged_in, edition, organisation="Other Co", languages=["en"], expertise=["legal"])
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/matching"

    started = await _post(organiser, f"{base}/run", {})
    run = await _finished_run(edition["id"])
    page = (await organiser.get(f"{base}/")).text

    assert started.status_code == 302 and run["status"] == "done"
    pairs = {(m["application"]): m for m in await Match.select()}
    assert set(pairs) == {agro, park}
    assert "shares: IoT" in page and "both speak" in page
    assert "Lonely" in page and "Left without a mentor, and why" in page
    assert [(u["application_id"], u["reason"]) for u in run["unmatched"]] == [(lonely, "no_shared_language")]

    locked = pairs[agro]
    await _post(organiser, f"{base}/pairs/{locked['id']}/lock", {})
    await _post(organiser, f"{base}/run", {})
    await _finished_run(edition["id"])
    again = {m["application"]: m for m in await Match.select()}
    assert again[agro]["id"] == locked["id"] and again[agro]["locked"]

    # By hand: the English-only legal mentor with the Hungarian team breaks the language rule.
    second_id = second.user["id"]
    forced = await _post(organiser, f"{base}/assign", {"mentor_id": second_id, "application_id": lonely})
    warned = (await organiser.get(forced.headers["location"])).text
    assert "Check:" in warned
    assert await Match.exists().where(Match.application == lonely, Match.locked.eq(True))

    published = await _post(organiser, f"{base}/publish", {})
    assert published.status_code == 302
    assert await Match.count().where(Match.status == "published") == 3
    assert await OutboxMessage.count().where(OutboxMessage.subject.like("Your mentoring match:%")) == 3
    assert await AuditEvent.count().where(AuditEvent.action == "matching.published") == 1
    home = (await second.get("/mentor/")).text
    assert "Lonely" in home and "AgroSense" not in home
    assert (await _post(organiser, f"{base}/publish", {})).status_code == 409


async def test_the_matching_page_says_what_is_missing_before_anything_can_be_paired(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/matching"

    empty = (await organiser.get(f"{base}/")).text
    await _accepted(edition, "AgroSense", languages=[], support=["iot"])
    await _mentor(logged_in, edition)
    await _post(organiser, f"{base}/run", {})
    await _finished_run(edition["id"])
    ran = (await organiser.get(f"{base}/")).text

    assert "No application is taken into the programme yet" in empty
    assert f'href="/organiser/editions/{edition["id"]}/applications/"' in empty
    assert "No mentor has a profile for this edition yet" in empty and 'href="/organiser/invites"' in empty
    assert "No application is taken" not in ran and "No mentor has a profile" not in ran
    assert "The last run paired nobody; the reasons are listed below." in ran
    assert "No pair yet: run the matching." not in ran
    assert "AgroSense has not said which languages the team speaks." in ran


async def test_a_startup_paired_by_hand_after_the_run_is_no_longer_listed_as_short(logged_in) -> None:
    edition = await make_edition()
    mute = await _accepted(edition, "Mute", languages=[], support=["iot"])
    mentor = await _mentor(logged_in, edition)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/matching"
    await _post(organiser, f"{base}/run", {})
    await _finished_run(edition["id"])

    await _post(organiser, f"{base}/assign", {"mentor_id": mentor.user["id"], "application_id": mute})
    page = (await organiser.get(f"{base}/")).text

    assert "Left without a mentor, and why" not in page
    # The checker names the languages, not their codes, and says the team gave none.
    assert f"{mentor.user['name']} speaks Serbian, English; Mute has not said which languages the team speaks." in (
        page.replace("&#39;", "'")
    )


async def test_only_organisers_run_the_matching(logged_in) -> None:
    edition = await make_edition()
    mentor: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"])
    await make_user()

    response = await _post(mentor, f"/organiser/editions/{edition['id']}/matching/run", {})

    assert response.status_code == 403
    assert await MatchRun.count() == 0


async def test_the_json_api_for_profiles_proposals_and_matches(logged_in) -> None:
    edition = await make_edition()
    agro = await _accepted(edition, "AgroSense", languages=["sr"], support=["iot"])
    mentor: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"])
    organiser: WebClient = await logged_in(Role.ORGANISER)
    url = f"/api/v1/mentoring/profiles/{edition['id']}"
    body = {
        "expertise": ["iot"],
        "languages": ["sr"],
        "capacity": 1,
        "availability": [{"weekday": 1, "start": "10:00", "end": "12:00"}],
    }
    headers = {"x-csrftoken": await mentor.csrf_token()}

    bad = await mentor.http.put(url, json={**body, "capacity": -1, "expertise": ["astrology"]}, headers=headers)
    saved = await mentor.http.put(url, json=body, headers=headers)
    await organiser.post_json(f"/api/v1/mentoring/editions/{edition['id']}/runs", {})
    await _finished_run(edition["id"])
    proposal = await organiser.get(f"/api/v1/mentoring/editions/{edition['id']}/proposal")
    await organiser.post_json(f"/api/v1/mentoring/editions/{edition['id']}/publish", {})
    matches = await mentor.get("/api/v1/mentoring/matches")
    refused = await mentor.get(f"/api/v1/mentoring/editions/{edition['id']}/proposal")

    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"capacity", "expertise"}
    assert saved.status_code == 200 and saved.json()["availability"] == [[1, 600, 720]]
    assert proposal.json()["run_status"] == "done"
    assert [(p["application"], p["status"]) for p in proposal.json()["pairs"]] == [(agro, "proposed")]
    assert "shares: IoT" in proposal.json()["pairs"][0]["why"]
    assert [m["startup_name"] for m in matches.json()] == ["AgroSense"]
    assert refused.status_code == 403


async def test_organisers_curate_the_vocabulary_and_choices_follow_it(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    mentor: WebClient = await logged_in(Role.MENTOR, edition_id=edition["id"])

    added = await _post(organiser, "/organiser/expertise/", {"name": "Circular économie"})
    duplicate = await _post(organiser, "/organiser/expertise/", {"name": "circular economie"})
    retired = await _post(organiser, "/organiser/expertise/iot", {"name": "Internet of Things"})
    form = (await mentor.get(f"/mentor/editions/{edition['id']}/profile")).text
    saved = await _post(
        mentor, f"/mentor/editions/{edition['id']}/profile", {**PROFILE, "expertise": ["circular_economie"]}
    )

    assert added.status_code == 302 and duplicate.status_code == 422
    assert retired.status_code == 302
    assert 'value="circular_economie"' in form and 'value="iot"' not in form
    assert saved.status_code == 302
    assert await AuditEvent.count().where(AuditEvent.action.like("expertise_tag.%")) == 2
