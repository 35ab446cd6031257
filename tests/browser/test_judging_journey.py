"""Scored judging in a real browser, walked as first-time users do: from the home page, signing
in through the header, by clicking only; on a desktop in English and on a 390 px phone in Serbian
Cyrillic (the `variant` fixture).

An organiser adds a round with a weighted rubric and assigns the judges; three judges score their
queues blind to each other; the organiser closes the round, reads the raw and normalised ranking,
advances the top two and publishes them as winners. Both are only "accepted" when the round
opens: publishing takes each through finalist to winner, each step recorded and mailed, and the
page says which steps were taken. A visitor then finds them on the edition's public results page.

Each judge scores every application one point above or below the next judge (a known leniency),
so the normalised means must come out as the applications' own quality whichever panels the
assignment draws, while the raw means carry the panel's leniency; the test reads the panels from
the judges' queues to know which.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest
from playwright.async_api import Dialog, Locator, Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.enums import Role
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    assert_fits,
    button,
    exactly,
    field,
    flash,
    header_link,
    main,
    sign_in,
    start,
    tr,
)
from tests.browser.mail_client import mails_titled, subject_of
from tests.factories import make_edition, make_user
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

EDITION, SLUG = "Smart Serbia Challenge", "smart-serbia-2026"
ROUND = "Final"
IMPACT, TEAM, FIT = "Impact", "Team", "Municipality fit"
IMPACT_GUIDANCE = "How much water, time or money would the pilot save?"
TRACKS = {"smart_city": "Smart city", "smart_rural": "Smart rural"}


class Finalist(NamedTuple):
    startup: str
    city: str
    track: str
    # Where the application stands when the round opens: two are accepted, one is a finalist already.
    status: str
    founder: tuple[str, str]
    solution: str


FINALISTS = {
    finalist.startup: finalist
    for finalist in [
        Finalist(
            "AgroSense",
            "Ivanjica",
            "smart_rural",
            "accepted",
            ("Mila Kovač", "mila@agrosense.rs"),
            "Acoustic leak sensors on the main pipes, read over LoRaWAN by the utility.",
        ),
        Finalist(
            "ParkPulse",
            "Novi Sad",
            "smart_city",
            "accepted",
            ("Luka Nikolić", "luka@parkpulse.rs"),
            "Parking sensors that tell drivers where the free places are.",
        ),
        Finalist(
            "FlowCity",
            "Niš",
            "smart_city",
            "finalist",
            ("Ivan Jović", "ivan@flowcity.rs"),
            "Adaptive traffic lights timed by the queues at each crossing.",
        ),
    ]
}
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


def link(page: Page, variant: Variant, name: str) -> Locator:
    """A link, whether or not it is styled (and announced) as a button."""
    name_ = exactly(tr(variant, name))
    return main(page).get_by_role("link", name=name_).or_(main(page).get_by_role("button", name=name_))


def rubric_cell(page: Page, variant: Variant, column: str, row: int) -> Locator:
    """A field of the rubric table; each is labelled by its column's heading and its row (from 1)."""
    return page.get_by_label(f"{tr(variant, column)} {row}", exact=True)


def criterion(page: Page, name: str) -> Locator:
    """A criterion's fieldset on the score sheet (its legend adds the weight or "shown, not counted")."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(name)} \("))


def score(page: Page, variant: Variant, name: str, low: int, high: int) -> Locator:
    return criterion(page, name).get_by_label(tr(variant, "Score from %(low)s to %(high)s", low=low, high=high))


def comment(page: Page, variant: Variant, name: str) -> Locator:
    return criterion(page, name).get_by_label(tr(variant, "Comment"))


def data_rows(page: Page) -> Locator:
    return main(page).get_by_role("row").filter(has=page.get_by_role("cell"))


def note(judge: str, startup: str) -> str:
    """The comment a judge leaves on an application: no one else may ever read it on a sheet."""
    return f"{judge.split()[0]}'s note on {startup}."


def total(startup: str, leniency: int) -> float:
    """A judge's weighted total: (2 x Impact + 1 x Team) / 3, the independent criterion left out."""
    impact, team = QUALITY[startup]
    return (2 * (impact + leniency) + (team + leniency)) / 3


