"""A pilot from the winner to its public record, by clicking from "/": the organiser opens the
pilot from the edition's page and signs, the municipality's staff follow their home page's next
step and sign, the founder finds the pilot among theirs and signs last, so the agreement is in
force; the organiser starts the pilot and defines a KPI; the founder reports a value with an
evidence PDF; the municipality disputes it; a resident with no account opens the poster's short
link and leaves feedback; any visitor then finds the pilot from "Pilots", with the disputed value
marked apart in the chart and its table, and the feedback; the open-data files download and
parse, and their DCAT-AP description names each of them. The forms and the public pages have no
serious accessibility finding. On a desktop in English and on a 390 px phone in Serbian Cyrillic.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from pilots.tables import Pilot
from tests.browser.axe import AXE, BLOCKING, axe_violations, describe
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    button,
    check_fits,
    choose_language,
    field,
    flash,
    header_link,
    link,
    main,
    sign_in,
    sign_out,
    start,
    tr,
)
from tests.browser.mail_client import BASE_URL
from tests.browser.test_applicant_journey import one_page_pdf
from tests.fixtures import ServerProcess
from tests.integration.pilots.world import PilotWorld, make_winner

pytestmark = pytest.mark.browser
TITLE = "AgroSense: Water for small farms"
KPI = "Irrigation water per hectare"
DISPUTE = "The meters on three farms were off in November."
COMMENT = "The SMS advice saved us a night of watering."


async def _open_page(open_page: OpenPage) -> Page:
    page = await open_page()
    await page.context.add_init_script(path=AXE)
    return page


async def _accessible(page: Page) -> None:
    blocking = [v for v in await axe_violations(page) if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)


async def _sign(page: Page, variant: Variant, side: str) -> None:
    await button(page, variant, "Sign version %(number)s for %(side)s", number=1, side=tr(variant, side)).click()
    await expect(flash(page)).to_be_visible()


def _status(page: Page) -> Locator:
    return main(page).locator("h1 ~ p > .badge").first


# -- 1. The agreement ------------------------------------------------------------------------


async def open_the_pilot(page: Page, variant: Variant, world: PilotWorld) -> None:
    """The organiser: Organiser -> Editions -> Pilots -> open the pilot, then sign for the organisers."""
    await start(page, variant)
    await sign_in(page, variant, world.organiser["email"])
    await (await header_link(page, variant, "Organiser")).click()
    await link(page, variant, "Editions, timelines and problem review").click()
    await link(page, variant, "Pilots").click()
    await field(page, variant, "Application and problem").select_option(f"{world.application_id}:{world.problem['id']}")
    await field(page, variant, "Scope: what the pilot will do").fill("Soil sensors on twenty farms.")
    await field(page, variant, "Places in the municipality").fill("Kušići\nIvanjica centre")
    await field(page, variant, "Starts on").fill("2026-09-01")
    await field(page, variant, "Ends on").fill("2027-03-01")
    await field(page, variant, "Budget in euros").fill("12000")
    await field(page, variant, "Funded by").fill("Municipality of Ivanjica")
    await field(page, variant, "Data-sharing terms").fill("The farms own their readings.")
    await check_fits(page, variant)
    await _accessible(page)
    await button(page, variant, "Open the pilot").click()
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(TITLE)
    await _accessible(page)
    await _sign(page, variant, "the organisers")
    await check_fits(page, variant)
    await sign_out(page, variant)


async def the_municipality_signs(page: Page, variant: Variant, world: PilotWorld) -> None:
    """The municipality's staff: Municipality -> the next step -> sign for the municipality."""
    await sign_in(page, variant, world.staff["email"])
    await (await header_link(page, variant, "Municipality")).click()
    step = tr(variant, "Sign version %(number)s of the agreement of the pilot “%(pilot)s”", number=1, pilot=TITLE)
    await main(page).get_by_role("link", name=step).click()
    await _sign(page, variant, "the municipality")
    await sign_out(page, variant)


