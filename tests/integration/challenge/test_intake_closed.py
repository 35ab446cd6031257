"""The municipality's problem form while intake is closed: said before the form, with when it
closed or opens next, and every refusal naming its real cause."""

from __future__ import annotations

from datetime import timedelta

from challenge.tables import Problem
from core.clock import utc_now
from core.enums import Role
from tests.factories import COMPLETE_PROBLEM, make_edition, make_municipality, make_open_edition, set_timeline
from tests.web import WebClient, field_error

NO_FILE = {"attachment": ("", b"", "application/octet-stream")}


def _form(**fields: object) -> dict:
    return {
        **COMPLETE_PROBLEM,
        "sdgs": ["6"],
        "open_data_links": "",
        "affected_count": "4200",
        "action": "save",
        **fields,
    }


async def _staff(logged_in, municipality: dict) -> WebClient:
    return await logged_in(Role.MUNICIPALITY, organisation_id=municipality["id"])


async def _closed_edition(name: str = "Water Challenge") -> dict:
    edition = await make_edition(name=name)
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=40), applications=now - timedelta(days=10))
    return edition


async def test_while_intake_is_closed_the_form_is_replaced_by_what_closed_and_when(logged_in) -> None:
    await _closed_edition()
    town = await make_municipality(name="Novi Sad")
    staff = await _staff(logged_in, town)

    form = (await staff.get(f"/municipality/problems/new?municipality_id={town['id']}")).text
    home = (await staff.get("/municipality")).text

    for page in (form, home):
        assert "Problem intake is closed: no edition is taking new problems now." in page
        assert "The last intake closed on" in page and "the next one is not announced yet" in page
    assert 'name="title"' not in form and "Submit to the organisers" not in form
    assert "Choose the municipality." not in form


async def test_a_post_while_intake_is_closed_says_so_and_keeps_the_input(logged_in) -> None:
    await _closed_edition()
    town = await make_municipality(name="Novi Sad")
    staff = await _staff(logged_in, town)

    response = await staff.upload(
        "/municipality/problems/new", NO_FILE, _form(municipality_id=str(town["id"]), title="Buses stuck in traffic")
    )

    assert response.status_code == 409
    assert "Problem intake is closed: no edition is taking new problems now." in response.text
    assert "Choose the municipality." not in response.text
    assert field_error(response.text, "municipality_id") is None
    assert 'value="Buses stuck in traffic"' in response.text
    assert await Problem.count() == 0


async def test_an_edition_not_open_yet_says_when_intake_opens(logged_in) -> None:
    edition = await make_edition(name="Water Challenge 2027")
    await set_timeline(edition["id"], problem_intake=utc_now() + timedelta(days=20))
    town = await make_municipality()
    staff = await _staff(logged_in, town)

    form = (await staff.get(f"/municipality/problems/new?edition_id={edition['id']}&municipality_id={town['id']}")).text

    assert "Problem intake opens on" in form and "you can write a draft now and submit it from then" in form
    assert 'name="title"' in form


async def test_a_missing_edition_or_municipality_is_named_as_such(logged_in) -> None:
    edition = await make_open_edition()
    town = await make_municipality()
    staff = await _staff(logged_in, town)

    no_edition = await staff.upload("/municipality/problems/new", NO_FILE, _form(municipality_id=str(town["id"])))
    no_town = await staff.upload("/municipality/problems/new", NO_FILE, _form(edition_id=str(edition["id"])))

    assert no_edition.status_code == 422 and no_town.status_code == 422
    assert field_error(no_edition.text, "edition_id") == "Choose the edition."
    assert field_error(no_edition.text, "municipality_id") is None
    assert field_error(no_town.text, "municipality_id") == "Choose the municipality."
    assert field_error(no_town.text, "edition_id") is None


async def test_a_closed_edition_chosen_by_id_is_refused_before_any_field_error(logged_in) -> None:
    edition = await _closed_edition()
    town = await make_municipality()
    staff = await _staff(logged_in, town)

    response = await staff.upload(
        "/municipality/problems/new",
        NO_FILE,
        _form(edition_id=str(edition["id"]), municipality_id=str(town["id"]), summary="", affected_count="many"),
    )

    assert response.status_code == 409
    assert "Problem intake for Water Challenge closed on" in response.text
    assert field_error(response.text, "affected_count") is None
