"""Problem intake over HTTP: drafts, submission, review, and every kind of bad input."""

from __future__ import annotations

from datetime import timedelta

from challenge.tables import Problem, ProblemAttachment, ProblemEvent
from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage, StoredFile
from tests.factories import COMPLETE_PROBLEM, make_municipality, make_open_edition, set_timeline
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 600


def _form(edition_id: int | None = None, municipality_id: int | None = None, **overrides: object) -> dict:
    data: dict = {
        **COMPLETE_PROBLEM,
        "sdgs": [str(goal) for goal in COMPLETE_PROBLEM["sdgs"]],
        "open_data_links": "\n".join(COMPLETE_PROBLEM["open_data_links"]),
        "affected_count": str(COMPLETE_PROBLEM["affected_count"]),
        "action": "save",
    }
    if edition_id is not None:
        data["edition_id"] = str(edition_id)
        data["municipality_id"] = str(municipality_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


async def _staff(logged_in, municipality: dict) -> WebClient:
    return await logged_in(Role.MUNICIPALITY, organisation_id=municipality["id"])


async def _post(client: WebClient, url: str, data: dict, attachment: tuple[str, bytes, str] | None = None):
    files = {"attachment": attachment} if attachment else {"attachment": ("", b"", "application/octet-stream")}
    return await client.upload(url, files, data)


async def test_a_draft_needs_only_a_title_and_keeps_what_was_typed(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality(name="Ivanjica")
    staff = await _staff(logged_in, town)

    response = await _post(
        staff,
        "/municipality/problems/new",
        {
            "edition_id": edition["id"],
            "municipality_id": town["id"],
            "title": "Snow clearing on village roads",
            "action": "save",
        },
    )

    assert response.status_code == 302
    problem = await Problem.select().where(Problem.title == "Snow clearing on village roads").first()
    assert (problem["status"], problem["municipality"]) == ("draft", town["id"])
    assert response.headers["location"] == f"/municipality/problems/{problem['id']}"


async def test_submitting_an_incomplete_problem_lists_every_missing_field(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)

    response = await _post(
        staff,
        "/municipality/problems/new",
        _form(edition["id"], town["id"], summary="", context="", sdgs=None, action="submit"),
    )

    assert response.status_code == 422
    assert field_error(response.text, "summary") == "Required before submission."
    assert field_error(response.text, "context") == "Required before submission."
    assert "Required before submission." in response.text  # the SDG group
    assert "Drinking water losses in village networks" in response.text  # the title typed is kept
    assert await Problem.count() == 0


async def test_unknown_sdg_numbers_are_refused_beside_the_field(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)

    response = await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], sdgs=["6", "18"]))

    assert response.status_code == 422
    assert "SDG goals are numbered 1 to 17." in response.text
    assert 'value="Drinking water losses in village networks"' in response.text


async def test_wrong_type_attachment_is_refused_and_nothing_is_lost(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)

    response = await _post(
        staff, "/municipality/problems/new", _form(edition["id"], town["id"]), ("map.pdf", EXE, "application/pdf")
    )

    assert response.status_code == 422
    assert field_error(response.text, "attachment") == (
        "“map.pdf” contains an EXE file, whatever its name says. Accepted: JPEG image, PDF, PNG image, WebP image."
    )
    assert 'value="Kušići and Bratljevo"' in response.text
    assert "Monthly pumping volumes since 2019." in response.text
    assert await StoredFile.count() == 0


