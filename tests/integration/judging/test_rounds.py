"""A judging round over HTTP on a real database: set-up, assignment, blind scoring, ranking, results."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import timedelta

import pytest

from challenge.tables import Application, Startup, StartupMember
from core.auth import load_current_user
from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from judging.queries import rankings
from judging.schemas import ScoresIn
from judging.services import results, scoring
from judging.tables import Criterion, JudgeAssignment, Round, RoundApplication, ScoreSheet
from tests.factories import make_edition, make_user
from tests.web import WebClient, field_error

ROUND = {
    "name": "Screening",
    "method": "weighted_rubric",
    "entry": "all_submitted",
    "judges_per_application": "2",
    "max_per_judge": "10",
    "advance_count": "2",
    "normalisation": "judge_offset",
}
RUBRIC = {
    "criteria-0-name": "Impact",
    "criteria-0-weight": "2",
    "criteria-0-scale_min": "1",
    "criteria-0-scale_max": "10",
    "criteria-1-name": "Team",
    "criteria-1-weight": "1",
    "criteria-1-scale_min": "1",
    "criteria-1-scale_max": "10",
    "criteria-2-name": "Municipality fit",
    "criteria-2-weight": "0",
    "criteria-2-scale_min": "1",
    "criteria-2-scale_max": "5",
    "criteria-2-independent": "on",
    "criteria-3-name": "",
    "criteria-3-weight": "",
    "criteria-3-scale_min": "1",
    "criteria-3-scale_max": "10",
}


async def _post(client: WebClient, url: str, data: dict) -> object:
    return await client.http.post(url, data={**data, "_csrf_token": await client.csrf_token()})


async def _submitted(edition: dict, name: str, *, track: str = "smart_city", member_email: str | None = None) -> int:
    startup = (await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id))[0]["id"]
    if member_email:
        member = await make_user(email=member_email)
        await StartupMember.insert(
            StartupMember(
                startup=startup, user=member["id"], edition=edition["id"], key=f"{edition['id']}:{member['id']}"
            )
        )
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup,
                track=track,
                status="submitted",
                solution=f"{name} solves it.",
                active_key=f"{edition['id']}:{startup}:{track}",
            )
        ).returning(Application.id)
    )[0]["id"]


async def _open_round(organiser: WebClient, edition: dict) -> int:
    created = await _post(organiser, f"/organiser/editions/{edition['id']}/judging/", ROUND)
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/rubric", RUBRIC)).status_code == 302
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/open", {})).status_code == 302
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/assign", {})).status_code == 302
    return round_id


async def _score(judge: WebClient, assignment_id: int, impact: int, team: int, *, action: str = "submit"):
    criteria = await Criterion.select().order_by(Criterion.position)
    values = {
        f"c{criteria[0]['id']}": str(impact),
        f"c{criteria[1]['id']}": str(team),
        f"c{criteria[2]['id']}": "3",
        "action": action,
    }
    return await _post(judge, f"/judge/assignments/{assignment_id}", values)


async def test_round_setup_refuses_nonsense_and_the_rubric_is_checked(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    bad_round = await _post(
        organiser, f"/organiser/editions/{edition['id']}/judging/", {**ROUND, "judges_per_application": "0", "name": ""}
    )
    created = await _post(organiser, f"/organiser/editions/{edition['id']}/judging/", ROUND)
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    bad_weights = await _post(
        organiser,
        f"/organiser/rounds/{round_id}/rubric",
        {**RUBRIC, "criteria-0-weight": "-1", "criteria-1-weight": "abc"},
    )
    no_total = await _post(
        organiser,
        f"/organiser/rounds/{round_id}/rubric",
        {**RUBRIC, "criteria-0-weight": "0", "criteria-1-weight": "0"},
    )
    saved = await _post(organiser, f"/organiser/rounds/{round_id}/rubric", RUBRIC)
    draft_page = await organiser.get(f"/organiser/rounds/{round_id}/")
    shown_only = await _post(organiser, f"/organiser/rounds/{round_id}/rubric", {**RUBRIC, "criteria-2-weight": ""})

    assert bad_round.status_code == 422 and field_error(bad_round.text, "name") == "Required."
    assert field_error(bad_round.text, "judges_per_application") == "Give a whole number from 1 to 20."
    assert bad_weights.status_code == 422
    assert field_error(bad_weights.text, "criteria-0-weight") and field_error(bad_weights.text, "criteria-1-weight")
    assert 'value="abc"' in bad_weights.text
    assert no_total.status_code == 422
    assert saved.status_code == 302 and shown_only.status_code == 302
    assert draft_page.status_code == 200 and 'value="Impact"' in draft_page.text
    assert [c["name"] for c in await Criterion.select().order_by(Criterion.position)] == [
        "Impact",
        "Team",
        "Municipality fit",
    ]


async def test_the_rubric_is_copied_from_last_years_round(logged_in) -> None:
    last = await make_edition(year=2025, slug="2025")
    this = await make_edition(year=2026, slug="2026")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    old = await _post(organiser, f"/organiser/editions/{last['id']}/judging/", ROUND)
    old_id = int(old.headers["location"].rstrip("/").rsplit("/", 1)[1])
    await _post(organiser, f"/organiser/rounds/{old_id}/rubric", RUBRIC)
    new = await _post(organiser, f"/organiser/editions/{this['id']}/judging/", ROUND)
    new_id = int(new.headers["location"].rstrip("/").rsplit("/", 1)[1])

    copied = await _post(organiser, f"/organiser/rounds/{new_id}/rubric/copy", {})

    assert copied.status_code == 302
    names = [c["name"] for c in await Criterion.select().where(Criterion.round == new_id).order_by(Criterion.position)]
    assert names == ["Impact", "Team", "Municipality fit"]


async def test_judges_score_blind_conflicts_stay_away_and_the_ranking_advances_and_publishes(logged_in, client) -> None:
    edition = await make_edition()
    apps = {
        name: await _submitted(edition, name, track=track, member_email=email)
        for name, track, email in [
            ("AgroSense", "smart_rural", "nikola@agrosense.rs"),
            ("ParkPulse", "smart_city", "sara@parkpulse.rs"),
            ("FlowCity", "smart_city", "ivan@flowcity.rs"),
        ]
    }
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judges = [await logged_in(Role.JUDGE, edition_id=edition["id"]) for _ in range(3)]
    # Same email domain as AgroSense's founder: a conflict the system finds by itself.
    conflicted: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"], email="ana@agrosense.rs")

    round_id = await _open_round(organiser, edition)

    mine = {
        j.user["id"]: await JudgeAssignment.select().where(JudgeAssignment.judge == j.user["id"])
        for j in [*judges, conflicted]
    }
    assert all(a["application"] != apps["AgroSense"] for a in mine[conflicted.user["id"]])
    per_application = {a: await JudgeAssignment.count().where(JudgeAssignment.application == a) for a in apps.values()}
    assert set(per_application.values()) == {2}

    # Scoring: out of scale is refused with the input kept; another judge's sheet is refused blind.
    judge = judges[0]
    first = mine[judge.user["id"]][0]
    out_of_scale = await _score(judge, first["id"], 11, 5)
    assert out_of_scale.status_code == 422 and 'value="11"' in out_of_scale.text
    stranger_assignment = next(a for a in await JudgeAssignment.select() if a["judge"] != judge.user["id"])
    refused = await judge.get(f"/judge/assignments/{stranger_assignment['id']}")
    refused_post = await _score(judge, stranger_assignment["id"], 5, 5)
    assert refused.status_code == refused_post.status_code == 403
    startup_names = {"AgroSense", "ParkPulse", "FlowCity"}
    other_startup = next(n for n in startup_names if apps[n] == stranger_assignment["application"])
    assert other_startup not in refused.text or stranger_assignment["application"] == first["application"]

    # Everyone scores; impact follows the quality order AgroSense > ParkPulse > FlowCity.
    quality = {apps["AgroSense"]: 9, apps["ParkPulse"]: 7, apps["FlowCity"]: 4}
    for j in [*judges, conflicted]:
        for assignment in mine[j.user["id"]]:
            assert (await _score(j, assignment["id"], quality[assignment["application"]], 6)).status_code == 302
    queue = (await judge.get(f"/judge/rounds/{round_id}")).text
    assert "submitted" in queue

    # An edit after submission is kept and audited with before and after.
    edit = await _score(judge, first["id"], quality[first["application"]] - 1, 6)
    assert edit.status_code == 302
    assert await AuditEvent.count().where(AuditEvent.action == "score.edited") == 1

    # The organiser closes: scoring stops, the ranking shows raw and normalised, the top 2 advance.
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/close", {})).status_code == 302
    late = await _score(judge, first["id"], 5, 5)
    assert late.status_code == 409
    page = (await organiser.get(f"/organiser/rounds/{round_id}/")).text
    assert "Normalised" in page and "Raw mean" in page
    assert "Totals given by each judge" in page and "<script" not in page.split("<figure>")[1].split("</figure>")[0]
    assert page.index("AgroSense") < page.index("ParkPulse") < page.index("FlowCity")
    advanced = await _post(
        organiser,
        f"/organiser/rounds/{round_id}/advance",
        {"mode": "top", "min_rural": "0", "max_per_municipality": "0"},
    )
    assert advanced.status_code == 302
    await Application.update({Application.status: "finalist"}).where(Application.id.is_in(list(apps.values())))
    published = await _post(
        organiser, f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": "Congratulations!"}
    )
    assert published.status_code == 302
    statuses = {row["id"]: row["status"] for row in await Application.select(Application.id, Application.status)}
    assert statuses == {apps["AgroSense"]: "winner", apps["ParkPulse"]: "winner", apps["FlowCity"]: "finalist"}
    assert await OutboxMessage.count().where(OutboxMessage.subject == "Your application: winner") == 2
    results = (await client.get(f"/editions/{edition['slug']}/results")).text
    assert "AgroSense" in results and "ParkPulse" in results
    csv_text = (await organiser.get(f"/organiser/rounds/{round_id}/scores.csv")).text
    assert csv_text.count("\n") == 1 + 6


async def test_fifty_judges_scoring_at_once_lose_nothing(logged_in) -> None:
    edition = await make_edition()
    application = await _submitted(edition, "AgroSense")
    round_id = (await Round.insert(Round(edition=edition["id"], name="Final", status="open")).returning(Round.id))[0][
        "id"
    ]
    criterion = (await Criterion.insert(Criterion(round=round_id, name="Impact", weight=1.0)).returning(Criterion.id))[
        0
    ]["id"]
    judges = []
    for _ in range(50):
        user = await make_user(role=Role.JUDGE, edition_id=edition["id"])
        assignment = (
            await JudgeAssignment.insert(
                JudgeAssignment(
                    round=round_id,
                    judge=user["id"],
                    application=application,
                    key=f"{round_id}:{user['id']}:{application}",
                )
            ).returning(JudgeAssignment.id)
        )[0]["id"]
        judges.append((await load_current_user(user["id"]), assignment))

    async def judge_twice(user, assignment_id: int, value: int) -> None:
        # Two tabs: a submit and an edit racing each other, then a double submit.
        await asyncio.gather(
            scoring.save_sheet(
                user=user, assignment_id=assignment_id, command=ScoresIn(values={criterion: value}, submit=True)
            ),
            scoring.save_sheet(
                user=user, assignment_id=assignment_id, command=ScoresIn(values={criterion: value}, submit=True)
            ),
        )
        await scoring.save_sheet(
            user=user, assignment_id=assignment_id, command=ScoresIn(values={criterion: value + 1}, submit=True)
        )

    await asyncio.gather(*(judge_twice(user, assignment, 1 + i % 8) for i, (user, assignment) in enumerate(judges)))

    sheets = await ScoreSheet.select().output(load_json=True)
    assert len(sheets) == 50 and {s["status"] for s in sheets} == {"submitted"}
    assert sorted(s["values"][str(criterion)] for s in sheets) == sorted(2 + i % 8 for i in range(50))
    assert all(s["version"] == 4 for s in sheets)
    assert await AuditEvent.count().where(AuditEvent.action.like("score.%")) == 150


async def test_the_json_api_for_queues_sheets_and_rankings(logged_in) -> None:
    edition = await make_edition()
    await _submitted(edition, "AgroSense")
    await _submitted(edition, "ParkPulse")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judges = [await logged_in(Role.JUDGE, edition_id=edition["id"]) for _ in range(2)]
    round_id = await _open_round(organiser, edition)
    criteria = await Criterion.select().order_by(Criterion.position)

    for judge in judges:
        queue = (await judge.get(f"/api/v1/judging/rounds/{round_id}/queue")).json()
        assert len(queue) == 2 and all(item["total"] is None for item in queue)
        for item in queue:
            body = {"values": {str(c["id"]): 8 for c in criteria[:2]} | {str(criteria[2]["id"]): 4}, "submit": True}
            saved = await judge.http.put(
                f"/api/v1/judging/assignments/{item['id']}/sheet",
                json=body,
                headers={"x-csrftoken": await judge.csrf_token()},
            )
            assert saved.status_code == 200 and saved.json()["status"] == "submitted"
    bad = await judges[0].http.put(
        f"/api/v1/judging/assignments/{queue[0]['id']}/sheet",
        json={"values": {str(criteria[0]["id"]): 99}},
        headers={"x-csrftoken": await judges[0].csrf_token()},
    )
    out_of_scale = await judges[1].http.put(
        f"/api/v1/judging/assignments/{queue[0]['id']}/sheet",
        json={"values": {str(criteria[0]["id"]): 99}},
        headers={"x-csrftoken": await judges[1].csrf_token()},
    )
    ranking = await organiser.get(f"/api/v1/judging/rounds/{round_id}/ranking")
    forbidden = await judges[0].get(f"/api/v1/judging/rounds/{round_id}/ranking")

    assert bad.status_code == 403  # queue[0] belongs to the other judge
    assert out_of_scale.status_code == 422 and f"c{criteria[0]['id']}" in out_of_scale.json()["errors"]
    assert ranking.status_code == 200 and len(ranking.json()["standings"]) == 2
    assert forbidden.status_code == 403


async def test_a_round_closes_at_its_time_once() -> None:
    edition = await make_edition()
    now = utc_now()
    due = (
        await Round.insert(
            Round(edition=edition["id"], name="Due", status="open", closes_at=now - timedelta(minutes=1))
        ).returning(Round.id)
    )[0]["id"]
    await Round.insert(Round(edition=edition["id"], name="Later", status="open", closes_at=now + timedelta(hours=1)))

    counts = [await results.close_due_rounds(now=now), await results.close_due_rounds(now=now)]

    assert counts == [1, 0]
    assert {r["name"]: r["status"] for r in await Round.select(Round.name, Round.status)} == {
        "Due": "closed",
        "Later": "open",
    }
    assert await AuditEvent.count().where(AuditEvent.entity_id == str(due), AuditEvent.action == "round.closed") == 1


async def test_the_ranking_page_shows_flagged_totals_in_the_readers_language(logged_in) -> None:
    """Flags carry rule Messages; the page once crashed handing Jinja's context-bound `_` to them."""
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    round_id = (
        await Round.insert(Round(edition=edition["id"], name="Screening", status="closed")).returning(Round.id)
    )[0]["id"]
    criterion = (await Criterion.insert(Criterion(round=round_id, name="Impact", weight=1.0)).returning(Criterion.id))[
        0
    ]["id"]
    judges = [await make_user(role=Role.JUDGE, edition_id=edition["id"]) for _ in range(3)]
    # Judges agree closely on every entry but the last, where one of them is far off: a flag.
    for n in range(8):
        application = await _submitted(edition, f"Entry {n}")
        await RoundApplication.insert(RoundApplication(round=round_id, application=application, key=f"{round_id}:{n}"))
        for k, judge in enumerate(judges):
            value = 5 + n % 3 + (k == 0 and n == 7) * -4 + (k == 2 and n == 7) * 4
            assignment = (
                await JudgeAssignment.insert(
                    JudgeAssignment(
                        round=round_id, judge=judge["id"], application=application, key=f"{round_id}:{k}:{n}"
                    )
                ).returning(JudgeAssignment.id)
            )[0]["id"]
            await ScoreSheet.insert(
                ScoreSheet(
                    assignment=assignment,
                    key=str(assignment),
                    round=round_id,
                    judge=judge["id"],
                    application=application,
                    values={str(criterion): value},
                    status="submitted",
                    total=float(value),
                )
            )
    ranking, _ = await rankings.ranking(round_id)
    assert ranking is not None and any(s.flags for s in ranking.standings)

    response = await organiser.http.get(f"/organiser/rounds/{round_id}/")
    assert response.status_code == 200
    flagged = next(s for s in ranking.standings if s.flags)
    assert html.escape(flagged.flags[0].message.render()) in response.text


