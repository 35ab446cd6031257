"""Judges kept on time, on a real database: the queue's deadline and progress, reminders sent
once 48 and 12 hours before a round closes, per-judge progress for organisers, and releasing a
judge who dropped out (their unsubmitted sheets go to other judges, the rules kept)."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import timedelta
from typing import Any

from challenge.tables import Application, Startup
from core.auth import load_current_user
from core.clock import utc_now
from core.enums import Role
from core.i18n import in_locale, ngettext
from core.tables import AuditEvent, OutboxMessage, User
from judging.services import assignments, reminders
from judging.tables import (
    Criterion,
    DeclaredConflict,
    JudgeAssignment,
    JudgeProfile,
    JudgeRelease,
    Round,
    RoundApplication,
    ScoreSheet,
)
from tests.factories import make_edition, make_score_sheet, make_user
from tests.web import WebClient

STARTUPS = ("AgroSense", "ParkPulse", "FlowCity")


async def _round(edition: dict[str, Any], *, closes_in: timedelta, opened_ago: timedelta = timedelta(days=5)) -> int:
    now = utc_now()
    round_id = (
        await Round.insert(
            Round(
                edition=edition["id"],
                name="Screening",
                status="open",
                judges_per_application=2,
                max_per_judge=3,
                opens_at=now - opened_ago,
                closes_at=now + closes_in,
            )
        ).returning(Round.id)
    )[0]["id"]
    await Criterion.insert(Criterion(round=round_id, name="Impact", weight=1.0, scale_min=1, scale_max=10))
    return round_id


async def _applications(edition: dict[str, Any], round_id: int) -> list[int]:
    ids = []
    for name in STARTUPS:
        startup = (await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id))[0]
        application = (
            await Application.insert(
                Application(
                    edition=edition["id"],
                    startup=startup["id"],
                    track="smart_city",
                    status="submitted",
                    solution=f"{name} solves it.",
                    active_key=f"{edition['id']}:{startup['id']}:smart_city",
                )
            ).returning(Application.id)
        )[0]["id"]
        await RoundApplication.insert(
            RoundApplication(round=round_id, application=application, key=f"{round_id}:{application}")
        )
        ids.append(application)
    return ids


async def _judge(edition: dict[str, Any], name: str, *, organisation: str = "", locale: str = "en") -> int:
    user = await make_user(name=name, email=f"{name.lower()}@judges.example", role=Role.JUDGE, edition_id=edition["id"])
    await User.update({User.locale: locale}).where(User.id == user["id"])
    await JudgeProfile.insert(
        JudgeProfile(
            user=user["id"], edition=edition["id"], key=f"{edition['id']}:{user['id']}", organisation=organisation
        )
    )
    return user["id"]


async def _assign(round_id: int, judge: int, application: int, status: str | None = None) -> int:
    key = f"{round_id}:{judge}:{application}"
    if status is None:
        return (
            await JudgeAssignment.insert(
                JudgeAssignment(round=round_id, judge=judge, application=application, key=key)
            ).returning(JudgeAssignment.id)
        )[0]["id"]
    total = 7.0 if status == "submitted" else None
    values = {"1": 7} if status == "submitted" else {}
    return await make_score_sheet(
        round_id=round_id,
        judge_id=judge,
        application_id=application,
        key=key,
        status=status,
        total=total,
        values=values,
    )


async def _post(client: WebClient, url: str, data: dict[str, str]) -> Any:
    return await client.http.post(url, data={**data, "_csrf_token": await client.csrf_token()})


def _pairs(rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    return {(r["judge"], r["application"]) for r in rows}


# -- The judge's queue


async def test_the_queue_shows_when_the_round_closes_and_how_far_the_judge_is(logged_in) -> None:
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(hours=30, minutes=10))
    apps = await _applications(edition, round_id)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    judge_id = judge.user["id"]  # type: ignore[attr-defined]
    await _assign(round_id, judge_id, apps[0], "submitted")
    await _assign(round_id, judge_id, apps[1], "draft")
    await _assign(round_id, judge_id, apps[2])

    page = (await judge.get(f"/judge/rounds/{round_id}")).text

    assert "in 31 hours" in page
    assert "1 of 3 sheets submitted" in page
    assert '<progress id="queue-progress-bar" max="3" value="1">' in page

    await Round.update({Round.closes_at: utc_now() - timedelta(minutes=1)}).where(Round.id == round_id)
    assert "overdue" in (await judge.get(f"/judge/rounds/{round_id}")).text


# -- Reminders


async def _reminder_world() -> tuple[int, dict[str, int], list[int]]:
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(hours=30))
    apps = await _applications(edition, round_id)
    judges = {
        "ana": await _judge(edition, "Ana"),
        "bojan": await _judge(edition, "Bojan", locale="sr_Cyrl"),
        "done": await _judge(edition, "Done"),
    }
    await _assign(round_id, judges["ana"], apps[0], "submitted")
    await _assign(round_id, judges["ana"], apps[1], "draft")
    await _assign(round_id, judges["bojan"], apps[1])
    await _assign(round_id, judges["done"], apps[2], "submitted")
    return round_id, judges, apps


async def _reminders_to(address: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)


async def test_reminders_go_once_each_to_judges_with_sheets_to_submit(pool) -> None:
    round_id, judges, _ = await _reminder_world()
    now = utc_now()

    first = await reminders.send_reminders(now=now)
    again = await reminders.send_reminders(now=now + timedelta(minutes=15))
    later = await reminders.send_reminders(now=now + timedelta(hours=19))
    after_close = await reminders.send_reminders(now=now + timedelta(hours=31))

    assert (first, again, later, after_close) == (2, 0, 2, 0)
    ana = await _reminders_to("ana@judges.example")
    assert [m["once_key"] for m in ana] == [
        f"judging:reminder:{round_id}:48h:{judges['ana']}",
        f"judging:reminder:{round_id}:12h:{judges['ana']}",
    ]
    assert ana[0]["subject"] == "Reminder: 1 sheet to submit in “Screening”"
    body = ana[0]["body_text"]
    assert "1 of your 2 sheets in the judging round “Screening” are submitted." in body
    assert "in 30 hours" in body
    assert f"/judge/rounds/{round_id}" in body
    assert not any(name in body for name in STARTUPS)
    with in_locale("sr_Cyrl"):
        serbian = ngettext(
            "Reminder: %(num)s sheet to submit in “%(round)s”", "Reminder: %(num)s sheets to submit in “%(round)s”", 1
        ) % {"num": 1, "round": "Screening"}
    assert [m["subject"] for m in await _reminders_to("bojan@judges.example")] == [serbian, serbian]
    assert await _reminders_to("done@judges.example") == []


async def test_reminders_run_at_once_on_two_workers_go_once(pool) -> None:
    await _reminder_world()
    now = utc_now()

    counts = await asyncio.gather(reminders.send_reminders(now=now), reminders.send_reminders(now=now))
    again = await asyncio.gather(reminders.send_reminders(now=now), reminders.send_reminders(now=now))

    assert sum(counts) == 2
    assert sum(again) == 0
    assert await OutboxMessage.count() == 2


async def test_a_round_opened_inside_the_last_two_days_gets_no_late_48_hour_reminder(pool) -> None:
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(hours=30), opened_ago=timedelta(hours=1))
    apps = await _applications(edition, round_id)
    ana = await _judge(edition, "Ana")
    await _assign(round_id, ana, apps[0])
    now = utc_now()

    assert await reminders.send_reminders(now=now) == 0
    assert await reminders.send_reminders(now=now + timedelta(hours=19)) == 1
    assert [m["once_key"] for m in await OutboxMessage.select(OutboxMessage.once_key)] == [
        f"judging:reminder:{round_id}:12h:{ana}"
    ]


# -- Releasing a judge who dropped out


async def _release_world() -> tuple[int, dict[str, int], list[int]]:
    """Ana drops out: she submitted AgroSense, has a draft of ParkPulse and has not opened FlowCity.
    Bojan and Cveta are both from Telekom; Ema declared a conflict with ParkPulse."""
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(days=3))
    apps = await _applications(edition, round_id)
    judges = {
        "ana": await _judge(edition, "Ana"),
        "bojan": await _judge(edition, "Bojan", organisation="Telekom"),
        "cveta": await _judge(edition, "Cveta", organisation="Telekom"),
        "dejan": await _judge(edition, "Dejan"),
        "ema": await _judge(edition, "Ema"),
    }
    await DeclaredConflict.insert(
        DeclaredConflict(judge=judges["ema"], application=apps[1], key=f"{judges['ema']}:{apps[1]}")
    )
    await _assign(round_id, judges["ana"], apps[0], "submitted")
    await _assign(round_id, judges["ana"], apps[1], "draft")
    await _assign(round_id, judges["ana"], apps[2])
    await _assign(round_id, judges["bojan"], apps[0])
    await _assign(round_id, judges["bojan"], apps[1], "draft")
    await _assign(round_id, judges["cveta"], apps[2])
    return round_id, judges, apps


async def test_a_released_judges_sheets_go_to_others_keeping_conflicts_and_organisations(logged_in) -> None:
    round_id, judges, apps = await _release_world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    before = _pairs(await JudgeAssignment.select().where(JudgeAssignment.round == round_id))

    page = (await organiser.get(f"/organiser/rounds/{round_id}/")).text
    confirm = await organiser.get(f"/organiser/rounds/{round_id}/judges/{judges['ana']}/release")
    released = await _post(
        organiser, f"/organiser/rounds/{round_id}/judges/{judges['ana']}/release", {"reason": "Fell ill."}
    )
    twice = await _post(organiser, f"/organiser/rounds/{round_id}/judges/{judges['ana']}/release", {})

    assert "Judges&#39; progress" in page or "Judges' progress" in page
    assert f"/organiser/rounds/{round_id}/judges/{judges['ana']}/release" in page
    assert confirm.status_code == 200
    assert "1 sheet submitted: it stays and counts." in html.unescape(confirm.text)
    assert released.status_code == 302
    assert twice.status_code == 409
    after = _pairs(await JudgeAssignment.select().where(JudgeAssignment.round == round_id))
    # ParkPulse: Cveta is from Bojan's Telekom, Ema has a conflict, so Dejan; FlowCity: Bojan is
    # from Cveta's Telekom, and Ema has fewer applications than Dejan.
    added = after - before
    assert added == {(judges["dejan"], apps[1]), (judges["ema"], apps[2])}
    assert before - after == {(judges["ana"], apps[1]), (judges["ana"], apps[2])}
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application).where(ScoreSheet.round == round_id)
    assert _pairs(sheets) == {(judges["ana"], apps[0]), (judges["bojan"], apps[1])}
    release = await JudgeRelease.select().where(JudgeRelease.round == round_id).output(load_json=True)
    assert [(r["judge"], r["reason"], sorted(r["applications"]), r["reassigned"]) for r in release] == [
        (judges["ana"], "Fell ill.", sorted(apps[1:]), 2)
    ]
    events = await AuditEvent.select().where(AuditEvent.action == "judge.released").output(load_json=True)
    assert len(events) == 1
    assert events[0]["before"]["released_applications"] == [apps[1], apps[2]]
    mails = await OutboxMessage.select().order_by(OutboxMessage.to_address)
    assert [(m["to_address"], m["subject"]) for m in mails] == [
        ("dejan@judges.example", "1 more application to score in “Screening”"),
        ("ema@judges.example", "1 more application to score in “Screening”"),
    ]
    assert not any(name in m["body_text"] for m in mails for name in STARTUPS)
    report = (await organiser.get(f"/organiser/rounds/{round_id}/")).text
    assert "released" in report


async def test_assigning_again_gives_a_released_judge_nothing_new(logged_in) -> None:
    round_id, judges, apps = await _release_world()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    await _post(organiser, f"/organiser/rounds/{round_id}/judges/{judges['ana']}/release", {})
    sheets = _pairs(await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application))

    await assignments.assign_round(user=await load_current_user(organiser.user["id"]), round_id=round_id)  # type: ignore[attr-defined]

    ana = await JudgeAssignment.select(JudgeAssignment.application).where(
        JudgeAssignment.round == round_id, JudgeAssignment.judge == judges["ana"]
    )
    assert [r["application"] for r in ana] == [apps[0]]
    # Assigning again keeps every sheet, submitted or draft, on either engine.
    assert _pairs(await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application)) == sheets
    assert (judges["ana"], apps[0]) in sheets


async def test_a_short_top_up_is_reported_and_a_long_reason_refused(logged_in) -> None:
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(days=3))
    apps = await _applications(edition, round_id)
    ana, bojan = await _judge(edition, "Ana"), await _judge(edition, "Bojan")
    await _assign(round_id, ana, apps[0])
    await _assign(round_id, bojan, apps[0])
    organiser: WebClient = await logged_in(Role.ORGANISER)

    too_long = await _post(organiser, f"/organiser/rounds/{round_id}/judges/{ana}/release", {"reason": "x" * 1001})
    released = await _post(organiser, f"/organiser/rounds/{round_id}/judges/{ana}/release", {})

    assert too_long.status_code == 422
    assert "x" * 1001 in too_long.text
    assert released.status_code == 302
    page = html.unescape((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    assert "AgroSense has 1 of the 2 judges it needs: the round has only 1 judges." in page


async def test_the_round_page_counts_each_judges_sheets(logged_in) -> None:
    round_id, _, _ = await _release_world()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = html.unescape((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    table = page.split('id="judges"')[1].split("</table>")[0]
    cells = re.findall(r'<td data-label="(Judge|Assigned|Drafts|Not started)">([^<]*)<', table)
    rows = [tuple(value for _, value in cells[i : i + 4]) for i in range(0, len(cells), 4)]

    # Least done first (the share submitted), then by name.
    assert rows == [("Bojan", "2", "1", "1"), ("Cveta", "1", "0", "1"), ("Ana", "3", "1", "1")]
    assert table.count("Release (dropped out)") == 3
    assert re.findall(r'<progress max="(\d+)" value="(\d+)"', table) == [("2", "0"), ("1", "0"), ("3", "1")]


async def test_after_advancing_the_round_page_lists_who_advances(logged_in) -> None:
    edition = await make_edition()
    round_id = await _round(edition, closes_in=timedelta(days=3))
    apps = await _applications(edition, round_id)
    ana = await _judge(edition, "Ana")
    for application in apps:
        await _assign(round_id, ana, application, "submitted")
    await Round.update({Round.status: "closed"}).where(Round.id == round_id)
    for rank, application in ((2, apps[2]), (1, apps[0])):
        await RoundApplication.update({RoundApplication.advanced: True, RoundApplication.rank: rank}).where(
            RoundApplication.application == application
        )
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = (await organiser.get(f"/organiser/rounds/{round_id}/")).text
    listed = page.split('id="advancing-list"')[1].split("</ol>")[0]

    assert "2 applications advance" in page
    assert [item.split(" <small>")[0] for item in listed.split("<li>")[1:]] == ["AgroSense", "FlowCity"]
