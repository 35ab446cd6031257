"""The pilots' lines on the home pages' "next steps": agreements waiting for the reader's side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.rules import N_
from core.rules.next_steps import Step, say
from core.rules.next_steps import plural as ngettext  # pybabel extracts ngettext(...) calls

# An organiser of 200 pilots would otherwise read 200 lines (and every home page would render them):
# the first few by pilot, then one line for the rest.
LISTED = 5


@dataclass(frozen=True)
class Unsigned:
    """A pilot whose current agreement version lacks the signature of the home page's side."""

    pilot_id: int
    title: str
    number: int
    edition_id: int | None = None


def signature_steps(unsigned: Iterable[Unsigned], *, organiser: bool = False) -> list[Step]:
    """One pending step per agreement to sign, linked to where the Sign button is; past `LISTED`,
    one step for the rest, linked for organisers to their edition's list of pilots."""
    ordered = sorted(unsigned, key=lambda item: item.pilot_id)
    steps = [
        Step(
            kind="pilot.sign",
            text=say(
                N_("Sign version %(number)s of the agreement of the pilot “%(pilot)s”"),
                number=item.number,
                pilot=item.title,
            ),
            link=f"/pilots/{item.pilot_id}/work#current",
        )
        for item in ordered[:LISTED]
    ]
    rest = ordered[LISTED:]
    if rest:
        edition = rest[0].edition_id
        steps.append(
            Step(
                kind="pilot.sign",
                text=ngettext(
                    "%(num)s more agreement waits for your side's signature",
                    "%(num)s more agreements wait for your side's signature",
                    len(rest),
                ),
                link=f"/organiser/editions/{edition}/pilots" if organiser and edition is not None else None,
            )
        )
    return steps
