"""A founder reads the judges' feedback: signed in through the form, from the startup's home to
the application, where the published round's scores and anonymous comments are, and no judge's
name (desktop, English)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from judging.tables import Round
from tests.browser.journey import DESKTOP, header_link, main, sign_in, start, tr
from tests.factories import make_edition
from tests.integration.judging.test_feedback import JUDGES, scored_round, team_in

pytestmark = pytest.mark.browser


async def test_a_founder_clicks_to_the_application_and_reads_the_judges_feedback(page: Page) -> None:
    variant = DESKTOP
    edition = await make_edition(name="Smart Serbia Challenge")
    apps = [
        await team_in(edition, "AgroSense", "mila@agrosense.rs"),
        await team_in(edition, "ParkPulse", "luka@parkpulse.rs"),
        await team_in(edition, "FlowCity", "ivan@flowcity.rs"),
    ]
    round_id, _ = await scored_round(edition, apps, feedback_scores="raw_mean", feedback_comments=True)
    await Round.update({Round.status: "published"}).where(Round.id == round_id)

    await start(page, variant)
    await sign_in(page, variant, "mila@agrosense.rs")
    await (await header_link(page, variant, "Startup")).click()
    application = tr(variant, "Application to %(edition)s", edition="Smart Serbia Challenge 2026")
    await main(page).get_by_role("link", name=application).click()

    feedback = page.locator("#feedback")
    await expect(feedback.get_by_role("heading", name=tr(variant, "Judges' feedback"))).to_be_visible()
    await expect(feedback.get_by_role("heading", name="Semi-final")).to_be_visible()
    mean = tr(
        variant,
        "Your mean: %(mean)s from %(num)s judge, place %(place)s of %(teams)s teams.",
        "Your mean: %(mean)s from %(num)s judges, place %(place)s of %(teams)s teams.",
        2,
        mean="8",
        place=1,
        teams=3,
    )
    await expect(feedback.locator(".feedback-criterion").first).to_contain_text(mean)
    await expect(feedback.get_by_role("heading", name=tr(variant, "Judge %(letter)s", letter="A"))).to_be_visible()
    await expect(feedback).to_contain_text("Strong pilot plan.")
    await expect(feedback).not_to_contain_text("Hire a sales lead.")
    text = await main(page).inner_text()
    assert all(name not in text and email not in text for name, email in JUDGES)
