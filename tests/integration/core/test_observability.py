"""/metrics, /readyz and the request's id in every log line, on both engines."""

from __future__ import annotations

import asyncio
import glob
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from apscheduler.triggers.interval import IntervalTrigger
from litestar import Litestar
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from prometheus_client.parser import text_string_to_metric_families

from core import db
from core.clock import utc_now
from core.enums import OutboxStatus
from core.logs import JsonFormatter
from core.mail import send_pending
from core.readiness import Readiness
from core.scheduler import JobSpec, _registry, register_job, run_job
from core.settings import SmtpSettings, get_settings
from core.tables import JobRun, JobState, OutboxMessage
from tests.conftest import ENGINE
from tests.fixtures import ServerProcess, free_port, http_client, start_server, stop_server, wait_until_up

TOKEN = "metrics-token-for-tests"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metrics_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def configure(*, token: str = "", ips: str = "") -> None:
        monkeypatch.setenv("METRICS_TOKEN", token)
        monkeypatch.setenv("METRICS_ALLOW_IPS", ips)
        get_settings.cache_clear()

    yield configure
    monkeypatch.undo()
    get_settings.cache_clear()


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(app: Litestar) -> Samples:
    async with http_client(app) as http:
        response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


async def test_metrics_are_refused_when_nothing_is_configured(app: Litestar, metrics_settings) -> None:
    metrics_settings()
    async with http_client(app) as http:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
            response = await http.get("/metrics", headers=headers)
            assert response.status_code == 403
            assert "challenge_" not in response.text


async def test_metrics_need_the_token(app: Litestar, metrics_settings) -> None:
    metrics_settings(token=TOKEN)
    async with http_client(app) as http:
        assert (await http.get("/metrics")).status_code == 403
        wrong = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})
        assert wrong.status_code == 403 and "challenge_" not in wrong.text
        right = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200
        assert "challenge_http_requests_total" in right.text
        # Not a page: no session cookie, not in the API description.
        assert "set-cookie" not in right.headers
        schema = (await http.get("/schema/openapi.json")).json()
        assert not any(path.startswith(("/metrics", "/readyz", "/healthz")) for path in schema["paths"])


async def test_metrics_from_an_allowed_address(app: Litestar, metrics_settings) -> None:
    metrics_settings(ips="10.0.0.0/8, 192.0.2.7")
    for ip, status in (("10.20.30.40", 200), ("192.0.2.7", 200), ("192.0.2.8", 403), ("127.0.0.1", 403)):
        async with http_client(app, ip=ip) as http:
            assert (await http.get("/metrics")).status_code == status, ip


