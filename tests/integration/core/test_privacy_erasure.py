"""Erasure: nothing that names the person is left; what others rely on stays under a pseudonym."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from challenge.tables import Application, Comment, Endorsement, Problem, StartupMember
from core import calendar
from core.clock import utc_now
from core.enums import Role, TokenPurpose
from core.rules.privacy import UNUSABLE_PASSWORD
from core.storage import get_storage
from core.tables import (
    AuditEvent,
    CalendarFeed,
    Membership,
    OutboxMessage,
    RateCounter,
    SessionRecord,
    StoredFile,
    Token,
    User,
)
from judging.queries import rankings as results
from judging.tables import Criterion, JudgeProfile, Round, RoundApplication, ScoreSheet
from mentoring.tables import MentoringSession, MentoringSlot, MentorProfile
from tests.factories import PASSWORD, make_edition, make_score_sheet, make_startup, make_user
from tests.fixtures import http_client
from tests.integration.core.mentoring_rows import make_published_match
from tests.integration.core.personal_data import make_application, make_published_problem, make_stored_file, make_team
from tests.web import WebClient, field_error


async def _leave_traces(ana: dict[str, Any], *, problem_id: int, edition_id: int) -> None:
    """What Ana leaves across the tables besides her team: a comment and an endorsement with their
    audit trail, a mentor profile, a reset token, mail and rate counters (and beside them another
    person's mail and counter, which erasure must keep)."""
    await Comment.insert(Comment(problem=problem_id, author=ana["id"], body="We need this."))
    await AuditEvent.insert(
        AuditEvent(
            actor=ana["id"],
            action="comment.added",
            entity="comment",
            entity_id="1",
            after={"problem": problem_id, "body": "We need this."},
        )
    )
    await Endorsement.insert(Endorsement(problem=problem_id, user=ana["id"], key=f"{problem_id}:{ana['id']}"))
    await AuditEvent.insert(
        AuditEvent(
            actor=ana["id"],
            action="account.signed_up",
            entity="user",
            entity_id=str(ana["id"]),
            after={"email": "ana@example.org", "name": "Ana Anić"},
        )
    )
    await MentorProfile.insert(MentorProfile(user=ana["id"], edition=edition_id, key="m", bio="I mentor."))
    await Token.insert(
        Token(
            purpose=TokenPurpose.RESET_PASSWORD,
            token_hash="a" * 64,
            email="ana@example.org",
            user=ana["id"],
            expires_at=utc_now() + timedelta(hours=1),
        )
    )
    await OutboxMessage.insert(OutboxMessage(to_address="ana@example.org", subject="Hi", body_text="Hello Ana"))
    await OutboxMessage.insert(OutboxMessage(to_address="co@example.org", subject="Hi", body_text="Hello Co"))
    await RateCounter.insert(RateCounter(key="mail-address:ana@example.org", window_start=utc_now(), count=1))
    await RateCounter.insert(RateCounter(key="login-ip:10.0.0.1", window_start=utc_now(), count=1))


async def test_erasure_removes_the_person_from_every_table(logged_in, app) -> None:
    web = await logged_in(email="ana@example.org", name="Ana Anić")
    ana = web.user
    edition = await make_edition()
    problem = await make_published_problem(edition["id"])
    await Problem.update({Problem.contact_email: "ana@example.org", Problem.contact_name: "Ana Anić"}).where(
        Problem.id == problem["id"]
    )
    cofounder = await make_user(email="co@example.org", name="Co")
    startup = await make_startup(name="BusBee")
    await make_team(edition["id"], startup["id"], ana, cofounder)
    deck = await make_stored_file(ana["id"], b"%PDF deck", "deck.pdf", "pitch_deck")
    loose = await make_stored_file(ana["id"], b"%PDF loose", "cv.pdf")
    application = await make_application(edition["id"], startup["id"], "submitted", deck["id"])
    await _leave_traces(ana, problem_id=problem["id"], edition_id=edition["id"])
    feed = await calendar.feed_token(ana["id"])
    async with http_client(app) as other_device:
        second = WebClient(other_device)
        await second.login("ana@example.org", PASSWORD)

        response = await web.post_form("/account/erase", {"password": PASSWORD})

        assert response.status_code in (302, 303)
        assert response.headers["location"] == "/"
        assert (await second.get("/account")).headers["location"].startswith("/login")
    user = await User.select().where(User.id == ana["id"]).first()
    assert (user["name"], user["email"], user["password_hash"], user["is_active"], user["last_login_at"]) == (
        f"Erased user #{ana['id']}",
        f"erased-{ana['id']}@erased.invalid",
        UNUSABLE_PASSWORD,
        False,
        None,
    )
    assert await Membership.count().where(Membership.user == ana["id"]) == 0
    assert await StartupMember.select(StartupMember.user, StartupMember.is_contact) == [
        {"user": cofounder["id"], "is_contact": True}
    ]
    assert await Comment.count().where(Comment.author == ana["id"]) == 0
    assert await Endorsement.count() == 0
    assert (await Problem.select(Problem.endorsement_count, Problem.contact_email, Problem.contact_name).first()) == {
        "endorsement_count": 0,
        "contact_email": "",
        "contact_name": "",
    }
    assert await MentorProfile.count() == 0
    assert await Token.count() == 0
    assert await SessionRecord.count().where(SessionRecord.user_id == ana["id"]) == 0
    assert [m["to_address"] for m in await OutboxMessage.select(OutboxMessage.to_address)] == ["co@example.org"]
    assert sorted(r["key"] for r in await RateCounter.select(RateCounter.key)) == ["login-ip:10.0.0.1"]
    # The team's submitted application keeps its deck; the loose upload is gone, bytes and all.
    assert (await Application.select(Application.pitch_deck).where(Application.id == application).first()) == {
        "pitch_deck": deck["id"]
    }
    assert [f["id"] for f in await StoredFile.select(StoredFile.id)] == [deck["id"]]
    assert get_storage().exists(deck["key"]) and not get_storage().exists(loose["key"])
    assert await calendar.user_for_token(feed) is None
    assert (await CalendarFeed.select(CalendarFeed.version).first()) == {"version": 1}
    pseudonym = f"Erased user #{ana['id']}"
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.after).order_by(AuditEvent.id).output(load_json=True)
    assert events[:2] == [
        {"action": "comment.added", "after": {"problem": problem["id"], "body": "[erased]"}},
        {"action": "account.signed_up", "after": {"email": pseudonym, "name": pseudonym}},
    ]
    assert events[-1] == {
        "action": "account.erased",
        "after": {"pseudonym": pseudonym, "by": "self", "reason": "", "files_deleted": 1, "kept": []},
    }
    dump = json.dumps(await AuditEvent.select().output(load_json=True), default=str)
    assert "ana@example.org" not in dump and "Ana Anić" not in dump


