"""Password policy, after NIST SP 800-63B: length over composition, no well-known passwords."""

from __future__ import annotations

from core.rules import N_

MIN_LENGTH = 10  # the messages below name these numbers
MAX_LENGTH = 256

# The most common passwords of breach corpora that are long enough to pass the length rule.
_COMMON = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "1q2w3e4r5t",
        "qwerty1234",
        "password1",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "administrator",
        "adminadmin",
        "letmein123",
        "welcome123",
        "football12",
        "baseball12",
        "monkey1234",
        "sunshine12",
        "princess12",
        "1qaz2wsx3edc",
        "zaq12wsxcde",
        "qwertyuiop1",
        "aaaaaaaaaa",
        "abcdefghij",
        "abc1234567",
        "changeme123",
        "trustno1234",
        "sifra12345",
        "lozinka123",
        "beograd123",
        "srbija1234",
    }
)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """What is wrong with `password`, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return N_("Use at least 10 characters.")
    if len(password) > MAX_LENGTH:
        return N_("Use at most 256 characters.")
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return N_("This password is too easy to guess; choose a less common one.")
    personal = {part for part in (email.split("@")[0].lower(), name.lower().replace(" ", "")) if len(part) >= 4}
    if any(part in lowered for part in personal):
        return N_("Do not build the password from your name or email address.")
    return None
