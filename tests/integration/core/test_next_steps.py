"""Every role's home page opens with its next steps: the right items, linked, for seeded situations."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from challenge.tables import Application, ApplicationProblem, Endorsement, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.i18n import format_datetime
from judging.tables import JudgeAssignment, Round, ScoreSheet
from mentoring.tables import Match, MentoringSession, MentoringSlot
from tests.factories import make_edition, make_municipality, make_problem, make_startup, set_timeline
from tests.web import WebClient

STEP = re.compile(r'<li class="step step-(\w+)" data-step="([\w.]+)">(.*?)</li>', re.S)
TAG = re.compile(r"<[^>]+>")
# Layout whitespace only: dates keep their narrow no-break spaces.
SPACE = re.compile(r"[ \t\r\n]+")
ZONE = "Europe/Belgrade"


def steps(page: str) -> list[tuple[str, str, str | None, str]]:
    """(kind, state, link, text) of each checklist line; state is "done" or the urgency."""
    found = []
    for state, kind, body in STEP.findall(page):
        link = re.search(r'href="([^"]+)"', body)
        text = SPACE.sub(" ", html.unescape(TAG.sub(" ", body))).strip().replace("✓ ", "").replace("○ ", "")
        found.append((kind, state, html.unescape(link.group(1)) if link else None, text))
    return found


def minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


async def _edition_in(
    phase: str, *, name: str = "Smart Challenge 2026", year: int = 2026, **ends: timedelta
) -> tuple[dict, dict]:
    """An edition whose `phase` started a day ago; the next phase starts after `ends[phase]` (default 10 days)."""
    edition = await make_edition(name=name, year=year)
    now = minute(utc_now())
    order = ["problem_intake", "applications", "screening", "mentoring", "hackathon", "final_judging", "results"]
    index = order.index(phase)
    starts = {p: now - timedelta(days=1 + 10 * (index - i)) for i, p in enumerate(order[: index + 1])}
    if index + 1 < len(order):
        starts[order[index + 1]] = now + ends.get(phase, timedelta(days=10))
    await set_timeline(edition["id"], **starts)
    return edition, starts


async def _member(logged_in, edition: dict, name: str = "Vodomer") -> tuple[WebClient, dict]:
    startup = await make_startup(name=name)
    member: WebClient = await logged_in(Role.STARTUP, edition_id=edition["id"], organisation_id=startup["id"])
    await StartupMember.insert(
        StartupMember(
            startup=startup["id"],
            user=member.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{member.user['id']}",
            is_contact=True,
        )
    )
    return member, startup


async def _application(edition: dict, startup: dict, status: str = "draft") -> int:
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup["id"],
                track="smart_rural",
                status=status,
                solution="Sensors.",
                active_key=f"{edition['id']}:{startup['id']}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]


async def _match(edition: dict, mentor_id: int, startup: dict, application_id: int) -> int:
    return (
        await Match.insert(
            Match(
                edition=edition["id"],
                mentor=mentor_id,
                application=application_id,
                startup=startup["id"],
                status="published",
                key=f"{mentor_id}:{application_id}",
                published_at=utc_now(),
            )
        ).returning(Match.id)
    )[0]["id"]


async def _past_session(edition: dict, mentor_id: int, startup: dict, match_id: int) -> None:
    start = minute(utc_now()) - timedelta(days=1)
    slot = (
        await MentoringSlot.insert(
            MentoringSlot(
                mentor=mentor_id,
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
            match=match_id,
            mentor=mentor_id,
            startup=startup["id"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status="booked",
            active_key=str(slot),
        )
    )


async def test_a_signed_in_person_is_asked_to_endorse_and_to_register_a_startup(logged_in) -> None:
    edition, starts = await _edition_in("applications")
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    person = await logged_in()

    before = steps((await person.get("/")).text)
    await Endorsement.insert(
        Endorsement(problem=problem["id"], user=person.user["id"], key=f"{problem['id']}:{person.user['id']}")
    )
    after = steps((await person.get("/")).text)

    assert before == [
        (
            "person.endorse",
            "normal",
            f"/problems?edition={edition['slug']}",
            "Endorse the problems that matter to you.",
        ),
        (
            "person.register_startup",
            "normal",
            f"/startup/register?edition_id={edition['id']}",
            f"Register a startup to apply to Smart Challenge 2026 by {format_datetime(starts['screening'], ZONE)}.",
        ),
    ]
    assert after[-1] == ("person.endorsed", "done", None, "Done: You endorsed 1 problem.")


async def test_a_visitor_sees_no_checklist(client) -> None:
    await _edition_in("applications")

    assert steps((await client.get("/")).text) == []


async def test_a_startup_hears_about_its_missing_deck_and_its_mentoring(logged_in) -> None:
    edition, starts = await _edition_in("applications", applications=timedelta(hours=20))
    member, startup = await _member(logged_in, edition)
    draft = await _application(edition, startup)

    shown = steps((await member.get("/startup")).text)

    when = format_datetime(starts["screening"], ZONE)
    assert shown == [
        (
            "application.pitch_deck",
            "soon",
            f"/startup/applications/{draft}/edit",
            "Soon Your application has no pitch deck.",
        ),
        (
            "application.missing",
            "soon",
            f"/startup/applications/{draft}/edit",
            f"Soon Your draft is missing 5 parts; the deadline is {when}.",
        ),
    ]


async def test_a_matched_startup_is_asked_to_book_and_to_rate(logged_in) -> None:
    edition, _ = await _edition_in("mentoring")
    member, startup = await _member(logged_in, edition)
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"], name="Ana Mentor")
    match = await _match(edition, mentor.user["id"], startup, await _application(edition, startup, "accepted"))
    await _past_session(edition, mentor.user["id"], startup, match)

    shown = steps((await member.get("/startup")).text)

    assert shown == [
        ("mentoring.book", "normal", "/startup/mentoring", "Book a session with your mentor Ana Mentor."),
        ("mentoring.rate", "normal", "/startup/mentoring", "1 session to rate."),
        ("application.submitted", "done", None, "Done: Your application is submitted."),
    ]


async def test_a_mentor_completes_the_profile_offers_slots_and_confirms_a_session(logged_in) -> None:
    edition, _ = await _edition_in("mentoring")
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"], name="Ana Mentor")
    _, startup = await _member(logged_in, edition)
    match = await _match(edition, mentor.user["id"], startup, await _application(edition, startup, "accepted"))
    await _past_session(edition, mentor.user["id"], startup, match)

    shown = steps((await mentor.get("/mentor")).text)

    assert shown == [
        (
            "mentor.profile",
            "normal",
            f"/mentor/editions/{edition['id']}/profile",
            "Complete your mentor profile for Smart Challenge 2026: matching uses it.",
        ),
        ("mentor.slots", "normal", "/mentor/sessions", "Offer slots: 1 startup waits to book a session with you."),
        ("mentor.confirm", "normal", "/mentor/sessions", "1 session to confirm: record attendance and notes."),
    ]


async def _round(edition: dict, *, closes_at: datetime, name: str = "Screening round") -> int:
    return (
        await Round.insert(
            Round(
                edition=edition["id"],
                name=name,
                status="open",
                opens_at=utc_now() - timedelta(days=1),
                closes_at=closes_at,
            )
        ).returning(Round.id)
    )[0]["id"]


async def _assign(round_id: int, judge_id: int, application_id: int, *, submitted: bool = False) -> None:
    assignment = (
        await JudgeAssignment.insert(
            JudgeAssignment(
                round=round_id,
                judge=judge_id,
                application=application_id,
                key=f"{round_id}:{judge_id}:{application_id}",
            )
        ).returning(JudgeAssignment.id)
    )[0]["id"]
    if submitted:
        await ScoreSheet.insert(
            ScoreSheet(
                assignment=assignment,
                key=str(assignment),
                round=round_id,
                judge=judge_id,
                application=application_id,
                status="submitted",
                submitted_at=utc_now(),
            )
        )


async def test_a_judge_has_sheets_to_score_by_the_close(logged_in) -> None:
    edition, _ = await _edition_in("screening")
    closes = minute(utc_now()) + timedelta(days=3)
    round_id = await _round(edition, closes_at=closes)
    judge = await logged_in(Role.JUDGE, edition_id=edition["id"])
    for name in ("A", "B"):
        _, startup = await _member(logged_in, edition, name=f"Startup {name}")
        await _assign(round_id, judge.user["id"], await _application(edition, startup, "submitted"))

    shown = steps((await judge.get("/judge")).text)

    assert shown == [
        (
            "judge.score",
            "normal",
            f"/judge/rounds/{round_id}",
            f"2 sheets to score in Screening round by {format_datetime(closes, ZONE)}.",
        ),
        (
            "judge.profile",
            "normal",
            f"/judge/editions/{edition['id']}/profile",
            "Tell us your organisation and expertise for Smart Challenge 2026: it keeps conflicts out of your queue.",
        ),
    ]


async def test_an_organiser_sees_review_matching_round_and_results(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    intake, _ = await _edition_in("problem_intake", name="Intake", year=2027)
    await make_problem(edition_id=intake["id"], municipality_id=(await make_municipality())["id"], status="submitted")
    mentoring, _ = await _edition_in("mentoring", name="Mentoring 2026")
    round_id = await _round(mentoring, closes_at=utc_now() + timedelta(days=2, hours=3))
    judge = await logged_in(Role.JUDGE)
    for index, name in enumerate(("A", "B")):
        _, startup = await _member(logged_in, mentoring, name=f"Team {name}")
        await _assign(
            round_id, judge.user["id"], await _application(mentoring, startup, "submitted"), submitted=index == 0
        )
    results, _ = await _edition_in("results", name="Finished 2025", year=2025)

    shown = steps((await organiser.get("/organiser")).text)

    assert shown == [
        (
            "matching.publish",
            "late",
            f"/organiser/editions/{mentoring['id']}/matching/",
            "Late Matching of Mentoring 2026 is not yet published.",
        ),
        (
            "results.publish",
            "late",
            f"/organiser/editions/{results['id']}/judging/",
            "Late Results of Finished 2025 are not yet published.",
        ),
        (
            "problems.review",
            "normal",
            f"/organiser/editions/{intake['id']}/problems?status=submitted",
            "1 problem waiting for review in Intake 2027.",
        ),
        (
            "round.scoring",
            "normal",
            f"/organiser/rounds/{round_id}/",
            "Screening round closes in 2 days with 50% scored.",
        ),
    ]


async def test_a_municipality_hears_about_its_draft_and_the_changes_requested(logged_in) -> None:
    edition, starts = await _edition_in("problem_intake")
    town = await make_municipality(name="Ivanjica")
    clerk = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    draft = await make_problem(
        edition_id=edition["id"], municipality_id=town["id"], status="draft", title="Water losses"
    )
    sent_back = await make_problem(
        edition_id=edition["id"], municipality_id=town["id"], status="changes_requested", title="School buses"
    )

    shown = steps((await clerk.get("/municipality")).text)

    when = format_datetime(starts["applications"], ZONE)
    assert shown == [
        (
            "problem.draft",
            "normal",
            f"/municipality/problems/{draft['id']}",
            f"Your draft problem “Water losses” is not submitted; intake closes on {when}.",
        ),
        (
            "problem.changes_requested",
            "normal",
            f"/municipality/problems/{sent_back['id']}",
            "Changes requested on problem “School buses”.",
        ),
    ]


async def test_a_municipality_without_problems_is_told_when_intake_closes(logged_in) -> None:
    edition, starts = await _edition_in("problem_intake")
    town = await make_municipality(name="Ivanjica")
    clerk = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])

    shown = steps((await clerk.get("/municipality")).text)

    link = f"/municipality/problems/new?edition_id={edition['id']}&municipality_id={town['id']}"
    when = format_datetime(starts["applications"], ZONE)
    assert shown == [
        (
            "problem.describe",
            "normal",
            link,
            f"Problem intake for Smart Challenge 2026 closes on {when}: describe a problem.",
        )
    ]


async def test_the_checklist_speaks_serbian_cyrillic(logged_in) -> None:
    edition, _ = await _edition_in("mentoring")
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"])
    await mentor.post_form("/locale", {"locale": "sr_Cyrl", "next": "/mentor"})

    page = (await mentor.get("/mentor")).text

    assert "Следећи кораци" in page
    assert steps(page)[0][3] == "Попуните свој менторски профил за Smart Challenge 2026: упаривање га користи."


async def test_a_municipality_in_screening_is_asked_for_fit_notes(logged_in) -> None:
    edition, _ = await _edition_in("screening")
    town = await make_municipality(name="Ivanjica")
    clerk = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Water losses")
    for name, status in (("A", "submitted"), ("B", "shortlisted"), ("C", "draft")):
        _, startup = await _member(logged_in, edition, name=f"Team {name}")
        application = await _application(edition, startup, status)
        await ApplicationProblem.insert(ApplicationProblem(application=application, problem=problem["id"]))

    shown = steps((await clerk.get("/municipality")).text)

    assert shown == [
        (
            "problem.fit_notes",
            "normal",
            "/municipality/applications/",
            "2 applications address your problems: tell the organisers how they fit.",
        ),
    ]


async def test_someone_with_a_role_is_not_asked_to_found_a_startup(logged_in) -> None:
    await _edition_in("applications")
    judge = await logged_in(Role.JUDGE)

    assert steps((await judge.get("/")).text) == []
