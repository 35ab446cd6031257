"""Faults: the server killed mid-burst, the database restarted under load, the mail server down.

Each scenario runs the real server (`python -m core serve`) as a process, breaks something for
real (SIGKILL, a PostgreSQL restart, a closed SMTP port) and then reads the database itself:
what was acknowledged is all there, nothing is half there, nothing is there twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from aiosmtpd.controller import Controller

from challenge.tables import Application, ApplicationEvent, ApplicationProblem, Startup, StartupMember
from core import csrf, db
from core.clock import utc_now
from core.enums import JobRunStatus, OutboxStatus, Role
from core.sessions import LIFETIME, Session
from core.sessions import _hash as session_key
from core.tables import AuditEvent, JobRun, OutboxMessage, SessionRecord, StoredFile, User
from judging.enums import RoundStatus, ScoreStatus
from judging.tables import Criterion, JudgeAssignment, Round, ScoreSheet
from tests.conftest import ENGINE, ROOT
from tests.factories import (
    APPLICATION_CONTENT,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
)
from tests.fixtures import Mailbox, ServerProcess, free_port, start_server, stop_server, wait_until_up

pytestmark = pytest.mark.slow

SUBMISSIONS = 40
JUDGES = 8
SCORED_APPLICATIONS = 5  # every judge scores each of them: 40 score saves
KILL_AFTER_ACKS = 6
SUBMITTED_SUBJECT = "Application received"
RECOVERED_IN_A_ROW = 12
UNAVAILABLE = "The service is briefly unavailable. Please try again in a moment."


def _acknowledged(status_code: int | None) -> bool:
    """A success page or the redirect after a successful form post."""
    return status_code is not None and 200 <= status_code < 400


async def _signed_in(user_id: int) -> str:
    """A session as signing in leaves it, without an argon2 check (and a login rate limit) per user."""
    session_id = secrets.token_urlsafe(32)
    await SessionRecord.insert(
        SessionRecord(
            key=session_key(session_id),
            user_id=user_id,
            data=msgspec.json.encode({"user_id": user_id}),
            expires_at=utc_now() + LIFETIME,
        )
    )
    return session_id


async def _csrf_token(http: httpx.AsyncClient) -> str:
    """This client's token as an anonymous visitor (it changes when the client signs in)."""
    response = await http.get("/login")
    token = response.cookies.get("csrftoken")
    assert token, "the CSRF cookie was not set"
    return token


def _session_token(session_id: str) -> str:
    """The CSRF token of a session made by `_signed_in` (tokens are bound to their session)."""
    token = csrf.token_for(Session({}, session_id=session_id, needs_renewal=False))
    assert token is not None
    return token


# ---------------------------------------------------------------------------------------------
# 1. The server is SIGKILLed in the middle of a burst of submissions and score saves.


@dataclass(frozen=True, eq=False)
class Action:
    """One request of the burst and what it must leave behind once acknowledged."""

    url: str
    session_id: str
    form: dict[str, str]
    # A submission: the application and the founder who gets the confirmation mail.
    application_id: int | None = None
    founder_email: str = ""
    # A score save: the assignment and the scores sent, as stored ({criterion id: value}).
    assignment_id: int | None = None
    values: dict[str, int] = field(default_factory=dict)


async def _deck(owner_id: int) -> int:
    deck = StoredFile(
        key=uuid.uuid4().hex,
        original_name="deck.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0",
        owner=owner_id,
        purpose="pitch_deck",
    )
    return (await StoredFile.insert(deck).returning(StoredFile.id))[0]["id"]