async def the_startup_signs(page: Page, variant: Variant, world: PilotWorld) -> None:
    """The founder: Startup -> Your pilots -> the pilot -> sign for the startup; the agreement is in force."""
    await sign_in(page, variant, world.founder["email"])
    await (await header_link(page, variant, "Startup")).click()
    await link(page, variant, "Your pilots").click()
    await main(page).get_by_role("link", name=TITLE).click()
    await _sign(page, variant, "the startup")
    await expect(
        main(page).get_by_text(tr(variant, "Version %(number)s, signed by every side.", number=1))
    ).to_be_visible()
    await check_fits(page, variant)
    await sign_out(page, variant)
    pilot = await Pilot.select(Pilot.status, Pilot.version_in_force).first()
    assert pilot == {"status": "agreed", "version_in_force": 1}


# -- 2. Running, with a KPI and a reported value -----------------------------------------------


async def start_it_and_define_a_kpi(page: Page, variant: Variant, world: PilotWorld) -> None:
    """The organiser: Organiser -> the pilots -> the pilot -> start it; KPIs -> add one."""
    await sign_in(page, variant, world.organiser["email"])
    await (await header_link(page, variant, "Organiser")).click()
    await link(page, variant, "Pilots: agreements and their progress").click()
    await main(page).get_by_role("link", name=TITLE).click()
    await button(page, variant, "Start the pilot").click()
    await expect(_status(page)).to_have_text(tr(variant, "running"))

    await main(page).get_by_role("navigation").get_by_role("link", name=tr(variant, "KPIs")).click()
    await field(page, variant, "Name").fill(KPI)
    await field(page, variant, "Unit").fill("mm")
    await field(page, variant, "Which way is better").select_option("down")
    await field(page, variant, "Baseline value").fill("520")
    await field(page, variant, "Baseline measured on").fill("2026-08-01")
    await field(page, variant, "Target").fill("400")
    await field(page, variant, "Method of measurement").fill("Flow meters on each farm's main pipe, read monthly.")
    await field(page, variant, "Frequency").select_option("monthly")
    await field(page, variant, "Reported by").select_option("startup")
    await field(page, variant, "Sustainable Development Goal").select_option("6")
    await field(page, variant, "SDG target").fill("6.4")
    await check_fits(page, variant)
    await _accessible(page)
    await button(page, variant, "Add the KPI").click()
    await expect(flash(page)).to_have_text(tr(variant, "The KPI was added; the other sides were told."))
    await expect(main(page).get_by_role("heading", level=2)).to_have_text(KPI)
    await sign_out(page, variant)


async def _the_kpi(page: Page, variant: Variant, email: str, home: str) -> None:
    """A side's way to the KPI: its home page -> Your pilots -> the pilot -> KPIs -> the KPI."""
    await sign_in(page, variant, email)
    await (await header_link(page, variant, home)).click()
    await link(page, variant, "Your pilots").click()
    await main(page).get_by_role("link", name=TITLE).click()
    await main(page).get_by_role("navigation").get_by_role("link", name=tr(variant, "KPIs")).click()
    await main(page).get_by_role("link", name=KPI).click()
    await expect(main(page).get_by_role("heading", level=2)).to_have_text(KPI)


async def report_a_value_with_evidence(page: Page, variant: Variant, world: PilotWorld, evidence: Path) -> None:
    """The founder reports November's value with the meter readings as a PDF."""
    await _the_kpi(page, variant, world.founder["email"], "Startup")
    await field(page, variant, "Measured on").fill("2026-11-15")
    await main(page).get_by_label(tr(variant, "Value")).fill("310")
    await field(page, variant, "Note").fill("Read from the twenty meters.")
    await field(page, variant, "File %(number)s", number=1).set_input_files(evidence)
    await check_fits(page, variant)
    await _accessible(page)
    await button(page, variant, "Report the value").click()
    await expect(flash(page)).to_have_text(
        tr(variant, "The value was reported; the other sides were asked to review it.")
    )
    row = main(page).locator("tbody tr").first
    await expect(row.get_by_role("link", name=evidence.name)).to_be_visible()
    await expect(row.locator(".badge")).to_have_text(tr(variant, "awaiting review"))
    await sign_out(page, variant)


