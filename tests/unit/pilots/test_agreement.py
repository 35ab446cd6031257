"""The agreement's terms, its versions and the signatures that put one in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilots.enums import SIDES, PilotProcurement, Side
from pilots.rules.agreement import (
    ALREADY_SIGNED,
    STALE,
    SignatureRefused,
    Terms,
    Version,
    changed_terms,
    check_signature,
    check_terms,
    in_force,
    parse_locations,
    waiting_for,
)

TERMS = Terms(
    scope="Smart water meters on 200 households.",
    locations=("Sevojno", "Ivanjica centre"),
    starts_on=date(2027, 3, 1),
    ends_on=date(2027, 9, 1),
    budget_eur=15000,
    funded_by="Municipality of Ivanjica",
    procurement=PilotProcurement.DIRECT_PILOT,
    data_terms="The municipality owns the readings; aggregates are published monthly.",
)


def test_complete_terms_have_no_errors() -> None:
    assert check_terms(TERMS) == {}


def test_every_missing_term_is_named() -> None:
    empty = replace(TERMS, scope=" ", locations=(), ends_on=TERMS.starts_on, funded_by="", data_terms="")

    assert check_terms(empty) == {
        "scope": "Describe what the pilot will do.",
        "locations": "Name at least one place in the municipality.",
        "ends_on": "The pilot ends after it starts.",
        "funded_by": "Say who funds the budget.",
        "data_terms": "Say who owns the pilot's data and what may be published.",
    }


def test_a_pilot_without_money_needs_no_funder() -> None:
    assert check_terms(replace(TERMS, budget_eur=None, funded_by="")) == {}


def test_locations_are_one_per_line_without_repeats() -> None:
    assert parse_locations("  Sevojno \n\nIvanjica   centre\nSevojno\n") == ("Sevojno", "Ivanjica centre")


def test_an_amendment_names_what_it_changed() -> None:
    after = replace(TERMS, budget_eur=18000, ends_on=date(2027, 10, 1))

    assert changed_terms(TERMS, after) == ("ends_on", "budget_eur")


def test_a_signature_on_an_old_version_says_which_is_current() -> None:
    versions = [Version(1, frozenset(SIDES)), Version(2, frozenset())]

    with pytest.raises(SignatureRefused) as refused:
        check_signature(versions, number=1, side=Side.STARTUP)

    assert (refused.value.message, refused.value.current) == (STALE, 2)


def test_a_side_signs_a_version_once() -> None:
    versions = [Version(1, frozenset({Side.ORGANISER}))]

    with pytest.raises(SignatureRefused) as refused:
        check_signature(versions, number=1, side=Side.ORGANISER)

    assert refused.value.message == ALREADY_SIGNED
    check_signature(versions, number=1, side=Side.MUNICIPALITY)


def test_the_earlier_version_holds_until_the_amendment_is_signed_by_all() -> None:
    signed = Version(1, frozenset(SIDES))
    amendment = Version(2, frozenset({Side.ORGANISER, Side.MUNICIPALITY}))

    assert in_force([signed, amendment]) == 1
    assert waiting_for(amendment.signed_by) == (Side.STARTUP,)
    assert in_force([signed, replace(amendment, signed_by=frozenset(SIDES))]) == 2


@given(st.lists(st.frozensets(st.sampled_from(SIDES)), min_size=1, max_size=6))
def test_the_version_in_force_is_the_newest_signed_by_every_side(signatures: list[frozenset[Side]]) -> None:
    versions = [Version(number, signed) for number, signed in enumerate(signatures, start=1)]

    number = in_force(versions)

    complete = [version.number for version in versions if version.signed_by == frozenset(SIDES)]
    assert number == (complete[-1] if complete else None)
