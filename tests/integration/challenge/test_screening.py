"""Organiser screening, the municipality's read-only view with fit notes, questions and the JSON API."""

from __future__ import annotations

import csv
import io

from challenge.forms import application_command
from challenge.queries import screening
from challenge.services import applications, teams
from challenge.tables import Application, EligibilityQuestion, FitNote
from core.auth import load_current_user
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from tests.factories import (
    APPLICATION_CONTENT,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
)
from tests.integration.challenge.test_applications import _deck
from tests.web import WebClient, field_error


async def _submitted(edition: dict, problem: dict, name: str, *, country: str = "Serbia", stage: str = "") -> int:
    user = await make_user()
    current = await load_current_user(user["id"])
    await teams.create_startup(
        user=current, edition_id=edition["id"], data={"name": name, "country": country, "city": "Niš", "stage": stage}
    )
    current = await load_current_user(user["id"])
    saved = await applications.save_application(
        user=current,
        edition_id=edition["id"],
        application=application_command(
            {**APPLICATION_CONTENT, "problems": [str(problem["id"])]}, pitch_deck_file_id=await _deck(current.id)
        ),
    )
    await applications.submit_application(user=current, application_id=saved.application_id)
    return saved.application_id


async def _world():
    edition = await make_edition_taking_applications()
    rural = await make_municipality(name="Ivanjica", region="Moravica")
    urban = await make_municipality(name="Novi Sad", region="Južna Bačka", kind="urban")
    water = await make_problem(edition_id=edition["id"], municipality_id=rural["id"], title="Water losses")
    traffic = await make_problem(edition_id=edition["id"], municipality_id=urban["id"], title="Traffic jams")
    ids = {
        "agro": await _submitted(edition, water, "AgroSense", stage="pilot"),
        "flow": await _submitted(edition, traffic, "FlowCity", country="Croatia", stage="market"),
        "leak": await _submitted(edition, water, "=LeakTech", stage="idea"),
    }
    return edition, rural, urban, ids


async def test_filters_search_and_sorting(logged_in) -> None:
    edition, _, urban, _ = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/applications/"

    def names(html: str) -> list[str]:
        return [n for n in ("AgroSense", "FlowCity", "=LeakTech") if f">{n}</a>" in html]

    pages = {
        "all": (await organiser.get(base)).text,
        "rural": (await organiser.get(base, params={"kind": "rural"})).text,
        "municipality": (await organiser.get(base, params={"municipality": urban["id"]})).text,
        "region": (await organiser.get(base, params={"region": "Moravica"})).text,
        "country": (await organiser.get(base, params={"country": "croatia"})).text,
        "stage": (await organiser.get(base, params={"stage": "pilot"})).text,
        "search": (await organiser.get(base, params={"q": "leaktech"})).text,
        "drafts": (await organiser.get(base, params={"status": "draft"})).text,
    }

    assert names(pages["all"]) == ["AgroSense", "FlowCity", "=LeakTech"]
    assert "3 applications" in pages["all"]
    assert names(pages["rural"]) == ["AgroSense", "=LeakTech"]
    assert names(pages["municipality"]) == ["FlowCity"]
    assert names(pages["region"]) == ["AgroSense", "=LeakTech"]
    assert names(pages["country"]) == ["FlowCity"]
    assert names(pages["stage"]) == ["AgroSense"]
    assert names(pages["search"]) == ["=LeakTech"]
    assert names(pages["drafts"]) == []
    by_name = (await organiser.get(base, params={"sort": "startup"})).text
    assert by_name.index(">=LeakTech<") < by_name.index(">AgroSense<") < by_name.index(">FlowCity<")


async def _bulk(organiser: WebClient, edition: dict, data: dict, *, query: str = "", step: str = "") -> object:
    suffix = f"?{query}" if query else ""
    return await organiser.http.post(
        f"/organiser/editions/{edition['id']}/applications/status{step}{suffix}",
        data={**data, "_csrf_token": await organiser.csrf_token()},
    )


