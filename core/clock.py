"""The one place that reads the wall clock; everything below services takes `now=`."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