async def test_erased_person_cannot_sign_in_and_may_sign_up_again(logged_in, client) -> None:
    web = await logged_in(email="ana@example.org", name="Ana")
    await web.post_form("/account/erase", {"password": PASSWORD})

    response = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    secret = "another long secret"
    signup = await client.post_form(
        "/signup", {"email": "ana@example.org", "name": "Ana", "password": secret, "password_confirm": secret}
    )

    assert response.status_code == 422
    assert signup.status_code == 200
    assert await User.count().where(User.email == "ana@example.org", User.is_active.eq(True)) == 1


async def test_erasure_with_a_wrong_password_changes_nothing(logged_in) -> None:
    web = await logged_in(email="ana@example.org", name="Ana")

    response = await web.post_form("/account/erase", {"password": "not my password"})

    assert response.status_code == 422
    assert field_error(response.text, "password") == "This is not your current password."
    assert (await User.select(User.email).where(User.id == web.user["id"]).first()) == {"email": "ana@example.org"}


async def test_erasure_of_last_member_with_application_in_the_running_is_refused(logged_in) -> None:
    web = await logged_in(email="ana@example.org", name="Ana")
    edition = await make_edition()
    startup = await make_startup(name="BusBee")
    await make_team(edition["id"], startup["id"], web.user)
    await make_application(edition["id"], startup["id"], "shortlisted")

    page = await web.get("/account/erase")
    response = await web.post_form("/account/erase", {"password": PASSWORD})

    message = (
        "You are the last team member of BusBee, whose application is still in the running. Withdraw the "
        "application first, or invite a co-founder to the team so someone can answer for it."
    )
    assert message in page.text and 'action="/account/erase"' not in page.text
    assert response.status_code == 409
    assert message in response.text
    assert (await User.select(User.email).where(User.id == web.user["id"]).first()) == {"email": "ana@example.org"}
    assert await StartupMember.count() == 1