async def test_bulk_shortlisting_asks_first_then_mails_each_team_and_skips_what_it_cannot_move(logged_in) -> None:
    edition, _, _, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    await Application.update({Application.status: "rejected"}).where(Application.id == ids["flow"])
    await Application.update({Application.status: "accepted"}).where(Application.id == ids["leak"])
    chosen = [str(ids["agro"]), str(ids["flow"]), str(ids["leak"])]

    question = await _bulk(
        organiser,
        edition,
        {"ids": chosen, "status": "shortlisted", "step": "review", "message": "See you at the bootcamp."},
    )
    unchanged = {row["status"] for row in await Application.select(Application.status)}
    mailed_before = await OutboxMessage.count().where(OutboxMessage.subject == "Your application: shortlisted")
    confirmed = await _bulk(
        organiser,
        edition,
        {
            "status": "shortlisted",
            "message": "See you at the bootcamp.",
            "confirmed": [str(ids["agro"]), str(ids["flow"])],
        },
        step="/confirm",
    )
    page = (await organiser.get(confirmed.headers["location"])).text

    assert question.status_code == 200
    assert "Change 2 applications to shortlisted?" in question.text
    assert "The 2 teams will be mailed" in question.text and "(2 people)." in question.text
    assert "1 application stays as it is" in question.text and "=LeakTech · accepted" in question.text
    assert "See you at the bootcamp." in question.text
    assert unchanged == {"submitted", "rejected", "accepted"} and mailed_before == 0
    statuses = {row["id"]: row["status"] for row in await Application.select(Application.id, Application.status)}
    assert statuses == {ids["agro"]: "shortlisted", ids["flow"]: "shortlisted", ids["leak"]: "accepted"}
    assert "2 applications moved to: shortlisted." in page
    mails = await OutboxMessage.select().where(OutboxMessage.subject == "Your application: shortlisted")
    assert len(mails) == 2 and all("See you at the bootcamp." in m["body_text"] for m in mails)
    assert await AuditEvent.count().where(AuditEvent.action == "application.shortlisted") == 2


async def test_a_bulk_change_with_nothing_chosen_shows_every_error_on_the_list_with_the_input_kept(logged_in) -> None:
    edition, _, _, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    listing = (await organiser.get(f"/organiser/editions/{edition['id']}/applications/")).text
    nothing = await _bulk(
        organiser,
        edition,
        {"status": "", "message": "Dear teams, ...", "scope": "selected", "step": "review"},
        query="kind=rural",
    )
    no_status = await _bulk(
        organiser, edition, {"ids": [str(ids["agro"])], "message": "Hello", "step": "review"}, query="kind=rural"
    )

    status_select = listing.split('id="bulk-status"')[1].split("</select>")[0]
    assert '<option value="">Choose a status…</option>' in status_select and " selected>" not in status_select
    assert nothing.status_code == 422 and "Applications to" in nothing.text
    assert field_error(nothing.text, "status") == "Choose the new status."
    assert field_error(nothing.text, "ids") == (
        "Tick at least one application, or choose all on this page or all matching the filters."
    )
    assert ">Dear teams, ...</textarea>" in nothing.text
    assert "FlowCity" not in nothing.text and ">AgroSense</a>" in nothing.text  # the filter is kept
    assert 'applications/status?kind=rural"' in nothing.text
    assert no_status.status_code == 422 and field_error(no_status.text, "ids") is None
    assert f'value="{ids["agro"]}" id="sel-{ids["agro"]}" checked' in no_status.text
    assert f'value="{ids["leak"]}" id="sel-{ids["leak"]}" aria-label' in no_status.text
    assert ">Hello</textarea>" in no_status.text
    assert {row["status"] for row in await Application.select(Application.status)} == {"submitted"}


async def test_back_from_the_question_returns_to_the_list_with_status_message_and_ticks(logged_in) -> None:
    edition, _, _, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    back = await _bulk(
        organiser,
        edition,
        {
            "ids": [str(ids["flow"])],
            "scope": "page",
            "status": "rejected",
            "message": "Not this time.",
            "step": "back",
            "confirmed": [str(ids["flow"])],
        },
    )

    assert back.status_code == 200
    assert '<option value="rejected" selected>' in back.text
    assert ">Not this time.</textarea>" in back.text
    assert 'name="scope" value="page" checked' in back.text
    assert f'id="sel-{ids["flow"]}" checked' in back.text
    assert {row["status"] for row in await Application.select(Application.status)} == {"submitted"}


async def test_all_on_the_page_and_all_matching_are_worked_out_on_the_server(logged_in, monkeypatch) -> None:
    edition, _, _, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    monkeypatch.setattr(screening, "PAGE_SIZE", 1)

    listing = (await organiser.get(f"/organiser/editions/{edition['id']}/applications/", params={"kind": "rural"})).text
    on_page = await _bulk(
        organiser,
        edition,
        {"scope": "page", "shown": [str(ids["leak"])], "status": "rejected", "step": "review"},
        query="kind=rural",
    )
    matching = await _bulk(
        organiser,
        edition,
        {"scope": "matching", "shown": [str(ids["leak"])], "status": "rejected", "step": "review"},
        query="kind=rural",
    )

    assert "All 2 applications matching these filters, on every page" in listing
    assert "The 1 application on this page" in listing
    assert "Change 1 application to not selected?" in on_page.text and "=LeakTech" in on_page.text
    assert "Change 2 applications to not selected?" in matching.text
    assert "AgroSense" in matching.text and "FlowCity" not in matching.text
    assert matching.text.count('name="confirmed"') == 2


