"""The public pilot pages: the list and its filters, a pilot's page (terms, milestones, KPI charts
with disputed values apart, residents' feedback) and an edition's roll-up; drafts show nowhere."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from core import pagecache
from core.audit import record
from pilots.enums import PilotStatus
from pilots.queries import public
from tests.integration.pilots.public_world import DRAFT_TITLE, HIDDEN_COMMENT, add_feedback, make_public_world
from tests.web import WebClient


def pilot_links(html: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r'href="/pilots/(\d+)"', html)})


async def test_the_list_shows_public_pilots_only_and_filters_them(client: WebClient) -> None:
    w = await make_public_world()
    edition = w.world.edition["slug"]

    everything = await client.get("/pilots")
    rural = await client.get("/pilots?kind=rural")
    urban = await client.get("/pilots?kind=urban")
    goal_11 = await client.get("/pilots?sdg=11")
    goal_6 = await client.get(f"/pilots?sdg=6&edition={edition}&municipality={w.world.municipality['id']}")
    nonsense = await client.get("/pilots?sdg=99&kind=castle&municipality=x")

    assert everything.status_code == 200
    assert pilot_links(everything.text) == sorted([w.pilot_id, w.completed_id])
    assert DRAFT_TITLE not in everything.text
    assert pilot_links(rural.text) == sorted([w.pilot_id, w.completed_id])
    assert (pilot_links(urban.text), pilot_links(goal_11.text)) == ([], [])
    assert pilot_links(goal_6.text) == sorted([w.pilot_id, w.completed_id])
    assert pilot_links(nonsense.text) == sorted([w.pilot_id, w.completed_id])
    assert 'href="/open-data/pilots"' in everything.text


async def test_the_list_query_filters_by_municipality_and_edition() -> None:
    w = await make_public_world()

    mine = await public.public_pilots(public.PilotFilters(municipality=w.world.municipality["id"]))
    elsewhere = await public.public_pilots(public.PilotFilters(municipality=w.urban_id))
    other_edition = await public.public_pilots(public.PilotFilters(edition="no-such-edition"))

    assert [p.id for p in mine] == [w.pilot_id, w.completed_id]
    assert (elsewhere, other_edition) == ([], [])
    assert (mine[0].municipality_name, mine[0].kind, mine[0].startup_name, mine[0].sdgs) == (
        "Ivanjica",
        "rural",
        "AgroSense",
        [2, 6],
    )


async def test_a_draft_pilot_does_not_exist_for_the_public(client: WebClient) -> None:
    w = await make_public_world()

    assert (await client.get(f"/pilots/{w.draft_id}")).status_code == 404
    assert (await client.get("/pilots/999999")).status_code == 404
    rollup = await client.get(f"/editions/{w.world.edition['slug']}/pilots")
    assert DRAFT_TITLE not in rollup.text


async def test_the_pilot_page_shows_the_public_terms_but_no_one_s_address(client: WebClient) -> None:
    w = await make_public_world()

    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    for shown in (
        "Soil sensors for Ivanjica&#39;s farms",
        "AgroSense",
        "Ivanjica",
        "Kušići, Ivanjica centre",
        "12,000",
    ):
        assert shown in html, shown
    assert "Municipality of Ivanjica" in html  # the funder
    for person in (w.world.staff, w.world.founder, w.world.organiser, w.world.mentor):
        assert person["email"] not in html
        assert person["name"] not in html
    assert "monthly aggregates are open data" not in html  # the data terms are between the sides
    assert f'href="/pilots/{w.pilot_id}/feedback"' in html


async def test_the_milestone_timeline_keeps_refusals_and_leaves_private_milestones_out(client: WebClient) -> None:
    w = await make_public_world()

    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    assert re.findall(r'id="milestone-(\d+)"', html) == [
        str(n) for n in sorted(m.id for m in await public.public_milestones(w.pilot_id, today=date(2027, 1, 1)))
    ]
    assert "Sensors installed" in html and "Farmers trained" in html
    assert "Only four of twenty farms came." in html
    assert "Invoice paid" not in html


async def test_disputed_values_are_marked_apart_and_never_counted_into_progress(client: WebClient) -> None:
    w = await make_public_world()

    view = await public.pilot_page(w.pilot_id, today=date(2027, 1, 1))
    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    (kpi,) = view.kpis
    assert [m.value for m in kpi.accepted] == [380.0, 350.0, 330.5]
    assert [m.value for m in kpi.disputed] == [120.0]
    assert [m.value for m in kpi.awaiting] == [320.0]
    # From 400 towards 300, the latest accepted value (330.5) has come 69.5% of the way.
    assert kpi.standing.progress is not None and round(kpi.standing.progress, 3) == 0.695
    assert len(re.findall(r'class="measurement measurement-disputed"', html)) == 1
    assert len(re.findall(r'class="measurement measurement-accepted"', html)) == 3
    assert html.count('<figure class="kpi-chart"><img src=') == 1
    # The chart itself (an image of its own, and inline on the KPI's page) has the disputed
    # values as a series of their own, and no script.
    for chart in (
        (await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi.id}/chart.svg")).text,
        (await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi.id}")).text.split('<figure class="kpi-chart">')[1],
    ):
        assert "Disputed" in chart and "<script" not in chart.split("</svg>")[0]


async def test_feedback_is_summed_up_without_hidden_entries_and_their_comments(client: WebClient) -> None:
    w = await make_public_world()

    view = await public.pilot_page(w.pilot_id, today=date(2027, 1, 1))
    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    assert (view.feedback.count, view.feedback.distribution, view.feedback.local_count) == (3, (0, 1, 0, 1, 1), 2)
    assert [(m.month, m.count, m.mean) for m in view.feedback.months] == [("2026-10", 2, 4.5), ("2026-11", 1, 2.0)]
    assert [c.comment for c in view.comments] == ["The SMS come at night", "Fewer dry fields"]
    assert HIDDEN_COMMENT not in html
    assert "Fewer dry fields" in html and "collected in person" in html
    assert w.world.staff["name"] not in html


async def test_a_comment_is_marked_with_its_language_as_html_names_it(client: WebClient) -> None:
    w = await make_public_world()
    # Feedback keeps the locale the resident wrote in (sr_Cyrl); HTML's lang wants a BCP 47 tag.
    await add_feedback(
        w.pilot_id, rating=4, on=datetime(2026, 11, 20, 9, tzinfo=UTC), comment="Мање суве земље", language="sr_Cyrl"
    )

    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    assert '<span lang="sr-Cyrl">Мање суве земље</span>' in html
    assert 'lang="sr_Cyrl"' not in html


async def test_a_stopped_pilot_says_why(client: WebClient) -> None:
    from pilots.tables import Pilot

    w = await make_public_world()
    await Pilot.update({Pilot.status: PilotStatus.STOPPED, Pilot.stop_reason: "The farms left the scheme."}).where(
        Pilot.id == w.pilot_id
    )

    html = (await client.get(f"/pilots/{w.pilot_id}")).text

    assert '<span class="stop-reason">The farms left the scheme.</span>' in html


async def test_the_edition_rolls_pilots_up_per_goal_and_municipality(client: WebClient) -> None:
    w = await make_public_world()
    slug = w.world.edition["slug"]

    rollup = await public.edition_rollup(slug)
    html = (await client.get(f"/editions/{slug}/pilots")).text
    edition_page = (await client.get(f"/editions/{slug}")).text

    assert [(t.key, t.pilots, t.kpis, t.kpis_measured, t.kpis_on_track) for t in rollup.by_sdg] == [
        ("2", 2, 1, 1, 1),
        ("6", 2, 1, 1, 1),
    ]
    assert [(t.name, t.pilots, t.by_status) for t in rollup.by_municipality] == [
        ("Ivanjica", 2, {"agreed": 0, "running": 1, "completed": 1, "stopped": 0})
    ]
    assert html.count("<figure><svg") == 3
    assert "Zero hunger" in html and "Ivanjica" in html
    assert f'href="/editions/{slug}/pilots"' in edition_page
    assert (await client.get("/editions/no-such-edition/pilots")).status_code == 404


async def test_the_pages_read_in_serbian(client: WebClient) -> None:
    w = await make_public_world()

    for path in ("/pilots", f"/pilots/{w.pilot_id}", f"/editions/{w.world.edition['slug']}/pilots"):
        response = await client.get(path, headers={"accept-language": "sr-Cyrl"})
        assert response.status_code == 200, path


async def test_a_cached_page_is_dropped_when_a_pilot_changes(client: WebClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.settings import get_settings
    from pilots.tables import Pilot

    w = await make_public_world()
    monkeypatch.setenv("PAGE_CACHE", "true")
    get_settings.cache_clear()
    pagecache.forget()
    try:
        first = (await client.get(f"/pilots/{w.pilot_id}")).text
        await Pilot.update({Pilot.title: "Renamed pilot"}).where(Pilot.id == w.pilot_id)
        cached = (await client.get(f"/pilots/{w.pilot_id}")).text
        await record(actor_id=None, action="pilot.renamed", entity="pilot", entity_id=w.pilot_id)
        fresh = (await client.get(f"/pilots/{w.pilot_id}")).text
    finally:
        monkeypatch.delenv("PAGE_CACHE")
        get_settings.cache_clear()
        pagecache.forget()

    assert ("Renamed pilot" in first, "Renamed pilot" in cached, "Renamed pilot" in fresh) == (False, False, True)


async def test_the_api_lists_public_pilots_with_the_page_s_filters(client: WebClient) -> None:
    w = await make_public_world()

    everything = (await client.get("/api/v1/pilots")).json()
    urban = (await client.get("/api/v1/pilots?kind=urban")).json()
    goal_2 = (await client.get(f"/api/v1/pilots?sdg=2&edition={w.world.edition['slug']}")).json()
    bad_goal = await client.get("/api/v1/pilots?sdg=18")

    assert [p["id"] for p in everything] == [w.pilot_id, w.completed_id]
    assert everything[0] == {
        "id": w.pilot_id,
        "title": "Soil sensors for Ivanjica's farms",
        "status": "running",
        "edition": w.world.edition["slug"],
        "edition_year": 2025,
        "municipality_id": w.world.municipality["id"],
        "municipality": "Ivanjica",
        "municipality_kind": "rural",
        "startup": "AgroSense",
        "problem_id": w.world.problem["id"],
        "sdgs": [2, 6],
        "starts_on": "2026-09-01",
        "ends_on": "2027-03-01",
        "url": f"http://testserver/pilots/{w.pilot_id}",
    }
    assert (urban, [p["id"] for p in goal_2]) == ([], [w.pilot_id, w.completed_id])
    assert bad_goal.status_code == 422


async def test_the_api_gives_a_pilot_s_public_terms_and_404_for_a_draft(client: WebClient) -> None:
    w = await make_public_world()

    pilot = await client.get(f"/api/v1/pilots/{w.pilot_id}")
    draft = await client.get(f"/api/v1/pilots/{w.draft_id}")

    assert pilot.status_code == 200
    body = pilot.json()
    assert (body["scope"], body["locations"], body["budget_eur"], body["funded_by"], body["procurement"]) == (
        "Soil-moisture sensors on twenty farms, with irrigation advice by SMS.",
        ["Kušići", "Ivanjica centre"],
        12000,
        "Municipality of Ivanjica",
        "direct_pilot",
    )
    assert "data_terms" not in body and "mentor" not in body and "code" not in body
    assert draft.status_code == 404
    assert DRAFT_TITLE not in (await client.get("/api/v1/pilots")).text


async def test_a_serbian_pilot_reads_in_the_readers_script_and_an_english_one_as_written(client: WebClient) -> None:
    from pilots.tables import Pilot

    world = await make_public_world()
    await Pilot.update({Pilot.title: "Senzori u selima", Pilot.language: "sr"}).where(Pilot.id == world.pilot_id)
    await client.post_form("/locale", {"locale": "sr_Cyrl"})

    cyrillic = (await client.get(f"/pilots/{world.pilot_id}")).text
    await Pilot.update({Pilot.title: "Sensors in the villages", Pilot.language: "en"}).where(Pilot.id == world.pilot_id)
    english = (await client.get(f"/pilots/{world.pilot_id}")).text

    assert "<h1>Сензори у селима</h1>" in cyrillic
    assert "<h1>Sensors in the villages</h1>" in english


async def test_the_list_comes_in_pages_of_twenty_with_the_filters_kept(client: WebClient) -> None:
    from pilots.tables import Pilot

    w = await make_public_world()
    row = await Pilot.select().where(Pilot.id == w.pilot_id).first().output(load_json=True)
    copies = [{**row, "code": f"copy{n:04d}", "title": f"Copy {n:02d}"} for n in range(25)]
    for copy in copies:
        del copy["id"]
        await Pilot.insert(Pilot(**copy))
    total = len(await public.public_pilots(public.PilotFilters()))

    first = (await client.get("/pilots?kind=rural")).text
    second = (await client.get("/pilots?kind=rural&page=2")).text

    assert f"{total} pilots" in first
    assert first.count('class="pilot-card"') == 20
    assert 'href="?kind=rural&amp;page=2" rel="next"' in first
    assert second.count('class="pilot-card"') == total - 20
    assert 'rel="prev"' in second and 'rel="next"' not in second


async def test_the_pilot_page_lists_a_kpis_latest_values_and_its_own_page_every_one(client: WebClient) -> None:
    from datetime import timedelta

    from pilots.enums import MeasurementStatus
    from tests.integration.pilots.public_world import add_kpi, add_measurement

    w = await make_public_world()
    kpi = await add_kpi(w.pilot_id, name="Farms on advice")
    for week in range(10):
        await add_measurement(kpi, date(2026, 9, 7) + timedelta(weeks=week), 390.0 - week, MeasurementStatus.ACCEPTED)

    overview = (await client.get(f"/pilots/{w.pilot_id}")).text
    own = await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi}")
    missing = await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi + 1000}")

    card = overview[overview.index(f'id="kpi-{kpi}"') :]
    card = card[: card.index("</article>")]
    assert card.count('class="measurement ') == 6
    assert "The latest 6 of 10 values." in card and f'href="/pilots/{w.pilot_id}/kpis/{kpi}"' in card
    assert own.status_code == 200 and own.text.count('class="measurement ') == 10
    assert missing.status_code == 404


async def test_a_kpis_chart_is_an_svg_image_of_its_own_with_its_style_inside(client: WebClient) -> None:
    from xml.etree import ElementTree

    from pilots.enums import MeasurementStatus
    from tests.integration.pilots.public_world import add_kpi, add_measurement

    w = await make_public_world()
    kpi = await add_kpi(w.pilot_id, name="Farms on advice")
    await add_measurement(kpi, date(2026, 9, 7), 390.0, MeasurementStatus.DISPUTED)

    page_text = (await client.get(f"/pilots/{w.pilot_id}")).text
    chart = await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi}/chart.svg")
    missing = await client.get(f"/pilots/{w.pilot_id}/kpis/{kpi + 1000}/chart.svg")

    assert f'<img src="/pilots/{w.pilot_id}/kpis/{kpi}/chart.svg"' in page_text
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    root = ElementTree.fromstring(chart.content)  # noqa: S314  (our own server's answer)
    namespace = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{namespace}svg"
    style = root.find(f"{namespace}style")
    assert style is not None and ".pygal-chart .serie-1 .dot" in (style.text or "")
    assert root.find(f".//{namespace}script") is None
    assert missing.status_code == 404


async def test_digits_int_cannot_read_are_no_filter(client: WebClient) -> None:
    await make_public_world()

    answers = [(await client.get(f"/pilots?{name}=²")).status_code for name in ("municipality", "sdg")]

    assert answers == [200, 200]


async def test_a_cached_pilot_page_shows_a_milestone_overdue_once_its_date_passes(
    client: WebClient, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from core.settings import get_settings
    from pilots.controllers import public as public_pages
    from tests.integration.pilots.milestones_world import add_milestone_row

    w = await make_public_world()
    await add_milestone_row(w.pilot_id, title="Pumps serviced", due_on=date(2026, 12, 10), sides=["municipality"])
    monkeypatch.setenv("PAGE_CACHE", "true")
    get_settings.cache_clear()
    pagecache.forget()

    def page_on(moment: datetime) -> None:
        monkeypatch.setattr(public_pages, "utc_now", lambda: moment)

    def overdue_beside(html: str, title: str) -> bool:
        item = html[html.index(title) :]
        return 'badge warn">overdue<' in item[: item.index("</li>")]

    try:
        page_on(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
        due_day = (await client.get(f"/pilots/{w.pilot_id}")).text
        page_on(datetime(2026, 12, 10, 12, 30, tzinfo=UTC))
        same_hour = (await client.get(f"/pilots/{w.pilot_id}")).text
        page_on(datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
        next_day = (await client.get(f"/pilots/{w.pilot_id}")).text
    finally:
        monkeypatch.delenv("PAGE_CACHE")
        get_settings.cache_clear()
        pagecache.forget()

    assert same_hour == due_day  # one rendering within the hour
    assert (overdue_beside(due_day, "Pumps serviced"), overdue_beside(next_day, "Pumps serviced")) == (False, True)
