"""Pure rules of the kernel: no database, no HTTP, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.rules.emails import email_domain, email_problem, normalise_email
from core.rules.paging import page_within
from core.rules.passwords import password_problem
from core.rules.rate_limits import Limit, exhausted, verdict, window_cutoff
from core.rules.retry import MAX_ATTEMPTS, next_attempt

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Use at least 10 characters."),
        ("x" * 257, "Use at most 256 characters."),
        ("password123", "This password is too easy to guess; choose a less common one."),
        ("aaaaaaaaaaaa", "This password is too easy to guess; choose a less common one."),
        ("milica.petrovic!", "Do not build the password from your name or email address."),
        ("plavi konj pase travu", None),
    ],
)
def test_password_problem(password: str, problem: str | None) -> None:
    assert password_problem(password, email="milica.petrovic@example.org", name="Milica Petrović") == problem


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "Please enter your email address."),
        ("no-at-sign", "This does not look like an email address (name@example.org)."),
        ("two@@example.org", "This does not look like an email address (name@example.org)."),
        ("name@localhost", "This does not look like an email address (name@example.org)."),
        ("evil\x01x@example.org", "This does not look like an email address (name@example.org)."),
        ("ana@opstina-ivanjica.rs", None),
        ("  Ana.Petrovic@Example.ORG ", None),
    ],
)
def test_email_problem(raw: str, problem: str | None) -> None:
    assert email_problem(raw) == problem


def test_emails_compare_case_insensitively() -> None:
    assert normalise_email("  Ana@Example.ORG ") == "ana@example.org"
    assert email_domain("Ana@Example.ORG") == "example.org"


def test_retry_backs_off_exponentially_then_gives_up() -> None:
    delays = [next_attempt(attempts=n, now=NOW) for n in range(1, MAX_ATTEMPTS + 1)]

    assert [d - NOW for d in delays[:-1]] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(minutes=16),
        timedelta(minutes=32),
    ]
    assert delays[-1] is None


def test_retry_delay_is_capped() -> None:
    from core.rules import retry

    assert retry.next_attempt(attempts=7, now=NOW) - NOW <= retry.MAX_DELAY


LIMIT = Limit("login-ip", max_hits=3, window=timedelta(minutes=15))


def test_rate_limit_allows_up_to_the_limit_within_a_window() -> None:
    allowed = [
        verdict(limit=LIMIT, window_start=NOW, count=n, now=NOW + timedelta(minutes=1)).allowed for n in (1, 2, 3, 4)
    ]

    assert allowed == [True, True, True, False]


def test_rate_limit_window_restarts_after_it_passes() -> None:
    assert window_cutoff(limit=LIMIT, now=NOW) == NOW - timedelta(minutes=15)
    assert exhausted(limit=LIMIT, window_start=NOW, count=3, now=NOW + timedelta(minutes=14)) is True
    assert exhausted(limit=LIMIT, window_start=NOW, count=3, now=NOW + timedelta(minutes=15)) is False
    assert exhausted(limit=LIMIT, window_start=NOW, count=2, now=NOW + timedelta(minutes=1)) is False


def test_rate_limit_says_when_to_come_back() -> None:
    decision = verdict(limit=LIMIT, window_start=NOW, count=4, now=NOW + timedelta(minutes=5))

    assert (decision.allowed, decision.retry_after_seconds) == (False, 600)


@pytest.mark.parametrize(
    ("asked", "shown"),
    [(-5, 1), (0, 1), (1, 1), (7, 7), (2**31 // 50 + 1, 2**31 // 50 + 1), (10**18, (2**31 - 1) // 50 + 2)],
)
def test_page_within_keeps_the_offset_inside_the_databases_integers(asked: int, shown: int) -> None:
    assert page_within(asked, 50) == shown
    assert (page_within(asked, 50) - 1) * 50 < 2**63
