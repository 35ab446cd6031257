"""What erasure leaves behind: pseudonyms, placeholders, scrubbed audit values, the files that go."""

from __future__ import annotations

from core.auth import verify_password
from core.rules.privacy import (
    ERASED_TEXT,
    KEPT_SCORES,
    UNUSABLE_PASSWORD,
    WRITTEN_TEXT_KEYS,
    files_to_delete,
    is_erased_email,
    placeholder_email,
    pseudonym,
    rate_limit_subjects,
    scrub,
)


def test_pseudonym_names_a_judge_only_when_their_scores_still_count() -> None:
    assert pseudonym(7) == "Erased user #7"
    assert pseudonym(7, kept=frozenset({KEPT_SCORES})) == "Erased judge #7"


def test_placeholder_email_is_unique_and_undeliverable() -> None:
    assert placeholder_email(7) == "erased-7@erased.invalid"
    assert placeholder_email(8) != placeholder_email(7)
    assert is_erased_email(placeholder_email(7)) is True
    assert is_erased_email("ana@example.org") is False


def test_unusable_password_opens_nothing() -> None:
    assert verify_password(UNUSABLE_PASSWORD, "!erased") is False
    assert verify_password(UNUSABLE_PASSWORD, "") is False


def test_scrub_replaces_whole_names_and_addresses_anywhere() -> None:
    value = {
        "email": "Ana@Example.org",
        "name": "Ana Anić",
        "note": "Ana Anić was here",
        "to": ["mail ana@example.org twice: ana@example.org", 3, None],
    }

    result = scrub(value, secrets=("ana@example.org", "Ana Anić"), replacement="Erased user #7")

    assert result == {
        "email": "Erased user #7",
        "name": "Erased user #7",
        "note": "Ana Anić was here",
        "to": ["mail Erased user #7 twice: Erased user #7", 3, None],
    }


def test_scrub_blanks_what_the_person_wrote_under_written_keys() -> None:
    value = {"problem": 3, "body": "We need this.", "reason": "", "comments": {"1": "Strong."}}

    result = scrub(value, secrets=(), replacement="x", written=WRITTEN_TEXT_KEYS)

    assert result == {"problem": 3, "body": ERASED_TEXT, "reason": "", "comments": {"1": "Strong."}}


def test_scrub_leaves_null_alone() -> None:
    assert scrub(None, secrets=("a@b.c",), replacement="x") is None


def test_rate_limit_subjects_cover_address_and_account() -> None:
    assert rate_limit_subjects(email="Ana@Example.org", user_id=7) == ("ana@example.org", "user-7", "7")


def test_files_to_delete_spares_what_others_attach() -> None:
    assert files_to_delete([5, 3, 9], in_use={9, 11}) == (3, 5)
    assert files_to_delete([], in_use=set()) == ()
