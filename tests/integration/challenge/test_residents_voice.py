"""Residents' voice: endorsements and comments, and the organisers' moderation, in the pages and the API."""

from __future__ import annotations

import re

from challenge.tables import Comment, Endorsement, Problem
from core.enums import Role
from tests.web import WebClient, field_error


async def test_endorse_once_then_a_second_endorsement_is_refused(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]

    first = await resident.post_form(f"/problems/{problem['id']}/endorse")
    after = await resident.get(f"/problems/{problem['id']}")
    second = await resident.post_form(f"/problems/{problem['id']}/endorse")

    assert first.status_code == 302
    assert first.headers["location"] == f"/problems/{problem['id']}"
    assert "Thank you: your endorsement is counted." in after.text
    assert "You endorsed this problem." in after.text
    assert '<p class="card-figure endorsement-count">1</p>' in after.text
    assert second.status_code == 409
    assert "You have already endorsed this problem." in second.text
    row = await Problem.select(Problem.endorsement_count).where(Problem.id == problem["id"]).first()
    assert row["endorsement_count"] == 1
    assert await Endorsement.count() == 1


async def test_unverified_user_cannot_endorse(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, verified=False)
    problem = catalogue["published"]["School bus routes"]

    page = await resident.get(f"/problems/{problem['id']}")
    response = await resident.post_form(f"/problems/{problem['id']}/endorse")

    assert "Confirm your email address to endorse this problem." in page.text
    assert response.status_code == 403
    assert "Please confirm your email address first" in response.text
    assert await Endorsement.count() == 0


async def test_unpublished_problem_cannot_be_endorsed_or_commented(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    draft = catalogue["unpublished"]["draft"]

    endorse = await resident.post_form(f"/problems/{draft['id']}/endorse")
    comment = await resident.post_form(f"/problems/{draft['id']}/comments", {"body": "Hello"})

    assert (endorse.status_code, comment.status_code) == (404, 404)
    assert (await Endorsement.count(), await Comment.count()) == (0, 0)


async def test_a_comment_appears_under_the_problem(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, name="Milica Jovanović")
    problem = catalogue["published"]["School bus routes"]

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "Our kids wait in the rain."})
    public = await client.get(f"/problems/{problem['id']}")

    comment = await Comment.select().where(Comment.problem == problem["id"]).first()
    assert response.status_code == 302
    assert response.headers["location"] == f"/problems/{problem['id']}#comment-{comment['id']}"
    assert comment["body"] == "Our kids wait in the rain."
    assert "<strong>Milica Jovanović</strong>" in public.text
    assert '<p class="prose">Our kids wait in the rain.</p>' in public.text


async def test_an_empty_comment_is_refused_beside_the_field(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "   "})

    assert response.status_code == 422
    assert field_error(response.text, "body") == "Write your comment first."
    assert "<h1>School bus routes</h1>" in response.text
    assert await Comment.count() == 0


async def test_a_too_long_comment_keeps_what_was_typed(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]
    typed = "The bus leaves at 6 & comes back <late>. " * 60

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": typed})

    assert response.status_code == 422
    assert field_error(response.text, "body") == "Please keep comments under 2,000 characters."
    kept = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f">{kept}</textarea>" in response.text
    assert await Comment.count() == 0


async def test_html_in_a_comment_is_shown_as_text(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, name="<b>Mallory</b>")
    problem = catalogue["published"]["School bus routes"]

    await resident.post_form(f"/problems/{problem['id']}/comments", {"body": '<script>alert("x")</script>'})
    html = (await client.get(f"/problems/{problem['id']}")).text

    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