async def test_a_long_ranking_shows_its_top_rows_and_all_on_request_keeping_hand_picked_ones(
    logged_in, monkeypatch
) -> None:
    from judging.controllers import organiser as organiser_pages

    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    round_id = (await Round.insert(Round(edition=edition["id"], name="Final", status="closed")).returning(Round.id))[0][
        "id"
    ]
    judge = await make_user(role=Role.JUDGE, edition_id=edition["id"])
    for n in range(6):
        application = await _submitted(edition, f"Entry {n}")
        await RoundApplication.insert(
            RoundApplication(round=round_id, application=application, key=f"{round_id}:{n}", advanced=n == 0)
        )
        assignment = (
            await JudgeAssignment.insert(
                JudgeAssignment(round=round_id, judge=judge["id"], application=application, key=f"{round_id}:{n}")
            ).returning(JudgeAssignment.id)
        )[0]["id"]
        await ScoreSheet.insert(
            ScoreSheet(
                assignment=assignment,
                key=str(assignment),
                round=round_id,
                judge=judge["id"],
                application=application,
                status="submitted",
                total=float(10 - n),
            )
        )
    monkeypatch.setattr(organiser_pages, "RANKING_ROWS", 2)

    boxes = re.compile(r'name="ids" value="(\d+)"')
    short = (await organiser.http.get(f"/organiser/rounds/{round_id}/")).text
    assert len(boxes.findall(short)) == 2 and "Show all 6" in short
    # A hand-picked entry past the cut stays in the by-hand list, so sending that list keeps it.
    last = (await RoundApplication.select().where(RoundApplication.key == f"{round_id}:5").first())["application"]
    await RoundApplication.update({RoundApplication.advanced: True}).where(RoundApplication.key == f"{round_id}:5")
    short = (await organiser.http.get(f"/organiser/rounds/{round_id}/")).text
    assert len(boxes.findall(short)) == 3 and str(last) in boxes.findall(short)
    everything = (await organiser.http.get(f"/organiser/rounds/{round_id}/?all=1")).text
    assert len(boxes.findall(everything)) == 6 and "Show all" not in everything


