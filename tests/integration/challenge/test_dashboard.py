"""The organisers' dashboard of an edition: counts, charts, the CSV export and who may see them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from challenge.enums import SettlementKind
from challenge.queries.dashboard import CSV_HEADER, problem_stats, problems_csv
from challenge.tables import Municipality, Problem
from core.enums import Role
from tests.factories import make_edition, make_municipality, make_problem
from tests.web import WebClient

NO_GOALS = dict.fromkeys(range(1, 18), 0)
BELGRADE = ZoneInfo("Europe/Belgrade")


async def _municipality(name: str, region: str, kind: SettlementKind) -> dict[str, Any]:
    municipality = await make_municipality(name=name, kind=kind)
    await Municipality.update({Municipality.region: region}).where(Municipality.id == municipality["id"])
    return {**municipality, "region": region}


async def _pipeline() -> dict[str, Any]:
    """Edition `chosen` with one problem in each status; `other` with problems that must not count."""
    chosen = await make_edition(slug="serbia-2026")
    other = await make_edition(slug="serbia-2025", year=2025)
    novi_sad = await _municipality("Novi Sad", "Južnobački", SettlementKind.URBAN)
    ivanjica = await _municipality("Ivanjica", "Moravički", SettlementKind.RURAL)
    cacak = await _municipality("Čačak", "Moravički", SettlementKind.MIXED)
    e = chosen["id"]
    await make_problem(edition_id=e, municipality_id=novi_sad["id"], track="smart_city", sdgs=[6, 11], endorsements=5)
    await make_problem(edition_id=e, municipality_id=ivanjica["id"], status="submitted", sdgs=[2, 6])
    await make_problem(
        edition_id=e,
        municipality_id=cacak["id"],
        status="changes_requested",
        track="smart_city",
        sdgs=[11],
        endorsements=1,
    )
    await make_problem(edition_id=e, municipality_id=ivanjica["id"], status="archived", sdgs=[13], endorsements=7)
    await make_problem(edition_id=e, municipality_id=novi_sad["id"], status="withdrawn", sdgs=[1])
    await make_problem(edition_id=e, municipality_id=cacak["id"], status="draft", sdgs=[4])
    await make_problem(edition_id=other["id"], municipality_id=novi_sad["id"], sdgs=[6, 7], endorsements=100)
    await make_problem(edition_id=other["id"], municipality_id=ivanjica["id"], status="draft")
    return {"chosen": chosen, "other": other}


async def test_problem_stats_count_only_the_chosen_edition() -> None:
    editions = await _pipeline()

    stats = await problem_stats(editions["chosen"]["id"])

    assert stats.by_status == {
        "draft": 1,
        "submitted": 1,
        "changes_requested": 1,
        "published": 1,
        "archived": 1,
        "withdrawn": 1,
    }
    assert (stats.total, stats.live) == (6, 3)
    assert list(stats.by_region.items()) == [("Moravički", 2), ("Južnobački", 1)]
    assert stats.by_kind == {"urban": 1, "rural": 1, "mixed": 1}
    assert stats.by_track == {"smart_city": 2, "smart_rural": 1}
    assert stats.by_sdg == {**NO_GOALS, 2: 1, 6: 2, 11: 2}
    assert stats.endorsements == 13


async def test_problem_stats_of_an_edition_without_problems_are_zeros() -> None:
    edition = await make_edition()

    stats = await problem_stats(edition["id"])

    assert stats.by_status == dict.fromkeys(
        ["draft", "submitted", "changes_requested", "published", "archived", "withdrawn"], 0
    )
    assert stats.by_region == {}
    assert stats.by_kind == {"urban": 0, "rural": 0, "mixed": 0}
    assert stats.by_track == {"smart_city": 0, "smart_rural": 0}
    assert stats.by_sdg == NO_GOALS
    assert stats.endorsements == 0


async def test_dashboard_shows_figures_charts_and_tables(logged_in) -> None:
    editions = await _pipeline()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    response = await organiser.get(f"/organiser/editions/{editions['chosen']['id']}/dashboard")

    assert response.status_code == 200
    html = response.text
    assert f'href="/organiser/editions/{editions["chosen"]["id"]}/problems.csv"' in html
    assert "Download CSV" in html
    assert html.count("<svg ") == 4
    assert html.count("<script") == 1  # the site's own app.js; the charts bring none
    assert '<h2 class="card-figure">13</h2><p>endorsements by residents</p>' in html
    assert '<tr><th scope="row">Moravički</th><td>2</td></tr>' in html
    assert '<tr><th scope="row">6 Clean water and sanitation</th><td>2</td></tr>' in html
    assert '<tr><th scope="row">Withdrawn</th><td>1</td></tr>' in html
    assert '<tr><th scope="row">mixed urban and rural</th><td>1</td></tr>' in html


async def test_dashboard_escapes_a_region_name_holding_markup(logged_in) -> None:
    edition = await make_edition()
    place = await _municipality("Selo", '<script>alert("x")</script>', SettlementKind.RURAL)
    await make_problem(edition_id=edition["id"], municipality_id=place["id"])
    organiser: WebClient = await logged_in(Role.ORGANISER)

    response = await organiser.get(f"/organiser/editions/{edition['id']}/dashboard")

    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert '>&lt;script&gt;alert("x")&lt;/script&gt;</text>' in response.text  # the chart's bar label
    assert '<th scope="row">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</th>' in response.text  # the table
    assert response.text.count("<script") == 1


async def test_dashboard_and_csv_are_for_organisers_only(logged_in) -> None:
    edition = await make_edition()
    paths = [f"/organiser/editions/{edition['id']}/dashboard", f"/organiser/editions/{edition['id']}/problems.csv"]

    statuses = {}
    for role in (Role.MUNICIPALITY, Role.JUDGE):
        client: WebClient = await logged_in(role)
        statuses[role] = [(await client.get(path)).status_code for path in paths]

    assert statuses == {Role.MUNICIPALITY: [403, 403], Role.JUDGE: [403, 403]}


async def test_anonymous_visitors_are_sent_to_sign_in(client: WebClient) -> None:
    edition = await make_edition()

    response = await client.get(f"/organiser/editions/{edition['id']}/dashboard")

    assert response.status_code == 302
    assert response.headers["location"] == f"/login?next=/organiser/editions/{edition['id']}/dashboard"


async def test_unknown_edition_is_404(logged_in) -> None:
    organiser: WebClient = await logged_in(Role.ORGANISER)

    statuses = [
        (await organiser.get("/organiser/editions/999999/dashboard")).status_code,
        (await organiser.get("/organiser/editions/999999/problems.csv")).status_code,
    ]

    assert statuses == [404, 404]


async def test_csv_lists_every_problem_of_the_edition_with_formulas_neutralised(logged_in) -> None:
    edition = await make_edition(slug="serbia-2026")
    other = await make_edition()
    cacak = await _municipality("Čačak", "Moravički", SettlementKind.MIXED)
    published = await make_problem(
        edition_id=edition["id"],
        municipality_id=cacak["id"],
        title="=cmd|' /C calc'!A0",
        track="smart_city",
        sdgs=[11, 6],
        endorsements=3,
        contact_name="@Jelena Marković",
    )
    await Problem.update(
        {
            Problem.submitted_at: datetime(2026, 3, 14, 10, 30, tzinfo=BELGRADE),
            Problem.published_at: datetime(2026, 7, 1, 10, 0, tzinfo=BELGRADE),
        }
    ).where(Problem.id == published["id"])
    draft = await make_problem(
        edition_id=edition["id"],
        municipality_id=cacak["id"],
        status="draft",
        title="Paljenje strnjike",
        track=None,
        sdgs=[],
        budget_range=None,
        procurement_path=None,
        affected_count=None,
        contact_name="",
        contact_email="",
    )
    await make_problem(edition_id=other["id"], municipality_id=cacak["id"], title="Another edition")
    organiser: WebClient = await logged_in(Role.ORGANISER)

    response = await organiser.get(f"/organiser/editions/{edition['id']}/problems.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="problems-serbia-2026.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        list(CSV_HEADER),
        [
            str(published["id"]),
            "'=cmd|' /C calc'!A0",
            "Čačak",
            "Moravički",
            "mixed",
            "smart_city",
            "published",
            "6;11",
            "10k_50k",
            "pilot",
            "4200",
            "3",
            "2026-03-14T09:30:00Z",
            "2026-07-01T08:00:00Z",
            "'@Jelena Marković",
            "jelena@ivanjica.rs",
        ],
        [str(draft["id"]), "Paljenje strnjike", "Čačak", "Moravički", "mixed", "", "draft"]
        + [""] * 4
        + ["0"]
        + [""] * 4,
    ]


async def test_problems_csv_of_an_edition_without_problems_is_the_header() -> None:
    edition = await make_edition()

    assert await problems_csv(edition["id"]) == ",".join(CSV_HEADER) + "\r\n"
