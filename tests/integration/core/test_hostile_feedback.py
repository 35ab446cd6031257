"""Hostile input on residents' feedback: overlong and wrongly typed fields are named, markup stays
text on every page that shows it, and nothing is cut or lost."""

from __future__ import annotations

from litestar import Litestar

from pilots.tables import PilotFeedback
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.integration.pilots.world import make_pilot_world
from tests.web import WebClient, field_error

TOO_LONG = "This is too long; please shorten it."


async def test_an_overlong_comment_is_named_on_the_form_and_the_api_and_kept_whole(client: WebClient) -> None:
    world = await make_pilot_world()
    typed = "Ž·" * 1001  # 2,002 characters, one over the limit however many bytes they take

    page = await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "3", "comment": typed})
    api = await client.post_json(f"/api/v1/pilots/{world.pilot_id}/feedback", {"rating": 3, "comment": typed})

    assert (page.status_code, field_error(page.text, "comment")) == (422, TOO_LONG)
    assert f">{typed}</textarea>" in page.text
    assert 'value="3" required checked' in page.text
    assert (api.status_code, api.json()["errors"]) == (422, {"comment": TOO_LONG})
    assert await PilotFeedback.count() == 0


async def test_wrong_types_unknown_fields_and_nul_are_named_by_the_api(client: WebClient) -> None:
    world = await make_pilot_world()
    url = f"/api/v1/pilots/{world.pilot_id}/feedback"

    answers = [
        (r.status_code, r.json().get("errors"))
        for r in [
            await client.post_json(url, {"rating": "five"}),
            await client.post_json(url, {"rating": 4, "local": "yes"}),
            await client.post_json(url, {"rating": 4, "name": "Mallory"}),
            await client.post_json(url, {"rating": 0}),
            await client.post_json(url, {"rating": 4, "comment": "Good\x00"}),
        ]
    ]

    assert answers == [
        (422, {"rating": "Expected `int`, got `str`"}),
        (422, {"local": "Expected `bool`, got `str`"}),
        (422, {"name": "This field is not part of this request; remove it."}),
        (422, {"rating": "Choose a rating from 1 to 5."}),
        (422, {"comment": "Remove the invisible NUL character from this text."}),
    ]
    assert await PilotFeedback.count() == 0


async def test_markup_in_feedback_is_text_on_the_moderation_page_and_in_the_api(
    app: Litestar, client: WebClient
) -> None:
    world = await make_pilot_world()
    markup = '<script>alert("x")</script>'
    await client.post_form(f"/pilots/{world.pilot_id}/feedback", {"rating": "2", "comment": markup})
    organiser = WebClient(http_client(app, ip="192.0.2.50"))
    await organiser.login(world.organiser["email"], PASSWORD)

    page = (await organiser.get(f"/pilots/{world.pilot_id}/work/feedback")).text
    api = (await client.get(f"/api/v1/pilots/{world.pilot_id}/feedback")).json()

    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert [c["comment"] for c in api["comments"]] == [markup]
    await organiser.http.aclose()
