"""A pairwise final over HTTP on a real database: answers name their pair, judges go on comparing,
no rank before k comparisons, the organiser's overview, the projector, the API and the CSV."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re

from core.enums import Role
from core.tables import AuditEvent
from judging.tables import JudgeAssignment, PairwiseSeat, PairwiseVote, ScoreSheet
from tests.factories import make_edition
from tests.integration.judging.test_rounds import ROUND, _post, _submitted
from tests.web import WebClient

STRENGTH = {"AgroSense": 4, "ParkPulse": 3, "FlowCity": 2, "WaterWatch": 1}


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]*)"', page)
    assert found, "the page shows no answer form"
    return found.group(1)


def _shown(page: str) -> list[str]:
    """The startups on a judge's page, in the order shown (before, now)."""
    return sorted((n for n in STRENGTH if f"<h2>{n}</h2>" in page), key=lambda n: page.index(f"<h2>{n}</h2>"))


async def _final(logged_in, teams: tuple[str, ...] = tuple(STRENGTH), **settings: str) -> tuple[dict, int, WebClient]:
    edition = await make_edition()
    for name in teams:
        await _submitted(edition, name, member_email=f"team@{name.lower()}.rs")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    created = await _post(
        organiser,
        f"/organiser/editions/{edition['id']}/judging/",
        {**ROUND, "name": "Final", "method": "pairwise", **settings},
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/open", {})).status_code == 302
    return edition, round_id, organiser


async def _answer(judge: WebClient, round_id: int, choice: str | None = None) -> object:
    """Answer the pair on the judge's page; by default for the stronger project."""
    url = f"/judge/rounds/{round_id}/pairwise"
    page = (await judge.get(url)).text
    shown = _shown(page)
    if choice is None:
        choice = "next" if len(shown) == 1 else ("previous" if STRENGTH[shown[0]] > STRENGTH[shown[1]] else "current")
    return await _post(judge, url, {"token": _token(page), "choice": choice})


async def test_a_pairwise_final_shows_informative_pairs_records_votes_and_ranks_with_uncertainty(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    conflicted: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"], email="x@agrosense.rs")
    url = f"/judge/rounds/{round_id}/pairwise"

    assert "Done, show me the next project" in (await judge.get(url)).text
    assert (await _answer(judge, round_id)).status_code == 302
    for _ in range(3):
        assert "Which of the two was better?" in (await judge.get(url)).text
        assert (await _answer(judge, round_id)).status_code == 302
    not_shown = []
    for _ in range(4):
        page = (await conflicted.get(url)).text
        not_shown.append("<h2>AgroSense</h2>" not in page)
        await _answer(conflicted, round_id, "next" if "Done, show me" in page else "skip")
    ranking = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)

    assert all(not_shown)
    assert "Pairwise ranking (live)" in ranking and "3 votes so far" in ranking
    assert await AuditEvent.count().where(AuditEvent.action == "pairwise.voted") == 3
    assert {n for n in STRENGTH if n in ranking} == set(STRENGTH)


async def test_a_judge_goes_on_comparing_after_seeing_every_project_until_all_reach_k(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in, ("AgroSense", "ParkPulse", "FlowCity"), min_comparisons="4")
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    await _answer(judge, round_id)
    for _ in range(6):
        assert (await _answer(judge, round_id)).status_code == 302
    round_page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    votes = await PairwiseVote.select(PairwiseVote.winner, PairwiseVote.loser)
    counts: dict[int, int] = {}
    for v in votes:
        for item in (v["winner"], v["loser"]):
            counts[item] = counts.get(item, 0) + 1

    # Three projects, one judge: 6 votes, where "seen every project" used to stop them after 2.
    assert len(votes) == 6
    assert sorted(counts.values()) == [4, 4, 4]
    assert "A project gets a rank after 4 comparisons." in round_page
    assert "not enough comparisons yet" not in round_page


async def test_a_project_short_of_k_comparisons_shows_no_rank_but_how_many_it_has(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    await _answer(judge, round_id)
    await _answer(judge, round_id)
    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)

    assert page.count("not enough comparisons yet: 1 of 3") == 2
    assert page.count("not enough comparisons yet: 0 of 3") == 2
    assert "A project gets a rank after 3 comparisons." in page


async def test_a_stale_tab_is_refused_with_409_and_the_current_pair_and_records_nothing(logged_in) -> None:
    edition, round_id, _organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    url = f"/judge/rounds/{round_id}/pairwise"
    first_page = (await judge.get(url)).text
    await _post(judge, url, {"token": _token(first_page), "choice": "next"})
    tab_a = (await judge.get(url)).text
    tab_b = (await judge.get(url)).text  # a second tab, showing the same pair
    assert _token(tab_a) == _token(tab_b)

    assert (await _post(judge, url, {"token": _token(tab_a), "choice": "current"})).status_code == 302
    stale = await _post(judge, url, {"token": _token(tab_b), "choice": "previous"})
    older = await _post(judge, url, {"token": _token(first_page), "choice": "next"})
    forged = await _post(judge, url, {"token": "", "choice": "current"})
    now = (await judge.get(url)).text

    assert (stale.status_code, older.status_code, forged.status_code) == (409, 409, 409)
    assert "Nothing was recorded; here is the pair to compare now." in _text(stale.text)
    assert _shown(stale.text) == _shown(now) and _token(stale.text) == _token(now)
    assert _shown(now)[0] == _shown(tab_a)[1]  # the project that was "now" is "before"
    assert await PairwiseVote.count() == 1


async def test_a_repeated_submission_changes_nothing_even_when_both_arrive_at_once(logged_in) -> None:
    edition, round_id, _organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    url = f"/judge/rounds/{round_id}/pairwise"
    await _answer(judge, round_id)
    page = (await judge.get(url)).text
    answer = {"token": _token(page), "choice": "current"}

    together = await asyncio.gather(_post(judge, url, answer), _post(judge, url, answer))
    seat_after = await PairwiseSeat.select(PairwiseSeat.token, PairwiseSeat.current).first()
    again = await _post(judge, url, answer)
    seat_again = await PairwiseSeat.select(PairwiseSeat.token, PairwiseSeat.current).first()

    assert [r.status_code for r in together] == [302, 302] and again.status_code == 302
    assert await PairwiseVote.count() == 1
    assert await AuditEvent.count().where(AuditEvent.action == "pairwise.voted") == 1
    assert seat_again == seat_after


async def test_cant_tell_records_no_vote_keeps_both_in_play_and_counts_as_a_view(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in, ("AgroSense", "ParkPulse"))
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    url = f"/judge/rounds/{round_id}/pairwise"
    await _answer(judge, round_id)
    assert (await _answer(judge, round_id, "tie")).status_code == 302
    after = (await judge.get(url)).text
    page = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    rows = await PairwiseVote.select(PairwiseVote.outcome)

    assert rows == [{"outcome": "tie"}]
    assert "0 votes so far" in page and "(1 so far)" in page
    assert "Which of the two was better?" in after and len(_shown(after)) == 2
    assert await AuditEvent.count().where(AuditEvent.action == "pairwise.undecided") == 1


async def test_the_organiser_sees_comparisons_per_judge_and_the_pairs_judges_split_on(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in, ("AgroSense", "ParkPulse"))
    fair: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"], name="Fair Judge")
    contrary: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"], name="Contrary Judge")
    for judge in (fair, contrary):
        await _answer(judge, round_id)
    await _answer(fair, round_id)
    page = (await contrary.get(f"/judge/rounds/{round_id}/pairwise")).text
    weaker = "previous" if STRENGTH[_shown(page)[0]] < STRENGTH[_shown(page)[1]] else "current"
    await _post(contrary, f"/judge/rounds/{round_id}/pairwise", {"token": _token(page), "choice": weaker})
    shown = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)

    assert "Comparisons per judge" in shown and "Fair Judge 1 0" in shown and "Contrary Judge 1 0" in shown
    assert (
        "AgroSense beat ParkPulse 1 times, lost 1 times" in shown
        or "ParkPulse beat AgroSense 1 times, lost 1 times" in shown
    )


