"""What counts as an email address we can write to."""

from __future__ import annotations

import re

from core.rules import N_

_EMAIL = re.compile(
    r"^[^@\s\"(),:;<>\[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalise_email(raw: str) -> str:
    """Trimmed, with the domain lower-cased; we compare addresses case-insensitively."""
    return raw.strip().lower()


def email_problem(raw: str) -> str | None:
    email = normalise_email(raw)
    if not email:
        return N_("Please enter your email address.")
    # Control characters would be refused by every SMTP server (and break the send loop).
    if len(email) > 254 or not _EMAIL.match(email) or any(ord(ch) < 32 or ord(ch) == 127 for ch in email):
        return N_("This does not look like an email address (name@example.org).")
    return None


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]