async def test_requests_are_counted_and_timed_by_route_template(app: Litestar, metrics_settings) -> None:
    metrics_settings(token=TOKEN)
    route = "/api/v1/editions/{edition_id:int}"
    before = await scrape(app)
    async with http_client(app) as http:
        statuses = {(await http.get(f"/api/v1/editions/{n}")).status_code for n in (990001, 990002, 990003)}
        assert (await http.get("/no/such/page/4711")).status_code == 404
    (status,) = statuses
    after = await scrape(app)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("challenge_http_requests_total", method="GET", route=route, status=str(status)) == 3
    assert grew("challenge_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
    assert grew("challenge_http_request_duration_seconds_count", method="GET", route=route) == 3
    assert grew("challenge_http_request_duration_seconds_bucket", method="GET", route=route, le="+Inf") == 3
    assert grew("challenge_http_request_duration_seconds_bucket", method="GET", route=route, le="10.0") == 3
    assert grew("challenge_http_request_duration_seconds_sum", method="GET", route=route) > 0
    assert not any("990001" in str(labels) or "4711" in str(labels) for _, labels in after)


async def test_outbox_backlog_and_failures_reflect_the_outbox(app: Litestar, metrics_settings) -> None:
    metrics_settings(token=TOKEN)
    for n, status in enumerate([OutboxStatus.PENDING] * 3 + [OutboxStatus.SENT, OutboxStatus.FAILED]):
        await OutboxMessage.insert(
            OutboxMessage(to_address=f"m{n}@example.org", subject="s", body_text="b", status=status)
        )
    before = await scrape(app)
    assert value(before, "challenge_outbox_backlog") == 3

    # Nothing listens on this port: each of the three due mails fails once.
    assert await send_pending(smtp=SmtpSettings(host="127.0.0.1", port=free_port())) == 0
    after = await scrape(app)
    assert (
        value(after, "challenge_outbox_send_failures_total") - value(before, "challenge_outbox_send_failures_total")
        == 3
    )
    assert value(after, "challenge_outbox_backlog") == 3  # waiting for their retry

    await OutboxMessage.update({OutboxMessage.status: OutboxStatus.SENT}).where(OutboxMessage.id > 0)
    assert value(await scrape(app), "challenge_outbox_backlog") == 0


async def _ok() -> None:
    pass


async def _broken() -> None:
    raise RuntimeError("no")


@pytest.fixture
def obs_jobs() -> Iterator[None]:
    register_job(JobSpec(id="test.obs.ok", func=_ok, trigger=IntervalTrigger(hours=1), description="ok"))
    register_job(JobSpec(id="test.obs.broken", func=_broken, trigger=IntervalTrigger(hours=1), description="no"))
    yield
    _registry.pop("test.obs.ok")
    _registry.pop("test.obs.broken")


async def test_job_runs_and_lag_reflect_the_runs(app: Litestar, metrics_settings, obs_jobs: None) -> None:
    metrics_settings(token=TOKEN)
    now = utc_now()
    await JobState.insert(
        JobState(job_id="test.obs.ok", next_run_at=now - timedelta(seconds=90)),
        JobState(job_id="test.obs.broken", next_run_at=now - timedelta(seconds=5)),
    )
    before = await scrape(app)
    assert value(before, "challenge_job_overdue_seconds", job="test.obs.ok") >= 90  # no leader ran it
    assert await run_job("test.obs.ok")
    assert await run_job("test.obs.broken")
    assert not await run_job("test.obs.ok")  # not due again: no run, nothing counted
    after = await scrape(app)

    def runs(samples: Samples, job: str, status: str) -> float:
        return value(samples, "challenge_job_runs_total", job=job, status=status)

    assert runs(after, "test.obs.ok", "ok") - runs(before, "test.obs.ok", "ok") == 1
    assert runs(after, "test.obs.broken", "error") - runs(before, "test.obs.broken", "error") == 1
    assert runs(after, "test.obs.ok", "error") == runs(before, "test.obs.ok", "error")

    rows = {row["job_id"]: row for row in await JobRun.select()}
    for job in ("test.obs.ok", "test.obs.broken"):
        expected = (rows[job]["started_at"] - rows[job]["scheduled_for"]).total_seconds()
        assert value(after, "challenge_job_lag_seconds", job=job) == pytest.approx(expected, abs=0.01)
    assert value(after, "challenge_job_lag_seconds", job="test.obs.ok") >= 90
    assert 5 <= value(after, "challenge_job_lag_seconds", job="test.obs.broken") < 90
    assert value(after, "challenge_job_overdue_seconds", job="test.obs.ok") == 0  # ran: next due in an hour


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[_Lines]:
    handler = _Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


async def test_the_request_id_is_echoed_and_in_every_log_line(
    app: Litestar, log_lines: _Lines, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with http_client(app) as http:
        response = await http.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})
        assert response.headers["X-Request-ID"] == "trace-42.a_b"
        forged = await http.get("/healthz", headers={"X-Request-ID": "bad id\r\nx"})
        assert forged.headers["X-Request-ID"] != "bad id\r\nx" and len(forged.headers["X-Request-ID"]) == 32
        assert len((await http.get("/no/such/page")).headers["X-Request-ID"]) == 32

        async def fails(self: Readiness) -> str | None:
            raise RuntimeError("readiness exploded")

        # An error inside the request: what the exception handling logs carries the id too.
        monkeypatch.setattr(Readiness, "problem", fails)
        log_lines.lines.clear()
        caplog.clear()
        failed = await http.get("/readyz", headers={"X-Request-ID": "trace-500"})
    assert failed.status_code == 500
    assert failed.headers["X-Request-ID"] == "trace-500"
    # What the server logged (httpx, the test's client, logs its own line once the answer is in).
    events = [event for event in map(json.loads, log_lines.lines) if event["logger"] != "httpx"]
    assert len(events) >= 2
    assert all(event["request_id"] == "trace-500" for event in events), events
    assert any("readiness exploded" in event.get("exc_info", "") for event in events)
    (access,) = [event for event in events if event["logger"] == "core.access"]
    assert access["method"] == "GET" and access["path"] == "/readyz" and access["route"] == "/readyz"
    assert access["status"] == 500 and access["duration_ms"] >= 0 and access["client"] == "127.0.0.1"
    server_records = [record for record in caplog.records if record.name != "httpx"]
    assert len(server_records) == len(events)
    assert all(record.request_id == "trace-500" for record in server_records)  # type: ignore[attr-defined]


