"""Residents' voice through the pages and the API: the poster's short link, the public form, the
limit per address, feedback staff collected in person, and moderation."""

from __future__ import annotations

import re

from litestar import Litestar

from pilots.enums import PilotStatus
from pilots.queries.feedback import short_url
from pilots.services.feedback import FEEDBACK_LIMIT
from pilots.tables import PilotFeedback
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.integration.pilots.world import PilotWorld, make_pilot_world
from tests.web import WebClient, field_error


async def _signed_in(app: Litestar, person: dict, ip: str) -> WebClient:
    web = WebClient(http_client(app, ip=ip))
    await web.login(person["email"], PASSWORD)
    return web


async def _feedback_ids(world: PilotWorld) -> list[int]:
    rows = (
        await PilotFeedback.select(PilotFeedback.id)
        .where(PilotFeedback.pilot == world.pilot_id)
        .order_by(PilotFeedback.id)
    )
    return [row["id"] for row in rows]


async def test_a_resident_leaves_feedback_through_the_posters_short_link(client: WebClient) -> None:
    world = await make_pilot_world()

    link = await client.get(f"/p/{world.code}")
    form = await client.get(link.headers["location"])
    sent = await client.post_form(
        f"/pilots/{world.pilot_id}/feedback", {"rating": "4", "comment": "Fewer dry fields.", "local": "yes"}
    )

    assert (link.status_code, link.headers["location"]) == (303, f"/pilots/{world.pilot_id}/feedback")
    assert form.status_code == 200
    assert "<legend>How well does the pilot work for you? " in form.text
    assert [
        int(value) for value in re.findall(r'type="radio" id="f-rating-\d" name="rating" value="(\d)"', form.text)
    ] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert '<label for="f-rating-5">' in form.text and "5 – very good</label>" in form.text
    assert '<label for="f-comment">' in form.text and '<label for="f-local">' in form.text
    assert (sent.status_code, sent.headers["location"]) == (303, f"/pilots/{world.pilot_id}")
    row = await PilotFeedback.select(
        PilotFeedback.rating, PilotFeedback.comment, PilotFeedback.local, PilotFeedback.source, PilotFeedback.language
    ).first()
    assert row == {"rating": 4, "comment": "Fewer dry fields.", "local": True, "source": "online", "language": "en"}


async def test_the_form_and_its_thanks_come_in_the_readers_language(client: WebClient) -> None:
    world = await make_pilot_world()
    await client.post_form("/locale", {"locale": "sr_Cyrl", "next": "/"})

    form = await client.get(f"/pilots/{world.pilot_id}/feedback")
    await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "5"})

    assert '<html lang="sr-Cyrl"' in form.text
    row = await PilotFeedback.select(PilotFeedback.language).first()
    assert row == {"language": "sr_Cyrl"}


async def test_an_unknown_code_or_a_draft_pilot_is_not_found(client: WebClient) -> None:
    draft = await make_pilot_world(status=PilotStatus.DRAFT)

    answers = [
        (await client.get("/p/nosuchcode")).status_code,
        (await client.get(f"/p/{draft.code}")).status_code,
        (await client.get(f"/pilots/{draft.pilot_id}/feedback")).status_code,
        (await client.post_form(f"/pilots/{draft.pilot_id}/feedback", {"rating": "3"})).status_code,
        (await client.get(f"/pilots/{draft.pilot_id}/poster.svg")).status_code,
        (await client.get(f"/api/v1/pilots/{draft.pilot_id}/feedback")).status_code,
    ]

    assert answers == [404] * 6
    assert await PilotFeedback.count() == 0


