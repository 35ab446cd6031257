"""Faults, 1: the server is SIGKILLed in the middle of a burst of submissions and score saves.

The scenario runs the real server (`python -m core serve`) as a process, kills it for real and
then reads the database itself: what was acknowledged is all there, nothing is half there,
nothing is there twice. The database restart and the mail server down are in
test_faults_database.py and test_faults_mail.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from challenge.tables import Application, ApplicationEvent, Startup
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from judging.enums import RoundStatus, ScoreStatus
from judging.tables import Criterion, JudgeAssignment, Round, ScoreSheet
from tests.factories import make_edition_taking_applications, make_municipality, make_problem, make_user
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up
from tests.integration.core.faults import (
    SUBMITTED_SUBJECT,
    Action,
    acknowledged,
    make_submission,
    send_action,
    signed_in_session,
)

pytestmark = pytest.mark.slow

SUBMISSIONS = 40
JUDGES = 8
SCORED_APPLICATIONS = 5  # every judge scores each of them: 40 score saves
KILL_AFTER_ACKS = 6


# ---------------------------------------------------------------------------------------------
# 1. The server is SIGKILLed in the middle of a burst of submissions and score saves.


async def _score_saves(edition: dict[str, Any]) -> list[Action]:
    """An open round with a three-criterion rubric; every judge scores every application in it."""
    round_id = (
        await Round.insert(
            Round(edition=edition["id"], name="Screening", status=RoundStatus.OPEN, judges_per_application=JUDGES)
        ).returning(Round.id)
    )[0]["id"]
    criteria = []
    for position, (name, weight) in enumerate([("Impact", 2.0), ("Team", 1.0), ("Feasibility", 1.0)], start=1):
        row = Criterion(round=round_id, position=position, name=name, weight=weight, scale_min=1, scale_max=10)
        criteria.append((await Criterion.insert(row).returning(Criterion.id))[0]["id"])
    scored = []
    for n in range(SCORED_APPLICATIONS):
        startup = (
            await Startup.insert(Startup(name=f"Scored {n}", country="Serbia", city="Niš")).returning(Startup.id)
        )[0]["id"]
        application = Application(
            edition=edition["id"],
            startup=startup,
            track="smart_city",
            status="submitted",
            solution="Sensors.",
            active_key=f"{edition['id']}:{startup}:smart_city",
        )
        scored.append((await Application.insert(application).returning(Application.id))[0]["id"])
    actions = []
    for j in range(JUDGES):
        judge = await make_user(email=f"judge{j}@burst.example", role=Role.JUDGE, edition_id=edition["id"])
        session_id = await signed_in_session(judge["id"])
        for application_id in scored:
            assignment_id = (
                await JudgeAssignment.insert(
                    JudgeAssignment(
                        round=round_id,
                        judge=judge["id"],
                        application=application_id,
                        key=f"{round_id}:{judge['id']}:{application_id}",
                    )
                ).returning(JudgeAssignment.id)
            )[0]["id"]
            values = {str(c): 1 + (assignment_id * (k + 3)) % 10 for k, c in enumerate(criteria)}
            actions.append(
                Action(
                    url=f"/judge/assignments/{assignment_id}",
                    session_id=session_id,
                    form={**{f"c{c}": str(v) for c, v in values.items()}, "action": "submit"},
                    assignment_id=assignment_id,
                    values=values,
                )
            )
    return actions


DONE = "done"
NOT_DONE = "not done"


async def _submission_states(actions: list[Action]) -> dict[int, str]:
    """Per application: DONE (status, event, audit and mail all there once), NOT_DONE (none of
    them), or a description of the partial or doubled state found."""
    ids = [a.application_id for a in actions]
    rows = await Application.select(Application.id, Application.status, Application.submitted_at).where(
        Application.id.is_in(ids)
    )
    events = Counter(
        row["application"]
        for row in await ApplicationEvent.select(ApplicationEvent.application).where(
            ApplicationEvent.application.is_in(ids), ApplicationEvent.to_status == "submitted"
        )
    )
    audits = Counter(
        int(row["entity_id"])
        for row in await AuditEvent.select(AuditEvent.entity_id).where(
            AuditEvent.entity == "application", AuditEvent.action == "application.submitted"
        )
    )
    mails = Counter(
        row["to_address"]
        for row in await OutboxMessage.select(OutboxMessage.to_address).where(
            OutboxMessage.subject.like(f"{SUBMITTED_SUBJECT}%")
        )
    )
    by_id = {row["id"]: row for row in rows}
    states = {}
    for action in actions:
        row = by_id[action.application_id]
        facts = (
            row["status"],
            row["submitted_at"] is not None,
            events[action.application_id],
            audits[action.application_id],
            mails[action.founder_email],
        )
        states[action.application_id] = (
            DONE
            if facts == ("submitted", True, 1, 1, 1)
            else NOT_DONE
            if facts == ("draft", False, 0, 0, 0)
            else f"partial (status, submitted_at, events, audits, mails) = {facts}"
        )
    # Nothing written for an application outside the burst (e.g. an event with a wrong id).
    assert set(audits) <= set(ids) and set(events) <= set(ids)
    assert set(mails) <= {a.founder_email for a in actions}
    return states


async def _sheet_states(actions: list[Action]) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Per assignment: DONE (one submitted sheet holding every score sent, with its total and one
    submission in the audit), NOT_DONE (no sheet), or a description of what is wrong. Also the
    audited actions per assignment."""
    ids = [a.assignment_id for a in actions]
    sheets = await ScoreSheet.select().where(ScoreSheet.assignment.is_in(ids)).output(load_json=True)
    by_assignment: dict[int, list[dict[str, Any]]] = {}
    for sheet in sheets:
        by_assignment.setdefault(sheet["assignment"], []).append(sheet)
    audit_rows = (
        await AuditEvent.select(AuditEvent.entity_id, AuditEvent.action)
        .where(AuditEvent.entity == "score_sheet")
        .order_by(AuditEvent.id)
    )
    assignment_of_sheet = {sheet["id"]: sheet["assignment"] for sheet in sheets}
    # An audit row for a sheet that does not exist is half a transaction too.
    assert {int(row["entity_id"]) for row in audit_rows} <= set(assignment_of_sheet), audit_rows
    audited: dict[int, list[str]] = {}
    for row in audit_rows:
        audited.setdefault(assignment_of_sheet[int(row["entity_id"])], []).append(row["action"])
    states = {}
    for action in actions:
        found = by_assignment.get(action.assignment_id, [])
        if not found:
            states[action.assignment_id] = NOT_DONE
            continue
        sheet = found[0]
        facts = (
            len(found),
            sheet["status"],
            sheet["values"] == action.values,
            sheet["total"] is not None,
            sheet["submitted_at"] is not None,
            audited.get(action.assignment_id, []).count("score.submitted"),
        )
        states[action.assignment_id] = (
            DONE
            if facts == (1, ScoreStatus.SUBMITTED, True, True, True, 1)
            else f"partial (sheets, status, all values, total, submitted_at, submissions audited) = {facts}"
            f" values={sheet['values']}"
        )
    return states, audited


