"""What erasing a person means: the pseudonym left behind, what is scrubbed, what may block it.

The account row itself is never deleted: scores, decisions and audit records point at it, so it
is overwritten with a pseudonym and everything that points at it reads "Erased user #n" from then on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.rules import N_

# Non-deliverable by design (RFC 2606): mail queued to it can reach no one.
PLACEHOLDER_DOMAIN = "erased.invalid"
# Not an argon2 hash: verification fails for every password, and no hash can ever equal it.
UNUSABLE_PASSWORD = "!erased"
# What others still rely on, by kind; decides which pseudonym the account carries.
KEPT_SCORES = "scores"


@dataclass(frozen=True)
class Blocker:
    """Something that must be settled before the account can be erased, and how to settle it."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


def pseudonym(user_id: int, *, kept: frozenset[str] = frozenset()) -> str:
    """The name the account carries once erased: stable, unique, revealing nothing but the role
    in which others still see it (a judge whose scores still count)."""
    if KEPT_SCORES in kept:
        return f"Erased judge #{user_id}"
    return f"Erased user #{user_id}"


def placeholder_email(user_id: int) -> str:
    """Unique (the column is), so the erased person can sign up again with their real address."""
    return f"erased-{user_id}@{PLACEHOLDER_DOMAIN}"


def is_erased_email(email: str) -> bool:
    return email.endswith(f"@{PLACEHOLDER_DOMAIN}")


# Audit fields holding what a person wrote whose source row the erasure deletes or blanks (comments,
# mentoring feedback, cancellation reasons, profiles): in records of the person's own actions they
# are blanked too. Application texts and score-sheet comments stay, as their rows do.
WRITTEN_TEXT_KEYS = frozenset({"body", "feedback", "reason", "organisation", "bio", "note", "notes"})
ERASED_TEXT = "[erased]"


def scrub(value: Any, *, secrets: Iterable[str], replacement: str, written: frozenset[str] = frozenset()) -> Any:
    """`value` (JSON) with every string equal to a secret (case-insensitive) replaced, and every
    occurrence of a secret of email form inside a longer string replaced too; the values under
    `written` keys become `ERASED_TEXT`.

    Names are replaced only where they are the whole value: "Ana" inside a sentence may be
    anybody's, an email address never is.
    """
    wanted = {secret.strip().lower() for secret in secrets if secret.strip()}
    addresses = [secret for secret in wanted if "@" in secret]

    def clean(item: Any) -> Any:
        if isinstance(item, dict):
            return {
                key: ERASED_TEXT if key in written and isinstance(inner, str) and inner else clean(inner)
                for key, inner in item.items()
            }
        if isinstance(item, list):
            return [clean(inner) for inner in item]
        if isinstance(item, str):
            if item.strip().lower() in wanted:
                return replacement
            lowered = item.lower()
            for address in addresses:
                while (at := lowered.find(address)) >= 0:
                    item = item[:at] + replacement + item[at + len(address) :]
                    lowered = item.lower()
            return item
        return item

    return clean(value)


def rate_limit_subjects(*, email: str, user_id: int) -> tuple[str, ...]:
    """The rate-limit subjects that name this person (counters keyed `<limit>:<subject>`)."""
    return (email.lower(), f"user-{user_id}", str(user_id))


def files_to_delete(owned: Iterable[int], *, in_use: Iterable[int]) -> tuple[int, ...]:
    """Uploads nobody else relies on: everything the person uploaded that no application or
    problem still attaches."""
    kept = set(in_use)
    return tuple(sorted(file_id for file_id in owned if file_id not in kept))


ERASE_CONFIRM_WRONG = N_("This is not your current password.")
REASON_REQUIRED = N_("Please say why (for example: the person's request by email, and its date).")