async def in_the_round(edition_id: int, finalist: Finalist) -> None:
    """A startup whose application is in the judging, with its founder as the one team member."""
    startup = (
        await Startup.insert(
            Startup(name=finalist.startup, country="Serbia", city=finalist.city, languages=["sr"])
        ).returning(Startup.id)
    )[0]["id"]
    await Application.insert(
        Application(
            edition=edition_id,
            startup=startup,
            track=finalist.track,
            status=finalist.status,
            solution=finalist.solution,
            active_key=f"{edition_id}:{startup}:{finalist.track}",
        )
    )
    name, email = finalist.founder
    user = await make_user(name=name, email=email, role=Role.STARTUP, edition_id=edition_id, organisation_id=startup)
    await StartupMember.insert(
        StartupMember(
            startup=startup,
            user=user["id"],
            edition=edition_id,
            key=f"{edition_id}:{user['id']}",
            title="CEO",
            is_contact=True,
        )
    )


async def confirming(page: Page, confirmations: list[str]) -> None:
    """Accept the browser's next confirmation, keeping what it asked."""

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)


async def dismissing(page: Page, confirmations: list[str]) -> None:
    """Cancel the browser's next confirmation, keeping what it asked."""

    async def dismiss(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.dismiss()

    page.once("dialog", dismiss)


async def no_results_yet(visitor: Page, variant: Variant, url: str) -> None:
    # -- Before anything is published, a visitor finds no results: home, the edition, its results.
    await start(visitor, variant)
    await link(visitor, variant, "About this edition").click()
    await link(visitor, variant, "Results").click()
    await expect(visitor).to_have_url(f"{url}/editions/{SLUG}/results")
    await expect(visitor.get_by_role("heading", level=1)).to_contain_text(EDITION)
    await expect(main(visitor)).to_contain_text(tr(variant, "The results are not published yet."))


async def add_the_round(chair: Page, variant: Variant, url: str, edition_id: int, email: str) -> str:
    """The round's path, once added."""
    # -- The organiser signs in and finds the edition's judging from the organiser's home.
    await start(chair, variant)
    await sign_in(chair, variant, email)
    await (await header_link(chair, variant, "Organiser")).click()
    await link(chair, variant, "Editions, timelines and problem review").click()
    await (
        main(chair)
        .get_by_role("row")
        .filter(has_text=EDITION)
        .get_by_role("link", name=exactly(tr(variant, "Judging")))
        .click()
    )

    await expect(chair).to_have_url(f"{url}/organiser/editions/{edition_id}/judging/")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Judging rounds of %(edition)s", edition=EDITION)
    )
    await expect(main(chair)).to_contain_text(tr(variant, "No round yet."))
    await assert_fits(chair)
    await expect(field(chair, variant, "Method")).to_have_value("weighted_rubric")
    await expect(field(chair, variant, "Who enters")).to_have_value("all_submitted")
    await field(chair, variant, "Name").fill(ROUND)
    await field(chair, variant, "Judges per application").fill("2")
    await field(chair, variant, "At most per judge").fill("2")
    await field(chair, variant, "How many advance").fill("2")
    await button(chair, variant, "Add the round").click()

    await expect(chair).to_have_url(re.compile(rf"^{re.escape(url)}/organiser/rounds/\d+/?$"))
    round_path = chair.url.removeprefix(url).rstrip("/")
    await expect(flash(chair)).to_have_text(tr(variant, "The round was created; give it a rubric."))
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} {tr(variant, 'draft')}")
    return round_path


