"""The world the authorization matrix calls every route in: the demo edition, and around its
AgroSense application a judging round, a mentor's match and session, a published hackathon and
a pilot in draft with Ivanjica."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from piccolo.table import Table

from challenge.tables import (
    Application,
    Comment,
    Edition,
    EligibilityQuestion,
    Problem,
    ProblemAttachment,
    StartupMember,
)
from core import calendar, tokens
from core.accounts.services import grant_role
from core.clock import utc_now
from core.demo import load_demo
from core.enums import Role, TokenPurpose
from core.tables import Membership, OutboxMessage, StoredFile, User
from hackathon.tables import FixedSession, Hackathon, Panel, Room, ScheduleItem
from judging.tables import Criterion, DeclaredConflict, JudgeAssignment, JudgeProfile, Round, RoundApplication
from mentoring.tables import Match, MentoringSession, MentoringSlot
from pilots.enums import Direction, Frequency, PilotStatus, Side
from pilots.tables import AgreementVersion, Kpi, Measurement, Milestone, Pilot, PilotFeedback, Signature
from tests.factories import make_user

# --- the world ---------------------------------------------------------------------------------

DEMO_LOGINS = {
    "organiser": "organiser@demo.smartchallenge.rs",
    "municipality": "staff@ivanjica.demo.rs",
    "other_municipality": "staff@novisad.demo.rs",
    "startup": "founder@agrosense.example",
    "other_startup": "ceo@parkpulse.example",
    "mentor": "mentor@demo.smartchallenge.rs",
    "judge": "judge@demo.smartchallenge.rs",
    "resident": "resident@demo.smartchallenge.rs",
}
CONFLICTED_JUDGE = "conflicted-judge@example.org"


async def _id_of(query: Any) -> int:
    return (await query.first())["id"]


async def _inserted(row: Table) -> int:
    """Inserts the row; its new id."""
    table = type(row)
    return (await table.insert(row).returning(table.id))[0]["id"]


async def build_world() -> dict[str, Any]:
    """The demo edition, and around its AgroSense application (the startup's, in Ivanjica) a
    judging round, a mentor's match and session and a published hackathon. Returns the ids the
    routes' path parameters are filled from (and, under "users", each identity's user id)."""
    assert await load_demo()
    now = utc_now()
    users, edition_id = await _identities()
    own_app, other_app = await _programme_applications(edition_id)
    member = await _id_of(StartupMember.select(StartupMember.id).where(StartupMember.user == users["startup"]))
    question = await _id_of(EligibilityQuestion.select(EligibilityQuestion.id))
    problems = await _problems(users)
    return {
        "users": users,
        "edition_id": edition_id,
        "slug": "2026",
        "application_id": own_app["id"],
        "startup_id": own_app["startup"],
        "member_id": member,
        **problems,
        "question_id": question,
        **await _judging(edition_id, users, own_app, other_app, now=now),
        **await _mentoring(edition_id, users, own_app, now=now),
        **await _hackathon(edition_id, users, own_app, now=now),
        **await _pilots(users, own_app, now=now),
        **await _draft_pilot(
            edition_id, users, own_app, ivanjica=problems["municipality_id"], problem=problems["problem_id"]
        ),
        "file_id": own_app["pitch_deck"],
        **await _mail_and_tokens(edition_id),
        "mentor_id": users["mentor"],
        "calendar_token": await calendar.feed_token(users["mentor"]) + ".ics",
        "job_id": "challenge.phases",
        "expertise_slug": "iot",
        "path": "missing.json",
        "file_path": "css/app.css",
        **await _pilot_kpis(edition_id, users, own_app, problems, now=now),
        **await _application_questions(edition_id),
        # A judge with a sheet in the screening round, whom organisers may release.
        "judge_id": users["conflicted_judge"],
        **await _blind_round(edition_id, users, own_app, now=now),
    }


async def _identities() -> tuple[dict[str, int], int]:
    """Each identity's user id (the demo's people, and a judge of our own who will declare a
    conflict), and the demo edition's id."""
    users = {i: await _id_of(User.select(User.id).where(User.email == email)) for i, email in DEMO_LOGINS.items()}
    conflicted = await make_user(email=CONFLICTED_JUDGE, name="Conflicted Judge")
    edition_id = (await Edition.select(Edition.id).where(Edition.slug == "2026").first())["id"]
    await grant_role(actor_id=None, user_id=conflicted["id"], role=Role.JUDGE, edition_id=edition_id)
    users["conflicted_judge"] = conflicted["id"]
    return users, edition_id


