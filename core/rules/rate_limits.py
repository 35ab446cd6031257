"""Rate limits and sign-in throttling: what a counter's state means, decided purely from it and the time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window: timedelta


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int


def window_cutoff(*, limit: Limit, now: datetime) -> datetime:
    """A counter whose window started at or before this instant starts afresh."""
    return now - limit.window


def verdict(*, limit: Limit, window_start: datetime, count: int, now: datetime) -> Decision:
    """Whether the `count`-th hit of the window that opened at `window_start` is allowed."""
    retry_after = max(1, int((window_start + limit.window - now).total_seconds()))
    return Decision(allowed=count <= limit.max_hits, retry_after_seconds=retry_after)


@dataclass(frozen=True)
class Counter:
    """What a counter holds: how many events (failures, or sign-ins) since the first, and when the latest was."""

    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None


@dataclass(frozen=True)
class Backoff:
    """A few failures for free, then a wait after each that doubles up to a ceiling.

    A counter is forgotten after `forget_after` without failures, so a patient attacker gains
    nothing by waiting out one delay, while a person who mistyped is soon back to normal.
    """

    name: str
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta


def is_current(*, counter: Counter, forget_after: timedelta, now: datetime) -> bool:
    """Whether the counter still counts: its latest event is recent enough."""
    return counter.last_at is not None and counter.last_at > now - forget_after


def backoff_delay(*, policy: Backoff, failures: int) -> timedelta:
    """How long after the `failures`-th failure the next attempt must wait."""
    if failures < policy.free_failures:
        return timedelta(0)
    doublings = min(failures - policy.free_failures, 30)  # 2**30 delays are far past any ceiling
    return min(policy.max_delay, policy.first_delay * (1 << doublings))  # 2**doublings, typed as an int


def backoff_verdict(*, policy: Backoff, counter: Counter, now: datetime) -> Decision:
    """Whether an attempt may be made now, and if not, in how many seconds."""
    if not is_current(counter=counter, forget_after=policy.forget_after, now=now):
        return Decision(allowed=True, retry_after_seconds=0)
    assert counter.last_at is not None
    wait = counter.last_at + backoff_delay(policy=policy, failures=counter.count) - now
    if wait <= timedelta(0):
        return Decision(allowed=True, retry_after_seconds=0)
    return Decision(allowed=False, retry_after_seconds=max(1, math.ceil(wait.total_seconds())))


@dataclass(frozen=True)
class LoginPolicy:
    """How sign-in attempts are throttled.

    Delays grow per (account, address) and per address, so guessing is slow from anywhere and
    nobody but the guesser waits. An account that collects `account_ceiling` failures from
    everywhere is under attack: it is never refused, but a right password from an address that
    has not signed in to it before then also needs a one-time link mailed to the owner.
    """

    per_account_address: Backoff
    per_address: Backoff
    account_ceiling: int
    attack_forget_after: timedelta
    known_address_for: timedelta


def login_verdict(*, policy: LoginPolicy, pair: Counter, address: Counter, now: datetime) -> Decision:
    """Whether a sign-in attempt may be checked now; the longer of the two waits if not."""
    decisions = [
        backoff_verdict(policy=policy.per_account_address, counter=pair, now=now),
        backoff_verdict(policy=policy.per_address, counter=address, now=now),
    ]
    refused = [d for d in decisions if not d.allowed]
    if not refused:
        return Decision(allowed=True, retry_after_seconds=0)
    return Decision(allowed=False, retry_after_seconds=max(d.retry_after_seconds for d in refused))


def under_attack(*, policy: LoginPolicy, account: Counter, now: datetime) -> bool:
    """Whether the account has collected enough recent failures, from anywhere, to be under attack."""
    return (
        is_current(counter=account, forget_after=policy.attack_forget_after, now=now)
        and account.count >= policy.account_ceiling
    )


def needs_sign_in_link(*, policy: LoginPolicy, account: Counter, known: Counter, now: datetime) -> bool:
    """Whether a right password must be confirmed by a mailed link: under attack, from a new address."""
    is_known = is_current(counter=known, forget_after=policy.known_address_for, now=now)
    return under_attack(policy=policy, account=account, now=now) and not is_known