async def give_it_a_rubric(chair: Page, variant: Variant, url: str, round_path: str) -> None:
    # -- ... gives it a weighted rubric with one criterion that is shown but not counted ...
    for row, (name, guidance, weight, low, high) in enumerate(
        [(IMPACT, IMPACT_GUIDANCE, "2", "1", "10"), (TEAM, "", "1", "1", "10"), (FIT, "", "0", "1", "5")], start=1
    ):
        await rubric_cell(chair, variant, "Criterion", row).fill(name)
        await rubric_cell(chair, variant, "Guidance for judges", row).fill(guidance)
        await rubric_cell(chair, variant, "Weight", row).fill(weight)
        await expect(rubric_cell(chair, variant, "From", row)).to_have_value("1")  # blank rows offer 1-10
        await expect(rubric_cell(chair, variant, "To", row)).to_have_value("10")
        await rubric_cell(chair, variant, "From", row).fill(low)
        await rubric_cell(chair, variant, "To", row).fill(high)
    await rubric_cell(chair, variant, "Shown only", 3).check()
    await assert_fits(chair)
    await button(chair, variant, "Save the rubric").click()

    await expect(chair).to_have_url(f"{url}{round_path}")
    await expect(flash(chair)).to_have_text(tr(variant, "The rubric was saved."))
    await expect(rubric_cell(chair, variant, "Criterion", 3)).to_have_value(FIT)
    await expect(rubric_cell(chair, variant, "Weight", 1)).to_have_value("2")
    await expect(rubric_cell(chair, variant, "To", 3)).to_have_value("5")
    await expect(rubric_cell(chair, variant, "Shown only", 3)).to_be_checked()
    await expect(rubric_cell(chair, variant, "Shown only", 1)).not_to_be_checked()
    await expect(rubric_cell(chair, variant, "Criterion", 4)).to_have_value("")


async def open_and_assign(chair: Page, variant: Variant) -> None:
    # -- ... opens it (the rubric is fixed from now on) and assigns the judges.
    await button(chair, variant, "Open the round").click()
    await expect(flash(chair)).to_have_text(
        tr(
            variant,
            "The round is open with %(count)s application. Assign the judges next.",
            "The round is open with %(count)s applications. Assign the judges next.",
            3,
            count=3,
        )
    )
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} {tr(variant, 'open')}")
    weight = tr(variant, "weight %(w)s", w=2)
    await expect(main(chair).get_by_role("listitem").filter(has_text=IMPACT)).to_have_text(
        f"{IMPACT} · {weight} · 1–10"
    )
    await expect(button(chair, variant, "Save the rubric")).to_have_count(0)
    await expect(main(chair)).to_contain_text(
        tr(variant, "%(entries)s applications, %(assigned)s assignments.", entries=3, assigned=0)
    )
    await button(chair, variant, "Assign judges").click()

    await expect(flash(chair)).to_have_text(
        tr(variant, "%(count)s assignment made.", "%(count)s assignments made.", 6, count=6)
    )
    await expect(main(chair).get_by_role("heading", name=tr(variant, "Short of judges"))).to_have_count(0)
    await expect(button(chair, variant, "Assign again (scored and locked pairs stay)")).to_be_visible()


async def open_the_queue(page: Page, variant: Variant, url: str, email: str) -> tuple[str, list[str]]:
    """The queue's path and the startups in it, once the judge has signed in and found it."""
    await start(page, variant)
    await sign_in(page, variant, email)
    await (await header_link(page, variant, "Judging")).click()
    await expect(page).to_have_url(f"{url}/judge/")
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Judging"))
    await main(page).get_by_role("link", name=ROUND, exact=True).click()

    await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/rounds/\d+$"))
    queue_path = page.url.removeprefix(url)
    await expect(page.get_by_role("heading", level=1)).to_have_text(ROUND)
    await expect(data_rows(page)).to_have_count(2)
    await assert_fits(page)
    mine = await data_rows(page).get_by_role("link").all_inner_texts()
    for startup in mine:
        await expect(data_rows(page).filter(has_text=startup).get_by_role("cell")).to_have_text(
            [startup, tr(variant, TRACKS[FINALISTS[startup].track]), "—"]
        )
    return queue_path, mine


