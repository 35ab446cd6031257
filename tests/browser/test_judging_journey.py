"""Scored judging in a real browser: an organiser sets up a round with a weighted rubric and assigns
the judges; three judges score their queues blind to each other; the organiser closes the round,
reads the raw and normalised ranking, advances the top two and publishes them as winners; the
winning teams are mailed and a visitor finds them on the edition's public results page.

Five people, five browser contexts (no shared cookies). Each judge scores every application one
point above or below the next judge (a known leniency), so the normalised means must come out as
the applications' own quality whichever panels the assignment draws, while the raw means carry
the panel's leniency; the test reads the panels from the judges' queues to know which.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from email.header import decode_header, make_header
from email.message import Message
from typing import NamedTuple

import pytest
from playwright.async_api import BrowserContext, Dialog, Locator, Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.enums import Role
from tests.factories import PASSWORD, make_edition, make_user
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

EDITION, SLUG = "Smart Serbia Challenge", "smart-serbia-2026"
ROUND = "Final"
IMPACT, TEAM, FIT = "Impact", "Team", "Municipality fit"
IMPACT_GUIDANCE = "How much water, time or money would the pilot save?"


class Finalist(NamedTuple):
    startup: str
    city: str
    track: str
    track_label: str
    founder: tuple[str, str]
    solution: str


FINALISTS = {
    finalist.startup: finalist
    for finalist in [
        Finalist("AgroSense", "Ivanjica", "smart_rural", "Smart rural", ("Mila Kovač", "mila@agrosense.rs"),
                 "Acoustic leak sensors on the main pipes, read over LoRaWAN by the utility."),
        Finalist("ParkPulse", "Novi Sad", "smart_city", "Smart city", ("Luka Nikolić", "luka@parkpulse.rs"),
                 "Parking sensors that tell drivers where the free places are."),
        Finalist("FlowCity", "Niš", "smart_city", "Smart city", ("Ivan Jović", "ivan@flowcity.rs"),
                 "Adaptive traffic lights timed by the queues at each crossing."),
    ]
}  # fmt: skip
# What each application deserves (Impact, Team); a judge's leniency is added to both.
QUALITY = {"AgroSense": (8, 7), "ParkPulse": (7, 4), "FlowCity": (4, 5)}
FIT_SCORE = 3  # "Municipality fit" is shown to the organisers but not counted
# The judges: (name, email, leniency in points). The leniencies sum to zero over equal loads.
JUDGES = [
    ("Ana Petrović", "ana@etf.rs", 1),
    ("Goran Jovanović", "goran@ftn.rs", 0),
    ("Vesna Ilić", "vesna@elfak.rs", -1),
]
MESSAGE = "Congratulations! The award ceremony is on 12 June in Belgrade."


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


def action_link(page: Page | Locator, name: str) -> Locator:
    """A link, whether or not it is styled (and announced) as a button."""
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def rubric_cell(page: Page, column: str, row: int) -> Locator:
    """A field of the rubric table; each is labelled by its column's heading and its row (from 1)."""
    heading = {"name": "Criterion", "guidance": "Guidance for judges", "weight": "Weight", "scale_min": "From",
               "scale_max": "To"}.get(column, column)  # fmt: skip
    return page.get_by_label(f"{heading} {row}", exact=True)


def criterion(page: Page, name: str) -> Locator:
    """A criterion's fieldset on the score sheet (its legend adds the weight or "shown, not counted")."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(name)} \("))


def score(page: Page, name: str) -> Locator:
    return criterion(page, name).get_by_label(re.compile(r"^Score from \d+ to \d+$"))


def comment(page: Page, name: str) -> Locator:
    return criterion(page, name).get_by_label("Comment")


def data_rows(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("row").filter(has=page.get_by_role("cell"))


def note(judge: str, startup: str) -> str:
    """The comment a judge leaves on an application: no one else may ever read it on a sheet."""
    return f"{judge.split()[0]}'s note on {startup}."


def total(startup: str, leniency: int) -> float:
    """A judge's weighted total: (2 x Impact + 1 x Team) / 3, the independent criterion left out."""
    impact, team = QUALITY[startup]
    return (2 * (impact + leniency) + (team + leniency)) / 3


