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