async def refused_out_of_scale(page: Page, variant: Variant, judge: str, startup: str, team: int) -> None:
    """Once out of scale: refused, with everything the judge typed still there."""
    await score(page, variant, IMPACT, 1, 10).fill("11")
    await comment(page, variant, IMPACT).fill(note(judge, startup))
    await score(page, variant, TEAM, 1, 10).fill(str(team))
    await button(page, variant, "Submit scores").click()
    await expect(page.get_by_role("alert")).to_have_text(
        tr(variant, "Some scores need your attention; nothing you entered was lost.")
    )
    await expect(score(page, variant, IMPACT, 1, 10)).to_have_value("11")
    await expect(comment(page, variant, IMPACT)).to_have_value(note(judge, startup))
    await expect(score(page, variant, TEAM, 1, 10)).to_have_value(str(team))


async def score_blind(
    page: Page, variant: Variant, url: str, queue_path: str, judge: str, leniency: int, startup: str, *, first: bool
) -> None:
    """The judge scores one application from their queue, and the queue shows the total."""
    others = [other for other, _, _ in JUDGES if other != judge]
    await main(page).get_by_role("link", name=startup, exact=True).click()
    await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/assignments/\d+$"))
    await expect(main(page)).to_contain_text(FINALISTS[startup].solution)
    await expect(criterion(page, IMPACT)).to_contain_text(IMPACT_GUIDANCE)
    # Blind: whoever scored this application before, the sheet is empty and their notes unseen.
    for name, high in ((IMPACT, 10), (TEAM, 10), (FIT, 5)):
        await expect(score(page, variant, name, 1, high)).to_have_value("")
    for other in others:
        await expect(main(page)).not_to_contain_text(note(other, startup))
    await assert_fits(page)

    impact, team = (value + leniency for value in QUALITY[startup])
    if first:
        await refused_out_of_scale(page, variant, judge, startup, team)
    await score(page, variant, IMPACT, 1, 10).fill(str(impact))
    await comment(page, variant, IMPACT).fill(note(judge, startup))
    await score(page, variant, TEAM, 1, 10).fill(str(team))
    await score(page, variant, FIT, 1, 5).fill(str(FIT_SCORE))
    await button(page, variant, "Submit scores").click()

    await expect(page).to_have_url(f"{url}{queue_path}")
    await expect(flash(page)).to_have_text(tr(variant, "Your scores are submitted."))
    await expect(data_rows(page).filter(has_text=startup).get_by_role("cell").last).to_have_text(
        f"{tr(variant, 'submitted')} {total(startup, leniency):.2f}"
    )


async def the_judges_score(open_page: OpenPage, variant: Variant, url: str) -> dict[str, list[str]]:
    """Each startup's panel (its judges), once every judge has scored their queue."""
    # -- Each judge signs in from the home page, finds the round and scores their whole queue.
    panels: dict[str, list[str]] = {}
    for judge, email, leniency in JUDGES:
        page = await open_page()
        queue_path, mine = await open_the_queue(page, variant, url, email)
        for startup in mine:
            panels.setdefault(startup, []).append(judge)
        for startup in mine:
            # Only the first judge's first sheet is once sent out of scale.
            first = judge == JUDGES[0][0] and startup == mine[0]
            await score_blind(page, variant, url, queue_path, judge, leniency, startup, first=first)

    # Two judges on each application, each pair of judges sharing one: the panels are linked.
    assert sorted(len(panel) for panel in panels.values()) == [2, 2, 2]
    assert len({frozenset(panel) for panel in panels.values()}) == 3
    return panels


async def close_the_round(chair: Page, variant: Variant, url: str, round_path: str) -> None:
    # -- The organiser closes the round, once the browser has asked: a first "Cancel" changes
    # -- nothing and leaves the button usable for the second try.
    confirmations: list[str] = []
    await chair.reload()
    before = chair.url
    await dismissing(chair, confirmations)
    await button(chair, variant, "Close the round").click()
    await expect(chair).to_have_url(before)
    await expect(button(chair, variant, "Close the round")).to_be_enabled()
    assert confirmations == [tr(variant, "Close the round? Scores become final.")]
    await confirming(chair, confirmations)
    await button(chair, variant, "Close the round").click()

    await expect(flash(chair)).to_have_text(
        tr(variant, "The round is closed: scores are final and the ranking is ready.")
    )
    assert confirmations == [tr(variant, "Close the round? Scores become final.")] * 2
    await expect(chair).to_have_url(f"{url}{round_path}#ranking")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} {tr(variant, 'closed')}")
    await expect(button(chair, variant, "Close the round")).to_have_count(0)
    await assert_fits(chair)


