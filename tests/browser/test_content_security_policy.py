"""The pages that most needed inline code work under the Content-Security-Policy in a real browser.

Every browser test fails on a refused script or style (tests/browser/conftest.py); these visit
what no journey does: the API documentation (Swagger UI, started from a static script), the
organisers' dashboard (pygal charts styled by static/css/charts.css) and the error pages.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, Page, expect

from challenge.enums import SettlementKind
from core.enums import Role
from tests.factories import PASSWORD, make_municipality, make_open_edition, make_problem, make_user

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture
BRAND = "rgb(11, 110, 79)"  # challenge.queries.dashboard.BRAND, as the browser computes it


async def sign_in(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label(re.compile(r"^Email address")).fill(email)
    await page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def test_the_api_documentation_lists_the_api_under_the_policy(page: Page) -> None:
    await page.goto("/schema")

    me = page.locator('.opblock-summary-path[data-path="/api/v1/me"]')
    await expect(me).to_be_visible()
    await me.click()
    await expect(page.get_by_role("button", name="Try it out")).to_be_visible()


async def test_the_dashboard_charts_are_drawn_in_the_brand_colours_under_the_policy(page: Page) -> None:
    organiser = await make_user(email="olga@challenge.rs", role=Role.ORGANISER)
    edition = await make_open_edition()
    town = await make_municipality(kind=SettlementKind.URBAN, region="Šumadija")
    village = await make_municipality(kind=SettlementKind.RURAL, region="Zlatibor")
    for municipality, goals in ((town, [6, 11]), (village, [6]), (village, [2])):
        await make_problem(edition_id=edition["id"], municipality_id=municipality["id"], sdgs=goals)
    await sign_in(page, organiser["email"])

    await page.goto(f"/organiser/editions/{edition['id']}/dashboard")

    charts = page.locator("svg.pygal-chart")
    await expect(charts).to_have_count(4)
    first_bar = charts.first.locator(".series.color-0 rect").first
    fills = await first_bar.evaluate("bar => getComputedStyle(bar).fill")
    kind_slices = charts.nth(2).locator(".series path.slice")
    slice_fills = await kind_slices.evaluate_all("slices => slices.map(s => getComputedStyle(s).fill)")
    assert (fills, slice_fills[:2]) == (BRAND, [BRAND, "rgb(138, 90, 0)"])


async def test_error_pages_keep_the_site_style_under_the_policy(page: Page) -> None:
    for path in ("/no/such/page", "/problems/999999"):
        response = await page.goto(path)
        assert response is not None and response.status == 404
        await expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        # app.css applied: the header's rule under it.
        rule = await page.locator(".site-header").evaluate("header => getComputedStyle(header).borderBottomStyle")
        assert rule == "solid"