async def _submission(edition: dict[str, Any], problem_id: int, n: int) -> Action:
    """A founder signed in, with a complete draft: the rows the services leave, built directly."""
    startup = Startup(name=f"Burst {n}", country="Serbia", city="Niš")
    startup_id = (await Startup.insert(startup).returning(Startup.id))[0]["id"]
    user = await make_user(
        email=f"founder{n}@burst.example", role=Role.STARTUP, edition_id=edition["id"], organisation_id=startup_id
    )
    member = StartupMember(
        startup=startup_id, user=user["id"], edition=edition["id"], is_contact=True, key=f"{edition['id']}:{user['id']}"
    )
    await StartupMember.insert(member)
    draft = Application(
        edition=edition["id"],
        startup=startup_id,
        updated_by=user["id"],
        pitch_deck=await _deck(user["id"]),
        active_key=f"{edition['id']}:{startup_id}:{APPLICATION_CONTENT['track']}",
        **APPLICATION_CONTENT,
    )
    application_id = (await Application.insert(draft).returning(Application.id))[0]["id"]
    await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem_id))
    return Action(
        url=f"/startup/applications/{application_id}/submit",
        session_id=await _signed_in(user["id"]),
        form={},
        application_id=application_id,
        founder_email=user["email"],
    )


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
        session_id = await _signed_in(judge["id"])
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


async def _send(http: httpx.AsyncClient, action: Action) -> httpx.Response:
    token = _session_token(action.session_id)
    return await http.post(
        action.url,
        data={**action.form, "_csrf_token": token},
        headers={"cookie": f"sid={action.session_id}; csrftoken={token}"},
    )


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
        assert [a.url for a, code in answered.items() if _acknowledged(code) and after[a] != DONE] == []
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
                status: int | None = (await _send(http, action)).status_code
            except httpx.TransportError:
                status = None
            outcome[index] = status
            if kill_after is not None and _acknowledged(status) and kill_after(action):
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
        submissions = [await _submission(edition, problem["id"], n) for n in range(SUBMISSIONS)]
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


# ---------------------------------------------------------------------------------------------
# 2. The database server restarts while the app is under load (PostgreSQL only).


def _postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


class PrivateCluster:
    """A throw-away PostgreSQL cluster of this test's own: the shared one is never restarted."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.root, user="postgres")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} {args[:1]} failed:\n{result.stdout}\n{result.stderr}\n{log}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    if ENGINE != "postgres":
        pytest.skip("SQLite is embedded in the app process: there is no database server to restart")
    bin_dir = _postgres_bin()
    # A developer's machine may lack the server's tools; CI has them (it runs PostgreSQL), so
    # there a missing tool fails rather than letting the restart test silently not run.
    cannot = pytest.fail if os.environ.get("CI") == "true" else pytest.skip
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        cannot("initdb/pg_ctl not found: cannot start a private PostgreSQL cluster")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        cannot("running as root without runuser: cannot start PostgreSQL as the postgres user")
    cluster = PrivateCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@dataclass(frozen=True)
class Hit:
    kind: str
    started: float
    elapsed: float
    status: int | None
    body: str
    content_type: str
    retry_after: str | None


async def _load(http: httpx.AsyncClient, token: str, hits: list[Hit], stop: asyncio.Event) -> None:
    """Pages, the JSON API and a write, each in its own loop, every request timed."""

    async def loop(kind: str, send: Any) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = await send()
                hit = Hit(
                    kind,
                    started,
                    time.monotonic() - started,
                    response.status_code,
                    response.text,
                    response.headers.get("content-type", ""),
                    response.headers.get("retry-after"),
                )
            except httpx.HTTPError as exc:
                hit = Hit(kind, started, time.monotonic() - started, None, f"{type(exc).__name__}: {exc}", "", None)
            hits.append(hit)
            await asyncio.sleep(0.02)

    await asyncio.gather(
        loop("page", lambda: http.get("/organiser/")),
        loop("page", lambda: http.get("/organiser/outbox")),
        loop("api", lambda: http.get("/api/v1/me")),
        loop("write", lambda: http.post("/organiser/jobs/outbox.send/run", data={"_csrf_token": token})),
    )


def _start_logged_server(log: Path, *, extra_env: dict[str, str]) -> ServerProcess:
    """`start_server`, with the server's output kept: what it logged explains a failure here."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "core", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **extra_env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(url=f"http://127.0.0.1:{port}", process=process, port=port)


