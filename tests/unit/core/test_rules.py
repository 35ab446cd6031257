"""Pure rules of the kernel: no database, no HTTP, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.rules.emails import email_domain, email_problem, normalise_email
from core.rules.paging import page_within
from core.rules.passwords import password_problem
from core.rules.rate_limits import (
    Backoff,
    Counter,
    Decision,
    Limit,
    LoginPolicy,
    backoff_delay,
    backoff_verdict,
    login_verdict,
    needs_sign_in_link,
    under_attack,
    verdict,
    window_cutoff,
)
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


def test_rate_limit_says_when_to_come_back() -> None:
    decision = verdict(limit=LIMIT, window_start=NOW, count=4, now=NOW + timedelta(minutes=5))

    assert (decision.allowed, decision.retry_after_seconds) == (False, 600)


BACKOFF = Backoff(
    "login-account-ip",
    free_failures=5,
    first_delay=timedelta(seconds=30),
    max_delay=timedelta(minutes=15),
    forget_after=timedelta(hours=1),
)
POLICY = LoginPolicy(
    per_account_address=BACKOFF,
    per_address=Backoff(
        "login-ip",
        free_failures=20,
        first_delay=timedelta(seconds=30),
        max_delay=timedelta(minutes=15),
        forget_after=timedelta(hours=1),
    ),
    account_ceiling=50,
    attack_forget_after=timedelta(hours=1),
    known_address_for=timedelta(days=90),
)


def _failures(count: int, *, last_at: datetime = NOW) -> Counter:
    return Counter(count=count, first_at=last_at - timedelta(minutes=10), last_at=last_at)


def test_backoff_is_free_at_first_then_doubles_up_to_its_ceiling() -> None:
    delays = [backoff_delay(policy=BACKOFF, failures=n).total_seconds() for n in (0, 4, 5, 6, 7, 9, 10, 500)]

    assert delays == [0, 0, 30, 60, 120, 480, 900, 900]


def test_backoff_refuses_until_the_delay_has_passed() -> None:
    waiting = backoff_verdict(policy=BACKOFF, counter=_failures(6), now=NOW + timedelta(seconds=45))
    waited = backoff_verdict(policy=BACKOFF, counter=_failures(6), now=NOW + timedelta(seconds=60))

    assert waiting == Decision(allowed=False, retry_after_seconds=15)
    assert waited == Decision(allowed=True, retry_after_seconds=0)


def test_backoff_forgets_failures_after_a_quiet_spell() -> None:
    assert backoff_verdict(policy=BACKOFF, counter=_failures(40), now=NOW + timedelta(minutes=14)).allowed is False
    assert backoff_verdict(policy=BACKOFF, counter=_failures(40), now=NOW + timedelta(hours=1)).allowed is True
    assert backoff_verdict(policy=BACKOFF, counter=Counter(), now=NOW).allowed is True


def test_login_waits_for_the_longer_of_the_two_delays() -> None:
    decision = login_verdict(policy=POLICY, pair=_failures(6), address=_failures(22), now=NOW + timedelta(seconds=1))

    assert decision == Decision(allowed=False, retry_after_seconds=119)


def test_failures_on_other_accounts_or_from_other_addresses_never_refuse_a_fresh_pair() -> None:
    decision = login_verdict(policy=POLICY, pair=Counter(), address=Counter(), now=NOW)

    assert decision == Decision(allowed=True, retry_after_seconds=0)


def test_an_account_is_under_attack_at_its_ceiling_until_an_hour_passes_quietly() -> None:
    assert under_attack(policy=POLICY, account=_failures(49), now=NOW) is False
    assert under_attack(policy=POLICY, account=_failures(50), now=NOW) is True
    assert under_attack(policy=POLICY, account=_failures(50), now=NOW + timedelta(minutes=59)) is True
    assert under_attack(policy=POLICY, account=_failures(50), now=NOW + timedelta(hours=1)) is False


def test_under_attack_only_a_new_address_needs_the_mailed_link() -> None:
    known = Counter(count=3, first_at=NOW - timedelta(days=30), last_at=NOW - timedelta(days=2))
    long_ago = Counter(count=3, first_at=NOW - timedelta(days=200), last_at=NOW - timedelta(days=91))

    assert needs_sign_in_link(policy=POLICY, account=_failures(50), known=Counter(), now=NOW) is True
    assert needs_sign_in_link(policy=POLICY, account=_failures(50), known=long_ago, now=NOW) is True
    assert needs_sign_in_link(policy=POLICY, account=_failures(50), known=known, now=NOW) is False
    assert needs_sign_in_link(policy=POLICY, account=_failures(49), known=Counter(), now=NOW) is False


@pytest.mark.parametrize(
    ("asked", "shown"),
    [(-5, 1), (0, 1), (1, 1), (7, 7), (2**31 // 50 + 1, 2**31 // 50 + 1), (10**18, (2**31 - 1) // 50 + 2)],
)
def test_page_within_keeps_the_offset_inside_the_databases_integers(asked: int, shown: int) -> None:
    assert page_within(asked, 50) == shown
    assert (page_within(asked, 50) - 1) * 50 < 2**63