def _is_submission(action: Action) -> bool:
    return action.application_id is not None


def _answer_to(action: Action, state: str) -> int:
    """What sending an action must get, given its state: a submission that already landed is
    refused ("this application is submitted", 409); a save of a submitted sheet edits it."""
    return 409 if _is_submission(action) and state == DONE else 302


class Journal:
    """The state of every action in the database, read after each kill and held against what
    the clients were told: nothing partial, nothing doubled, nothing acknowledged yet missing."""

    def __init__(self, submissions: list[Action], score_saves: list[Action]) -> None:
        self.submissions, self.score_saves = submissions, score_saves
        self.states = dict.fromkeys([*submissions, *score_saves], NOT_DONE)
        # Saves sent again after their sheet was in: each may add one audited edit, no more.
        self.resent_after_done: Counter[Action] = Counter()

    async def read(self) -> dict[Action, str]:
        submitted = await _submission_states(self.submissions)
        scored, audited = await _sheet_states(self.score_saves)
        for action in self.score_saves:
            edits = audited.get(action.assignment_id, [])[1:]
            assert edits == ["score.edited"] * len(edits) and len(edits) <= self.resent_after_done[action], edits
        return {
            action: submitted[action.application_id] if _is_submission(action) else scored[action.assignment_id]
            for action in self.states
        }

    async def fire(
        self, server: ServerProcess, actions: list[Action], *, kill_after: Callable[[Action], bool] | None = None
    ) -> dict[Action, int | None]:
        """Send `actions` at once; with `kill_after`, SIGKILL the server after KILL_AFTER_ACKS
        acknowledgements of the actions it picks. Each action's status, None if no answer came."""
        wait_until_up(server)
        outcome = await _burst(server, actions, kill_after=kill_after)
        return {actions[i]: code for i, code in outcome.items()}

    async def check(self, outcome: dict[Action, int | None]) -> list[Action]:
        """Hold the database against the answers; returns the actions whose answer never came."""
        before = dict(self.states)
        self.resent_after_done.update(a for a in outcome if not _is_submission(a) and before[a] == DONE)
        after = await self.read()
        assert [state for state in after.values() if state not in (DONE, NOT_DONE)] == []
        # Every answer is the one the action's state called for; what it acknowledged is all there.
        answered = {a: code for a, code in outcome.items() if code is not None}
        assert {a.url: code for a, code in answered.items() if code != _answer_to(a, before[a])} == {}
        assert [a.url for a, code in answered.items() if acknowledged(code) and after[a] != DONE] == []
        # What landed stays landed.
        assert [a.url for a in outcome if before[a] == DONE and after[a] != DONE] == []
        self.states = after
        return [a for a, code in outcome.items() if code is None]


