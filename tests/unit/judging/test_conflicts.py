"""Conflicts of interest between judges and applications, from plain facts."""

from __future__ import annotations

import pytest

from judging.enums import ConflictReason
from judging.rules.conflicts import (
    PUBLIC_EMAIL_DOMAINS,
    ApplicationFacts,
    Conflict,
    JudgeFacts,
    conflicted_pairs,
    detect_conflicts,
    email_domain,
    organisation_key,
)
from judging.rules.rubrics import Message

WATERLY = ApplicationFacts(
    application_id=10,
    startup_id=100,
    startup_name="Waterly",
    member_emails=("ana@waterly.rs", "bojan@gmail.com"),
    municipality_ids=frozenset({7}),
    organisation="Smart Water d.o.o.",
)


def reasons(conflicts: tuple[Conflict, ...]) -> list[tuple[int, int, ConflictReason]]:
    return [(conflict.judge_id, conflict.application_id, conflict.reason) for conflict in conflicts]


def test_no_facts_in_common_means_no_conflict() -> None:
    judge = JudgeFacts(1, "Dragana", email="dragana@uni.rs", organisation="University of Novi Sad")

    assert detect_conflicts([judge], [WATERLY]) == ()


def test_a_declared_conflict() -> None:
    judge = JudgeFacts(1, "Dragana", declared_application_ids=frozenset({10, 99}))

    # 99 is not in this round: nothing to report about it.
    assert detect_conflicts([judge], [WATERLY]) == (
        Conflict(
            1,
            10,
            ConflictReason.DECLARED,
            Message(
                "%(judge)s declared a conflict of interest with %(startup)s.",
                {"judge": "Dragana", "startup": "Waterly"},
            ),
        ),
    )


def test_the_same_organisation_as_the_startups_name_ignoring_case_and_spaces() -> None:
    judge = JudgeFacts(1, "Dragana", organisation="  WATER ly ")

    conflicts = detect_conflicts([judge], [WATERLY])

    assert conflicts == (
        Conflict(
            1,
            10,
            ConflictReason.SAME_ORGANISATION,
            Message(
                "%(judge)s works for %(organisation)s, the organisation of %(startup)s.",
                {"judge": "Dragana", "startup": "Waterly", "organisation": "WATER ly"},
            ),
        ),
    )
    assert conflicts[0].message.render() == "Dragana works for WATER ly, the organisation of Waterly."


def test_the_same_organisation_as_the_startups_organisation() -> None:
    judge = JudgeFacts(1, "Dragana", organisation="smart water D.O.O.")

    assert reasons(detect_conflicts([judge], [WATERLY])) == [(1, 10, ConflictReason.SAME_ORGANISATION)]


def test_an_empty_organisation_matches_nothing() -> None:
    judge = JudgeFacts(1, "Dragana", organisation="   ")
    startup = ApplicationFacts(11, 101, "  ")

    assert detect_conflicts([judge], [startup]) == ()


def test_the_same_email_domain_as_a_team_member() -> None:
    judge = JudgeFacts(1, "Dragana", email="Dragana@Waterly.RS")

    conflicts = detect_conflicts([judge], [WATERLY])

    assert reasons(conflicts) == [(1, 10, ConflictReason.SAME_EMAIL_DOMAIN)]
    assert conflicts[0].message.render() == (
        "Dragana and a member of the team of Waterly have email addresses at waterly.rs."
    )


