"""Logging: one JSON event per line (or readable text), each carrying the request it belongs to.

`python -m core serve` hands `dict_config()` to uvicorn, which applies it in every worker before
the app is imported; the request id travels in a contextvar set by `core.telemetry` and is
copied onto each record when the record is made, so whichever handler writes it (ours, pytest's
caplog, a queue) sees the id of the request that logged it.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# Attributes every LogRecord has; whatever else a record carries came in `extra=` and is logged.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",  # uvicorn's coloured copy of the message
}


def _request_id_of(record: logging.LogRecord) -> str | None:
    carried = getattr(record, "request_id", None)
    return carried if carried and carried != "-" else REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    """timestamp, level, logger, message, request_id, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id_of(record),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                event[key] = value
        if record.exc_info:
            event["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            event["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(event, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A line for people: time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get() or "-"
        return super().format(record)


_previous_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    record.request_id = REQUEST_ID.get() or "-"
    return record


def install_request_ids() -> None:
    """Every record made from now on carries `request_id` ("-" outside a request). Idempotent."""
    if logging.getLogRecordFactory() is not _record_with_request_id:
        logging.setLogRecordFactory(_record_with_request_id)


def dict_config(log_format: str, *, level: str = "INFO") -> dict[str, Any]:
    """The `logging.config.dictConfig` of a server process: everything to stderr through the root.

    uvicorn's access log is silenced: `core.telemetry` writes one access event per request, with
    the route and the request id that uvicorn's line lacks.
    """
    if log_format not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {log_format!r}")
    install_request_ids()
    formatter = {"()": "core.logs.JsonFormatter" if log_format == "json" else "core.logs.TextFormatter"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }
