"""Huge bodies, wrong JSON types, NUL characters and impossible ids: always a 4xx naming the field,
the rest of the input kept, never a 500."""

from __future__ import annotations

from datetime import timedelta

import httpx

from challenge.tables import Problem
from core.clock import utc_now
from core.enums import Role
from core.tables import Membership
from hackathon.tables import Hackathon
from mentoring.tables import MentorProfile
from tests.factories import make_edition, make_problem
from tests.integration.core.hostile_requests import put_json, signed_in_staff
from tests.web import WebClient, field_error

NUL = "Remove the invisible NUL character from this text."
TOO_LARGE = "This number is too large."
MB = 1024 * 1024


async def send_raw(client: WebClient, method: str, url: str, body: bytes, content_type: str) -> httpx.Response:
    headers = {"content-type": content_type, "x-csrftoken": await client.csrf_token()}
    return await client.http.request(method, url, content=body, headers=headers)


# Huge bodies -----------------------------------------------------------------------------------------


async def test_ten_megabytes_of_form_or_json_is_refused_with_413(logged_in) -> None:
    staff, edition, town = await signed_in_staff(logged_in)
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"])
    token = await staff.csrf_token()
    padding = "x" * (10 * MB)

    urlencoded = await staff.http.post(
        f"/problems/{problem['id']}/comments", data={"body": padding, "_csrf_token": token}
    )
    as_json = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": town["id"], "title": padding}
    )
    multipart = await staff.upload(
        "/municipality/problems/new",
        {"attachment": ("", b"", "application/pdf")},
        {
            "edition_id": str(edition["id"]),
            "municipality_id": str(town["id"]),
            "title": "Snow clearing",
            "context": padding,
            "action": "save",
        },
    )

    assert (urlencoded.status_code, as_json.status_code) == (413, 413)
    # A multipart form streams: the one oversized field is refused beside it, the others are kept.
    assert (multipart.status_code, field_error(multipart.text, "context")) == (422, "This field is too long.")
    assert 'value="Snow clearing"' in multipart.text
    assert await Problem.count() == 1


# Wrong types in JSON ----------------------------------------------------------------------------------


async def test_wrong_json_types_are_422_and_unparseable_json_400_with_the_reason(logged_in) -> None:
    staff, edition, town = await signed_in_staff(logged_in)
    base = {"edition_id": edition["id"], "municipality_id": town["id"], "title": "Snow clearing"}
    cases = {
        "string for int": ({**base, "affected_count": "many"}, {"affected_count": "Expected `int | null`, got `str`"}),
        "nested object": ({**base, "title": {"a": {"b": [1]}}}, {"title": "Expected `str`, got `object`"}),
        "float for int": ({**base, "edition_id": 1.5}, {"edition_id": "Expected `int`, got `float`"}),
        "list of strings": ({**base, "sdgs": ["six"]}, {"sdgs[0]": "Expected `int`, got `str`"}),
        "huge integer": ({**base, "edition_id": 2**40}, {"edition_id": TOO_LARGE}),
        "huger integer": ({**base, "sdgs": [6, 10**30]}, {"sdgs[1]": TOO_LARGE}),
        "array at the top": ([base], {"data": "Expected `object`, got `array`"}),
        "null title": ({**base, "title": None}, {"title": "Expected `str`, got `null`"}),
    }

    unparseable = {
        "NaN": b'{"title": NaN}',
        "Infinity": b'{"title": "x", "affected_count": Infinity}',
        "1e999": b'{"title": "x", "affected_count": 1e999}',
        "truncated": b'{"title": "x"',
        "not UTF-8": b'{"title": "\xed\xa0\x80"}',
        "lone surrogate": b'{"title": "\\ud800"}',
        "nested 33 deep": b'{"title": ' + b"[" * 33 + b"]" * 33 + b"}",
    }
    too_large = {
        "deep nesting": b"[" * 100_000 + b"]" * 100_000,
        "a million values": b"[" + b"0," * 1_000_000 + b"0]",
    }

    results, reasons = {}, {}
    for what, (payload, _expected) in cases.items():
        response = await staff.post_json("/api/v1/problems", payload)
        results[what] = (response.status_code, response.json().get("errors"))
    for what, body in unparseable.items():
        response = await send_raw(staff, "POST", "/api/v1/problems", body, "application/json")
        reasons[what] = (response.status_code, bool(response.json()["detail"]))
    for what, body in too_large.items():
        response = await send_raw(staff, "POST", "/api/v1/problems", body, "application/json")
        reasons[what] = (response.status_code, bool(response.json()["detail"]))

    assert results == {what: (422, expected) for what, (_payload, expected) in cases.items()}
    assert reasons == dict.fromkeys(unparseable, (400, True)) | dict.fromkeys(too_large, (413, True))
    assert await Problem.count() == 0