async def _programme_applications(edition_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    # AgroSense's application (in the programme: mentors and judges work with it) and ParkPulse's.
    def of(startup: str) -> Any:
        return Application.select().where(Application.edition == edition_id, Application.startup.name == startup)

    own_app, other_app = await of("AgroSense").first(), await of("ParkPulse").first()
    # The world's own judging, mentoring and hackathon below stand beside the demo's.
    pairs = Match.application.is_in([own_app["id"], other_app["id"]])
    await MentoringSession.delete().where(
        MentoringSession.match.is_in([m["id"] for m in await Match.select().where(pairs)])
    )
    await Match.delete().where(pairs)
    return own_app, other_app


async def _problems(users: dict[str, int]) -> dict[str, int]:
    """Ivanjica's published and draft problems (the draft with an attachment), one in review, and
    a resident's comment."""
    ivanjica = (
        await Membership.select(Membership.organisation_id)
        .where(Membership.user == users["municipality"], Membership.role == Role.MUNICIPALITY)
        .first()
    )["organisation_id"]
    published = await Problem.select().where(Problem.municipality == ivanjica, Problem.status == "published").first()
    draft = await Problem.select().where(Problem.municipality == ivanjica, Problem.status == "draft").first()
    review = await Problem.select().where(Problem.status == "submitted").first()

    # Ivanjica's draft carries an attachment its staff uploaded.
    attachment_file = await _inserted(
        StoredFile(
            key="authz-attachment",
            original_name="map.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            owner=users["municipality"],
            purpose="problem_attachment",
        )
    )
    attachment = await _inserted(ProblemAttachment(problem=draft["id"], file=attachment_file))
    comment = await _inserted(Comment(problem=published["id"], author=users["resident"], body="We need this."))

    return {
        "municipality_id": ivanjica,
        "problem_id": published["id"],
        "draft_problem_id": draft["id"],
        "review_problem_id": review["id"],
        "attachment_id": attachment,
        "comment_id": comment,
    }


async def _judging(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], other_app: dict[str, Any], *, now: datetime
) -> dict[str, int]:
    # Judging: the judge scores AgroSense; the conflicted judge declared a conflict with it and
    # scores ParkPulse instead. A pairwise final runs beside it.
    round_id = await _inserted(
        Round(
            edition=edition_id,
            name="Screening",
            status="open",
            judges_per_application=1,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
        )
    )
    await Criterion.insert(Criterion(round=round_id, name="Impact", weight=1.0, scale_min=1, scale_max=10))
    pairwise_round_id = await _inserted(
        Round(edition=edition_id, name="Final", method="pairwise", status="open", position=2)
    )
    for r in (round_id, pairwise_round_id):
        for app in (own_app, other_app):
            await RoundApplication.insert(RoundApplication(round=r, application=app["id"], key=f"{r}:{app['id']}"))
    for judge in ("judge", "conflicted_judge"):
        await JudgeProfile.insert(
            JudgeProfile(user=users[judge], edition=edition_id, key=f"{edition_id}:{users[judge]}")
        ).on_conflict(target=JudgeProfile.key, action="DO NOTHING")

    async def assign(judge: str, app: dict[str, Any]) -> int:
        key = f"{round_id}:{users[judge]}:{app['id']}"
        return await _inserted(JudgeAssignment(round=round_id, judge=users[judge], application=app["id"], key=key))

    assignment = await assign("judge", own_app)
    await assign("conflicted_judge", other_app)
    await DeclaredConflict.insert(
        DeclaredConflict(
            judge=users["conflicted_judge"],
            application=own_app["id"],
            note="I advise them.",
            key=f"{users['conflicted_judge']}:{own_app['id']}",
        )
    )

    return {"round_id": round_id, "pairwise_round_id": pairwise_round_id, "assignment_id": assignment}


