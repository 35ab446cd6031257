"""Oversized fields: the answer names each one, the rest of the input is kept, never a 500 and
never a silent truncation."""

from __future__ import annotations

from datetime import timedelta

from challenge.tables import Application, Comment, Edition, EligibilityQuestion, Problem, Startup
from core.clock import utc_now
from core.enums import Role
from core.tables import User
from judging.tables import Criterion, JudgeAssignment
from mentoring.tables import MentoringSession, MentoringSlot, MentorProfile
from tests.factories import (
    make_edition,
    make_edition_taking_applications,
    make_municipality,
    make_open_edition,
    make_problem,
)
from tests.integration.core.hostile_requests import put_json, signed_in_staff
from tests.integration.core.mentoring_rows import make_accepted_application, make_published_match
from tests.web import WebClient, field_error

TOO_LONG = "This is too long; please shorten it."


def over(name: str, limit: int) -> str:
    """A value one character over `limit`, unique to its field, and counted in characters (not bytes)."""
    return (f"{name}Ž·" * (limit // 3 + 2))[: limit + 1]


def errors_of(html: str, names: list[str]) -> dict[str, str | None]:
    return {name: field_error(html, name) for name in names}


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


async def test_every_overlong_problem_field_is_named_and_nothing_is_cut(logged_in) -> None:
    staff, edition, town = await signed_in_staff(logged_in)
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
    staff, edition, town = await signed_in_staff(logged_in)
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
    application = await make_accepted_application(edition["id"], startup["id"])
    match = await make_published_match(
        edition_id=edition["id"], mentor_id=mentor.user["id"], application_id=application, startup_id=startup["id"]
    )
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