async def test_oversized_attachment_is_refused(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    big = PDF + b"0" * (10 * 1024 * 1024)

    response = await _post(
        staff, "/municipality/problems/new", _form(edition["id"], town["id"]), ("plan.pdf", big, "application/pdf")
    )

    assert response.status_code == 422
    assert field_error(response.text, "attachment") == "The file is larger than 10 MB."


async def test_an_upload_with_an_invalid_form_is_kept_until_the_problem_is_saved(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)

    first = await _post(
        staff,
        "/municipality/problems/new",
        _form(edition["id"], town["id"], affected_count="many"),
        ("network.pdf", PDF, "application/pdf"),
    )
    file_id = (await StoredFile.select(StoredFile.id).first())["id"]
    second = await _post(
        staff, "/municipality/problems/new", _form(edition["id"], town["id"], pending_attachment=str(file_id))
    )

    assert first.status_code == 422
    assert f'name="pending_attachment" value="{file_id}"' in first.text
    assert second.status_code == 302
    attached = await ProblemAttachment.select(ProblemAttachment.file).first()
    assert attached == {"file": file_id}


async def test_staff_cannot_edit_another_municipalitys_problem(logged_in) -> None:
    edition, ours, theirs = await make_open_edition(), await make_municipality(), await make_municipality()
    their_staff, our_staff = await _staff(logged_in, theirs), await _staff(logged_in, ours)
    await _post(their_staff, "/municipality/problems/new", _form(edition["id"], theirs["id"]))
    problem_id = (await Problem.select(Problem.id).first())["id"]

    view = await our_staff.get(f"/municipality/problems/{problem_id}")
    edit = await _post(our_staff, f"/municipality/problems/{problem_id}/edit", _form(title="Hijacked"))
    create_for_them = await _post(our_staff, "/municipality/problems/new", _form(edition["id"], theirs["id"]))

    assert (view.status_code, edit.status_code, create_for_them.status_code) == (403, 403, 403)
    assert (await Problem.select(Problem.title).first())["title"] == COMPLETE_PROBLEM["title"]


async def test_submitting_after_intake_closed_is_a_clear_409_and_the_draft_stays(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"]))
    problem_id = (await Problem.select(Problem.id).first())["id"]
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=10), applications=now - timedelta(minutes=5))

    response = await _post(staff, f"/municipality/problems/{problem_id}/edit", _form(action="submit"))

    assert response.status_code == 409
    assert "Problem intake closed on" in response.text
    assert "the problem was kept as a draft" in response.text
    assert (await Problem.select(Problem.status).first())["status"] == "draft"


async def test_new_problems_cannot_be_started_after_intake(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=10), applications=now - timedelta(days=1))

    response = await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"]))

    assert response.status_code == 409
    assert f"Problem intake for {edition['name']} closed on" in response.text
    assert "new problems cannot be added" in response.text


async def test_review_round_trip_is_audited_and_mailed(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    organiser = await logged_in(Role.ORGANISER)
    await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], action="submit"))
    problem_id = (await Problem.select(Problem.id).first())["id"]

    no_comment = await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "request_changes"})
    asked = await organiser.post_form(
        f"/organiser/problems/{problem_id}/review",
        {"action": "request_changes", "comment": "Please add last year's water bills."},
    )
    seen = await staff.get(f"/municipality/problems/{problem_id}")
    resubmitted = await _post(
        staff, f"/municipality/problems/{problem_id}/edit", _form(tried_before="Bills attached.", action="submit")
    )
    published = await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})
    again = await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})

    assert no_comment.status_code == 422
    assert field_error(no_comment.text, "comment") == "Tell the municipality what to change."
    assert asked.status_code == 302
    assert "Please add last year&#39;s water bills." in seen.text
    assert resubmitted.status_code == 302
    assert published.status_code == 302
    assert again.status_code == 409
    events = (
        await ProblemEvent.select(ProblemEvent.to_status)
        .where(ProblemEvent.problem == problem_id)
        .order_by(ProblemEvent.id)
    )
    assert [e["to_status"] for e in events] == [
        "draft",
        "submitted",
        "changes_requested",
        "submitted",
        "published",
    ]
    actions = await AuditEvent.select(AuditEvent.action).where(AuditEvent.entity == "problem").order_by(AuditEvent.id)
    assert [a["action"] for a in actions] == [
        "problem.drafted",
        "problem.submit",
        "problem.request_changes",
        "problem.edited",
        "problem.submit",
        "problem.publish",
    ]
    mailed = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.subject).order_by(OutboxMessage.id)
    staff_mail = [m["subject"] for m in mailed if m["to_address"] == staff.user["email"]]
    assert staff_mail == [
        f"Problem “{COMPLETE_PROBLEM['title']}”: changes requested",
        f"Problem “{COMPLETE_PROBLEM['title']}”: published",
    ]


async def test_municipality_staff_cannot_review(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], action="submit"))
    problem_id = (await Problem.select(Problem.id).first())["id"]

    response = await staff.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})

    assert response.status_code == 403
    assert (await Problem.select(Problem.status).first())["status"] == "submitted"


async def test_attachments_are_public_once_the_problem_is_published(logged_in, client: WebClient) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    organiser = await logged_in(Role.ORGANISER)
    await _post(
        staff,
        "/municipality/problems/new",
        _form(edition["id"], town["id"], action="submit"),
        ("network.pdf", PDF, "application/pdf"),
    )
    problem_id = (await Problem.select(Problem.id).first())["id"]
    file_id = (await ProblemAttachment.select(ProblemAttachment.file).first())["file"]

    before = await client.get(f"/files/{file_id}")
    await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})
    after = await client.get(f"/files/{file_id}")

    assert before.status_code == 404
    assert after.status_code == 200
    assert after.content == PDF