async def test_database_restart_under_load_fails_cleanly_and_recovers(private_cluster: PrivateCluster) -> None:
    env = {**os.environ, "DATABASE_URL": private_cluster.url, "ORGANISER_PASSWORD": "restart-proof password 1"}
    for command in (["migrate"], ["create-organiser", "org@restart.example"]):
        result = subprocess.run(
            [sys.executable, "-m", "core", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    server_log = private_cluster.root / "server.log"
    server = _start_logged_server(
        server_log, extra_env={"DATABASE_URL": private_cluster.url, "SCHEDULER_ENABLED": "true"}
    )
    hits: list[Hit] = []
    try:
        wait_until_up(server)
        pid = server.process.pid
        async with httpx.AsyncClient(base_url=server.url, timeout=10, follow_redirects=False) as http:
            token = await _csrf_token(http)
            login = await http.post(
                "/login",
                data={"email": "org@restart.example", "password": env["ORGANISER_PASSWORD"], "_csrf_token": token},
            )
            assert login.status_code in (302, 303), login.text[:300]
            token = http.cookies["csrftoken"]  # signing in changed it
            stop = asyncio.Event()
            load = asyncio.create_task(_load(http, token, hits, stop))
            await asyncio.sleep(1.0)
            down_at = time.monotonic()
            await asyncio.to_thread(private_cluster.stop)
            await asyncio.sleep(2.0)
            await asyncio.to_thread(private_cluster.start)
            up_at = time.monotonic()
            # The same process, left alone, must serve again within a few seconds.
            deadline = up_at + 10
            while time.monotonic() < deadline:
                recent = [h for h in hits if h.started > up_at][-RECOVERED_IN_A_ROW:]
                if len(recent) == RECOVERED_IN_A_ROW and all(_acknowledged(h.status) for h in recent):
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await load
        assert server.process.poll() is None and server.process.pid == pid
    finally:
        stop_server(server)

    timeline = "\n".join(
        [f"{h.started - down_at:+.2f}s {h.kind} {h.status} in {h.elapsed:.2f}s" for h in hits]
        + ["server log (access lines and 503 warnings left out):"]
        + [line for line in server_log.read_text().splitlines() if not line.startswith(("INFO", "WARNING"))][:200]
    )
    healthy = [h for h in hits if h.started + h.elapsed < down_at]
    after = [h for h in hits if h.started >= up_at]
    assert len(healthy) >= 3 and all(_acknowledged(h.status) for h in healthy), timeline
    # Whenever the database is away: a quick 503 with a short, friendly answer; never a hang,
    # a 500 or a stack trace.
    failures = [h for h in hits if not _acknowledged(h.status)]
    assert failures, "no request met the outage"
    assert [h for h in failures if h.status != 503] == [], timeline
    assert max(h.elapsed for h in hits) < 5, timeline
    for hit in failures:
        assert "Traceback" not in hit.body and "asyncpg" not in hit.body, hit.body
        assert hit.retry_after == "5"
        if hit.kind == "api":
            assert msgspec.json.decode(hit.body) == {"status_code": 503, "detail": UNAVAILABLE}
        else:
            assert "text/html" in hit.content_type and UNAVAILABLE in hit.body, hit.body
    # And the same process serves again on its own, soon after the database is back.
    recovered = [h for h in after if _acknowledged(h.status)]
    assert recovered and recovered[0].started - up_at < 5, timeline
    settled = after[-RECOVERED_IN_A_ROW:]
    assert len(settled) == RECOVERED_IN_A_ROW and all(_acknowledged(h.status) for h in settled), timeline
    # Every acknowledged write is in the restarted database; no write reported done was lost.
    connection = await asyncpg.connect(private_cluster.url)
    try:
        audited = await connection.fetchval("SELECT count(*) FROM audit_event WHERE action = 'job.run_requested'")
    finally:
        await connection.close()
    assert audited >= sum(1 for h in hits if h.kind == "write" and _acknowledged(h.status))


async def test_a_transaction_whose_connection_dies_leaves_the_task_working() -> None:
    if ENGINE != "postgres":
        pytest.skip("SQLite is a file, not a connection the server can close")
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        with pytest.raises(db.DATABASE_UNAVAILABLE) as raised:
            async with db.transaction() as txn:
                await User.insert(User(email="lost@example.org", name="Lost", password_hash="x"))
                backend = await txn.connection.fetchval("SELECT pg_backend_pid()")
                await watcher.execute("SELECT pg_terminate_backend($1)", backend)
                await User.count()
    finally:
        await watcher.close()

    assert db.is_database_unavailable(raised.value)
    # The same task queries on, on a fresh connection; the half-done insert is gone.
    assert db.engine().current_transaction.get() is None
    assert await User.count().where(User.email == "lost@example.org") == 0


# ---------------------------------------------------------------------------------------------
# 3. The mail server is down when the outbox job runs, then comes back.


async def _outbox_row(address: str) -> dict[str, Any] | None:
    return await OutboxMessage.select().where(OutboxMessage.to_address == address).first()


async def _wait_for(check: Any, *, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


async def _after_outbox_runs(count: int) -> None:
    """Wait until the outbox job has run `count` more times (ticks, not a guessed sleep)."""

    async def finished() -> int:
        return await JobRun.count().where(JobRun.job_id == "outbox.send", JobRun.finished_at.is_not_null())

    target = await finished() + count

    async def reached() -> bool:
        return await finished() >= target

    await _wait_for(reached)


async def test_mail_survives_the_smtp_server_being_down_and_goes_out_once_it_is_back() -> None:
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    submission = await _submission(edition, problem["id"], 1)
    smtp_port = free_port()  # nothing listens here yet
    server = start_server(
        port=free_port(),
        extra_env={
            "SCHEDULER_ENABLED": "true",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "OUTBOX_INTERVAL": "1",
        },
    )
    mailbox = Mailbox()
    controller: Controller | None = None
    try:
        wait_until_up(server)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            submitted = await _send(http, submission)
        assert submitted.status_code == 302

        async def failed_once() -> dict[str, Any] | None:
            row = await _outbox_row(submission.founder_email)
            return row if row and row["attempts"] >= 1 else None

        failed = await _wait_for(failed_once)
        await _after_outbox_runs(2)  # the backoff holds: no new attempt at every tick
        held = await _outbox_row(submission.founder_email)
        job_runs = await JobRun.select(JobRun.status, JobRun.error).where(JobRun.job_id == "outbox.send")

        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        # The 30 s backoff elapses (the server's clock cannot be moved; the row's due time can).
        await OutboxMessage.update({OutboxMessage.next_attempt_at: utc_now()}).where(OutboxMessage.id == failed["id"])
        delivered = await mailbox.wait_for(submission.founder_email)
        await _after_outbox_runs(2)  # a second delivery would happen within these
        sent = await _outbox_row(submission.founder_email)
    finally:
        stop_server(server)
        if controller is not None:
            controller.stop()

    assert (failed["status"], failed["attempts"], failed["sent_at"]) == (OutboxStatus.PENDING, 1, None)
    assert "connect" in failed["last_error"].lower() and failed["next_attempt_at"] > failed["created_at"]
    assert (held["status"], held["attempts"]) == (OutboxStatus.PENDING, 1)
    assert job_runs and {run["status"] for run in job_runs} == {JobRunStatus.OK}, job_runs
    assert delivered["Subject"].startswith(SUBMITTED_SUBJECT)
    assert len(mailbox.to(submission.founder_email)) == 1
    assert (sent["status"], sent["attempts"], sent["sent_at"] is not None) == (OutboxStatus.SENT, 2, True)
    assert await OutboxMessage.count() == 1