async def test_a_worker_builds_one_round_page_at_a_time(logged_in, monkeypatch) -> None:
    """Concurrent organisers on a big round queue for it instead of each holding its data at once."""
    from judging.controllers import organiser as organiser_pages

    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    round_id = (await Round.insert(Round(edition=edition["id"], name="Final", status="closed")).returning(Round.id))[0][
        "id"
    ]
    building, most = 0, 0
    build = organiser_pages.round_context

    async def counted(request):
        nonlocal building, most
        building += 1
        most = max(most, building)
        try:
            await asyncio.sleep(0.02)  # long enough for every other request to arrive meanwhile
            return await build(request)
        finally:
            building -= 1

    monkeypatch.setattr(organiser_pages, "round_context", counted)
    pages = await asyncio.gather(*(organiser.http.get(f"/organiser/rounds/{round_id}/") for _ in range(4)))

    assert [page.status_code for page in pages] == [200] * 4
    assert most == 1


@pytest.mark.parametrize("blind", [False, True])
async def test_a_closed_rounds_sheet_reads_final_and_a_save_is_refused_saying_so(logged_in, blind: bool) -> None:
    edition = await make_edition()
    await _submitted(edition, "ParkPulse")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    created = await _post(
        organiser, f"/organiser/editions/{edition['id']}/judging/", ROUND | ({"blind": "on"} if blind else {})
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    for step, data in [("rubric", RUBRIC), ("open", {}), ("assign", {})]:
        assert (await _post(organiser, f"/organiser/rounds/{round_id}/{step}", data)).status_code == 302
    assert (await Round.select(Round.blind).where(Round.id == round_id).first()) == {"blind": blind}
    assignment = (await JudgeAssignment.select().where(JudgeAssignment.judge == judge.user["id"]).first())["id"]
    assert (await _score(judge, assignment, 7, 6)).status_code == 302
    open_sheet = (await judge.get(f"/judge/assignments/{assignment}")).text
    assert "You can change your scores until then." in open_sheet and 'id="sheet-final"' not in open_sheet

    assert (await _post(organiser, f"/organiser/rounds/{round_id}/close", {})).status_code == 302
    closed_sheet = (await judge.get(f"/judge/assignments/{assignment}")).text
    refused = await _score(judge, assignment, 2, 2)

    assert "You can change your scores until then." not in closed_sheet
    assert "This round is closed." in closed_sheet and "no longer change them" in closed_sheet
    assert 'value="submit"' not in closed_sheet and 'value="7" disabled' in closed_sheet
    assert refused.status_code == 409
    assert "This round closed; scores can no longer change." in refused.text and 'id="sheet-final"' in refused.text
    stored = await ScoreSheet.select(ScoreSheet.status, ScoreSheet.total).where(ScoreSheet.assignment == assignment)
    assert [row["status"] for row in stored] == ["submitted"]


async def test_an_open_rounds_sheet_past_its_closing_time_reads_final_before_the_job_closes_it(logged_in) -> None:
    edition = await make_edition()
    await _submitted(edition, "ParkPulse")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    round_id = await _open_round(organiser, edition)
    assignment = (await JudgeAssignment.select().where(JudgeAssignment.judge == judge.user["id"]).first())["id"]
    await Round.update({Round.closes_at: utc_now() - timedelta(minutes=1)}).where(Round.id == round_id)

    sheet = (await judge.get(f"/judge/assignments/{assignment}")).text
    refused = await _score(judge, assignment, 7, 6)

    assert 'id="sheet-final"' in sheet and 'value="submit"' not in sheet
    assert refused.status_code == 409 and "This round closed; scores can no longer change." in refused.text
    assert await ScoreSheet.count().where(ScoreSheet.assignment == assignment) == 0
