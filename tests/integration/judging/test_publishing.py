"""Publishing a round's results over HTTP: the organiser's outcome reached through the allowed
steps, the missing ones named and offered on the round's page, the sanity rules, last year's
rubric, and a round's window once it has opened and closed early."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from challenge.tables import Application, ApplicationEvent, Startup, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from judging.tables import Criterion, JudgeAssignment, Round, RoundApplication, ScoreSheet
from tests.factories import make_edition, make_user, set_timeline
from tests.web import WebClient, field_error

ROUND = {
    "name": "Final",
    "method": "weighted_rubric",
    "entry": "all_submitted",
    "judges_per_application": "1",
    "max_per_judge": "10",
    "advance_count": "2",
    "normalisation": "judge_offset",
}


def _text(page: str) -> str:
    """A page's words, without tags, as a reader sees them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def _application(edition: dict, name: str, status: str, email: str) -> int:
    startup = (await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id))[0]["id"]
    member = await make_user(email=email, name=f"{name} founder")
    await StartupMember.insert(
        StartupMember(startup=startup, user=member["id"], edition=edition["id"], key=f"{edition['id']}:{member['id']}")
    )
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup,
                track="smart_city",
                status=status,
                solution=f"{name} solves it.",
                active_key=f"{edition['id']}:{startup}:smart_city",
            )
        ).returning(Application.id)
    )[0]["id"]


async def _closed_round(edition: dict, applications: dict[str, int], advanced: set[str]) -> int:
    """A closed, scored round in which `advanced` advance."""
    round_id = (
        await Round.insert(
            Round(edition=edition["id"], name="Final", status="closed", advance_count=len(advanced))
        ).returning(Round.id)
    )[0]["id"]
    criterion = (await Criterion.insert(Criterion(round=round_id, name="Impact")).returning(Criterion.id))[0]["id"]
    judge = await make_user(role=Role.JUDGE, edition_id=edition["id"])
    for score, (name, application) in enumerate(applications.items()):
        await RoundApplication.insert(
            RoundApplication(
                round=round_id, application=application, key=f"{round_id}:{application}", advanced=name in advanced
            )
        )
        assignment = (
            await JudgeAssignment.insert(
                JudgeAssignment(
                    round=round_id,
                    judge=judge["id"],
                    application=application,
                    key=f"{round_id}:{judge['id']}:{application}",
                )
            ).returning(JudgeAssignment.id)
        )[0]["id"]
        await ScoreSheet.insert(
            ScoreSheet(
                assignment=assignment,
                key=str(assignment),
                round=round_id,
                judge=judge["id"],
                application=application,
                values={str(criterion): 9 - score},
                status="submitted",
                total=float(9 - score),
            )
        )
    return round_id


async def _statuses() -> dict[int, str]:
    return {row["id"]: row["status"] for row in await Application.select(Application.id, Application.status)}


async def test_accepted_applications_published_as_winners_pass_through_finalist_each_step_recorded_and_mailed(
    logged_in, client
) -> None:
    edition = await make_edition()
    apps = {
        "AgroSense": await _application(edition, "AgroSense", "accepted", "mila@agrosense.rs"),
        "ParkPulse": await _application(edition, "ParkPulse", "finalist", "luka@parkpulse.rs"),
        "FlowCity": await _application(edition, "FlowCity", "accepted", "ivan@flowcity.rs"),
    }
    round_id = await _closed_round(edition, apps, {"AgroSense", "ParkPulse"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    before = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    published = await organiser.post_form(
        f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": "Congratulations!"}
    )
    after = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)

    assert "Steps missing before publishing" not in before and "Publish and notify" in before
    assert published.status_code == 302
    assert await _statuses() == {apps["AgroSense"]: "winner", apps["ParkPulse"]: "winner", apps["FlowCity"]: "accepted"}
    events = (
        await ApplicationEvent.select(ApplicationEvent.from_status, ApplicationEvent.to_status)
        .where(ApplicationEvent.application == apps["AgroSense"])
        .order_by(ApplicationEvent.id)
    )
    assert [(e["from_status"], e["to_status"]) for e in events] == [("accepted", "finalist"), ("finalist", "winner")]
    audited = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.entity == "application", AuditEvent.entity_id == str(apps["AgroSense"]))
        .order_by(AuditEvent.id)
    )
    assert [a["action"] for a in audited] == ["application.finalist", "application.winner"]
    mails = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.subject).order_by(OutboxMessage.id)
    assert [(m["to_address"], m["subject"]) for m in mails] == [
        ("mila@agrosense.rs", "Your application: finalist"),
        ("mila@agrosense.rs", "Your application: winner"),
        ("luka@parkpulse.rs", "Your application: winner"),
    ]
    assert "Results published; 2 teams were told." in after
    assert "AgroSense: finalist → winner" in after and "ParkPulse: winner" in after
    assert (await Round.select(Round.status).where(Round.id == round_id).first())["status"] == "published"
    results = _text((await client.get(f"/editions/{edition['slug']}/results")).text)
    assert "AgroSense" in results and "ParkPulse" in results