async def a_judge_reads_a_final_sheet(open_page: OpenPage, variant: Variant, url: str) -> None:
    """Once the round is closed, a judge's sheet says its scores are final and offers no way to change them."""
    page = await open_page()
    await start(page, variant)
    await sign_in(page, variant, JUDGES[0][1])
    await (await header_link(page, variant, "Judging")).click()
    await main(page).get_by_role("link", name=ROUND, exact=True).click()
    await data_rows(page).first.get_by_role("link").click()
    await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/assignments/\d+$"))

    await expect(page.locator("#sheet-final")).to_have_text(
        f"{tr(variant, 'This round is closed.')} "
        f"{tr(variant, 'Your scores are final: you can read them here, but no longer change them.')}"
    )
    await expect(main(page)).not_to_contain_text(
        tr(variant, "Other judges' scores stay hidden until the round closes. You can change your scores until then.")
    )
    await expect(score(page, variant, IMPACT, 1, 10)).to_be_disabled()
    await expect(button(page, variant, "Submit scores")).to_have_count(0)
    await expect(button(page, variant, "Save changes")).to_have_count(0)
    await assert_fits(page)
    await page.close()


async def read_the_ranking(chair: Page, variant: Variant, panels: dict[str, list[str]]) -> None:
    # -- The ranking: normalised means are the applications' own quality, raw means carry the
    # -- panel's leniency.
    leniency_of = {judge: points for judge, _, points in JUDGES}
    await expect(data_rows(chair)).to_have_count(3)
    for row, startup in zip(await data_rows(chair).all(), ["AgroSense", "ParkPulse", "FlowCity"], strict=True):
        totals = [total(startup, leniency_of[judge]) for judge in panels[startup]]
        normalised, raw = total(startup, 0), sum(totals) / 2
        await expect(row.get_by_role("cell").nth(2)).to_have_text(f"{normalised:.2f}")
        await expect(row.get_by_role("cell").nth(3)).to_have_text(f"{raw:.2f}")
    await expect(chair.get_by_role("img", name=tr(variant, "Ranking: normalised and raw means"))).to_be_visible()


async def advance_the_top_two(chair: Page, variant: Variant) -> None:
    # -- ... advances the top two ...
    advance = tr(variant, "Advance the top %(num)s application", "Advance the top %(num)s applications", 2)
    await main(chair).get_by_role("button", name=exactly(advance)).click()
    await expect(flash(chair)).to_have_text(
        tr(variant, "%(count)s application advances.", "%(count)s applications advance.", 2, count=2)
    )
    await expect(data_rows(chair).locator("td:last-child")).to_have_text(["✔", "✔", ""])
    # -- ... and the page lists them, in rank order.
    ranked = [cell.split(" (")[0] for cell in await data_rows(chair).locator("td:nth-child(2)").all_inner_texts()]
    advancing = main(chair).get_by_role(
        "region", name=tr(variant, "%(num)s application advances", "%(num)s applications advance", 2)
    )
    await expect(advancing.get_by_role("listitem")).to_have_text(
        [re.compile("^" + re.escape(name)) for name in ranked[:2]]
    )


