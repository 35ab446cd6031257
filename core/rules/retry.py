"""When to try a failed delivery again."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)


def next_attempt(*, attempts: int, now: datetime) -> datetime | None:
    """Exponential backoff: 30 s, 1 min, 2 min, ... capped at 6 h; None once we give up.

    `attempts` counts the failures so far, including the one just seen.
    """
    if attempts >= MAX_ATTEMPTS:
        return None
    # A float power: an int power with a possibly negative exponent is typed Any. Powers of two
    # are exact in a float, so the delays are the same.
    delay = min(BASE_DELAY * (2.0 ** (attempts - 1)), MAX_DELAY)
    return now + delay
