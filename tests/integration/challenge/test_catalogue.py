"""The public catalogue: its listing, filters, sorting and paging, in the pages and the read API."""

from __future__ import annotations

import re
from typing import Any

import pytest

from challenge.enums import SettlementKind
from challenge.tables import Problem
from core.db import engine
from tests.factories import (
    make_edition,
    make_municipality,
    make_open_edition,
    make_problem,
)
from tests.integration.challenge.catalogue_world import make_town, titles
from tests.web import WebClient

FILTER_CASES = [
    ("", ["Heating poverty in old blocks", "School bus routes", "Parking search traffic",
          "Water losses in village networks"]),
    ("track=smart_city", ["Heating poverty in old blocks", "Parking search traffic"]),
    ("track=smart_rural", ["School bus routes", "Water losses in village networks"]),
    ("region=Moravica", ["School bus routes", "Water losses in village networks"]),
    ("kind=urban", ["Heating poverty in old blocks", "Parking search traffic"]),
    ("kind=mixed", ["School bus routes"]),
    ("sdg=1", ["Heating poverty in old blocks"]),
    ("sdg=11", ["Parking search traffic", "Water losses in village networks"]),
    ("sdg=6", ["Water losses in village networks"]),
    ("sdg=17", []),
    ("q=WATER", ["Water losses in village networks"]),
    ("q=drivers", ["Parking search traffic"]),
    ("track=smart_rural&sdg=16", ["School bus routes"]),
    ("region=Moravica&kind=rural&q=village", ["Water losses in village networks"]),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
async def test_catalogue_filters_list_exactly_the_matching_published_problems(
    client: WebClient, catalogue: dict, query: str, expected: list[str]
) -> None:
    response = await client.get(f"/problems?edition=2026&{query}")

    assert response.status_code == 200
    assert titles(response.text) == expected


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
async def test_api_filters_list_exactly_the_matching_published_problems(
    client: WebClient, catalogue: dict, query: str, expected: list[str]
) -> None:
    response = await client.get(f"/api/v1/editions/2026/problems?{query}")

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == expected


async def test_catalogue_shows_the_newest_edition_by_default_and_links_to_others(
    client: WebClient, catalogue: dict
) -> None:
    newest = await client.get("/problems")
    earlier = await client.get("/problems?edition=2025")
    unknown = await client.get("/problems?edition=1999")

    assert titles(newest.text) == titles((await client.get("/problems?edition=2026")).text)
    assert '<a href="/problems?edition=2025">Problems of Earlier Challenge (2025)</a>' in newest.text
    assert titles(earlier.text) == ["Street lighting"]
    assert unknown.status_code == 404


async def test_catalogue_card_shows_municipality_badges_sdgs_and_endorsements(
    client: WebClient, catalogue: dict
) -> None:
    await Problem.update({Problem.endorsement_count: 12}).where(
        Problem.id == catalogue["published"]["Parking search traffic"]["id"]
    )

    html = (await client.get("/problems?edition=2026&q=parking")).text

    assert "Novi Sad · South Bačka" in html
    assert '<span class="badge">urban</span>' in html
    assert '<span class="badge track-smart_city">Smart city</span>' in html
    assert '<abbr title="Sustainable cities and communities">11</abbr>' in html
    assert '<span class="endorsement-count">12</span>' in html


async def test_region_filter_offers_only_regions_with_published_problems(client: WebClient, catalogue: dict) -> None:
    await make_town("Subotica", "North Bačka", SettlementKind.URBAN)

    html = (await client.get("/problems?edition=2026")).text

    region_select = html[html.index('id="filter-region"') : html.index("</select>", html.index('id="filter-region"'))]
    assert re.findall(r'<option value="([^"]*)"', region_select) == ["", "Moravica", "South Bačka"]


async def test_most_endorsed_first(client: WebClient, catalogue: dict) -> None:
    for title, count in [("School bus routes", 3), ("Water losses in village networks", 9)]:
        await Problem.update({Problem.endorsement_count: count}).where(Problem.title == title)

    response = await client.get("/problems?edition=2026&sort=endorsed")

    assert titles(response.text) == [
        "Water losses in village networks",
        "School bus routes",
        "Heating poverty in old blocks",
        "Parking search traffic",
    ]


async def test_unpublished_problems_are_not_found_anywhere(client: WebClient, catalogue: dict) -> None:
    for problem in catalogue["unpublished"].values():
        page = await client.get(f"/problems/{problem['id']}")
        api = await client.get(f"/api/v1/problems/{problem['id']}")

        assert page.status_code == 404
        assert api.status_code == 404
        assert api.json() == {"status_code": 404, "detail": "This problem does not exist."}
    listed = (await client.get("/problems?edition=2026&q=meters")).text
    assert titles(listed) == []
    assert (await client.get("/api/v1/editions/2026/problems?q=meters")).json()["items"] == []


async def test_catalogue_pages_by_20_and_keeps_the_filters(client: WebClient) -> None:
    edition = await make_open_edition(slug="paged")
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(30):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Rural problem {n:02d}")
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="City problem", track="smart_city")

    first = await client.get("/problems?edition=paged&track=smart_rural")
    second = await client.get("/problems?edition=paged&track=smart_rural&page=2")

    assert titles(first.text) == [f"Rural problem {n:02d}" for n in range(29, 9, -1)]
    assert 'href="?edition=paged&amp;track=smart_rural&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert titles(second.text) == [f"Rural problem {n:02d}" for n in range(9, -1, -1)]
    assert 'href="?edition=paged&amp;track=smart_rural&amp;page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text