async def test_every_json_api_names_the_wrongly_typed_field(logged_in) -> None:
    edition = await make_edition()
    person = await logged_in(Role.MENTOR, edition_id=edition["id"])
    for role in (Role.JUDGE, Role.STARTUP, Role.ORGANISER):
        await Membership.insert(Membership(user=person.user["id"], role=role, edition_id=edition["id"]))
    profile = {"expertise": ["iot"], "languages": ["en"], "capacity": 2}
    edition_in = {"name": "X", "slug": "x", "timezone": "UTC", "tracks": ["smart_city"]}
    pilot = {"application_id": 1, "problem_id": 1, "scope": "Sensors", "locations": ["Ivanjica"]}
    pilot |= {"starts_on": "2027-03-01", "ends_on": "2027-09-01"}
    cases = [  # (method, url, body, the answer: status and errors)
        (
            "PUT",
            f"/api/v1/mentoring/profiles/{edition['id']}",
            {**profile, "expertise": "iot"},
            {"expertise": "Expected `array`, got `str`"},
        ),
        (
            "PUT",
            f"/api/v1/mentoring/profiles/{edition['id']}",
            {**profile, "capacity": {"n": 2}},
            {"capacity": "Expected `int`, got `object`"},
        ),
        (
            "PUT",
            "/api/v1/judging/assignments/1/sheet",
            {"values": {"1": "eight"}},
            {"values[...]": "Expected `int`, got `str`"},
        ),
        (
            "POST",
            "/api/v1/mentoring/sessions",
            {"slot_id": "one", "match_id": 1},
            {"slot_id": "Expected `int`, got `str`"},
        ),
        ("PUT", "/api/v1/mentoring/sessions/1/rating", {"rating": 10**20}, {"rating": TOO_LARGE}),
        (
            "POST",
            "/api/v1/startup/applications",
            {"edition_id": edition["id"], "problems": [[1]]},
            {"problems[0]": "Expected `int`, got `array`"},
        ),
        (
            "POST",
            "/api/v1/organiser/applications/status",
            {"ids": "all", "status": "accepted"},
            {"ids": "Expected `array`, got `str`"},
        ),
        ("POST", "/api/v1/editions", {**edition_in, "year": "next year"}, {"year": "Expected `int`, got `str`"}),
        (
            "POST",
            "/api/v1/editions",
            {**edition_in, "year": 2027, "timeline": {"applications": "soon"}},
            {"timeline[...]": "Invalid RFC3339 encoded datetime"},
        ),
        ("POST", "/api/v1/pilots", {**pilot, "locations": "Ivanjica"}, {"locations": "Expected `array`, got `str`"}),
        ("POST", "/api/v1/pilots", {**pilot, "budget_eur": 10**20}, {"budget_eur": TOO_LARGE}),
        ("POST", "/api/v1/pilots", {**pilot, "ends_on": "next spring"}, {"ends_on": "Invalid RFC3339 encoded date"}),
        ("POST", "/api/v1/pilots", {**pilot, "procurement": "gift"}, {"procurement": "Invalid enum value 'gift'"}),
    ]

    results = []
    for method, url, payload, _answer in cases:
        headers = {"x-csrftoken": await person.csrf_token()}
        response = await person.http.request(method, url, json=payload, headers=headers)
        results.append((method, url, response.status_code, response.json().get("errors")))

    assert results == [(method, url, 422, answer) for method, url, _payload, answer in cases]


# NUL characters and impossible ids: the same answer on SQLite and PostgreSQL ----------------------------