async def _burst(
    server: ServerProcess, actions: list[Action], *, kill_after: Callable[[Action], bool] | None = None
) -> dict[int, int | None]:
    """Send every action at once; with `kill_after`, SIGKILL the server right after
    KILL_AFTER_ACKS acknowledgements of the actions it picks (the kind the kill should cut).

    Returns each action's status code, None where no response came back.
    """
    outcome: dict[int, int | None] = {}
    counted = 0
    limits = httpx.Limits(max_connections=len(actions), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:

        async def one(index: int, action: Action) -> None:
            nonlocal counted
            try:
                status: int | None = (await send_action(http, action)).status_code
            except httpx.TransportError:
                status = None
            outcome[index] = status
            if kill_after is not None and acknowledged(status) and kill_after(action):
                counted += 1
                if counted == KILL_AFTER_ACKS:
                    server.process.kill()

        await asyncio.gather(*(one(index, action) for index, action in enumerate(actions)))
    if kill_after is not None:
        assert server.process.wait(timeout=10) == -9
    return outcome


async def test_server_killed_mid_burst_keeps_each_acknowledged_request_whole() -> None:
    servers = [start_server(port=free_port())]  # boots while the rows are built
    try:
        edition = await make_edition_taking_applications()
        problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
        submissions = [await make_submission(edition, problem["id"], n) for n in range(SUBMISSIONS)]
        score_saves = await _score_saves(edition)
        journal = Journal(submissions, score_saves)
        # A score save is served several times faster than a submission: in one burst every
        # save would be over before the first submission came back. So two bursts, each killed
        # while the kind it counts is in full flow: the submissions, then the saves mixed with
        # the submissions' retries. Each restart boots while the database is checked.
        outcome = await journal.fire(servers[0], submissions, kill_after=_is_submission)
        servers.append(start_server(port=free_port()))
        lost = await journal.check(outcome)
        assert 0 < len(lost) < len(submissions)

        outcome = await journal.fire(servers[1], score_saves + lost, kill_after=lambda a: not _is_submission(a))
        servers.append(start_server(port=free_port()))
        lost = await journal.check(outcome)
        assert any(not _is_submission(a) for a in lost)

        # The third start serves, and everything still unanswered goes through, once.
        assert await journal.check(await journal.fire(servers[2], lost)) == []
        async with httpx.AsyncClient(base_url=servers[2].url) as http:
            judge_home = await http.get("/judge/", headers={"cookie": f"sid={score_saves[0].session_id}"})
    finally:
        for server in servers:
            stop_server(server)

    assert judge_home.status_code == 200
    assert set(journal.states.values()) == {DONE}