async def dispute_the_value(page: Page, variant: Variant, world: PilotWorld) -> str:
    """The municipality's staff dispute the value with a reason; then they open the poster and
    return the address its QR code and printed link give a resident."""
    await _the_kpi(page, variant, world.staff["email"], "Municipality")
    row = main(page).locator("tbody tr").first
    await row.get_by_text(tr(variant, "Accept or dispute")).click()
    await row.get_by_label(tr(variant, "Reason (needed to dispute)")).fill(DISPUTE)
    await row.get_by_role("button", name=tr(variant, "Dispute")).click()
    await expect(flash(page)).to_have_text(tr(variant, "Your review was recorded; the other sides were told."))
    row = main(page).locator("tbody tr").first
    await expect(row.locator(".badge")).to_have_text(tr(variant, "disputed"))
    await expect(row).to_contain_text(DISPUTE)
    await check_fits(page, variant)

    await main(page).get_by_role("navigation").get_by_role("link", name=tr(variant, "Residents' feedback")).click()
    await link(page, variant, "The poster, ready to print").click()
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(tr(variant, "Poster for residents"))
    await check_fits(page, variant)
    short_link = main(page).locator("a[href^='/p/']")
    printed = (await short_link.inner_text()).strip()
    assert printed == f"{BASE_URL}{await short_link.get_attribute('href')}"
    await sign_out(page, variant)
    return printed


# -- 3. Residents and the public -----------------------------------------------------------------


async def a_resident_leaves_feedback(page: Page, variant: Variant, short_url: str, live_url: str) -> None:
    """A resident scans the poster: the short link leads to the form, no account needed."""
    await page.goto(short_url.replace(BASE_URL, live_url, 1))
    await choose_language(page, variant)
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(TITLE)
    await check_fits(page, variant)
    await _accessible(page)
    rating = main(page).get_by_role("group", name=tr(variant, "How well does the pilot work for you?"))
    await rating.get_by_label(f"4 – {tr(variant, 'good')}").check()
    await field(page, variant, "Your comment (optional)").fill(COMMENT)
    await main(page).get_by_label(tr(variant, "I live or work here")).check()
    await button(page, variant, "Send my feedback").click()
    await expect(flash(page)).to_have_text(tr(variant, "Thank you: your feedback is published on the pilot's page."))
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(TITLE)


async def the_public_page_shows_it(page: Page, variant: Variant) -> None:
    """Any visitor: "/" -> Pilots -> the pilot; the chart marks the disputed value apart."""
    await start(page, variant)
    await (await header_link(page, variant, "Pilots")).click()
    await check_fits(page, variant)
    await main(page).get_by_role("link", name=TITLE).click()
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(TITLE)

    kpi = main(page).get_by_role("article").filter(has=page.get_by_role("heading", name=KPI))
    # The pilot's page shows each KPI's chart as an image of its own, drawn and loaded.
    image = kpi.locator("figure.kpi-chart img")
    await expect(image).to_have_count(1)
    await image.scroll_into_view_if_needed()
    # Drawn and loaded, however long a busy machine takes to serve it (a broken image never is).
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())
    disputed = kpi.locator("tr.measurement-disputed")
    await expect(disputed).to_have_count(1)
    await expect(disputed.locator(".badge")).to_have_text(tr(variant, "disputed"))
    await expect(kpi).to_contain_text(tr(variant, "No accepted value yet."))

    feedback = main(page).locator("section#feedback")
    await expect(feedback.locator(".feedback-comments li")).to_have_count(1)
    await expect(feedback.locator(".feedback-comments li")).to_contain_text(COMMENT)
    await expect(feedback.locator(".feedback-distribution")).to_contain_text("4 ★")
    await check_fits(page, variant)
    await _accessible(page)

    # The KPI's own page draws the same chart in the page, every value marked.
    await kpi.get_by_role("link", name=tr(variant, "Every value of this KPI")).click()
    chart = main(page).locator("figure.kpi-chart svg")
    await expect(chart).to_contain_text(tr(variant, "Disputed"))
    # The series' order is fixed (pilots.queries.public_charts.kpi_chart): 0 accepted, 1 disputed.
    await expect(chart.locator(".serie-1 .dot")).to_have_count(1)
    await expect(chart.locator(".serie-0 .dot")).to_have_count(0)
    await expect(main(page).locator("tr.measurement-disputed")).to_have_count(1)
    await check_fits(page, variant)
    await page.go_back()


