"""The pilots' lines on the home pages' "next steps": agreements waiting for the reader's side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.rules import N_
from core.rules.next_steps import Step, say


@dataclass(frozen=True)
class Unsigned:
    """A pilot whose current agreement version lacks the signature of the home page's side."""

    pilot_id: int
    title: str
    number: int


def signature_steps(unsigned: Iterable[Unsigned]) -> list[Step]:
    """One pending step per agreement to sign, linked to where the Sign button is."""
    return [
        Step(
            kind="pilot.sign",
            text=say(
                N_("Sign version %(number)s of the agreement of the pilot “%(pilot)s”"),
                number=item.number,
                pilot=item.title,
            ),
            link=f"/pilots/{item.pilot_id}/work#current",
        )
        for item in sorted(unsigned, key=lambda item: item.pilot_id)
    ]
