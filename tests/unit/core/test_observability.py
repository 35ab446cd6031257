"""Request ids, who may read /metrics, and the JSON log line: decided without I/O."""

from __future__ import annotations

import ipaddress
import json
import logging
import sys

import pytest

from core.logs import REQUEST_ID, JsonFormatter, TextFormatter, dict_config
from core.rules.observability import metrics_allowed, parse_networks, request_id_from


@pytest.mark.parametrize("given", ["abc", "A-b_c.9", "x" * 128, "0123456789abcdef0123456789abcdef"])
def test_a_plain_short_request_id_is_kept(given: str) -> None:
    assert request_id_from(given) == given


@pytest.mark.parametrize("given", [None, "", "x" * 129, "a b", "a\nb", "é", "a/b", "a;b", "<script>"])
def test_anything_else_gets_a_new_uuid(given: str | None) -> None:
    made = request_id_from(given)
    assert made != given
    assert len(made) == 32 and int(made, 16) >= 0
    assert request_id_from(given) != made  # new each time


def test_networks_parse_addresses_and_cidrs() -> None:
    networks = parse_networks("10.0.0.0/8, 192.168.1.7 ::1")
    assert networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.168.1.7/32"),
        ipaddress.ip_network("::1/128"),
    )
    with pytest.raises(ValueError, match="not-an-ip"):
        parse_networks("10.0.0.1,not-an-ip")


def test_metrics_need_the_token_or_an_allowed_address() -> None:
    nets = parse_networks("10.0.0.0/8")
    assert metrics_allowed(token="t0k", networks=(), authorization="Bearer t0k", client_host="1.2.3.4")
    assert metrics_allowed(token="t0k", networks=(), authorization="bearer t0k", client_host=None)
    assert not metrics_allowed(token="t0k", networks=(), authorization="Bearer t0kX", client_host="1.2.3.4")
    assert not metrics_allowed(token="t0k", networks=(), authorization="Basic t0k", client_host="1.2.3.4")
    assert metrics_allowed(token="", networks=nets, authorization=None, client_host="10.2.3.4")
    assert not metrics_allowed(token="", networks=nets, authorization=None, client_host="11.2.3.4")
    assert not metrics_allowed(token="", networks=nets, authorization=None, client_host="testclient")
    # Nothing configured: nobody, not even with an empty bearer token.
    assert not metrics_allowed(token="", networks=(), authorization="Bearer ", client_host="127.0.0.1")


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("core.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_json_line_has_the_fields_and_the_extras() -> None:
    line = JsonFormatter().format(_record("mail %s failed", 7, route="/x/{id:int}", status=500))
    event = json.loads(line)
    assert "\n" not in line
    assert event["level"] == "WARNING"
    assert event["logger"] == "core.test"
    assert event["message"] == "mail 7 failed"
    assert event["request_id"] is None
    assert event["route"] == "/x/{id:int}" and event["status"] == 500
    assert event["timestamp"].endswith("+00:00")
    assert "args" not in event and "msg" not in event


def test_json_line_takes_the_request_id_of_the_context_and_keeps_tracebacks_on_one_line() -> None:
    token = REQUEST_ID.set("req-1")
    try:
        try:
            raise RuntimeError("boom\nsecond line")
        except RuntimeError:
            record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
        line = JsonFormatter().format(record)
    finally:
        REQUEST_ID.reset(token)
    event = json.loads(line)
    assert "\n" not in line
    assert event["request_id"] == "req-1"
    assert "RuntimeError: boom" in event["exc_info"]


def test_text_line_names_the_request() -> None:
    token = REQUEST_ID.set("req-2")
    try:
        line = TextFormatter().format(_record("hello"))
    finally:
        REQUEST_ID.reset(token)
    assert line.endswith("WARNING core.test [req-2] hello")


def test_log_format_is_checked() -> None:
    assert dict_config("json")["formatters"]["default"]["()"] == "core.logs.JsonFormatter"
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        dict_config("xml")


def test_a_killed_workers_live_gauges_are_dropped_and_the_living_kept(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess

    from core.metrics import forget_dead_workers

    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # a pid that was a worker's and is gone
    dead.wait()
    for pid in (dead.pid, os.getpid()):
        (tmp_path / f"gauge_liveall_{pid}.db").write_bytes(b"")
        (tmp_path / f"counter_{pid}.db").write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    forget_dead_workers()

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"counter_{dead.pid}.db", f"counter_{os.getpid()}.db", f"gauge_liveall_{os.getpid()}.db"]
    )