@pytest.mark.parametrize("domain", ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me"])
def test_a_shared_public_webmail_domain_is_no_conflict(domain: str) -> None:
    judge = JudgeFacts(1, "Dragana", email=f"dragana@{domain.upper()}")
    startup = ApplicationFacts(11, 101, "Greenly", member_emails=(f"team@{domain}",))

    assert domain in PUBLIC_EMAIL_DOMAINS
    assert detect_conflicts([judge], [startup]) == ()


def test_the_list_of_public_domains_can_be_replaced() -> None:
    judge = JudgeFacts(1, "Dragana", email="dragana@gmail.com")
    startup = ApplicationFacts(11, 101, "Greenly", member_emails=("team@gmail.com",))

    assert reasons(detect_conflicts([judge], [startup], public_email_domains=())) == [
        (1, 11, ConflictReason.SAME_EMAIL_DOMAIN)
    ]


def test_an_address_without_a_domain_matches_nothing() -> None:
    judge = JudgeFacts(1, "Dragana", email="dragana")
    startup = ApplicationFacts(11, 101, "Greenly", member_emails=("dragana", "", "x@"))

    assert (email_domain("dragana"), email_domain("x@"), email_domain(" A@B.rs. ")) == ("", "", "b.rs")
    assert detect_conflicts([judge], [startup]) == ()


def test_a_mentor_of_the_startup() -> None:
    judge = JudgeFacts(1, "Dragana", mentored_startup_ids=frozenset({100}))

    conflicts = detect_conflicts([judge], [WATERLY])

    assert reasons(conflicts) == [(1, 10, ConflictReason.MENTORS_STARTUP)]
    assert conflicts[0].message.render() == "Dragana mentors Waterly."


def test_staff_of_the_municipality_whose_problem_the_application_addresses() -> None:
    judge = JudgeFacts(1, "Dragana", municipality_ids=frozenset({3, 7}))
    elsewhere = JudgeFacts(2, "Filip", municipality_ids=frozenset({3}))

    conflicts = detect_conflicts([judge, elsewhere], [WATERLY])

    assert reasons(conflicts) == [(1, 10, ConflictReason.MUNICIPALITY_STAFF)]
    assert conflicts[0].message.render() == "Dragana works for a municipality whose problem Waterly addresses."


def test_every_reason_is_reported_in_a_fixed_order_whatever_the_input_order() -> None:
    everything = JudgeFacts(
        2,
        "Dragana",
        email="dragana@waterly.rs",
        organisation="Waterly",
        municipality_ids=frozenset({7}),
        mentored_startup_ids=frozenset({100, 101}),
        declared_application_ids=frozenset({10}),
    )
    mentor = JudgeFacts(1, "Filip", mentored_startup_ids=frozenset({101}))
    greenly = ApplicationFacts(11, 101, "Greenly")
    greenly_again = ApplicationFacts(5, 101, "Greenly")

    forward = detect_conflicts([everything, mentor], [WATERLY, greenly, greenly_again])
    backward = detect_conflicts([mentor, everything], [greenly_again, greenly, WATERLY])

    assert reasons(forward) == [
        (1, 5, ConflictReason.MENTORS_STARTUP),
        (1, 11, ConflictReason.MENTORS_STARTUP),
        (2, 5, ConflictReason.MENTORS_STARTUP),
        (2, 10, ConflictReason.DECLARED),
        (2, 10, ConflictReason.SAME_ORGANISATION),
        (2, 10, ConflictReason.SAME_EMAIL_DOMAIN),
        (2, 10, ConflictReason.MENTORS_STARTUP),
        (2, 10, ConflictReason.MUNICIPALITY_STAFF),
        (2, 11, ConflictReason.MENTORS_STARTUP),
    ]
    assert backward == forward
    assert conflicted_pairs(forward) == frozenset({(1, 5), (1, 11), (2, 5), (2, 10), (2, 11)})


def test_organisation_keys_ignore_case_and_every_space() -> None:
    assert organisation_key(" Smart  City\tLab ") == organisation_key("SMARTCITYLAB") == "smartcitylab"
    assert organisation_key(" ") == ""


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="judge ids"):
        detect_conflicts([JudgeFacts(1, "A"), JudgeFacts(1, "B")], [])
    with pytest.raises(ValueError, match="application ids"):
        detect_conflicts([], [ApplicationFacts(1, 1, "A"), ApplicationFacts(1, 2, "B")])