async def test_the_projector_shows_the_ranking_only_while_released(logged_in, client: WebClient) -> None:
    edition, round_id, organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    for _ in range(3):
        await _answer(judge, round_id)
    projector = f"/rounds/{round_id}/projector"

    before = _text((await client.get(projector)).text)
    released = await _post(organiser, f"/organiser/rounds/{round_id}/projector", {"released": "1"})
    live = await client.get(f"{projector}?auto=1")
    still = await client.get(projector)
    await _post(organiser, f"/organiser/rounds/{round_id}/projector", {"released": "0"})
    withdrawn = _text((await client.get(projector)).text)

    assert "The ranking is not released yet." in before and "AgroSense" not in before
    assert released.status_code == 302
    assert '<meta http-equiv="refresh" content="15">' in live.text
    assert 'http-equiv="refresh"' not in still.text and "AgroSense" in still.text
    assert f'href="{projector}?auto=1"' in still.text
    assert "Live ranking from 2 votes." in _text(live.text) and "AgroSense" in live.text
    assert "not enough comparisons yet" in _text(live.text)
    assert "The ranking is not released yet." in withdrawn
    assert await AuditEvent.count().where(AuditEvent.action == "round.projector_released") == 1
    assert await AuditEvent.count().where(AuditEvent.action == "round.projector_withdrawn") == 1