async def _mentoring(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], *, now: datetime
) -> dict[str, int]:
    # Mentoring: the mentor's published match with AgroSense, a booked session and an open slot.
    match = await _inserted(
        Match(
            edition=edition_id,
            mentor=users["mentor"],
            application=own_app["id"],
            startup=own_app["startup"],
            status="published",
            key=f"{users['mentor']}:{own_app['id']}",
            published_at=now,
        )
    )
    start = (now + timedelta(days=5)).replace(microsecond=0)

    async def slot(starts_at: datetime, status: str) -> int:
        return await _inserted(
            MentoringSlot(
                mentor=users["mentor"],
                edition=edition_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                status=status,
                location="Online",
            )
        )

    booked_slot = await slot(start, "booked")
    open_slot = await slot(start + timedelta(days=1), "open")
    session = await _inserted(
        MentoringSession(
            slot=booked_slot,
            match=match,
            mentor=users["mentor"],
            startup=own_app["startup"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            active_key=str(booked_slot),
            booked_by=users["startup"],
        )
    )

    return {"match_id": match, "session_id": session, "slot_id": open_slot}


async def _hackathon(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], *, now: datetime
) -> dict[str, int]:
    # A published hackathon: a room, a panel of the judge, a talk, and AgroSense's pitch.
    h_start = (now + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    hackathon = await _inserted(
        Hackathon(
            edition=edition_id,
            name="Demo day",
            venue="Science Park",
            starts_at=h_start,
            ends_at=h_start + timedelta(hours=6),
            status="published",
            published_at=now,
        )
    )
    room = await _inserted(Room(hackathon=hackathon, name="Hall A", capacity=20))
    panel = await _inserted(Panel(hackathon=hackathon, name="Panel 1", judge_ids=[users["judge"]]))
    fixed = await _inserted(
        FixedSession(
            hackathon=hackathon,
            title="Welcome",
            starts_at=h_start,
            ends_at=h_start + timedelta(minutes=30),
            room=room,
        )
    )
    item = await _inserted(
        ScheduleItem(
            hackathon=hackathon,
            ref="pitch-1-1",
            kind="pitch",
            title="AgroSense pitch",
            room=room,
            starts_at=h_start + timedelta(hours=1),
            ends_at=h_start + timedelta(hours=1, minutes=10),
            team_ids=[own_app["id"]],
            judge_ids=[users["judge"]],
            panel=panel,
        )
    )

    return {"hackathon_id": hackathon, "room_id": room, "panel_id": panel, "fixed_session_id": fixed, "item_id": item}


async def _draft_pilot(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], *, ivanjica: int, problem: int
) -> dict[str, int]:
    # A pilot in draft between AgroSense and Ivanjica, accompanied by the mentor: version 1 unsigned.
    pilot = (
        await Pilot.insert(
            Pilot(
                edition=edition_id,
                application=own_app["id"],
                problem=problem,
                municipality=ivanjica,
                startup=own_app["startup"],
                code="authz234",
                title="Soil sensors",
                scope="Sensors on farms.",
                locations=["Ivanjica"],
                starts_on=date(2027, 3, 1),
                ends_on=date(2027, 9, 1),
                data_terms="Open aggregates.",
                mentor=users["mentor"],
                opened_by=users["organiser"],
            )
        ).returning(Pilot.id)
    )[0]["id"]
    terms = {
        "scope": "Sensors on farms.",
        "locations": ["Ivanjica"],
        "starts_on": "2027-03-01",
        "ends_on": "2027-09-01",
        "budget_eur": None,
        "funded_by": "",
        "procurement": "direct_pilot",
        "data_terms": "Open aggregates.",
        "mentor_id": users["mentor"],
    }
    await AgreementVersion.insert(
        AgreementVersion(pilot=pilot, number=1, key=f"{pilot}:1", terms=terms, author=users["organiser"])
    )
    return {"draft_pilot_id": pilot, "number": 1}