@pytest.fixture
def queries_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the application sends from now on."""
    engine_class = type(engine())
    original = engine_class.run_querystring
    seen: list[str] = []

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return seen


async def test_catalogue_queries_do_not_grow_with_the_number_of_problems(client: WebClient, queries_run: list) -> None:
    edition = await make_open_edition(slug="bounded")
    towns = [await make_town(f"Town {n}", f"Region {n}", SettlementKind.RURAL) for n in range(3)]
    for n in range(3):
        await make_problem(edition_id=edition["id"], municipality_id=towns[n]["id"], title=f"Problem {n}")
    queries_run.clear()
    few = await client.get("/problems?edition=bounded")
    with_few = len(queries_run)
    for n in range(3, 30):
        await make_problem(edition_id=edition["id"], municipality_id=towns[n % 3]["id"], title=f"Problem {n}")
    queries_run.clear()
    many = await client.get("/problems?edition=bounded")

    assert len(titles(few.text)) == 3
    assert len(titles(many.text)) == 20
    assert 'rel="next"' in many.text
    assert len(queries_run) == with_few
    assert with_few <= 4


async def test_api_pages_by_20(client: WebClient) -> None:
    edition = await make_open_edition(slug="api-paged")
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(25):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Problem {n:02d}")

    first = (await client.get("/api/v1/editions/api-paged/problems")).json()
    second = (await client.get("/api/v1/editions/api-paged/problems?page=2")).json()

    assert (len(first["items"]), first["page"], first["has_next"]) == (20, 1, True)
    assert [item["title"] for item in second["items"]] == [f"Problem {n:02d}" for n in range(4, -1, -1)]
    assert (second["page"], second["has_next"]) == (2, False)


async def test_api_list_item_carries_the_municipality(client: WebClient, catalogue: dict) -> None:
    problem = catalogue["published"]["School bus routes"]

    body = (await client.get("/api/v1/editions/2026/problems?q=school")).json()

    assert body == {
        "items": [
            {
                "id": problem["id"],
                "title": "School bus routes",
                "summary": "Children wait an hour for the bus.",
                "track": "smart_rural",
                "sdgs": [4, 16],
                "endorsement_count": 0,
                "published_at": body["items"][0]["published_at"],
                "municipality": {
                    "id": catalogue["towns"][2]["id"],
                    "name": "Čačak",
                    "region": "Moravica",
                    "kind": "mixed",
                },
                "url": f"/api/v1/problems/{problem['id']}",
            }
        ],
        "page": 1,
        "has_next": False,
    }


async def test_api_rejects_an_unknown_filter_value(client: WebClient, catalogue: dict) -> None:
    bad_sdg = await client.get("/api/v1/editions/2026/problems?sdg=18")
    bad_track = await client.get("/api/v1/editions/2026/problems?track=space")
    unknown_edition = await client.get("/api/v1/editions/1999/problems")

    assert (bad_sdg.status_code, bad_track.status_code, unknown_edition.status_code) == (422, 422, 404)
    assert bad_sdg.json()["errors"] == {"sdg": "Expected `int` <= 17"}


async def test_editions_list_every_edition_with_its_catalogue(client: WebClient, catalogue: dict) -> None:
    html = (await client.get("/editions")).text

    assert re.findall(r'<h2><a href="/editions/([^"]+)">', html) == ["2026", "2025"]
    assert '<a href="/problems?edition=2025">Problems</a>' in html


async def test_home_shows_the_six_newest_problems_of_the_current_edition(client: WebClient) -> None:
    edition = await make_open_edition(slug="home", year=2027)
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(8):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Problem {n}")
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Draft", status="draft")

    html = (await client.get("/")).text

    assert titles(html) == [f"Problem {n}" for n in range(7, 1, -1)]
    assert '<a href="/problems?edition=home" role="button" class="secondary">' in html


async def test_the_catalogue_opens_on_the_newest_edition_that_has_problems(client: WebClient) -> None:
    current = await make_edition(year=2026, slug="with-problems")
    await make_edition(year=2027, slug="copied-but-empty")
    town = await make_municipality()
    await make_problem(edition_id=current["id"], municipality_id=town["id"], title="Visible by default")

    response = await client.get("/problems")

    assert response.status_code == 200
    assert "Visible by default" in response.text


async def test_an_empty_platform_has_a_friendly_catalogue(client: WebClient) -> None:
    response = await client.get("/problems")

    assert response.status_code == 200
    assert "No edition has been opened yet." in response.text


async def test_a_page_number_past_every_problem_is_an_empty_page(client: WebClient, catalogue: dict) -> None:
    far = 10**18  # its OFFSET was beyond the database's 64-bit integers: a 500 or a 404

    api = await client.get(f"/api/v1/editions/2026/problems?page={far}")
    page = await client.get(f"/problems?edition=2026&page={far}")

    assert api.status_code == 200
    assert (api.json()["items"], api.json()["has_next"]) == ([], False)
    assert page.status_code == 200
    assert "Parking search traffic" not in page.text
