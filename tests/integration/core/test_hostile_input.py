"""Oversized fields and bodies, wrong JSON types, NUL characters and impossible ids: always a 4xx
naming the field, the rest of the input kept, never a 500 and never a silent truncation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from challenge.tables import Application, Comment, Edition, EligibilityQuestion, Problem, Startup
from core.clock import utc_now
from core.enums import Role
from core.tables import Membership, User
from hackathon.tables import Hackathon
from judging.tables import Criterion, JudgeAssignment
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile
from tests.factories import (
    make_edition,
    make_edition_taking_applications,
    make_municipality,
    make_open_edition,
    make_problem,
)
from tests.web import WebClient, field_error

TOO_LONG = "This is too long; please shorten it."
NUL = "Remove the invisible NUL character from this text."
TOO_LARGE = "This number is too large."
MB = 1024 * 1024


def over(name: str, limit: int) -> str:
    """A value one character over `limit`, unique to its field, and counted in characters (not bytes)."""
    return (f"{name}Ž·" * (limit // 3 + 2))[: limit + 1]


def errors_of(html: str, names: list[str]) -> dict[str, str | None]:
    return {name: field_error(html, name) for name in names}


async def put_json(client: WebClient, url: str, payload: Any) -> httpx.Response:
    return await client.http.put(url, json=payload, headers={"x-csrftoken": await client.csrf_token()})


async def send_raw(client: WebClient, method: str, url: str, body: bytes, content_type: str) -> httpx.Response:
    headers = {"content-type": content_type, "x-csrftoken": await client.csrf_token()}
    return await client.http.request(method, url, content=body, headers=headers)


# Problem intake ----------------------------------------------------------------------------------

PROBLEM_LIMITS = {
    "title": 200,
    "summary": 600,
    "context": 6000,
    "affected_groups": 1500,
    "tried_before": 4000,
    "data_available": 4000,
    "pilot_location": 300,
    "contact_name": 120,
}


async def _staff(logged_in) -> tuple[WebClient, dict, dict]:
    edition, town = await make_open_edition(), await make_municipality(name="Ivanjica")
    return await logged_in(Role.MUNICIPALITY, organisation_id=town["id"]), edition, town


async def test_every_overlong_problem_field_is_named_and_nothing_is_cut(logged_in) -> None:
    staff, edition, town = await _staff(logged_in)
    values = {name: over(name, limit) for name, limit in PROBLEM_LIMITS.items()}
    form = {
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
        "action": "save",
        "affected_count": "4200",
        "sdgs": ["6"],
        **values,
    }

    page = await staff.upload("/municipality/problems/new", {"attachment": ("", b"", "application/pdf")}, form)
    api = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": town["id"], **values}
    )

    assert page.status_code == 422
    assert errors_of(page.text, list(values)) == dict.fromkeys(values, TOO_LONG)
    assert [name for name, value in values.items() if value not in page.text] == []  # shown whole, to shorten
    assert 'value="4200"' in page.text
    assert api.status_code == 422
    assert api.json()["errors"] == dict.fromkeys(values, TOO_LONG)
    assert await Problem.count() == 0


async def test_a_problem_at_every_limit_is_saved_whole(logged_in) -> None:
    staff, edition, town = await _staff(logged_in)
    values = {name: over(name, limit)[:limit] for name, limit in PROBLEM_LIMITS.items()}

    response = await staff.post_json(
        "/api/v1/problems", {"edition_id": edition["id"], "municipality_id": town["id"], **values}
    )

    assert response.status_code == 201, response.text[:300]
    stored = await Problem.select(*(getattr(Problem, name) for name in values)).first()
    assert stored == values


# Startups and their applications --------------------------------------------------------------------

STARTUP_LIMITS = {
    "name": 200,
    "legal_form": 80,
    "country": 80,
    "city": 120,
    "website": 255,
    "sector": 120,
    "pitch": 1000,
}
APPLICATION_LIMITS = {"solution": 6000, "why_us": 4000, "traction": 4000, "pilot_plan": 6000, "impact": 4000}


async def registered_founder(logged_in) -> tuple[WebClient, dict, dict]:
    """A new user who registered a startup, in an edition taking applications with one problem."""
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    founder = await logged_in(None)
    registered = await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": "AgroSense", "country": "Serbia", "city": "Niš"}
    )
    assert registered.status_code == 302, registered.text[:300]
    return founder, edition, problem


async def _founder(logged_in) -> tuple[WebClient, dict, dict, int]:
    founder, edition, problem = await registered_founder(logged_in)
    question = (
        await EligibilityQuestion.insert(
            EligibilityQuestion(edition=edition["id"], text="Are you registered in Serbia?", kind="text", position=0)
        ).returning(EligibilityQuestion.id)
    )[0]["id"]
    return founder, edition, problem, question


async def test_every_overlong_startup_field_is_named_on_registration_and_profile(logged_in) -> None:
    founder, edition, _problem, _question = await _founder(logged_in)
    startup_id = (await Startup.select(Startup.id).first())["id"]
    values = {name: over(name, limit) for name, limit in STARTUP_LIMITS.items()}
    values["website"] = "https://" + over("website", 255 - 8)

    registered = await (await logged_in(None)).post_form(
        "/startup/register", {"edition_id": edition["id"], "title": over("title", 80), **values}
    )
    profile = await founder.post_form(f"/startup/{startup_id}/profile", values)

    assert registered.status_code == profile.status_code == 422
    assert errors_of(registered.text, [*values, "title"]) == dict.fromkeys([*values, "title"], TOO_LONG)
    assert errors_of(profile.text, list(values)) == dict.fromkeys(values, TOO_LONG)
    assert values["city"] in profile.text and values["pitch"] in profile.text
    assert await Startup.select(Startup.name).where(Startup.id == startup_id).first() == {"name": "AgroSense"}


async def test_every_overlong_application_field_is_named_and_the_rest_kept(logged_in) -> None:
    founder, edition, problem, question = await _founder(logged_in)
    values = {name: over(name, limit) for name, limit in APPLICATION_LIMITS.items()}
    values["video_url"] = "https://video.example/" + "v" * 500
    values[f"q{question}"] = over("answer", 2000)
    form = {
        "edition_id": str(edition["id"]),
        "track": "smart_rural",
        "action": "save",
        "sdgs": ["6"],
        "problems": [str(problem["id"])],
        **values,
    }

    page = await founder.upload("/startup/applications/new", {"pitch_deck": ("", b"", "application/pdf")}, form)
    api = await founder.post_json(
        "/api/v1/startup/applications",
        {
            "edition_id": edition["id"],
            "track": "smart_rural",
            **{k: v for k, v in values.items() if k[0] != "q"},
            "answers": {str(question): values[f"q{question}"]},
        },
    )

    assert page.status_code == 422
    assert errors_of(page.text, list(values)) == dict.fromkeys(values, TOO_LONG)
    assert [name for name, value in values.items() if value not in page.text] == []
    assert api.status_code == 422
    assert api.json()["errors"] == dict.fromkeys(values, TOO_LONG)
    assert await Application.count() == 0


# Mentors, judges, sessions, residents, accounts -----------------------------------------------------

MENTOR_PROFILE = {
    "organisation": "Mentor Co",
    "expertise": ["iot"],
    "languages": ["en"],
    "capacity": "2",
    "timezone": "Europe/Belgrade",
}


async def test_overlong_mentor_profile_fields_are_named_never_cut(logged_in) -> None:
    edition = await make_edition()
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"])
    url = f"/mentor/editions/{edition['id']}/profile"
    cases = {
        "bio": {"bio": over("bio", 2000)},
        "organisation": {"organisation": over("organisation", 200)},
        "sectors": {"sectors": f"water\n{over('sector', 80)}"},
        "conflict_organisations": {"conflict_organisations": f"City Hall\n{over('organisation', 200)}"},
    }

    errors, kept = {}, {}
    for name, overrides in cases.items():
        response = await mentor.post_form(url, {**MENTOR_PROFILE, **overrides})
        errors[name] = (response.status_code, field_error(response.text, name))
        kept[name] = next(iter(overrides.values())).splitlines()[-1] in response.text
    many = await mentor.post_form(url, {**MENTOR_PROFILE, "sectors": "\n".join(f"sector {n}" for n in range(11))})
    crowd = "\n".join(f"Organisation {n}" for n in range(51))
    crowded = await mentor.post_form(url, {**MENTOR_PROFILE, "conflict_organisations": crowd})
    api = await put_json(
        mentor,
        f"/api/v1/mentoring/profiles/{edition['id']}",
        {
            "expertise": ["iot"],
            "languages": ["en"],
            "capacity": 2,
            "bio": over("bio", 2000),
            "sectors": [over("sector", 80)],
            "conflict_organisations": [over("organisation", 200)],
        },
    )

    assert errors == {name: (422, TOO_LONG) for name in cases}
    assert kept == dict.fromkeys(cases, True)
    assert (many.status_code, field_error(many.text, "sectors")) == (422, "Give at most 10 sectors.")
    assert (crowded.status_code, field_error(crowded.text, "conflict_organisations")) == (
        422,
        "Give at most 50 organisations.",
    )
    assert api.status_code == 422
    assert api.json()["errors"] == dict.fromkeys(["bio", "sectors", "conflict_organisations"], TOO_LONG)
    assert await MentorProfile.count() == 0


async def _session(logged_in) -> tuple[WebClient, int]:
    """A booked mentoring session, and its mentor signed in."""
    edition = await make_edition()
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"])
    startup = (await Startup.insert(Startup(name="AgroSense", country="Serbia", city="Niš")).returning(Startup.id))[0]
    application = (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup["id"],
                track="smart_rural",
                status="accepted",
                active_key=f"{edition['id']}:{startup['id']}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]
    match = (
        await Match.insert(
            Match(
                edition=edition["id"],
                mentor=mentor.user["id"],
                application=application,
                startup=startup["id"],
                status="published",
                key=f"{mentor.user['id']}:{application}",
            )
        ).returning(Match.id)
    )[0]["id"]
    starts = utc_now() + timedelta(days=3)
    slot = (
        await MentoringSlot.insert(
            MentoringSlot(
                mentor=mentor.user["id"],
                edition=edition["id"],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                status="booked",
                location="Room 4",
            )
        ).returning(MentoringSlot.id)
    )[0]["id"]
    session = (
        await MentoringSession.insert(
            MentoringSession(
                slot=slot,
                match=match,
                mentor=mentor.user["id"],
                startup=startup["id"],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                active_key=str(slot),
            )
        ).returning(MentoringSession.id)
    )[0]["id"]
    return mentor, session


async def test_overlong_session_notes_are_named_and_kept(logged_in) -> None:
    mentor, session = await _session(logged_in)
    notes = over("notes", 20_000)

    page = await mentor.post_form(f"/mentor/sessions/{session}/notes", {"notes": notes})
    api = await put_json(mentor, f"/api/v1/mentoring/sessions/{session}/notes", {"notes": notes})

    assert (page.status_code, field_error(page.text, "notes")) == (422, TOO_LONG)
    assert notes in page.text
    assert (api.status_code, api.json()["errors"]) == (422, {"notes": TOO_LONG})
    assert (await MentoringSession.select(MentoringSession.notes).first())["notes"] == ""


async def _assignment(logged_in) -> tuple[WebClient, int, int]:
    """A judge with one assignment in an open one-criterion round."""
    edition = await make_edition()
    startup = (await Startup.insert(Startup(name="AgroSense", country="Serbia", city="Niš")).returning(Startup.id))[0]
    await Application.insert(
        Application(
            edition=edition["id"],
            startup=startup["id"],
            track="smart_city",
            status="submitted",
            solution="Sensors.",
            active_key=f"{edition['id']}:{startup['id']}:smart_city",
        )
    )
    organiser = await logged_in(Role.ORGANISER)
    judge = await logged_in(Role.JUDGE, edition_id=edition["id"])
    created = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {
            "name": "Screening",
            "method": "weighted_rubric",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "1",
            "normalisation": "judge_offset",
        },
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    rubric = {
        "criteria-0-name": "Impact",
        "criteria-0-weight": "1",
        "criteria-0-scale_min": "1",
        "criteria-0-scale_max": "10",
    }
    for step, data in (("rubric", rubric), ("open", {}), ("assign", {})):
        assert (await organiser.post_form(f"/organiser/rounds/{round_id}/{step}", data)).status_code == 302
    assignment = (await JudgeAssignment.select(JudgeAssignment.id).first())["id"]
    criterion = (await Criterion.select(Criterion.id).first())["id"]
    return judge, assignment, criterion


async def test_an_overlong_judge_comment_is_named_and_the_score_kept(logged_in) -> None:
    judge, assignment, criterion = await _assignment(logged_in)
    comment = over("comment", 2000)

    page = await judge.post_form(
        f"/judge/assignments/{assignment}", {f"c{criterion}": "7", f"c{criterion}_comment": comment, "action": "save"}
    )
    api = await put_json(
        judge,
        f"/api/v1/judging/assignments/{assignment}/sheet",
        {"values": {str(criterion): 7}, "comments": {str(criterion): comment}},
    )

    assert page.status_code == 422
    assert field_error(page.text, f"c{criterion}_comment") == "Use at most 2000 characters."
    assert comment in page.text and 'value="7"' in page.text
    assert (api.status_code, api.json()["errors"]) == (422, {f"c{criterion}_comment": "Use at most 2000 characters."})


async def test_overlong_comment_and_signup_fields_are_named(logged_in, client) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"])
    resident = await logged_in(None)
    body = over("comment", 2000)

    comment = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": body})
    signup = await client.post_form(
        "/signup",
        {
            "email": "a" * 250 + "@example.org",
            "name": over("name", 120),
            "password": "p" * 257,
            "password_confirm": "p" * 257,
        },
    )

    assert (comment.status_code, field_error(comment.text, "body")) == (
        422,
        "Please keep comments under 2,000 characters.",
    )
    assert body in comment.text
    assert signup.status_code == 422
    assert {name: field_error(signup.text, name) is not None for name in ("email", "name", "password")} == {
        "email": True,
        "name": True,
        "password": True,
    }
    assert field_error(signup.text, "name") == "Please shorten the name to 120 characters."
    assert await User.count() == 1


async def test_overlong_edition_texts_are_named_not_cut(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    texts = {name: over(name, 20_000) for name in ("description", "prize_text", "programme_text")}

    response = await organiser.post_form(
        "/organiser/editions/new",
        {
            "name": "Challenge 2027",
            "slug": "c-2027",
            "year": "2027",
            "timezone": "Europe/Belgrade",
            "tracks": ["smart_city"],
            "starts_problem_intake": "2027-01-10T09:00",
            **texts,
        },
    )

    assert response.status_code == 422
    assert errors_of(response.text, list(texts)) == dict.fromkeys(texts, TOO_LONG)
    assert await Edition.count() == 0


async def test_overlong_moderation_reason_and_question_choices_are_named(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"])
    resident, organiser = await logged_in(None), await logged_in(Role.ORGANISER)
    await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "Fix the pipes first."})
    comment = (await Comment.select(Comment.id).first())["id"]
    reason = over("reason", 500)
    choices = "\n".join(over(f"choice {n}", 200) for n in range(20))

    hidden = await organiser.post_form(f"/comments/{comment}/hide", {"reason": reason})
    asked = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/questions",
        {"text": "Which region do you work in?", "kind": "choice", "choices": choices},
    )

    assert (hidden.status_code, field_error(hidden.text, f"reason-{comment}")) == (422, TOO_LONG)
    assert reason in hidden.text
    assert (asked.status_code, field_error(asked.text, "choices")) == (422, TOO_LONG)
    assert "Which region do you work in?" in asked.text
    assert (await Comment.select(Comment.hidden).first())["hidden"] is False
    assert await EligibilityQuestion.count() == 0


# Huge bodies -----------------------------------------------------------------------------------------


async def test_ten_megabytes_of_form_or_json_is_refused_with_413(logged_in) -> None:
    staff, edition, town = await _staff(logged_in)
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
    staff, edition, town = await _staff(logged_in)
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
    ]

    results = []
    for method, url, payload, _answer in cases:
        headers = {"x-csrftoken": await person.csrf_token()}
        response = await person.http.request(method, url, json=payload, headers=headers)
        results.append((method, url, response.status_code, response.json().get("errors")))

    assert results == [(method, url, 422, answer) for method, url, _payload, answer in cases]


# NUL characters and impossible ids: the same answer on SQLite and PostgreSQL ----------------------------


async def test_a_nul_character_is_named_beside_its_field_on_every_kind_of_input(logged_in) -> None:
    staff, edition, town = await _staff(logged_in)
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
    api_search = await staff.get(f"/api/v1/editions/{edition['slug']}/problems?q=snow%00")

    assert (comment.status_code, field_error(comment.text, "body")) == (422, NUL)
    assert "Good" in comment.text
    assert (multipart.status_code, field_error(multipart.text, "title")) == (422, NUL)
    assert 'value="Snow clearing"' in multipart.text and "Forty kilometres of gravel." in multipart.text
    assert (as_json.status_code, as_json.json()["errors"]) == (422, {"title": NUL})
    assert search.status_code == 422
    assert (api_search.status_code, api_search.json()["errors"]) == (422, {"q": NUL})
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
    ]

    statuses = {url: (await organiser.get(url)).status_code for url in urls}
    booked = await organiser.post_form("/startup/mentoring/book", {"match_id": huge, "slot_id": huge})

    assert statuses == dict.fromkeys(urls, 404)
    assert booked.status_code == 404