async def test_erasure_of_last_member_with_a_withdrawn_application_keeps_the_record(logged_in) -> None:
    web = await logged_in(email="ana@example.org", name="Ana")
    edition = await make_edition()
    startup = await make_startup(name="BusBee")
    await make_team(edition["id"], startup["id"], web.user)
    deck = await make_stored_file(web.user["id"], b"%PDF", "deck.pdf", "pitch_deck")
    draft_deck = await make_stored_file(web.user["id"], b"%PDF draft", "draft.pdf", "pitch_deck")
    withdrawn = await make_application(edition["id"], startup["id"], "withdrawn", deck["id"])
    draft = (
        await Application.insert(
            Application(edition=edition["id"], startup=startup["id"], track="smart_rural", pitch_deck=draft_deck["id"])
        ).returning(Application.id)
    )[0]["id"]

    response = await web.post_form("/account/erase", {"password": PASSWORD})

    assert response.status_code in (302, 303)
    assert await StartupMember.count() == 0
    decks = await Application.select(Application.id, Application.pitch_deck).order_by(Application.id)
    assert decks == [{"id": withdrawn, "pitch_deck": deck["id"]}, {"id": draft, "pitch_deck": None}]
    assert [f["id"] for f in await StoredFile.select(StoredFile.id)] == [deck["id"]]


async def _judged_round(judge: dict[str, Any]) -> tuple[int, int]:
    edition = await make_edition()
    startup = await make_startup()
    application = await make_application(edition["id"], startup["id"], "accepted")
    other_startup = await make_startup()
    other = await make_application(edition["id"], other_startup["id"], "accepted")
    round_id = (await Round.insert(Round(edition=edition["id"], name="Final", status="open")).returning(Round.id))[0][
        "id"
    ]
    criterion = (await Criterion.insert(Criterion(round=round_id, name="Impact")).returning(Criterion.id))[0]["id"]
    await JudgeProfile.insert(JudgeProfile(user=judge["id"], edition=edition["id"], key="j", organisation="Uni"))
    for app_id, status in ((application, "submitted"), (other, "draft")):
        await RoundApplication.insert(RoundApplication(round=round_id, application=app_id, key=f"{round_id}:{app_id}"))
        await make_score_sheet(
            round_id=round_id,
            judge_id=judge["id"],
            application_id=app_id,
            key=f"a{app_id}",
            values={str(criterion): 8},
            comments={str(criterion): "Strong."},
            status=status,
            total=8.0 if status == "submitted" else None,
        )
    return round_id, application


async def test_erased_judge_scores_stay_counted_under_a_pseudonym(logged_in) -> None:
    web = await logged_in(role=Role.JUDGE, email="judge@example.org", name="Jo Judge")
    judge = web.user
    round_id, application = await _judged_round(judge)

    response = await web.post_form("/account/erase", {"password": PASSWORD})

    assert response.status_code in (302, 303)
    assert (await User.select(User.name).where(User.id == judge["id"]).first()) == {
        "name": f"Erased judge #{judge['id']}"
    }
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.status, ScoreSheet.total, ScoreSheet.comments)
    assert [(s["judge"], s["status"], s["total"]) for s in sheets] == [(judge["id"], "submitted", 8.0)]
    assert await JudgeProfile.count() == 0
    ranking, _ = await results.ranking(round_id)
    assert ranking is not None
    assert [(s.application_id, s.judges, s.raw_mean) for s in ranking.standings] == [(application, 1, 8.0)]
    erased = (
        await AuditEvent.select(AuditEvent.after).where(AuditEvent.action == "account.erased").output(load_json=True)
    )
    assert erased[0]["after"]["kept"] == ["scores"]