async def test_a_bad_rating_is_refused_beside_the_field_with_the_comment_kept(client: WebClient) -> None:
    world = await make_pilot_world()
    typed = "The SMS come at 5 & wake us <early>."

    response = await client.post_form(
        f"/pilots/{world.pilot_id}/feedback", {"rating": "9", "comment": typed, "local": "yes"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "rating") == "Choose a rating from 1 to 5."
    assert ">The SMS come at 5 &amp; wake us &lt;early&gt;.</textarea>" in response.text
    assert 'name="local" value="yes" checked' in response.text
    assert await PilotFeedback.count() == 0


async def test_one_address_is_refused_after_the_limit_while_another_still_posts(app: Litestar, client) -> None:
    world = await make_pilot_world()
    first = WebClient(http_client(app, ip="192.0.2.10"))
    second = WebClient(http_client(app, ip="192.0.2.11"))
    url = f"/pilots/{world.pilot_id}/feedback"

    statuses = [(await first.post_form(url, {"rating": "5"})).status_code for _ in range(FEEDBACK_LIMIT.max_hits)]
    refused = await first.post_form(url, {"rating": "1", "comment": "Once more."})
    refused_api = await first.post_json(f"/api/v1/pilots/{world.pilot_id}/feedback", {"rating": 1})
    other = await second.post_form(url, {"rating": "2"})

    assert statuses == [303] * FEEDBACK_LIMIT.max_hits
    assert refused.status_code == 429
    assert refused.headers["retry-after"].isdigit()
    assert "Too many attempts. Please wait" in refused.text
    assert ">Once more.</textarea>" in refused.text
    assert (refused_api.status_code, refused_api.json()["status_code"]) == (429, 429)
    assert other.status_code == 303
    assert await PilotFeedback.count() == FEEDBACK_LIMIT.max_hits + 1
    for web in (first, second):
        await web.http.aclose()


async def test_staff_enter_feedback_collected_in_person_and_it_stays_marked(app: Litestar, client) -> None:
    world = await make_pilot_world()
    staff = await _signed_in(app, world.staff, "192.0.2.20")

    page = await staff.get(f"/pilots/{world.pilot_id}/work/feedback")
    entered = await staff.post_form(
        f"/pilots/{world.pilot_id}/work/feedback", {"rating": "2", "comment": "Told me at the market: too many SMS."}
    )
    after = await staff.get(f"/pilots/{world.pilot_id}/work/feedback")
    api = (await client.get(f"/api/v1/pilots/{world.pilot_id}/feedback")).json()

    assert page.status_code == 200
    assert 'aria-current="page">Residents\' feedback</a>' in page.text
    assert f'<a href="/p/{world.code}" class="short-link">{short_url(world.code)}</a>' in page.text
    assert f'href="/pilots/{world.pilot_id}/poster.svg"' in page.text
    assert (entered.status_code, entered.headers["location"]) == (303, f"/pilots/{world.pilot_id}/work/feedback")
    assert "collected in person · entered by Marko Staff" in after.text
    row = await PilotFeedback.select(PilotFeedback.source, PilotFeedback.entered_by).first()
    assert row == {"source": "in_person", "entered_by": world.staff["id"]}
    assert [(c["comment"], c["source"]) for c in api["comments"]] == [
        ("Told me at the market: too many SMS.", "in_person")
    ]
    assert "Marko" not in str(api)
    await staff.http.aclose()


async def test_hidden_feedback_leaves_the_public_aggregate_and_the_api(app: Litestar, client: WebClient) -> None:
    world = await make_pilot_world()
    await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "5", "comment": "Great."})
    await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "1", "comment": "Call 064 123 4567"})
    kept, spam = await _feedback_ids(world)
    organiser = await _signed_in(app, world.organiser, "192.0.2.30")

    refused = await organiser.post_form(f"/pilots/{world.pilot_id}/work/feedback/{spam}/hide", {"reason": " "})
    hidden = await organiser.post_form(
        f"/pilots/{world.pilot_id}/work/feedback/{spam}/hide", {"reason": "Personal data"}
    )
    api = (await client.get(f"/api/v1/pilots/{world.pilot_id}/feedback")).json()
    moderation = await organiser.get(f"/pilots/{world.pilot_id}/work/feedback")
    restored = await organiser.post_form(f"/pilots/{world.pilot_id}/work/feedback/{spam}/restore")
    api_after = (await client.get(f"/api/v1/pilots/{world.pilot_id}/feedback")).json()

    assert refused.status_code == 422
    assert re.findall(r'id="e-reason-(\d+)" class="field-error">([^<]*)<', refused.text) == [
        (str(spam), "Say why the feedback is hidden.")
    ]
    assert (hidden.status_code, hidden.headers["location"]) == (
        303,
        f"/pilots/{world.pilot_id}/work/feedback#feedback-{spam}",
    )
    assert api == {
        "pilot_id": world.pilot_id,
        "count": 1,
        "mean": 5.0,
        "local_count": 0,
        "distribution": [{"rating": r, "count": 1 if r == 5 else 0} for r in range(1, 6)],
        "months": [{"month": api["months"][0]["month"], "count": 1, "mean": 5.0}],
        "comments": [
            {
                "id": kept,
                "rating": 5,
                "comment": "Great.",
                "local": False,
                "source": "online",
                "created_at": api["comments"][0]["created_at"],
            }
        ],
    }
    assert "Hidden from residents because: Personal data" in moderation.text
    assert restored.status_code == 303
    assert [c["id"] for c in api_after["comments"]] == [spam, kept]
    await organiser.http.aclose()


async def test_a_stranger_cannot_moderate_or_enter_feedback(app: Litestar, client: WebClient) -> None:
    world = await make_pilot_world()
    await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "3"})
    [feedback_id] = await _feedback_ids(world)
    stranger = await _signed_in(app, world.stranger_staff, "192.0.2.40")
    founder = await _signed_in(app, world.founder, "192.0.2.41")
    hide = f"/pilots/{world.pilot_id}/work/feedback/{feedback_id}/hide"

    answers = {
        "stranger hides": (await stranger.post_form(hide, {"reason": "No"})).status_code,
        "stranger enters": (
            await stranger.post_form(f"/pilots/{world.pilot_id}/work/feedback", {"rating": "1"})
        ).status_code,
        "anonymous hides": (await client.post_form(hide, {"reason": "No"})).status_code,
        "founder hides": (await founder.post_form(hide, {"reason": "No"})).status_code,
        "founder enters": (
            await founder.post_form(f"/pilots/{world.pilot_id}/work/feedback", {"rating": "1"})
        ).status_code,
    }

    assert answers == {
        "stranger hides": 403,
        "stranger enters": 403,
        "anonymous hides": 302,
        "founder hides": 403,
        "founder enters": 403,
    }
    row = await PilotFeedback.select(PilotFeedback.hidden).first()
    assert row == {"hidden": False}
    assert await PilotFeedback.count() == 1
    for web in (stranger, founder):
        await web.http.aclose()
