"""The JSON API for editions and problems: roles, validation as field errors, state conflicts."""

from __future__ import annotations

from challenge.tables import Edition, Problem
from core.enums import Role
from tests.factories import COMPLETE_PROBLEM, make_municipality, make_open_edition

EDITION = {
    "name": "Smart Rural 2027",
    "year": 2027,
    "slug": "rural-2027",
    "timezone": "Europe/Belgrade",
    "tracks": ["smart_rural"],
    "timeline": {"problem_intake": "2027-02-01T08:00:00Z", "applications": "2027-03-01T08:00:00+01:00"},
}


async def test_organisers_create_editions_through_the_api(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_json("/api/v1/editions", EDITION)

    assert response.status_code == 201
    assert (await Edition.select(Edition.slug).first()) == {"slug": "rural-2027"}


async def test_edition_validation_errors_are_field_level(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_json("/api/v1/editions", {**EDITION, "slug": "Bad Slug", "tracks": ["moon"]})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "slug": "Use lower-case letters, digits and dashes, e.g. 2027 or serbia-2027.",
        "tracks": "Choose at least one track.",
    }


async def test_malformed_json_is_a_422_naming_the_field(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_json("/api/v1/editions", {**EDITION, "year": "next year"})

    assert response.status_code == 422
    assert "year" in str(response.json()["errors"])


async def test_only_organisers_create_editions(logged_in) -> None:
    staff = await logged_in(Role.MUNICIPALITY)

    response = await staff.post_json("/api/v1/editions", EDITION)

    assert response.status_code == 403


async def test_staff_draft_and_submit_problems_through_the_api(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])

    draft = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": town["id"], "title": "Bus stops"}
    )
    problem_id = draft.json()["id"]
    incomplete = await staff.post_json(f"/api/v1/problems/{problem_id}", {"title": "Bus stops", "submit": True})
    submitted = await staff.http.put(
        f"/api/v1/problems/{problem_id}",
        json={**COMPLETE_PROBLEM, "submit": True},
        headers={"x-csrftoken": await staff.csrf_token()},
    )
    mine = await staff.get("/api/v1/municipality/problems")

    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"
    assert incomplete.status_code == 405  # PUT is the verb for replacing a draft
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["sdgs"] == [6, 11]
    assert [p["id"] for p in mine.json()] == [problem_id]


async def test_incomplete_submission_through_the_api_names_every_missing_field(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])

    response = await staff.post_json(
        "/api/v1/problems",
        {
            "edition_id": edition["id"],
            "municipality_id": town["id"],
            "title": "Bus stops",
            "sdgs": [6, 99],
            "submit": True,
        },
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["sdgs"] == "SDG goals are numbered 1 to 17."
    assert errors["summary"] == "Required before submission."
    assert await Problem.count() == 0


async def test_organisers_review_through_the_api(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    organiser = await logged_in(Role.ORGANISER)
    created = await staff.post_json(
        "/api/v1/problems",
        {**COMPLETE_PROBLEM, "edition_id": edition["id"], "municipality_id": town["id"], "submit": True},
    )
    problem_id = created.json()["id"]

    by_staff = await staff.post_json(f"/api/v1/problems/{problem_id}/review", {"action": "publish"})
    published = await organiser.post_json(f"/api/v1/problems/{problem_id}/review", {"action": "publish"})
    twice = await organiser.post_json(f"/api/v1/problems/{problem_id}/review", {"action": "publish"})

    assert by_staff.status_code == 403
    assert published.status_code == 201
    assert published.json()["status"] == "published"
    assert twice.status_code == 409
    assert twice.json()["detail"] == "This problem is published; that action is not possible now."


async def test_staff_of_another_municipality_get_403(logged_in) -> None:
    edition, ours, theirs = await make_open_edition(), await make_municipality(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=ours["id"])

    response = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": theirs["id"], "title": "Not ours"}
    )

    assert response.status_code == 403