async def sign_in(page: Page, email: str) -> None:
    """Sign in on the login page the browser is on."""
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


def subject_of(message: Message) -> str:
    """The subject as the reader sees it (one with names like "Petrović" travels encoded, RFC 2047)."""
    return str(make_header(decode_header(message["Subject"])))


async def mail_titled(mailbox: Mailbox, address: str, subject: str, *, timeout: float = 15.0) -> Message:
    """The mail to `address` with `subject`, once the outbox has sent it (others may have come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [m for m in mailbox.to(address) if subject_of(m) == subject]:
            assert len(found) == 1, f"{len(found)} mails to {address} titled {subject!r}"
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail {subject!r} to {address} within {timeout} s; got {mailbox.to(address)}")


async def in_the_final(edition_id: int, finalist: Finalist) -> None:
    """A startup whose application reached the final, with its founder as the one team member."""
    startup = (
        await Startup.insert(
            Startup(name=finalist.startup, country="Serbia", city=finalist.city, languages=["sr"])
        ).returning(Startup.id)
    )[0]["id"]
    await Application.insert(
        Application(edition=edition_id, startup=startup, track=finalist.track, status="finalist",
                    solution=finalist.solution, active_key=f"{edition_id}:{startup}:{finalist.track}")
    )  # fmt: skip
    name, email = finalist.founder
    user = await make_user(name=name, email=email, role=Role.STARTUP, edition_id=edition_id, organisation_id=startup)
    await StartupMember.insert(
        StartupMember(startup=startup, user=user["id"], edition=edition_id, key=f"{edition_id}:{user['id']}",
                      title="CEO", is_contact=True)
    )  # fmt: skip


async def test_a_scored_round_from_the_rubric_to_the_public_results(
    open_context: OpenContext, mailbox: Mailbox, live_server: ServerProcess
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug=SLUG)
    for finalist in FINALISTS.values():
        await in_the_final(edition["id"], finalist)
    for name, email, _ in JUDGES:
        await make_user(name=name, email=email, role=Role.JUDGE, edition_id=edition["id"])
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    # -- Before anything is published, a visitor finds no results.
    visitor = await (await open_context()).new_page()
    await visitor.goto(f"/editions/{SLUG}")
    await action_link(visitor, "Results").click()
    await expect(visitor).to_have_url(f"{url}/editions/{SLUG}/results")
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(f"Results of {EDITION} 2026")
    await expect(visitor.get_by_role("main")).to_contain_text("The results are not published yet.")

    # -- The organiser adds a round to the edition's judging.
    chair = await (await open_context()).new_page()
    await chair.goto("/login")
    await sign_in(chair, organiser["email"])
    await chair.goto("/organiser/editions/")
    await chair.get_by_role("row").filter(has_text=EDITION).get_by_role("link", name="Judging").click()

    await expect(chair).to_have_url(f"{url}/organiser/editions/{edition['id']}/judging/")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"Judging rounds of {EDITION}")
    await expect(chair.get_by_role("main")).to_contain_text("No round yet.")
    await expect(field(chair, "Method")).to_have_value("weighted_rubric")
    await expect(field(chair, "Who enters")).to_have_value("all_submitted")
    await field(chair, "Name").fill(ROUND)
    await field(chair, "Judges per application").fill("2")
    await field(chair, "At most per judge").fill("2")
    await field(chair, "How many advance").fill("2")
    await chair.get_by_role("button", name="Add the round").click()

    await expect(chair).to_have_url(re.compile(rf"^{re.escape(url)}/organiser/rounds/\d+/?$"))
    round_path = chair.url.removeprefix(url).rstrip("/")
    await expect(flash(chair)).to_have_text("The round was created; give it a rubric.")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} draft")

    # -- ... gives it a weighted rubric with one criterion that is shown but not counted ...
    for row, (name, guidance, weight, low, high) in enumerate(
        [(IMPACT, IMPACT_GUIDANCE, "2", "1", "10"), (TEAM, "", "1", "1", "10"), (FIT, "", "0", "1", "5")], start=1
    ):
        await rubric_cell(chair, "name", row).fill(name)
        await rubric_cell(chair, "guidance", row).fill(guidance)
        await rubric_cell(chair, "weight", row).fill(weight)
        await expect(rubric_cell(chair, "scale_min", row)).to_have_value("1")  # blank rows offer 1-10
        await expect(rubric_cell(chair, "scale_max", row)).to_have_value("10")
        await rubric_cell(chair, "scale_min", row).fill(low)
        await rubric_cell(chair, "scale_max", row).fill(high)
    await rubric_cell(chair, "Shown only", 3).check()
    await chair.get_by_role("button", name="Save the rubric").click()

    await expect(chair).to_have_url(f"{url}{round_path}")
    await expect(flash(chair)).to_have_text("The rubric was saved.")
    await expect(rubric_cell(chair, "name", 3)).to_have_value(FIT)
    await expect(rubric_cell(chair, "weight", 1)).to_have_value("2")
    await expect(rubric_cell(chair, "scale_max", 3)).to_have_value("5")
    await expect(rubric_cell(chair, "Shown only", 3)).to_be_checked()
    await expect(rubric_cell(chair, "Shown only", 1)).not_to_be_checked()
    await expect(rubric_cell(chair, "name", 4)).to_have_value("")

    # -- ... opens it (the rubric is fixed from now on) and assigns the judges.
    await chair.get_by_role("button", name="Open the round").click()
    await expect(flash(chair)).to_have_text("The round is open with 3 applications. Assign the judges next.")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} open")
    await expect(chair.get_by_role("main").get_by_role("listitem")).to_have_text(
        [f"{IMPACT} · weight 2 · 1–10", f"{TEAM} · weight 1 · 1–10", f"{FIT} · weight 0 · 1–5 · shown, not counted"]
    )
    await expect(chair.get_by_role("button", name="Save the rubric")).to_have_count(0)
    await expect(chair.get_by_role("main")).to_contain_text("3 applications, 0 assignments.")
    await chair.get_by_role("button", name="Assign judges").click()

    await expect(flash(chair)).to_have_text("6 assignments made.")
    await expect(chair.get_by_role("main")).to_contain_text("3 applications, 6 assignments.")
    await expect(chair.get_by_role("heading", name="Short of judges")).to_have_count(0)
    await expect(chair.get_by_role("button", name="Assign again (scored and locked pairs stay)")).to_be_visible()

    # -- Each judge finds the round and scores every application in their queue, one context each.
    panels: dict[str, list[str]] = {}  # startup -> its judges
    sheet_paths: dict[tuple[str, str], str] = {}  # (judge, startup) -> the sheet's path
    judges: dict[str, Page] = {}
    for judge, email, leniency in JUDGES:
        page = judges[judge] = await (await open_context()).new_page()
        others = [other for other, _, _ in JUDGES if other != judge]
        await page.goto("/login")
        await sign_in(page, email)
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Judging").click()
        await expect(page).to_have_url(f"{url}/judge/")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Judging")
        await expect(page.get_by_role("main").get_by_role("listitem").first).to_have_text(f"{ROUND} · open")
        await page.get_by_role("link", name=ROUND, exact=True).click()

        await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/rounds/\d+$"))
        queue_path = page.url.removeprefix(url)
        await expect(page.get_by_role("heading", level=1)).to_have_text(ROUND)
        await expect(data_rows(page)).to_have_count(2)
        mine = await data_rows(page).get_by_role("link").all_inner_texts()
        for startup in mine:
            panels.setdefault(startup, []).append(judge)
            await expect(data_rows(page).filter(has_text=startup).get_by_role("cell")).to_have_text(
                [startup, FINALISTS[startup].track_label, "—"]
            )

        for startup in mine:
            await page.get_by_role("link", name=startup, exact=True).click()
            await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/assignments/\d+$"))
            sheet_paths[judge, startup] = page.url.removeprefix(url)
            await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Application #\d+$"))
            await expect(page.get_by_role("main")).to_contain_text(FINALISTS[startup].solution)
            await expect(criterion(page, IMPACT)).to_contain_text(IMPACT_GUIDANCE)
            await expect(criterion(page, IMPACT).locator("legend")).to_have_text(f"{IMPACT} (weight 2)")
            await expect(criterion(page, FIT).locator("legend")).to_have_text(
                f"{FIT} (shown, not counted in the total)"
            )
            # Blind: whoever scored this application before, the sheet is empty and their notes unseen.
            for name in (IMPACT, TEAM, FIT):
                await expect(score(page, name)).to_have_value("")
                await expect(comment(page, name)).to_have_value("")
            for other in others:
                await expect(page.get_by_role("main")).not_to_contain_text(note(other, startup))

            impact, team = (value + leniency for value in QUALITY[startup])
            if judge == JUDGES[0][0] and startup == mine[0]:
                # Once out of scale: refused, with everything the judge typed still there.
                await score(page, IMPACT).fill("11")
                await comment(page, IMPACT).fill(note(judge, startup))
                await score(page, TEAM).fill(str(team))
                await score(page, FIT).fill(str(FIT_SCORE))
                async with page.expect_response(lambda response: response.request.method == "POST") as refused:
                    await page.get_by_role("button", name="Submit scores").click()

                assert (await refused.value).status == 422
                await expect(page.get_by_role("alert")).to_have_text(
                    "Some scores need your attention; nothing you entered was lost."
                )
                await expect(score(page, IMPACT)).to_have_attribute("aria-invalid", "true")
                await expect(score(page, IMPACT)).to_have_accessible_description("Enter a whole number from 1 to 10.")
                await expect(score(page, IMPACT)).to_have_value("11")
                await expect(comment(page, IMPACT)).to_have_value(note(judge, startup))
                await expect(score(page, TEAM)).to_have_value(str(team))
                await expect(score(page, TEAM)).not_to_have_attribute("aria-invalid", "true")
                await expect(score(page, FIT)).to_have_value(str(FIT_SCORE))
            await score(page, IMPACT).fill(str(impact))
            await comment(page, IMPACT).fill(note(judge, startup))
            await score(page, TEAM).fill(str(team))
            await score(page, FIT).fill(str(FIT_SCORE))
            await page.get_by_role("button", name="Submit scores").click()

            await expect(page).to_have_url(f"{url}{queue_path}")
            await expect(flash(page)).to_have_text("Your scores are submitted.")
            await expect(data_rows(page).filter(has_text=startup).get_by_role("cell").last).to_have_text(
                f"submitted {total(startup, leniency):.2f}"
            )

    # Two judges on each application, each pair of judges sharing one: the panels are linked.
    assert sorted(len(panel) for panel in panels.values()) == [2, 2, 2]
    assert len({frozenset(panel) for panel in panels.values()}) == 3

    # -- Back on her sheets after everyone scored, Ana sees her own scores and notes, nobody else's.
    ana, ana_page = JUDGES[0][0], judges[JUDGES[0][0]]
    for (judge, startup), path in sheet_paths.items():
        if judge != ana:
            continue
        await ana_page.goto(path)
        await expect(score(ana_page, IMPACT)).to_have_value(str(QUALITY[startup][0] + JUDGES[0][2]))
        await expect(comment(ana_page, IMPACT)).to_have_value(note(ana, startup))
        for other in panels[startup]:
            if other != ana:
                await expect(ana_page.get_by_role("main")).not_to_contain_text(note(other, startup))
        await expect(ana_page.get_by_role("button", name="Save changes")).to_be_visible()
    # ... and a co-judge's sheet of the same application is refused, without a word of it.
    shared = next(startup for startup, panel in panels.items() if ana in panel and JUDGES[1][0] in panel)
    refused_sheet = await ana_page.goto(sheet_paths[JUDGES[1][0], shared])
    assert refused_sheet is not None and refused_sheet.status == 403
    await expect(ana_page.get_by_role("main")).to_contain_text("This application is not in your queue.")
    await expect(ana_page.get_by_role("main")).not_to_contain_text(note(JUDGES[1][0], shared))
    await expect(ana_page.get_by_role("spinbutton")).to_have_count(0)

    # -- The organiser closes the round, once the browser has asked.
    confirmations: list[str] = []

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    await chair.reload()
    chair.once("dialog", accept)
    await chair.get_by_role("button", name="Close the round").click()

    await expect(flash(chair)).to_have_text("The round is closed: scores are final and the ranking is ready.")
    assert confirmations == ["Close the round? Scores become final."]
    await expect(chair).to_have_url(f"{url}{round_path}#ranking")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} closed")
    await expect(chair.get_by_role("button", name="Close the round")).to_have_count(0)

    # -- The ranking: normalised means are the applications' own quality, raw means carry the
    # -- panel's leniency; no sheet is far enough from its co-judge's to be flagged.
    leniency_of = {judge: points for judge, _, points in JUDGES}
    await expect(chair.get_by_role("heading", name="Ranking")).to_be_visible()
    await expect(chair.get_by_role("columnheader")).to_have_text(
        ["#", "Startup", "Normalised", "Raw mean", "Judges", "Spread", "To discuss", "Advances"]
    )
    expected_rows = []
    for rank, startup in enumerate(["AgroSense", "ParkPulse", "FlowCity"], start=1):
        totals = [total(startup, leniency_of[judge]) for judge in panels[startup]]
        normalised, raw, spread = total(startup, 0), sum(totals) / 2, max(totals) - min(totals)
        expected_rows.append(
            [str(rank), f"{startup} ({FINALISTS[startup].track_label})", f"{normalised:.2f}", f"{raw:.2f}", "2",
             f"{spread:.2f}", "", ""]
        )  # fmt: skip
    await expect(data_rows(chair)).to_have_count(3)
    for row, expected in zip(await data_rows(chair).all(), expected_rows, strict=True):
        await expect(row.get_by_role("cell")).to_have_text(expected)
    await expect(chair.get_by_role("img", name="Ranking: normalised and raw means")).to_be_visible()
    await expect(chair.get_by_role("img", name="Totals given by each judge")).to_be_visible()
    habits = chair.get_by_role("main").get_by_role("listitem").filter(has_text=re.compile(r": \d+ scores, mean "))
    await expect(habits).to_have_text(
        [
            re.compile(
                re.escape(f"{judge}: 2 scores, mean ")
                + re.escape(f"{sum(total(s, points) for s, panel in panels.items() if judge in panel) / 2:.2f}")
                # A neutral judge's leniency is solved as a rounding error either side of zero.
                + (re.escape(f", leniency {points:+.2f}") if points else r", leniency [+-]0\.00")
                + "$"
            )
            for judge, _, points in JUDGES
        ]
    )

    # -- ... advances the top two ...
    await chair.get_by_role("button", name="Advance the top 2").click()
    await expect(flash(chair)).to_have_text("2 applications advance.")
    await expect(data_rows(chair).locator("td:last-child")).to_have_text(["✔", "✔", ""])

    # -- ... and publishes them as winners, once the browser has asked whether to mail the teams.
    await field(chair, "The advancing applications become").select_option(label="winner")
    await field(chair, "Message to the teams").fill(MESSAGE)
    chair.once("dialog", accept)
    await chair.get_by_role("button", name="Publish and notify").click()

    await expect(flash(chair)).to_have_text("Results published; 2 teams were told.")
    assert confirmations == ["Close the round? Scores become final.", "Teams will be mailed. Publish?"]
    await expect(chair).to_have_url(f"{url}{round_path}")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} published")
    await expect(chair.get_by_role("button", name="Publish and notify")).to_have_count(0)

    for startup in ("AgroSense", "ParkPulse"):
        told = body_of(
            await mail_titled(mailbox, FINALISTS[startup].founder[1], "Your application: winner")
        ).splitlines()
        assert f"your application to {EDITION} is now: winner." in told
        assert MESSAGE in told
    assert mailbox.to(FINALISTS["FlowCity"].founder[1]) == []

    # -- The visitor now finds the winners under their tracks, the other finalist below them.
    await visitor.reload()
    await expect(visitor.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        ["Smart city", "Smart rural"]
    )
    for track, winners, finalists in (
        ("Smart city", ["ParkPulse · Novi Sad, Serbia"], ["FlowCity · Niš, Serbia"]),
        ("Smart rural", ["AgroSense · Ivanjica, Serbia"], ["—"]),
    ):
        section = visitor.locator("section").filter(has=visitor.get_by_role("heading", name=track, exact=True))
        await expect(section.get_by_role("heading", level=3)).to_have_text(["Winners", "Finalists"])
        await expect(section.get_by_role("list").first.get_by_role("listitem")).to_have_text(winners)
        await expect(section.get_by_role("list").last.get_by_role("listitem")).to_have_text(finalists)