async def _mail_and_tokens(edition_id: int) -> dict[str, Any]:
    """A message in the outbox, an invitation, and the links mailed to a stranger."""
    outbox = await _inserted(OutboxMessage(to_address="someone@example.org", subject="Hello", body_text="Hi"))
    invite = await tokens.issue(
        purpose=TokenPurpose.INVITE, email="invitee@example.org", payload={"role": "mentor", "edition_id": edition_id}
    )
    # Links mailed to someone else, for the pages that take a token.
    stranger = await make_user(email="stranger@example.org", verified=False)
    reset = await tokens.issue(purpose=TokenPurpose.RESET_PASSWORD, email=stranger["email"], user_id=stranger["id"])
    verify = await tokens.issue(purpose=TokenPurpose.VERIFY_EMAIL, email=stranger["email"], user_id=stranger["id"])
    sign_in = await tokens.issue(purpose=TokenPurpose.SIGN_IN, email=stranger["email"], user_id=stranger["id"])
    return {
        "message_id": outbox,
        "token": invite,
        "reset_token": reset,
        "verify_token": verify,
        "sign_in_token": sign_in,
        "user_id": stranger["id"],
    }


async def _pilots(users: dict[str, int], own_app: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """AgroSense's running pilot in Ivanjica (the mentor accompanies it) and what each part needs in it."""
    pilot = await _running_pilot(users, own_app, now=now)
    return {
        "pilot_id": pilot,
        "pilot_code": "authzpilot",
        **await _pilot_feedback(pilot),
        **await _pilot_milestones(pilot, now=now),
    }


async def _running_pilot(users: dict[str, int], own_app: dict[str, Any], *, now: datetime) -> int:
    """Running under version 1 of its agreement, which the three sides signed."""
    ivanjica = (
        await Membership.select(Membership.organisation_id)
        .where(Membership.user == users["municipality"], Membership.role == Role.MUNICIPALITY)
        .first()
    )["organisation_id"]
    problem = await Problem.select(Problem.id).where(Problem.municipality == ivanjica).first()
    today = now.date()
    pilot: int = (
        await Pilot.insert(
            Pilot(
                edition=own_app["edition"],
                application=own_app["id"],
                problem=problem["id"],
                municipality=ivanjica,
                startup=own_app["startup"],
                code="authzpilot",
                title="Soil sensors (authorization)",
                status="running",
                scope="Soil sensors on twenty farms.",
                locations=["Kušići"],
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=150),
                data_terms="The farms own their readings.",
                mentor=users["mentor"],
                version_in_force=1,
            )
        ).returning(Pilot.id)
    )[0]["id"]
    terms = {
        "scope": "Soil sensors on twenty farms.",
        "locations": ["Kušići"],
        "starts_on": (today - timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=150)).isoformat(),
        "budget_eur": None,
        "funded_by": "",
        "procurement": "direct_pilot",
        "data_terms": "The farms own their readings.",
        "mentor_id": users["mentor"],
    }
    version = await _inserted(
        AgreementVersion(pilot=pilot, number=1, key=f"{pilot}:1", terms=terms, author=users["organiser"])
    )
    signers = {"organiser": users["organiser"], "municipality": users["municipality"], "startup": users["startup"]}
    for side, signer in signers.items():
        await Signature.insert(Signature(version=version, side=side, key=f"{version}:{side}", signer=signer))
    return pilot


async def _pilot_feedback(pilot: int) -> dict[str, int]:
    """A resident's feedback, for the moderation routes."""
    row = PilotFeedback(pilot=pilot, rating=4, comment="Useful.")
    return {"feedback_id": (await PilotFeedback.insert(row).returning(PilotFeedback.id))[0]["id"]}