async def test_a_nul_character_is_named_beside_its_field_on_every_kind_of_input(logged_in) -> None:
    staff, edition, town = await signed_in_staff(logged_in)
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"])

    comment = await staff.post_form(f"/problems/{problem['id']}/comments", {"body": "Good\x00 idea"})
    multipart = await staff.upload(
        "/municipality/problems/new",
        {"attachment": ("", b"", "application/pdf")},
        {
            "edition_id": str(edition["id"]),
            "municipality_id": str(town["id"]),
            "title": "Snow\x00 clearing",
            "context": "Forty kilometres of gravel.",
            "action": "save",
        },
    )
    as_json = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": town["id"], "title": "Snow\x00"}
    )
    search = await staff.get("/problems?q=snow%00")
    organiser = await logged_in(Role.ORGANISER)
    pilot = await organiser.post_json(
        "/api/v1/pilots",
        {"application_id": 1, "problem_id": 1, "scope": "Sen\x00sors", "locations": ["Ivanjica"]}
        | {"starts_on": "2027-03-01", "ends_on": "2027-09-01"},
    )
    pilot_form = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/pilots/", {"target": "1:1", "scope": "Sen\x00sors", "funded_by": "Town"}
    )
    api_search = await staff.get(f"/api/v1/editions/{edition['slug']}/problems?q=snow%00")

    assert (comment.status_code, field_error(comment.text, "body")) == (422, NUL)
    assert "Good" in comment.text
    assert (multipart.status_code, field_error(multipart.text, "title")) == (422, NUL)
    assert 'value="Snow clearing"' in multipart.text and "Forty kilometres of gravel." in multipart.text
    assert (as_json.status_code, as_json.json()["errors"]) == (422, {"title": NUL})
    assert search.status_code == 422
    assert (api_search.status_code, api_search.json()["errors"]) == (422, {"q": NUL})
    assert (pilot.status_code, pilot.json()["errors"]) == (422, {"scope": NUL})
    assert (pilot_form.status_code, field_error(pilot_form.text, "scope")) == (422, NUL)
    assert 'value="Town"' in pilot_form.text
    assert await Problem.count() == 1


async def test_times_at_the_ends_of_the_calendar_are_field_errors_never_a_500(logged_in) -> None:
    edition = await make_edition()
    organiser = await logged_in(Role.ORGANISER)
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"])
    await MentorProfile.insert(
        MentorProfile(
            user=mentor.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{mentor.user['id']}",
            timezone="Pacific/Pago_Pago",
            expertise=["iot"],
            languages=["en"],
            capacity=2,
        )
    )
    now = utc_now()
    hackathon = (
        await Hackathon.insert(
            Hackathon(edition=edition["id"], name="Demo day", starts_at=now, ends_at=now + timedelta(hours=4))
        ).returning(Hackathon.id)
    )[0]["id"]
    # The last minute of 9999 west of UTC, and the first of year 1 east of it, have no UTC instant.
    last, first = "9999-12-31T23:59", "0001-01-01T00:00"

    created = await organiser.post_form(
        "/organiser/editions/new",
        {
            "name": "Far future",
            "slug": "far",
            "year": "2027",
            "timezone": "Pacific/Pago_Pago",
            "tracks": ["smart_city"],
            "starts_problem_intake": last,
        },
    )
    round_ = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {
            "name": "Screening",
            "method": "weighted_rubric",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "1",
            "normalisation": "judge_offset",
            "opens_at": first,
        },
    )
    event = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/hackathons/",
        {"name": "Far", "timezone": "Pacific/Pago_Pago", "starts_at": last, "ends_at": last},
    )
    slot = await mentor.post_json(
        "/api/v1/mentoring/slots",
        {"edition_id": edition["id"], "starts_at": f"{last}:00", "ends_at": f"{last}:30", "location": "Room 4"},
    )
    moved = await put_json(organiser, f"/api/v1/hackathons/{hackathon}/items/1", {"starts_at": f"{first}:00+05:00"})

    assert (created.status_code, field_error(created.text, "starts_problem_intake")) == (422, "Give a date and time.")
    assert (round_.status_code, field_error(round_.text, "opens_at")) == (
        422,
        "Give a date and time, e.g. 2027-05-10 09:00.",
    )
    assert (event.status_code, field_error(event.text, "starts_at")) == (422, "Give a date and time.")
    assert (slot.status_code, slot.json()["errors"]) == (
        422,
        {"starts_at": "Give a date and time.", "ends_at": "Give a date and time."},
    )
    assert (moved.status_code, moved.json().get("errors")) == (422, {"starts_at": "Give a date and time."})


async def test_ids_beyond_any_row_are_not_found_never_a_500(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    huge, huger = "99999999999", "9" * 30
    urls = [
        f"/problems/{huge}",
        f"/api/v1/problems/{huge}",
        f"/files/{huge}",
        f"/organiser/rounds/{huge}",
        f"/hackathons/{huge}",
        f"/problems/{huger}",
        f"/organiser/editions/{huge}/applications",
        f"/startup/register?edition_id={huge}",
        f"/api/v1/judging/rounds/{huge}/ranking",
        f"/pilots/{huge}",
        f"/api/v1/pilots/{huge}",
        f"/pilots/{huger}",
        f"/pilots/{huge}/work",
        f"/api/v1/pilots/{huge}/agreement",
        f"/organiser/editions/{huge}/pilots",
    ]

    statuses = {url: (await organiser.get(url)).status_code for url in urls}
    booked = await organiser.post_form("/startup/mentoring/book", {"match_id": huge, "slot_id": huge})

    assert statuses == dict.fromkeys(urls, 404)
    assert booked.status_code == 404