async def test_organiser_hides_a_comment_and_restores_it(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    organiser: WebClient = await logged_in(Role.ORGANISER, name="Ana Organiser")
    problem = catalogue["published"]["School bus routes"]
    await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "Call me at 064 123 4567"})
    comment = await Comment.select().first()

    hidden = await organiser.post_form(f"/comments/{comment['id']}/hide", {"reason": "Personal data"})
    seen_by_resident = await resident.get(f"/problems/{problem['id']}")
    seen_by_public = await client.get(f"/problems/{problem['id']}")
    seen_by_api = (await client.get(f"/api/v1/problems/{problem['id']}")).json()
    seen_by_organiser = await organiser.get(f"/problems/{problem['id']}")
    restored = await organiser.post_form(f"/comments/{comment['id']}/restore")
    seen_after_restore = await resident.get(f"/problems/{problem['id']}")

    assert hidden.status_code == 302
    assert hidden.headers["location"] == f"/problems/{problem['id']}#comment-{comment['id']}"
    assert "064 123 4567" not in seen_by_resident.text
    assert "064 123 4567" not in seen_by_public.text
    assert seen_by_api["comments"] == []
    assert "Call me at 064 123 4567" in seen_by_organiser.text
    assert "Hidden from residents because: Personal data" in seen_by_organiser.text
    assert f'action="/comments/{comment["id"]}/restore"' in seen_by_organiser.text
    assert restored.status_code == 302
    assert "Call me at 064 123 4567" in seen_after_restore.text
    row = await Comment.select(Comment.hidden, Comment.hidden_reason).where(Comment.id == comment["id"]).first()
    assert row == {"hidden": False, "hidden_reason": ""}


async def test_hiding_without_a_reason_is_refused_beside_that_comment(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    problem = catalogue["published"]["School bus routes"]
    for body in ("First comment", "Second comment"):
        await resident.post_form(f"/problems/{problem['id']}/comments", {"body": body})
    _, second = await Comment.select(Comment.id).order_by(Comment.id)

    response = await organiser.post_form(f"/comments/{second['id']}/hide", {"reason": " "})

    assert response.status_code == 422
    assert re.findall(r'id="e-reason-(\d+)" class="field-error">([^<]*)<', response.text) == [
        (str(second["id"]), "Say why the comment is hidden.")
    ]
    assert field_error(response.text, "body") is None
    assert await Comment.count().where(Comment.hidden == True) == 0  # noqa: E712


async def test_residents_cannot_moderate(logged_in, catalogue: dict) -> None:
    author: WebClient = await logged_in(None)
    other: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]
    await author.post_form(f"/problems/{problem['id']}/comments", {"body": "Fine comment"})
    comment = await Comment.select().first()

    page = await other.get(f"/problems/{problem['id']}")
    response = await other.post_form(f"/comments/{comment['id']}/hide", {"reason": "I disagree"})

    assert f'action="/comments/{comment["id"]}/hide"' not in page.text
    assert response.status_code == 403
    assert await Comment.count().where(Comment.hidden == True) == 0  # noqa: E712


async def test_api_endorse_returns_the_count_and_refuses_a_second_time(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["Parking search traffic"]
    url = f"/api/v1/problems/{problem['id']}/endorse"

    first = await resident.post_json(url, {})
    second = await resident.post_json(url, {})

    assert (first.status_code, first.json()) == (201, {"problem_id": problem["id"], "endorsement_count": 1})
    assert (second.status_code, second.json()) == (
        409,
        {"status_code": 409, "detail": "You have already endorsed this problem."},
    )
    assert await Endorsement.count() == 1


async def test_api_endorse_needs_a_signed_in_verified_user(logged_in, client: WebClient, catalogue: dict) -> None:
    unverified: WebClient = await logged_in(None, verified=False)
    url = f"/api/v1/problems/{catalogue['published']['Parking search traffic']['id']}/endorse"

    anonymous = await client.post_json(url, {})
    refused = await unverified.post_json(url, {})

    assert anonymous.status_code == 401
    assert refused.status_code == 403
    assert await Endorsement.count() == 0


async def test_moderating_an_unknown_comment_is_not_found(logged_in) -> None:
    organiser: WebClient = await logged_in(Role.ORGANISER)

    hide = await organiser.post_form("/comments/999/hide", {"reason": ""})
    restore = await organiser.post_form("/comments/999/restore")

    assert (hide.status_code, restore.status_code) == (404, 404)
