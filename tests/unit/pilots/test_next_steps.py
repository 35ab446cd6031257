"""The home pages' line for an agreement waiting for the reader's side."""

from __future__ import annotations

from core.rules.next_steps import StepText
from pilots.rules.next_steps import Unsigned, signature_steps


def test_each_unsigned_agreement_is_one_pending_step_linked_to_its_sign_button() -> None:
    steps = signature_steps([Unsigned(7, "Smart water", 2), Unsigned(3, "Soil sensors", 1)])

    assert [(s.kind, s.link, s.done, s.text) for s in steps] == [
        (
            "pilot.sign",
            "/pilots/3/work#current",
            False,
            StepText(
                "Sign version %(number)s of the agreement of the pilot “%(pilot)s”",
                params={"number": 1, "pilot": "Soil sensors"},
            ),
        ),
        (
            "pilot.sign",
            "/pilots/7/work#current",
            False,
            StepText(
                "Sign version %(number)s of the agreement of the pilot “%(pilot)s”",
                params={"number": 2, "pilot": "Smart water"},
            ),
        ),
    ]


def test_past_five_agreements_the_rest_is_one_step_linked_for_organisers_to_the_editions_pilots() -> None:
    unsigned = [Unsigned(n, f"Pilot {n}", 1, edition_id=4) for n in range(12, 0, -1)]

    steps = signature_steps(unsigned, organiser=True)

    assert [s.link for s in steps[:5]] == [f"/pilots/{n}/work#current" for n in range(1, 6)]
    assert len(steps) == 6
    assert steps[5].link == "/organiser/editions/4/pilots"
    assert steps[5].text == StepText(
        "%(num)s more agreement waits for your side's signature",
        "%(num)s more agreements wait for your side's signature",
        7,
    )
    assert signature_steps(unsigned)[5].link is None  # a startup's or municipality's: no edition list of theirs
    assert len(signature_steps(unsigned[:5])) == 5