async def the_open_data_downloads(page: Page, variant: Variant) -> dict[str, str]:
    """From the pilot page: Pilots -> Open data; every file's link downloads and parses. Returns
    each file's title as the page shows it, by the file's name."""
    await main(page).locator("p.eyebrow").get_by_role("link", name=tr(variant, "Pilots")).click()
    await link(page, variant, "Open data: download every pilot's figures").click()
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(tr(variant, "Open data: pilots"))
    await check_fits(page, variant)
    await _accessible(page)

    rows = main(page).locator("tbody tr")
    bodies: dict[str, str] = {}
    titles: dict[str, str] = {}
    for i in range(await rows.count()):
        download = rows.nth(i).locator("th a[download]")
        name = await download.inner_text()
        response = await page.request.get(await download.get_attribute("href") or "")
        assert response.status == 200, name
        bodies[name] = await response.text()
        titles[name] = (await rows.nth(i).locator("td").first.inner_text()).split(": ", 1)[0]
    tables = {name: list(csv.DictReader(io.StringIO(body))) for name, body in bodies.items() if name.endswith(".csv")}
    assert [row["title"] for row in tables["pilots.csv"]] == [TITLE]
    assert [(row["name"], row["unit"], row["direction"]) for row in tables["kpis.csv"]] == [(KPI, "mm", "down")]
    assert tables["measurements.csv"] == []  # the one value is disputed
    assert [(row["ratings"], row["rating_4"], row["local_ratings"]) for row in tables["feedback.csv"]] == [
        ("1", "1", "1")
    ]
    assert list(tables["milestones.csv"]) == []
    everything = json.loads(bodies["pilots.json"])
    assert [p["title"] for p in everything["pilots"]] == [TITLE]
    assert [k["name"] for k in everything["kpis"]] == [KPI]
    assert everything["measurements"] == []
    assert [(f["ratings"], f["rating_4"]) for f in everything["feedback"]] == [(1, 1)]
    return titles


async def the_dcat_description_names_each_file(page: Page, variant: Variant, titles: dict[str, str]) -> None:
    """The description a portal harvests names every file the page offers, by the title the
    page shows it under in the reader's language."""
    portals = (
        main(page).locator("section").filter(has=page.get_by_role("heading", name=tr(variant, "For open-data portals")))
    )
    response = await page.request.get(await portals.locator("a[href$='/dcat.jsonld']").get_attribute("href") or "")
    assert response.headers["content-type"].startswith("application/ld+json")
    dcat = json.loads(await response.text())
    assert dcat["@type"] == "dcat:Dataset"
    language = variant.locale.replace("_", "-")
    described = {
        d["dcat:downloadURL"]["@id"].rsplit("/", 1)[1]: {
            t["@value"] for t in d["dct:title"] if t["@language"] == language
        }
        for d in dcat["dcat:distribution"]
    }
    assert described == {name: {title} for name, title in titles.items()}


async def test_a_pilot_from_the_winner_to_its_public_record(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess, tmp_path: Path
) -> None:
    world = await make_winner()
    evidence = tmp_path / "meter-readings-november.pdf"
    evidence.write_bytes(one_page_pdf())

    page = await _open_page(open_page)
    await open_the_pilot(page, variant, world)
    await the_municipality_signs(page, variant, world)
    await the_startup_signs(page, variant, world)
    await start_it_and_define_a_kpi(page, variant, world)
    await report_a_value_with_evidence(page, variant, world, evidence)
    short_url = await dispute_the_value(page, variant, world)
    await a_resident_leaves_feedback(await _open_page(open_page), variant, short_url, live_server.url)
    visitor = await _open_page(open_page)
    await the_public_page_shows_it(visitor, variant)
    titles = await the_open_data_downloads(visitor, variant)
    await the_dcat_description_names_each_file(visitor, variant, titles)