async def test_a_confirmed_change_moves_only_applications_of_this_edition(logged_in) -> None:
    edition, _, _, ids = await _world()
    other = await make_edition_taking_applications()
    town = await make_municipality(name="Kraljevo")
    foreign = {
        "agro": await _submitted(
            other, await make_problem(edition_id=other["id"], municipality_id=town["id"]), "Elsewhere"
        )
    }
    organiser: WebClient = await logged_in(Role.ORGANISER)

    done = await _bulk(
        organiser,
        edition,
        {"status": "shortlisted", "confirmed": [str(ids["agro"]), str(foreign["agro"])]},
        step="/confirm",
    )

    assert done.status_code == 302
    statuses = {row["id"]: row["status"] for row in await Application.select(Application.id, Application.status)}
    assert statuses[ids["agro"]] == "shortlisted" and statuses[foreign["agro"]] == "submitted"


async def test_csv_export_keeps_the_filters_and_defuses_formulas(logged_in) -> None:
    edition, *_ = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    response = await organiser.get(
        f"/organiser/editions/{edition['id']}/applications/export.csv", params={"kind": "rural", "sort": "startup"}
    )

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["content-type"].startswith("text/csv")
    assert [r["startup"] for r in rows] == ["'=LeakTech", "AgroSense"]
    assert rows[1]["problems"] == "Water losses" and rows[1]["municipalities"] == "Ivanjica"


async def test_the_detail_shows_the_deck_and_changes_status_with_an_edited_message(logged_in) -> None:
    *_, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = (await organiser.get(f"/organiser/applications/{ids['agro']}")).text
    response = await organiser.post_form(
        f"/organiser/applications/{ids['agro']}/status", {"status": "rejected", "message": "Not this year, sorry."}
    )

    assert "deck.pdf" in page and "Congratulations: your application is on the shortlist" in page
    assert response.status_code == 302
    assert (await Application.select().where(Application.id == ids["agro"]).first())["status"] == "rejected"
    again = await organiser.post_form(f"/organiser/applications/{ids['agro']}/status", {"status": "winner"})
    assert again.status_code == 409


async def test_municipality_staff_read_applications_to_their_problems_only_and_leave_fit_notes(logged_in) -> None:
    _, rural, urban, ids = await _world()
    staff: WebClient = await logged_in(Role.MUNICIPALITY, organisation_id=rural["id"])

    listing = (await staff.get("/municipality/applications/")).text
    own = await staff.get(f"/municipality/applications/{ids['agro']}")
    other = await staff.get(f"/municipality/applications/{ids['flow']}")
    note = await staff.post_form(
        f"/municipality/applications/{ids['agro']}/fit-notes",
        {"municipality_id": str(rural["id"]), "note": "Fits our villages well."},
    )
    foreign_note = await staff.post_form(
        f"/municipality/applications/{ids['flow']}/fit-notes", {"municipality_id": str(urban["id"]), "note": "sneaky"}
    )
    empty = await staff.post_form(
        f"/municipality/applications/{ids['agro']}/fit-notes", {"municipality_id": str(rural["id"]), "note": " "}
    )

    assert "AgroSense" in listing and "FlowCity" not in listing
    assert own.status_code == 200 and "Acoustic leak sensors" in own.text
    assert other.status_code == 404 and "FlowCity" not in other.text
    assert note.status_code == 302 and foreign_note.status_code == 404
    assert empty.status_code == 422 and field_error(empty.text, "note") == "Write the note first."
    assert [n["note"] for n in await FitNote.select()] == ["Fits our villages well."]
    organiser: WebClient = await logged_in(Role.ORGANISER)
    assert "Fits our villages well." in (await organiser.get(f"/organiser/applications/{ids['agro']}")).text


