"""The catalogue's world: an edition with four published problems and others never listed.

`catalogue` is the fixture every catalogue test module uses (collected through conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from challenge.enums import SettlementKind
from challenge.tables import Municipality
from tests.factories import make_edition, make_open_edition, make_problem

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
CARD_TITLE = re.compile(r'<h3><a href="/problems/\d+">([^<]*)</a></h3>')


def titles(html: str) -> list[str]:
    """The problem titles a catalogue or home page lists, in order."""
    return CARD_TITLE.findall(html)


async def make_town(name: str, region: str, kind: SettlementKind) -> dict[str, Any]:
    return (
        await Municipality.insert(Municipality(name=name, region=region, population=10_000, kind=kind)).returning(
            *Municipality.all_columns()
        )
    )[0]


@pytest.fixture
async def catalogue() -> dict[str, Any]:
    """An edition with four published problems, and others that must never be listed."""
    edition = await make_open_edition(slug="2026")
    ivanjica = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    novi_sad = await make_town("Novi Sad", "South Bačka", SettlementKind.URBAN)
    cacak = await make_town("Čačak", "Moravica", SettlementKind.MIXED)
    e, published = edition["id"], {}
    for title, town, track, sdgs, summary in [
        ("Water losses in village networks", ivanjica, "smart_rural", [6, 11], "A third of the water is lost."),
        ("Parking search traffic", novi_sad, "smart_city", [11], "Drivers circle the centre for a free spot."),
        ("School bus routes", cacak, "smart_rural", [4, 16], "Children wait an hour for the bus."),
        ("Heating poverty in old blocks", novi_sad, "smart_city", [1, 7], "Flats too cold to live in."),
    ]:
        problem = await make_problem(
            edition_id=e, municipality_id=town["id"], title=title, track=track, sdgs=sdgs, summary=summary
        )
        published[title] = problem
    hidden = {}
    for status in ("draft", "submitted", "changes_requested", "archived", "withdrawn"):
        hidden[status] = await make_problem(
            edition_id=e, municipality_id=ivanjica["id"], status=status, title=f"Water meters ({status})"
        )
    other_edition = await make_edition(slug="2025", year=2025, name="Earlier Challenge")
    await make_problem(edition_id=other_edition["id"], municipality_id=novi_sad["id"], title="Street lighting")
    return {"edition": edition, "published": published, "unpublished": hidden, "towns": [ivanjica, novi_sad, cacak]}