async def test_organiser_erases_an_account_on_request_with_a_reason(logged_in) -> None:
    organiser = await logged_in(role=Role.ORGANISER, email="org@example.org", name="Olga")
    await make_user(email="second-org@example.org", role=Role.ORGANISER)
    person = await make_user(email="ana@example.org", name="Ana Anić")

    found = await organiser.get("/organiser/people/?q=ana@")
    form = await organiser.get(f"/organiser/people/{person['id']}/erase")
    missing = await organiser.post_form(f"/organiser/people/{person['id']}/erase", {"reason": " "})
    response = await organiser.post_form(
        f"/organiser/people/{person['id']}/erase", {"reason": "Her email of 3 December 2026"}
    )
    again = await organiser.get(f"/organiser/people/{person['id']}/erase")

    assert f'href="/organiser/people/{person["id"]}/erase"' in found.text
    assert "Ana Anić" in form.text
    assert missing.status_code == 422
    assert (
        field_error(missing.text, "reason")
        == "Please say why (for example: the person&#39;s request by email, and its date)."
    )
    assert response.status_code in (302, 303)
    assert again.status_code == 404
    event = (
        await AuditEvent.select(AuditEvent.actor, AuditEvent.entity_id, AuditEvent.after)
        .where(AuditEvent.action == "account.erased")
        .output(load_json=True)
    )
    assert event == [
        {
            "actor": organiser.user["id"],
            "entity_id": str(person["id"]),
            "after": {
                "pseudonym": f"Erased user #{person['id']}",
                "by": "organiser",
                "reason": "Her email of 3 December 2026",
                "files_deleted": 0,
                "kept": [],
            },
        }
    ]


async def test_only_organiser_cannot_erase_their_own_account(logged_in) -> None:
    organiser = await logged_in(role=Role.ORGANISER, email="org@example.org", name="Olga")

    response = await organiser.post_form("/account/erase", {"password": PASSWORD})

    assert response.status_code == 409
    assert "You are the only organiser: invite another organiser before erasing this account." in response.text


async def test_mentor_with_an_upcoming_session_must_cancel_it_first(logged_in) -> None:
    web = await logged_in(role=Role.MENTOR, email="mentor@example.org", name="Mila")
    mentor = web.user
    edition = await make_edition()
    startup = await make_startup()
    application = await make_application(edition["id"], startup["id"], "accepted")
    match = await make_published_match(
        edition_id=edition["id"], mentor_id=mentor["id"], application_id=application, startup_id=startup["id"]
    )
    start = utc_now() + timedelta(days=2)
    slot = (
        await MentoringSlot.insert(
            MentoringSlot(
                mentor=mentor["id"],
                edition=edition["id"],
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                status="booked",
            )
        ).returning(MentoringSlot.id)
    )[0]["id"]
    await MentoringSession.insert(
        MentoringSession(
            slot=slot,
            match=match,
            mentor=mentor["id"],
            startup=startup["id"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            active_key=str(slot),
            notes="Private.",
        )
    )

    refused = await web.post_form("/account/erase", {"password": PASSWORD})
    await MentoringSession.update({MentoringSession.status: "cancelled", MentoringSession.active_key: None}).where(
        MentoringSession.slot == slot
    )
    erased = await web.post_form("/account/erase", {"password": PASSWORD})

    assert refused.status_code == 409
    assert "You have 1 upcoming mentoring session(s) booked with you." in refused.text
    assert erased.status_code in (302, 303)
    assert (await MentoringSession.select(MentoringSession.mentor, MentoringSession.notes).first()) == {
        "mentor": mentor["id"],
        "notes": "",
    }