async def test_signing_in_after_an_anonymous_post_returns_to_the_page(client: WebClient) -> None:
    await client.csrf_token()

    response = await client.http.post(
        "/problems/1/endorse",
        data={"_csrf_token": await client.csrf_token()},
        headers={"referer": "http://testserver/problems/1"},
    )

    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/problems/1"


async def test_organisers_never_see_drafts_in_their_queue(logged_in) -> None:
    from tests.factories import make_problem

    edition, town = await make_open_edition(), await make_municipality()
    organiser = await logged_in(Role.ORGANISER)
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], status="draft", title="Half-written idea")
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], status="submitted", title="Ready idea")

    queue = await organiser.get(f"/organiser/editions/{edition['id']}/problems")

    assert "Ready idea" in queue.text
    assert "Half-written idea" not in queue.text


async def test_changes_requested_form_shows_the_organisers_comment(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    organiser = await logged_in(Role.ORGANISER)
    await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], action="submit"))
    problem_id = (await Problem.select(Problem.id).first())["id"]
    await organiser.post_form(
        f"/organiser/problems/{problem_id}/review", {"action": "request_changes", "comment": "Name the villages."}
    )

    form = await staff.get(f"/municipality/problems/{problem_id}/edit")

    assert "<blockquote>Name the villages.</blockquote>" in form.text


async def test_a_conflict_page_offers_the_way_back(logged_in) -> None:
    from tests.factories import make_problem

    edition, town = await make_open_edition(), await make_municipality()
    resident = await logged_in(None)
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"], status="published")
    await resident.post_form(f"/problems/{problem['id']}/endorse")

    again = await resident.http.post(
        f"/problems/{problem['id']}/endorse",
        data={"_csrf_token": await resident.csrf_token()},
        headers={"referer": f"http://testserver/problems/{problem['id']}"},
    )

    assert again.status_code == 409
    assert "You have already endorsed this problem." in again.text
    assert f'<a href="/problems/{problem["id"]}">Back to the previous page</a>' in again.text


async def test_organisers_edit_a_municipality_profile(logged_in) -> None:
    town = await make_municipality(name="Kladovo")
    organiser = await logged_in(Role.ORGANISER)
    other_staff = await logged_in(Role.MUNICIPALITY, organisation_id=(await make_municipality())["id"])

    page = await organiser.get(f"/municipality/{town['id']}/profile")
    saved = await organiser.post_form(
        f"/municipality/{town['id']}/profile",
        {"name": "Kladovo", "region": "Bor", "population": "18842", "kind": "rural", "contact_email": ""},
    )
    refused = await other_staff.get(f"/municipality/{town['id']}/profile")

    assert (page.status_code, saved.status_code, refused.status_code) == (200, 302, 403)


async def test_an_invalid_post_to_another_municipalitys_problem_reveals_nothing(logged_in) -> None:
    edition, ours, theirs = await make_open_edition(), await make_municipality(), await make_municipality()
    their_staff, our_staff = await _staff(logged_in, theirs), await _staff(logged_in, ours)
    await _post(their_staff, "/municipality/problems/new", _form(edition["id"], theirs["id"]))
    problem_id = (await Problem.select(Problem.id).first())["id"]

    response = await _post(our_staff, f"/municipality/problems/{problem_id}/edit", {"title": "", "action": "save"})

    assert response.status_code == 403
    assert COMPLETE_PROBLEM["title"] not in response.text


async def test_someone_elses_upload_cannot_be_pulled_into_a_form(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    stranger = await logged_in(Role.STARTUP)
    secret = await stranger.upload("/api/v1/files", {"file": ("startup-confidential-deck.pdf", PDF, "application/pdf")})

    response = await _post(
        staff,
        "/municipality/problems/new",
        _form(edition["id"], town["id"], affected_count="many", pending_attachment=str(secret.json()["id"])),
    )

    assert response.status_code == 422
    assert "startup-confidential-deck.pdf" not in response.text


async def test_a_submitted_problem_is_not_offered_for_editing(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await _staff(logged_in, town)
    await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], action="submit"))
    problem_id = (await Problem.select(Problem.id).first())["id"]

    response = await staff.get(f"/municipality/problems/{problem_id}/edit")

    assert response.status_code == 302
    assert response.headers["location"] == f"/municipality/problems/{problem_id}"


async def test_a_track_the_edition_does_not_run_is_refused(logged_in) -> None:
    from challenge.tables import Edition

    edition, town = await make_open_edition(), await make_municipality()
    await Edition.update({Edition.tracks: ["smart_city"]}).where(Edition.id == edition["id"])
    staff = await _staff(logged_in, town)

    response = await _post(staff, "/municipality/problems/new", _form(edition["id"], town["id"], track="smart_rural"))

    assert response.status_code == 422
    assert field_error(response.text, "track") == "This edition does not run that track."