async def publish_the_winners(chair: Page, variant: Variant, url: str, round_path: str) -> None:
    # -- ... and publishes them as winners. Both are only accepted: the form says they pass
    # -- through the statuses between, and nothing is missing on the way.
    await expect(main(chair).get_by_role("heading", name=tr(variant, "Steps missing before publishing"))).to_have_count(
        0
    )
    outcome = field(chair, variant, "The advancing applications become")
    await expect(outcome).to_have_accessible_description(
        tr(
            variant,
            "An application not yet there passes through the statuses between (accepted, then finalist, "
            "then winner); each step is recorded and its team is mailed.",
        )
    )
    await outcome.select_option(label=tr(variant, "winner"))
    await field(chair, variant, "Message to the teams").fill(MESSAGE)
    confirmations: list[str] = []
    await confirming(chair, confirmations)
    await button(chair, variant, "Publish and notify").click()

    await expect(flash(chair)).to_have_text(
        [
            tr(
                variant,
                "Results published; %(count)s team was told.",
                "Results published; %(count)s teams were told.",
                2,
                count=2,
            ),
            *(
                tr(
                    variant,
                    "%(startup)s: %(steps)s",
                    startup=startup,
                    steps=f"{tr(variant, 'finalist')} → {tr(variant, 'winner')}",
                )
                for startup in ("AgroSense", "ParkPulse")
            ),
        ]
    )
    assert confirmations == [tr(variant, "Teams will be mailed. Publish?")]
    await expect(chair).to_have_url(f"{url}{round_path}")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"{ROUND} {tr(variant, 'published')}")
    await expect(button(chair, variant, "Publish and notify")).to_have_count(0)
    await assert_fits(chair)


async def the_winners_are_mailed(mailbox: Mailbox, variant: Variant) -> None:
    # -- Each winning team got one mail per step: finalist first, then winner with the message.
    steps = [
        tr(variant, "Your application: %(status)s", status=tr(variant, status)) for status in ("finalist", "winner")
    ]
    for startup in ("AgroSense", "ParkPulse"):
        finalist_mail, winner_mail = await mails_titled(mailbox, FINALISTS[startup].founder[1], steps)
        assert [subject_of(finalist_mail), subject_of(winner_mail)] == steps
        assert MESSAGE not in body_of(finalist_mail) and MESSAGE in body_of(winner_mail).splitlines()
    assert mailbox.to(FINALISTS["FlowCity"].founder[1]) == []


async def the_public_results(chair: Page, visitor: Page, variant: Variant, url: str) -> None:
    # -- ... and the organiser follows the round page's link to the public results.
    await link(chair, variant, "See the public results").click()
    await expect(chair).to_have_url(f"{url}/editions/{SLUG}/results")

    # -- The visitor now finds the winners under their tracks, the other finalist below them.
    await visitor.reload()
    await expect(main(visitor).get_by_role("heading", level=2)).to_have_text(
        [tr(variant, "Smart city"), tr(variant, "Smart rural")]
    )
    for track, winners, finalists in (
        ("Smart city", ["ParkPulse · Novi Sad, Serbia"], ["FlowCity · Niš, Serbia"]),
        ("Smart rural", ["AgroSense · Ivanjica, Serbia"], ["—"]),
    ):
        section = (
            main(visitor)
            .locator("section")
            .filter(has=visitor.get_by_role("heading", name=tr(variant, track), exact=True))
        )
        await expect(section.get_by_role("heading", level=3)).to_have_text(
            [tr(variant, "Winners"), tr(variant, "Finalists")]
        )
        await expect(section.get_by_role("list").first.get_by_role("listitem")).to_have_text(winners)
        await expect(section.get_by_role("list").last.get_by_role("listitem")).to_have_text(finalists)
    await assert_fits(visitor)


async def test_a_scored_round_from_the_rubric_to_the_public_results(
    open_page: OpenPage, variant: Variant, mailbox: Mailbox, live_server: ServerProcess
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug=SLUG)
    for finalist in FINALISTS.values():
        await in_the_round(edition["id"], finalist)
    for name, email, _ in JUDGES:
        await make_user(name=name, email=email, role=Role.JUDGE, edition_id=edition["id"])
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    visitor = await open_page()
    await no_results_yet(visitor, variant, url)
    chair = await open_page()
    round_path = await add_the_round(chair, variant, url, edition["id"], organiser["email"])
    await give_it_a_rubric(chair, variant, url, round_path)
    await open_and_assign(chair, variant)
    panels = await the_judges_score(open_page, variant, url)
    await close_the_round(chair, variant, url, round_path)
    await a_judge_reads_a_final_sheet(open_page, variant, url)
    await read_the_ranking(chair, variant, panels)
    await advance_the_top_two(chair, variant)
    await publish_the_winners(chair, variant, url, round_path)
    await the_winners_are_mailed(mailbox, variant)
    await the_public_results(chair, visitor, variant, url)
