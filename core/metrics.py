"""Prometheus metrics (`/metrics`): what the operators watch during a deadline rush.

One process: the default registry (with the process and GC collectors). Several workers
(`serve --workers N`): `serve` points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the
workers start, each worker writes its values there, and a scrape, which lands on any one
worker, sums them all. The mode is chosen when prometheus_client is first imported, so it must
be set before this module loads: `serve` does so in the parent process.

Values held in the database (the outbox backlog, each job's lag) are read at scrape time by the
worker that answers: they are the same from every worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Max
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import REGISTRY, Collector

from core import db
from core.clock import utc_now
from core.enums import OutboxStatus
from core.tables import JobRun, JobState, OutboxMessage

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED_ROUTE = "<unmatched>"  # every path no route answers: one label value, not one per path
SCRAPE_DB_TIMEOUT_SECONDS = 2.0

HTTP_REQUESTS = Counter(
    "challenge_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "challenge_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_POOL = Gauge(
    "challenge_db_pool_connections",
    "PostgreSQL pool connections (in_use, idle, max), summed over the live workers.",
    ["state"],
    multiprocess_mode="livesum",
)
OUTBOX_SEND_FAILURES = Counter("challenge_outbox_send_failures_total", "Mails the SMTP server did not take.")
JOB_RUNS = Counter("challenge_job_runs_total", "Timed job runs, by job and outcome.", ["job", "status"])


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


# Labelled host and pid. In multiprocess mode the collector adds `pid` itself ("liveall": one series
# per live worker) and would refuse a label of ours by that name.
SCHEDULER_LEADER = Gauge(
    "challenge_scheduler_leader",
    "1 in the process that runs the scheduler, 0 in the others.",
    ["host"] if multiprocess() else ["host", "pid"],
    multiprocess_mode="liveall",
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(seconds)


def set_leader(leading: bool) -> None:
    labels = [socket.gethostname()] if multiprocess() else [socket.gethostname(), str(os.getpid())]
    SCHEDULER_LEADER.labels(*labels).set(1 if leading else 0)


def update_pool() -> None:
    """This worker's pool, as it is now (cheap: three counters asyncpg keeps)."""
    engine = db.engine()
    pool = engine.pool if isinstance(engine, PostgresEngine) else None
    if pool is None:
        return
    size, idle = pool.get_size(), pool.get_idle_size()
    DB_POOL.labels("in_use").set(size - idle)
    DB_POOL.labels("idle").set(idle)
    DB_POOL.labels("max").set(pool.get_max_size())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def forget_dead_workers() -> None:
    """Drop the live gauges of workers that died without shutting down (killed, out of memory):
    their files would otherwise go on showing a second scheduler leader and a pool nobody holds.
    The folder is this machine's own, so its pids are this machine's."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            mark_process_dead(int(pid))  # type: ignore[no-untyped-call]


def worker_exited() -> None:
    """Drop this worker's live gauges from the shared folder (its counters keep counting)."""
    if multiprocess():
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class _Snapshot(Collector):
    """Values read from the database for one scrape."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families


async def _database_families() -> list[Metric]:
    backlog = await OutboxMessage.count().where(OutboxMessage.status == OutboxStatus.PENDING)
    backlog_family = GaugeMetricFamily("challenge_outbox_backlog", "Mails waiting in the outbox to be sent.")
    backlog_family.add_metric([], backlog)

    lag = GaugeMetricFamily(
        "challenge_job_lag_seconds", "How late each job's latest run started after it was due.", labels=["job"]
    )
    latest = await JobRun.select(Max(JobRun.id, alias="id")).group_by(JobRun.job_id)
    ids = [row["id"] for row in latest]
    if ids:
        rows = await JobRun.select(JobRun.job_id, JobRun.scheduled_for, JobRun.started_at).where(JobRun.id.is_in(ids))
        for row in sorted(rows, key=lambda r: r["job_id"]):
            if row["scheduled_for"] is not None:
                late = (row["started_at"] - row["scheduled_for"]).total_seconds()
                lag.add_metric([row["job_id"]], max(late, 0.0))
    # The latest run's lag stands still when runs stop altogether (no leader): this one grows.
    overdue = GaugeMetricFamily(
        "challenge_job_overdue_seconds",
        "How long each job's next run is past due (0 when it is not due yet).",
        labels=["job"],
    )
    now = utc_now()
    for state in await JobState.select(JobState.job_id, JobState.next_run_at).order_by(JobState.job_id):
        if state["next_run_at"] is not None:
            overdue.add_metric([state["job_id"]], max((now - state["next_run_at"]).total_seconds(), 0.0))
    return [backlog_family, lag, overdue]


async def exposition() -> bytes:
    """The scrape's body, in Prometheus' text format."""
    update_pool()
    try:
        families = await asyncio.wait_for(_database_families(), SCRAPE_DB_TIMEOUT_SECONDS)
    except Exception as exc:  # a scrape still shows the traffic while the database is away
        log.warning("metrics: database values left out: %s: %s", type(exc).__name__, exc)
        families = []
    snapshot = CollectorRegistry(auto_describe=False)
    snapshot.register(_Snapshot(families))
    if multiprocess():
        forget_dead_workers()
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(snapshot)