async def test_ready_when_the_database_answers_and_every_migration_is_applied(app: Litestar) -> None:
    app.state.readiness = Readiness()
    async with http_client(app) as http:
        response = await http.get("/readyz")
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "ok"}
        assert app.state.readiness.migrated
        assert (await http.get("/healthz")).status_code == 200


async def test_not_ready_while_a_migration_is_missing(app: Litestar) -> None:
    app.state.readiness = Readiness()
    latest = await Migration.select().order_by(Migration.id, ascending=False).first()
    assert latest is not None
    await Migration.delete().where(Migration.id == latest["id"])
    try:
        async with http_client(app) as http:
            response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reason": "migrations not applied: 1"}
    finally:
        await Migration.insert(Migration(**{k: v for k, v in latest.items() if k != "id"}))
    async with http_client(app) as http:
        assert (await http.get("/readyz")).status_code == 200


async def test_not_ready_while_the_database_is_unreachable(
    app: Litestar, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    app.state.readiness = Readiness()
    if ENGINE == "postgres":
        unreachable: Any = PostgresEngine(config={"dsn": f"postgres://postgres@127.0.0.1:{free_port()}/none"})
    else:
        unreachable = SQLiteEngine(path=str(tmp_path / "no" / "such" / "dir" / "db.sqlite"))
    monkeypatch.setattr(db, "engine", lambda: unreachable)
    async with http_client(app) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unavailable"}
    assert not app.state.readiness.migrated


def _get(url: str, **kwargs: Any) -> httpx.Response:
    # A new connection each time, so the kernel may hand it to either worker.
    with httpx.Client(timeout=30) as http:
        return http.get(url, **kwargs)


def _counter_pids(folder: str) -> set[str]:
    return {os.path.basename(path).removesuffix(".db").split("_")[-1] for path in glob.glob(f"{folder}/counter_*.db")}


@pytest.mark.slow
@pytest.mark.skipif(ENGINE != "postgres", reason="several workers need PostgreSQL")
async def test_two_workers_add_up_in_one_scrape_and_one_of_them_leads() -> None:
    var_dir = get_settings().var_dir
    known = set(glob.glob(f"{var_dir}/metrics-*"))
    env = {"SCHEDULER_ENABLED": "true", "METRICS_TOKEN": TOKEN, "OUTBOX_INTERVAL": "3600"}
    server: ServerProcess = start_server(port=free_port(), extra_env=env, args=("--workers", "2"))
    try:
        wait_until_up(server, timeout=120)
        (folder,) = set(glob.glob(f"{var_dir}/metrics-*")) - known
        sent = 0
        deadline = time.monotonic() + 120
        # Until each worker has answered at least one of them (each counts into its own file).
        while len(_counter_pids(folder)) < 2 or sent < 20:
            assert time.monotonic() < deadline, f"requests reached {len(_counter_pids(folder))} worker(s)"
            assert (await asyncio.to_thread(_get, server.url + "/readyz")).status_code == 200
            sent += 1

        auth = {"Authorization": f"Bearer {TOKEN}"}
        leaders: dict[str, float] = {}
        deadline = time.monotonic() + 90
        while True:
            response = await asyncio.to_thread(_get, server.url + "/metrics", headers=auth)
            assert response.status_code == 200
            samples = parse(response.text)
            assert value(samples, "challenge_http_requests_total", method="GET", route="/readyz", status="200") == sent
            leaders = {
                dict(labels)["pid"]: got
                for (name, labels), got in samples.items()
                if name == "challenge_scheduler_leader"
            }
            if sorted(leaders.values()) == [0.0, 1.0]:
                break
            assert time.monotonic() < deadline, f"no single leader: {leaders}"
            await asyncio.sleep(0.5)
        assert set(leaders) == _counter_pids(folder)  # the two workers, one of them leading
        assert value(samples, "challenge_db_pool_connections", state="max") == 40  # 20 per worker
        assert refused_without_token(server.url)
    finally:
        stop_server(server)


def refused_without_token(url: str) -> bool:
    return _get(url + "/metrics").status_code == 403
