"""Names and titles with invisible text-direction characters are refused, whichever way they arrive."""

from __future__ import annotations

import pytest

from challenge.tables import Municipality, Problem, Startup
from core.enums import Role
from core.tables import User
from tests.factories import COMPLETE_PROBLEM, make_edition_taking_applications, make_municipality, make_open_edition
from tests.web import field_error

MESSAGE = "Remove the invisible text-direction character from this text."
# "AgroSense" that a right-to-left override would display as "AgroSesne".
OVERRIDDEN = "AgroS\u202eens\u202ce"


@pytest.mark.parametrize("control", ["\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"])
async def test_a_person_name_with_a_direction_control_is_refused_at_sign_up(client, control) -> None:
    password = "a long passphrase 1"

    response = await client.post_form(
        "/signup",
        {
            "name": f"Ana{control} Petrović",
            "email": "ana@example.org",
            "password": password,
            "password_confirm": password,
        },
    )

    assert response.status_code == 422
    assert field_error(response.text, "name") == MESSAGE
    assert "ana@example.org" in response.text  # the rest of the input is kept
    assert await User.count() == 0


async def test_a_startup_name_with_a_direction_control_is_refused(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder = await logged_in(None)

    response = await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": OVERRIDDEN, "country": "Serbia", "city": "Niš"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "name") == MESSAGE
    assert await Startup.count() == 0


async def test_a_municipality_name_with_a_direction_control_is_refused(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_form(
        "/organiser/municipalities/",
        {"name": "Ivan\u202ejica", "region": "Moravica", "population": "4200", "kind": "rural"},
    )

    assert response.status_code == 422
    assert field_error(response.text, "name") == MESSAGE
    assert await Municipality.count() == 0


async def test_a_problem_title_with_a_direction_control_is_refused_in_the_multipart_form(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    form = {
        **COMPLETE_PROBLEM,
        "title": "Water\u2067 losses",
        "sdgs": ["6"],
        "open_data_links": "",
        "affected_count": "4200",
        "action": "save",
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
    }

    response = await staff.upload(
        "/municipality/problems/new", {"attachment": ("", b"", "application/octet-stream")}, form
    )

    assert response.status_code == 422
    assert field_error(response.text, "title") == MESSAGE
    assert await Problem.count() == 0


async def test_an_edition_name_with_a_direction_control_is_refused_in_json(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_json(
        "/api/v1/editions", {"name": "Smart\u202e 2027", "year": 2027, "slug": "2027", "tracks": ["smart_city"]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "status_code": 422,
        "detail": "Please correct the marked fields.",
        "errors": {"name": MESSAGE},
    }


async def test_a_direction_control_in_a_long_text_is_kept(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_form(
        "/organiser/municipalities/",
        {
            "name": "Ivanjica",
            "region": "Moravica",
            "population": "4200",
            "kind": "rural",
            "description": "\u05e9\u05dc\u05d5\u05dd \u200f(2026)",
        },
    )

    assert response.status_code == 302, response.text[:400]