async def _pilot_milestones(pilot: int, *, now: datetime) -> dict[str, int]:
    """A milestone the municipality and the startup sign off, and a spare one the organisers may remove."""

    async def milestone(title: str) -> int:
        row = Milestone(
            pilot=pilot,
            title=title,
            deliverable="Sensors online.",
            due_on=now.date() + timedelta(days=10),
            sign_off_by=["municipality", "startup"],
        )
        return (await Milestone.insert(row).returning(Milestone.id))[0]["id"]

    return {"milestone_id": await milestone("Sensors installed"), "spare_milestone_id": await milestone("Spare")}


async def _pilot_kpis(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], problems: dict[str, int], *, now: datetime
) -> dict[str, Any]:
    """A running pilot of AgroSense in Ivanjica, accompanied by the demo mentor, with a KPI the
    startup reports and one value waiting for review."""
    today = now.date()
    pilot = (
        await Pilot.insert(
            Pilot(
                edition=edition_id,
                application=own_app["id"],
                problem=problems["problem_id"],
                municipality=problems["municipality_id"],
                startup=own_app["startup"],
                code="authzkpis",
                title="Soil sensors (authorization world)",
                status=PilotStatus.RUNNING,
                starts_on=today - timedelta(days=60),
                ends_on=today + timedelta(days=120),
                mentor=users["mentor"],
                version_in_force=1,
            )
        ).returning(Pilot.id)
    )[0]["id"]
    kpi = (
        await Kpi.insert(
            Kpi(
                pilot=pilot,
                name="Water per hectare",
                unit="m3/ha",
                direction=Direction.DOWN,
                baseline_value=420.0,
                baseline_on=today - timedelta(days=90),
                target_value=330.0,
                method="Flow meters.",
                frequency=Frequency.MONTHLY,
                reporter=Side.STARTUP,
            )
        ).returning(Kpi.id)
    )[0]["id"]
    measurement = (
        await Measurement.insert(
            Measurement(kpi=kpi, measured_on=today - timedelta(days=30), value=400.0, reported_by=users["startup"])
        ).returning(Measurement.id)
    )[0]["id"]
    return {
        "kpi_pilot_id": pilot,
        "kpi_id": kpi,
        "measurement_id": measurement,
        "kpi_measured_on": (today - timedelta(days=1)).isoformat(),
    }


async def _application_questions(edition_id: int) -> dict[str, int]:
    """Two of the organisers' own questions: one the edit routes act on, one the remove route removes."""
    from challenge.tables import Question, QuestionVersion

    ids = []
    for position, text in enumerate(("Employees", "Founded in a village?"), start=90):
        question = await _inserted(Question(edition=edition_id, position=position))
        version = await _inserted(
            QuestionVersion(
                question=question, kind="yes_no", label={"en": text, "sr_Cyrl": text, "sr_Latn": text}, help={}
            )
        )
        await Question.update({Question.current_version: version}).where(Question.id == question)
        ids.append(question)
    return {"asked_question_id": ids[0], "spare_asked_question_id": ids[1]}


async def _blind_round(
    edition_id: int, users: dict[str, int], own_app: dict[str, Any], *, now: datetime
) -> dict[str, int]:
    # A blind round: the judge scores AgroSense under a pseudonym and gets its deck renamed.
    round_id = await _inserted(
        Round(
            edition=edition_id,
            name="Blind screening",
            status="open",
            position=3,
            judges_per_application=1,
            opens_at=now - timedelta(days=1),
            blind=True,
            redacted_fields=["why_us"],
        )
    )
    await RoundApplication.insert(
        RoundApplication(round=round_id, application=own_app["id"], key=f"{round_id}:{own_app['id']}")
    )
    assignment = await _inserted(
        JudgeAssignment(
            round=round_id,
            judge=users["judge"],
            application=own_app["id"],
            key=f"{round_id}:{users['judge']}:{own_app['id']}",
        )
    )
    return {"blind_round_id": round_id, "blind_assignment_id": assignment}
