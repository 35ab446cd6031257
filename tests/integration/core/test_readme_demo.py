"""What the README says about the demo is what the demo holds.

The README's "Demo logins" table and its "in the demo | count" table are parsed; every row of the
second must have a query here (an unknown row fails: a new claim needs its check), and every count
must be what the loaded demo holds.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from challenge.tables import Application, Endorsement, Municipality, Problem
from core.demo import PEOPLE, load_demo
from core.tables import Membership
from hackathon.tables import Hackathon, ScheduleItem
from judging.tables import PairwiseVote, Round, ScoreSheet
from mentoring.tables import Match, MentoringSession
from pilots.enums import MilestoneStatus
from pilots.tables import Kpi, Measurement, Milestone, Pilot, PilotFeedback
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_after(heading: str) -> list[list[str]]:
    """The rows (cells stripped of backticks) of the first Markdown table after `heading`."""
    text = README[README.index(heading) :]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows


def _applications(year: int, status: str | None = None):
    query = Application.count().where(Application.edition.year == year)
    return query.where(Application.status == status) if status else query


def _problems(status: str):
    return Problem.count().where(Problem.edition.year == 2026, Problem.status == status)


def _rounds(status: str, method: str = "weighted_rubric"):
    return Round.count().where(Round.edition.year == 2026, Round.status == status, Round.method == method)


async def _overdue_milestones() -> int:
    from core.clock import utc_now

    return await Milestone.count().where(
        Milestone.status != MilestoneStatus.ACHIEVED, Milestone.due_on < utc_now().date()
    )


async def _published_items() -> int:
    published = await Hackathon.select(Hackathon.id).where(Hackathon.status == "published")
    return await ScheduleItem.count().where(ScheduleItem.hackathon.is_in([h["id"] for h in published] or [0]))


CLAIMS: dict[str, Callable[[], Awaitable[int]]] = {
    "municipalities (urban, mixed and rural)": lambda: Municipality.count(),
    "problems of 2026: published": lambda: _problems("published"),
    "problems of 2026: submitted, waiting for review": lambda: _problems("submitted"),
    "problems of 2026: changes requested": lambda: _problems("changes_requested"),
    "problems of 2026: draft": lambda: _problems("draft"),
    "problems of 2026: withdrawn": lambda: _problems("withdrawn"),
    "problems of 2026: archived": lambda: _problems("archived"),
    "residents' endorsements": lambda: Endorsement.count(),
    "applications of 2026": lambda: _applications(2026),
    "applications of 2026: draft": lambda: _applications(2026, "draft"),
    "applications of 2026: submitted (reserve list)": lambda: _applications(2026, "submitted"),
    "applications of 2026: shortlisted": lambda: _applications(2026, "shortlisted"),
    "applications of 2026: rejected": lambda: _applications(2026, "rejected"),
    "applications of 2026: accepted": lambda: _applications(2026, "accepted"),
    "applications of 2026: finalist": lambda: _applications(2026, "finalist"),
    "applications of 2026 with a pitch deck": lambda: _applications(2026).where(Application.pitch_deck.is_not_null()),
    "judges of 2026": lambda: Membership.count().where(Membership.role == "judge"),
    "judging rounds of 2026: published (Written screening, Interviews)": lambda: _rounds("published"),
    "judging rounds of 2026: closed, scored and normalised (Semi-final)": lambda: _rounds("closed"),
    "judging rounds of 2026: open, pairwise (Final)": lambda: _rounds("open", "pairwise"),
    "submitted score sheets": lambda: ScoreSheet.count().where(ScoreSheet.status == "submitted"),
    "pairwise votes in the final": lambda: PairwiseVote.count(),
    "mentors of 2026": lambda: Membership.count().where(Membership.role == "mentor"),
    "published mentor pairs (one matching run, nobody left out)": lambda: Match.count().where(
        Match.status == "published"
    ),
    "mentoring sessions held": lambda: MentoringSession.count().where(MentoringSession.status == "held"),
    "hackathon schedule items (published)": _published_items,
    "applications of 2025: winner": lambda: _applications(2025, "winner"),
    "applications of 2025: finalist": lambda: _applications(2025, "finalist"),
    "pilots of 2025's winners, running (Kragujevac, Pirot)": lambda: Pilot.count().where(
        Pilot.status == "running", Pilot.application.status == "winner", Pilot.edition.year == 2025
    ),
    "pilot KPIs": lambda: Kpi.count(),
    "pilot measurements": lambda: Measurement.count(),
    "pilot measurements disputed (one per pilot)": lambda: Measurement.count().where(Measurement.status == "disputed"),
    "pilot milestones overdue (Kragujevac's second boulevard)": _overdue_milestones,
    "residents' feedback on pilots (one hidden as spam, two typed in by Pirot's staff)": lambda: PilotFeedback.count(),
}


async def test_every_count_the_readme_gives_is_what_the_demo_holds() -> None:
    await load_demo()
    rows = _table_after("| in the demo | count |")

    held = {label: await CLAIMS[label]() if label in CLAIMS else None for label, _count in rows}

    assert [label for label, _ in rows if label not in CLAIMS] == [], "README rows without a check here"
    assert {label: int(count) for label, count in rows} == held
    assert len(rows) == len(CLAIMS)


async def test_the_readme_logins_are_the_demo_people() -> None:
    await load_demo()
    rows = _table_after("## Demo logins")

    listed = {email: role for email, role in rows}

    assert list(listed) == [email for email, *_ in PEOPLE]
    for email, _name, role, organisation in PEOPLE:
        assert (role.value if role else "resident") in listed[email].replace("municipality staff", "municipality")
        assert organisation is None or organisation in listed[email]
    password = re.search(r"The password for all is `([^`]+)`", README)
    assert password is not None and password.group(1) == "smart-challenge-demo"


async def test_the_demo_people_the_readme_names_are_where_it_says() -> None:
    await load_demo()
    agrosense = (
        await Application.select(Application.id, Application.status)
        .where(Application.edition.year == 2026, Application.startup.name == "AgroSense")
        .first()
    )
    parkpulse = (
        await Application.select(Application.id, Application.status)
        .where(Application.edition.year == 2026, Application.startup.name == "ParkPulse")
        .first()
    )
    unrated = await MentoringSession.count().where(
        MentoringSession.startup.name == "ParkPulse", MentoringSession.rating.is_null()
    )
    mentor_pairs = await Match.count().where(Match.mentor.email == "mentor@demo.smartchallenge.rs")
    ivanjica_drafts = await Problem.count().where(Problem.municipality.name == "Ivanjica", Problem.status == "draft")
    sent_back = await Problem.count().where(
        Problem.municipality.name == "Kragujevac", Problem.status == "changes_requested"
    )

    assert (agrosense["status"], parkpulse["status"]) == ("finalist", "accepted")
    assert await Match.count().where(Match.application == agrosense["id"]) == 1
    assert await MentoringSession.count().where(MentoringSession.startup.name == "AgroSense") == 3
    assert (unrated, mentor_pairs, ivanjica_drafts, sent_back) == (1, 3, 1, 1)
    assert await ScheduleItem.count().where(ScheduleItem.kind == "pitch") > 0
    pitches = (
        await ScheduleItem.select(ScheduleItem.team_ids).where(ScheduleItem.kind == "pitch").output(load_json=True)
    )
    assert any(agrosense["id"] in row["team_ids"] for row in pitches)