async def test_eligibility_questions_are_set_per_edition_and_decide_submission(logged_in) -> None:
    edition = await make_edition_taking_applications()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/questions/"

    added = await organiser.post_form(
        base,
        {"text": "Is your company registered in Serbia?", "kind": "yes_no", "required": "on", "eligible_answer": "yes"},
    )
    bad = await organiser.post_form(base, {"text": "Pick one", "kind": "choice", "choices": "only one"})

    assert added.status_code == 302
    assert bad.status_code == 422 and field_error(bad.text, "choices")
    question = await EligibilityQuestion.select().first()
    founder: WebClient = await logged_in(None)
    await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": "X", "country": "Serbia", "city": "Niš"}
    )
    current = await load_current_user(founder.user["id"])
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    saved = await applications.save_application(
        user=current,
        edition_id=edition["id"],
        application=application_command(
            {**APPLICATION_CONTENT, "problems": [str(problem["id"])], f"q{question['id']}": "no"},
            pitch_deck_file_id=await _deck(current.id),
        ),
    )

    refused = await founder.post_form(f"/startup/applications/{saved.application_id}/submit")

    assert refused.status_code == 422
    assert "not eligible" in refused.text


async def test_the_startup_json_api_reads_and_writes_its_own_application_only(logged_in) -> None:
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    founder: WebClient = await logged_in(None)
    stranger: WebClient = await logged_in(None)
    await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": "Api", "country": "RS", "city": "Niš"}
    )
    deck = await founder.upload("/api/v1/files", {"file": ("deck.pdf", b"%PDF-1.7\n" + b"0" * 500, "application/pdf")})

    draft = {"edition_id": edition["id"], "track": "smart_rural", "solution": "Sensors"}
    created = await founder.post_json("/api/v1/startup/applications", draft)
    application = created.json()
    url = f"/api/v1/startup/applications/{application['id']}"
    payload = {
        **APPLICATION_CONTENT,
        "sdgs": [6],
        "problems": [problem["id"]],
        "pitch_deck_file_id": deck.json()["id"],
        "version": application["version"],
    }
    updated = await founder.http.put(url, json=payload, headers={"x-csrftoken": await founder.csrf_token()})
    submitted = await founder.post_json(f"{url}/submit", {})
    late_edit = await founder.http.put(url, json=payload, headers={"x-csrftoken": await founder.csrf_token()})
    foreign = await stranger.get(url)
    listing = await founder.get("/api/v1/startup/applications")

    assert created.status_code == 201 and "pitch_deck" in application["missing"]
    assert updated.status_code == 200 and updated.json()["missing"] == {}
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    assert late_edit.status_code == 409
    assert foreign.status_code == 404 and "Sensors" not in foreign.text
    assert [a["id"] for a in listing.json()] == [application["id"]]
    organiser: WebClient = await logged_in(Role.ORGANISER)
    page = await organiser.get("/api/v1/organiser/applications", params={"edition_id": edition["id"]})
    assert page.json()["total"] == 1 and page.json()["rows"][0]["problems"] == [problem["id"]]
    refused = await founder.get("/api/v1/organiser/applications", params={"edition_id": edition["id"]})
    assert refused.status_code == 403


async def test_a_page_number_past_every_row_is_an_empty_page(logged_in) -> None:
    edition, _, _, _ = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    far = 10**18  # its OFFSET was beyond PostgreSQL's bigint: a 500

    query = {"edition_id": edition["id"], "page_number": far}
    api = await organiser.get("/api/v1/organiser/applications", params=query)
    page = await organiser.get(f"/organiser/editions/{edition['id']}/applications/", params={"page_number": far})

    assert api.status_code == 200
    assert (api.json()["rows"], api.json()["has_next"], api.json()["total"]) == ([], False, 3)
    assert page.status_code == 200
    assert "AgroSense" not in page.text


async def test_the_question_counts_in_serbian_plural_forms(logged_in) -> None:
    edition, _, _, ids = await _world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    await organiser.post_form("/locale", {"locale": "sr_Latn"})

    one = await _bulk(organiser, edition, {"ids": [str(ids["agro"])], "status": "shortlisted", "step": "review"})
    three = await _bulk(
        organiser,
        edition,
        {"scope": "page", "shown": [str(i) for i in ids.values()], "status": "shortlisted", "step": "review"},
    )
    await organiser.post_form("/locale", {"locale": "sr_Cyrl"})
    cyrillic = await _bulk(
        organiser,
        edition,
        {"scope": "page", "shown": [str(i) for i in ids.values()], "status": "shortlisted", "step": "review"},
    )

    assert "Promeniti 1 prijavu u status" in one.text and "Mejl će dobiti 1 tim (1 osoba)." in one.text
    assert "Promeniti 3 prijave u status" in three.text and "Mejl će dobiti 3 tima (3 osobe)." in three.text
    assert "Promeniti 3 prijave" not in cyrillic.text and "Променити 3 пријаве у статус" in cyrillic.text