async def test_the_projector_has_its_own_layout_and_only_the_organiser_a_way_back(logged_in, client: WebClient) -> None:
    edition, round_id, organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    await _post(organiser, f"/organiser/rounds/{round_id}/projector", {"released": "1"})
    projector = f"/rounds/{round_id}/projector"

    room = await client.get(projector)
    chair = await organiser.get(projector)
    juror = await judge.get(projector)

    assert room.status_code == chair.status_code == juror.status_code == 200
    for shown in (room.text, chair.text, juror.text):
        assert 'class="site-header"' not in shown and 'aria-label="Main"' not in shown
        assert 'href="/organiser/"' not in shown and 'action="/logout"' not in shown
        assert '<ol class="projector-ranking">' in shown and '<body class="projector-screen">' in shown
    back = f'<a href="/organiser/rounds/{round_id}#projector" id="back-to-round">Back to the round</a>'
    assert back in chair.text
    assert "Back to the round" not in room.text and "Back to the round" not in juror.text
    assert (await organiser.get(f"/organiser/rounds/{round_id}")).status_code == 200


async def test_the_api_answers_pairs_by_token_refuses_stale_ones_and_ranks_the_final(logged_in) -> None:
    edition, round_id, organiser = await _final(logged_in)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    api = f"/api/v1/judging/rounds/{round_id}/pair"

    first = (await judge.get(api)).json()
    started = await judge.post_json(api, {"token": first["token"], "choice": "next"})
    pair = started.json()
    voted = await judge.post_json(api, {"token": pair["token"], "choice": "current"})
    repeat = await judge.post_json(api, {"token": pair["token"], "choice": "current"})
    stale = await judge.post_json(api, {"token": pair["token"], "choice": "previous"})
    ranking = (await organiser.get(f"/api/v1/judging/rounds/{round_id}/ranking")).json()
    scores = list(csv.reader(io.StringIO((await organiser.get(f"/organiser/rounds/{round_id}/scores.csv")).text)))

    assert first["previous"] is None and first["current"]["id"] == pair["previous"]["id"]
    assert started.status_code == voted.status_code == repeat.status_code == 200
    assert repeat.json() == voted.json()
    assert stale.status_code == 409 and stale.json()["current"] == voted.json()
    assert "Nothing was recorded" in stale.json()["detail"]
    assert await PairwiseVote.count() == 1
    assert (ranking["method"], ranking["min_comparisons"], len(ranking["pairwise"])) == ("pairwise", 3, 4)
    assert [r["comparisons"] for r in ranking["pairwise"]] == [1, 1, 0, 0]
    assert all(r["rank"] is None for r in ranking["pairwise"])
    winner = pair["current"]["startup_name"]
    assert scores[0] == ["judge", "winner", "loser", "outcome", "at"]
    assert scores[1][1:4] == [winner, pair["previous"]["startup_name"], "win"] and len(scores) == 2


async def test_a_pairwise_round_has_no_assignments_nor_score_sheets_and_its_creation_asks_for_no_rubric(
    logged_in,
) -> None:
    edition = await make_edition()
    application = await _submitted(edition, "AgroSense")
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    created = await _post(
        organiser, f"/organiser/editions/{edition['id']}/judging/", {**ROUND, "name": "Final", "method": "pairwise"}
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    flashed = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    await _post(organiser, f"/organiser/rounds/{round_id}/open", {})

    assign = await _post(organiser, f"/organiser/rounds/{round_id}/assign", {})
    # An assignment left from before this fix holds no sheet a judge can reach.
    left = await JudgeAssignment.insert(
        JudgeAssignment(round=round_id, judge=judge.user["id"], application=application, key="left")
    ).returning(JudgeAssignment.id)
    queue = await judge.get(f"/judge/rounds/{round_id}")
    sheet = await judge.get(f"/judge/assignments/{left[0]['id']}")
    api_sheet = await judge.http.put(
        f"/api/v1/judging/assignments/{left[0]['id']}/sheet",
        json={"values": {}, "submit": False},
        headers={"x-csrftoken": await judge.csrf_token()},
    )
    home = (await judge.get("/judge/")).text

    assert "open it when the judges are ready to compare" in flashed and "give it a rubric" not in flashed
    assert "Assign judges" not in _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    assert assign.status_code == 409
    assert "A pairwise round needs no assignment" in _text(assign.text)
    assert (queue.status_code, sheet.status_code, api_sheet.status_code) == (404, 404, 404)
    assert f'href="/judge/rounds/{round_id}"' not in home and f"/judge/rounds/{round_id}/pairwise" in home
    assert await ScoreSheet.count() == 0


async def test_k_out_of_range_is_refused_beside_its_field(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    refused = await _post(
        organiser,
        f"/organiser/editions/{edition['id']}/judging/",
        {**ROUND, "name": "Final", "method": "pairwise", "min_comparisons": "0"},
    )

    assert refused.status_code == 422
    assert 'id="e-min_comparisons"' in refused.text and "Give a whole number from 1 to 50." in refused.text