async def test_a_rejected_advancing_application_stops_the_publishing_and_its_missing_step_is_offered(
    logged_in,
) -> None:
    edition = await make_edition()
    apps = {
        "AgroSense": await _application(edition, "AgroSense", "accepted", "mila@agrosense.rs"),
        "ParkPulse": await _application(edition, "ParkPulse", "rejected", "luka@parkpulse.rs"),
    }
    round_id = await _closed_round(edition, apps, {"AgroSense", "ParkPulse"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    refused = await organiser.post_form(
        f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": "Well done!"}
    )
    unchanged, mailed = await _statuses(), await OutboxMessage.count()
    step = await organiser.post_form(
        f"/organiser/rounds/{round_id}/step", {"application": str(apps["ParkPulse"]), "status": "shortlisted"}
    )
    again = await organiser.post_form(f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": ""})

    assert "Steps missing before publishing" in page
    assert (
        "ParkPulse is not selected: move it to shortlisted first, then it can become accepted, finalist, winner."
        in page
    )
    assert "Move ParkPulse to shortlisted" in page
    assert refused.status_code == 409
    said = _text(refused.text)
    assert (
        "Nothing was published yet. ParkPulse is not selected: move it to shortlisted first, then it can become winner."
        in said
    )
    assert "Well done!" in said  # the message typed is kept
    assert unchanged == {apps["AgroSense"]: "accepted", apps["ParkPulse"]: "rejected"}
    assert mailed == 0
    assert step.status_code == 302 and step.headers["location"].endswith(f"/organiser/rounds/{round_id}#publish")
    assert again.status_code == 302
    assert await _statuses() == {apps["AgroSense"]: "winner", apps["ParkPulse"]: "winner"}
    steps = (
        await ApplicationEvent.select(ApplicationEvent.to_status)
        .where(ApplicationEvent.application == apps["ParkPulse"])
        .order_by(ApplicationEvent.id)
    )
    assert [e["to_status"] for e in steps] == ["shortlisted", "accepted", "finalist", "winner"]


async def test_a_withdrawn_advancing_application_is_offered_to_be_left_out(logged_in) -> None:
    edition = await make_edition()
    apps = {
        "AgroSense": await _application(edition, "AgroSense", "finalist", "mila@agrosense.rs"),
        "ParkPulse": await _application(edition, "ParkPulse", "withdrawn", "luka@parkpulse.rs"),
    }
    round_id = await _closed_round(edition, apps, {"AgroSense", "ParkPulse"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = (await organiser.get(f"/organiser/rounds/{round_id}/")).text
    form = re.search(
        r'<form[^>]*/advance"[^>]*>(?:(?!</form>).)*Leave ParkPulse out(?:(?!</form>).)*</form>', page, re.S
    )
    assert form is not None
    sent = re.findall(r'name="ids" value="(\d*)"', form.group(0))
    left_out = await organiser.post_form(f"/organiser/rounds/{round_id}/advance", {"mode": "by_hand", "ids": sent})
    advanced = await RoundApplication.select(RoundApplication.application).where(
        RoundApplication.round == round_id, RoundApplication.advanced.eq(True)
    )

    assert "ParkPulse was withdrawn by its team and cannot become shortlisted, accepted, finalist, winner." in _text(
        page
    )
    assert sent == ["", str(apps["AgroSense"])]
    assert left_out.status_code == 302
    assert [a["application"] for a in advanced] == [apps["AgroSense"]]


async def test_clearing_every_box_of_the_by_hand_list_advances_none_not_the_top(logged_in) -> None:
    edition = await make_edition()
    apps = {"AgroSense": await _application(edition, "AgroSense", "finalist", "mila@agrosense.rs")}
    round_id = await _closed_round(edition, apps, {"AgroSense"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    cleared = await organiser.post_form(f"/organiser/rounds/{round_id}/advance", {"mode": "by_hand", "ids": ""})

    assert cleared.status_code == 302
    assert await RoundApplication.count().where(RoundApplication.advanced.eq(True)) == 0


async def test_results_wait_for_the_applications_to_close(logged_in) -> None:
    edition = await make_edition()
    now = utc_now()
    await set_timeline(edition["id"], applications=now - timedelta(days=1), screening=now + timedelta(days=2))
    apps = {"AgroSense": await _application(edition, "AgroSense", "finalist", "mila@agrosense.rs")}
    round_id = await _closed_round(edition, apps, {"AgroSense"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    refused = await organiser.post_form(f"/organiser/rounds/{round_id}/publish", {"outcome": "winner"})

    assert "Not possible yet" in page and "Publish and notify" not in page
    assert re.search(r"The edition takes applications until .+; publish results once they have closed\.", page)
    assert refused.status_code == 409
    assert await _statuses() == {apps["AgroSense"]: "finalist"}


async def test_last_years_rubric_comes_from_its_scored_round_when_the_same_name_is_a_pairwise_final(
    logged_in,
) -> None:
    last = await make_edition(year=2025, slug="2025", name="Smart Serbia")
    this = await make_edition(year=2026, slug="2026")
    screening = (
        await Round.insert(Round(edition=last["id"], name="Screening", status="published", position=1)).returning(
            Round.id
        )
    )[0]["id"]
    for position, name in enumerate(["Impact", "Feasibility"], start=1):
        await Criterion.insert(Criterion(round=screening, position=position, name=name, weight=float(position)))
    await Round.insert(Round(edition=last["id"], name="Final", method="pairwise", status="published", position=2))
    organiser: WebClient = await logged_in(Role.ORGANISER)
    created = await organiser.post_form(f"/organiser/editions/{this['id']}/judging/", ROUND)
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])

    copied = await organiser.post_form(f"/organiser/rounds/{round_id}/rubric/copy")
    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)

    assert copied.status_code == 302
    criteria = await Criterion.select(Criterion.name, Criterion.weight).where(Criterion.round == round_id)
    assert [(c["name"], c["weight"]) for c in criteria] == [("Impact", 1.0), ("Feasibility", 2.0)]
    assert "The rubric of “Screening” (Smart Serbia 2025) was copied: 2 criteria." in page


async def test_copying_with_nothing_to_copy_says_so_on_the_round_page(logged_in) -> None:
    this = await make_edition(year=2026)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    created = await organiser.post_form(f"/organiser/editions/{this['id']}/judging/", ROUND)
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    pairwise = await organiser.post_form(
        f"/organiser/editions/{this['id']}/judging/", {**ROUND, "name": "Pitches", "method": "pairwise"}
    )
    pairwise_id = int(pairwise.headers["location"].rstrip("/").rsplit("/", 1)[1])

    refused = await organiser.post_form(f"/organiser/rounds/{round_id}/rubric/copy")
    pairwise_page = _text((await organiser.get(f"/organiser/rounds/{pairwise_id}/")).text)

    assert refused.status_code == 409
    assert "There is no earlier edition to copy a rubric from." in _text(refused.text)
    assert "Copy last year's rubric" not in pairwise_page
    assert "A pairwise round has no rubric: judges compare two projects at a time." in pairwise_page


async def test_a_round_opened_and_closed_early_keeps_its_record_and_its_settings_still_save(logged_in) -> None:
    edition = await make_edition()
    await _application(edition, "AgroSense", "submitted", "mila@agrosense.rs")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    planned = {
        "opens_at": (utc_now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (utc_now() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
    }
    created = await organiser.post_form(f"/organiser/editions/{edition['id']}/judging/", {**ROUND, **planned})
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    await organiser.post_form(
        f"/organiser/rounds/{round_id}/rubric",
        {
            "criteria-0-name": "Impact",
            "criteria-0-weight": "1",
            "criteria-0-scale_min": "1",
            "criteria-0-scale_max": "10",
        },
    )
    assert (await organiser.post_form(f"/organiser/rounds/{round_id}/open")).status_code == 302
    assert (await organiser.post_form(f"/organiser/rounds/{round_id}/close")).status_code == 302

    saved = await organiser.post_form(f"/organiser/rounds/{round_id}/", {**ROUND, **planned, "advance_count": "1"})
    row = await Round.select().where(Round.id == round_id).first()
    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    closed = await AuditEvent.select(AuditEvent.after).where(AuditEvent.action == "round.closed").first()

    assert saved.status_code == 302
    assert row["advance_count"] == 1 and row["opens_at"] <= row["closes_at"] <= utc_now()
    assert "closes after it opens" not in page
    assert re.search(r"Opened on .+ · closed on .+", page)
    assert '"early": true' in str(closed["after"]).replace("True", "true").replace("'", '"')


async def test_a_draft_round_closing_before_it_opens_is_refused_beside_the_field(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    window = {
        "opens_at": (utc_now() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (utc_now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }

    refused = await organiser.post_form(f"/organiser/editions/{edition['id']}/judging/", {**ROUND, **window})
    past = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {**ROUND, "closes_at": (utc_now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
    )

    assert refused.status_code == 422 and field_error(refused.text, "closes_at") == "A round closes after it opens."
    assert past.status_code == 422
    assert field_error(past.text, "closes_at") == (
        "This closing time has passed; choose a later one, or leave it empty and close the round by hand."
    )


async def test_an_accepted_application_is_made_a_winner_from_its_page_through_finalist(logged_in) -> None:
    edition = await make_edition()
    application = await _application(edition, "AgroSense", "accepted", "mila@agrosense.rs")
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = (await organiser.get(f"/organiser/applications/{application}")).text
    moved = await organiser.post_form(
        f"/organiser/applications/{application}/status", {"status": "winner", "message": "You won!"}
    )
    after = _text((await organiser.get(f"/organiser/applications/{application}")).text)

    assert re.findall(r'<option value="(\w+)">([^<]+)</option>', page) == [
        ("rejected", "not selected"),
        ("finalist", "finalist"),
        ("winner", "winner (through finalist)"),
    ]
    assert moved.status_code == 302
    assert await _statuses() == {application: "winner"}
    assert "Steps taken, each recorded: finalist → winner." in after
    mails = await OutboxMessage.select(OutboxMessage.subject).order_by(OutboxMessage.id)
    assert [m["subject"] for m in mails] == ["Your application: finalist", "Your application: winner"]


async def test_the_offered_step_is_only_for_an_application_advancing_in_the_round(logged_in) -> None:
    edition = await make_edition()
    apps = {
        "AgroSense": await _application(edition, "AgroSense", "rejected", "mila@agrosense.rs"),
        "ParkPulse": await _application(edition, "ParkPulse", "rejected", "luka@parkpulse.rs"),
    }
    round_id = await _closed_round(edition, apps, {"AgroSense"})
    organiser: WebClient = await logged_in(Role.ORGANISER)

    refused = await organiser.post_form(
        f"/organiser/rounds/{round_id}/step", {"application": str(apps["ParkPulse"]), "status": "shortlisted"}
    )

    assert refused.status_code == 422
    assert await _statuses() == {apps["AgroSense"]: "rejected", apps["ParkPulse"]: "rejected"}


async def test_a_bulk_change_to_winner_names_the_steps_before_and_takes_each_after_confirmation(logged_in) -> None:
    edition = await make_edition()
    apps = {
        "AgroSense": await _application(edition, "AgroSense", "accepted", "mila@agrosense.rs"),
        "ParkPulse": await _application(edition, "ParkPulse", "rejected", "luka@parkpulse.rs"),
    }
    organiser: WebClient = await logged_in(Role.ORGANISER)
    base = f"/organiser/editions/{edition['id']}/applications/status"
    chosen = {"ids": [str(a) for a in apps.values()], "status": "winner", "message": "Well done!", "scope": "selected"}

    review = await organiser.post_form(base, {**chosen, "step": "review"})
    confirmed = await organiser.post_form(f"{base}/confirm", {**chosen, "confirmed": [str(apps["AgroSense"])]})

    said = _text(review.text)
    assert review.status_code == 200
    assert "AgroSense · accepted → finalist → winner" in said
    assert "ParkPulse · not selected" in said
    assert confirmed.status_code == 302
    assert await _statuses() == {apps["AgroSense"]: "winner", apps["ParkPulse"]: "rejected"}
    steps = (
        await ApplicationEvent.select(ApplicationEvent.to_status)
        .where(ApplicationEvent.application == apps["AgroSense"])
        .order_by(ApplicationEvent.id)
    )
    assert [e["to_status"] for e in steps] == ["finalist", "winner"]
