"""The per-round ranking cache (judging.queries.ranking_cache): what it serves equals a ranking
computed now, every audited write that changes it makes the next read reflect it, a write that
rolls back leaves it alone, and its charts follow renames made outside judging."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from challenge.tables import Application, Startup
from core import audit
from core.auth import CurrentUser, load_current_user
from core.enums import Role
from core.tables import User
from judging.enums import Normalisation
from judging.queries import ranking_cache, rankings
from judging.queries.round_page import round_page
from judging.queries.rounds import load_round
from judging.schemas import RoundIn, ScoresIn
from judging.services import assignments, releases, results, rounds, scoring
from judging.tables import Criterion, JudgeAssignment, Round, RoundApplication, RoundRanking, ScoreSheet
from tests.factories import make_edition, make_user
from tests.web import WebClient

ENTRIES = ["AgroSense", "ParkPulse", "FlowCity", "BusBeat"]


class _Round(msgspec.Struct, kw_only=True):
    id: int
    edition: int
    criterion: int
    organiser: CurrentUser
    judges: list[CurrentUser]
    apps: dict[str, int]
    # (judge id, application id) -> assignment id
    assignment: dict[tuple[int, int], int]


async def _made_round(*, judges: int = 3, normalisation: str = "judge_offset") -> _Round:
    """An open weighted round: every judge assigned to every entry, nothing scored yet."""
    edition = await make_edition()
    round_id = (
        await Round.insert(
            Round(
                edition=edition["id"],
                name="Screening",
                status="open",
                normalisation=normalisation,
                judges_per_application=2,
                max_per_judge=10,
            )
        ).returning(Round.id)
    )[0]["id"]
    criterion = (
        await Criterion.insert(
            Criterion(round=round_id, name="Impact", weight=1.0, scale_min=1, scale_max=10)
        ).returning(Criterion.id)
    )[0]["id"]
    apps = {}
    for name in ENTRIES:
        made = await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id)
        startup = made[0]["id"]
        apps[name] = (
            await Application.insert(
                Application(
                    edition=edition["id"],
                    startup=startup,
                    track="smart_city",
                    status="submitted",
                    solution=f"{name} solves it.",
                    active_key=f"{edition['id']}:{startup}:smart_city",
                )
            ).returning(Application.id)
        )[0]["id"]
        await RoundApplication.insert(
            RoundApplication(round=round_id, application=apps[name], key=f"{round_id}:{apps[name]}")
        )
    organiser = await make_user(role=Role.ORGANISER)
    users = [await make_user(role=Role.JUDGE, edition_id=edition["id"], name=f"Judge {k}") for k in range(judges)]
    assignment = {}
    for user in users:
        for application in apps.values():
            assignment[(user["id"], application)] = (
                await JudgeAssignment.insert(
                    JudgeAssignment(
                        round=round_id,
                        judge=user["id"],
                        application=application,
                        key=f"{round_id}:{user['id']}:{application}",
                    )
                ).returning(JudgeAssignment.id)
            )[0]["id"]
    return _Round(
        id=round_id,
        edition=edition["id"],
        criterion=criterion,
        organiser=await load_current_user(organiser["id"]),
        judges=[await load_current_user(u["id"]) for u in users],
        apps=apps,
        assignment=assignment,
    )


async def _submit(r: _Round, judge: CurrentUser, name: str, value: int) -> None:
    await scoring.save_sheet(
        user=judge,
        assignment_id=r.assignment[(judge.id, r.apps[name])],
        command=ScoresIn(values={r.criterion: value}, submit=True),
    )


async def _score_all(r: _Round) -> None:
    """Judge k is k points more lenient (judge 1 less so on FlowCity); entries in the order of ENTRIES, best first."""
    for k, judge in enumerate(r.judges):
        for n, name in enumerate(ENTRIES):
            await _submit(r, judge, name, 8 - 2 * n + k - (k == 1 and n == 2))


async def _version(round_id: int) -> int:
    row = await RoundRanking.select(RoundRanking.version).where(RoundRanking.round == round_id).first()
    return -1 if row is None else int(row["version"])


async def _cached(round_id: int) -> Any:
    return (await ranking_cache.current_ranking(round_id))[1].ranking


async def _served_is_fresh(round_id: int) -> Any:
    """The ranking the round page is built from equals one computed now; both returned."""
    served = (await round_page(await load_round(round_id))).ranking
    again = await _cached(round_id)  # from the stored row, decoded
    fresh = await rankings.compute_ranking(round_id)
    assert served == fresh
    assert again == fresh
    return fresh


def _order(ranking: Any, r: _Round) -> list[str]:
    names = {a: n for n, a in r.apps.items()}
    return [names[s.application_id] for s in ranking.standings]


def _round_in(current: Any, **changes: Any) -> RoundIn:
    fields = {f: getattr(current, f) for f in RoundIn.__struct_fields__ if hasattr(current, f)}
    return RoundIn(**(fields | changes))


async def test_the_ranking_served_is_the_ranking_computed_now(logged_in) -> None:
    r = await _made_round()
    assert (await _cached(r.id)) is None  # before the first submitted sheet

    await _score_all(r)
    first = await _served_is_fresh(r.id)
    stored = await RoundRanking.select().where(RoundRanking.round == r.id).first()

    assert first is not None and _order(first, r) == ENTRIES
    assert stored["fresh"] and stored["payload"]
    # A second read serves the stored row (nothing recomputed: the row is unchanged).
    assert (await _served_is_fresh(r.id)) == first
    assert await RoundRanking.select().where(RoundRanking.round == r.id).first() == stored

    # The page over HTTP (it shows the ranking once closed) lists the entries in the fresh order.
    await results.close_round(user=r.organiser, round_id=r.id)
    assert (await _served_is_fresh(r.id)) == first
    page = await logged_in(Role.ORGANISER)
    text = (await page.get(f"/organiser/rounds/{r.id}/")).text.split("<figure>", 1)[0]
    positions = [text.index(name) for name in ENTRIES]
    assert positions == sorted(positions)


async def test_a_submitted_or_resubmitted_sheet_shows_in_the_next_read() -> None:
    r = await _made_round()
    for k, judge in enumerate(r.judges):
        for n, name in enumerate(ENTRIES[:3]):
            await _submit(r, judge, name, 8 - 2 * n + k)
    before = await _served_is_fresh(r.id)
    assert len(before.standings) == 3

    # A first submission of a new entry's sheets.
    version = await _version(r.id)
    await _submit(r, r.judges[0], "BusBeat", 10)
    assert await _version(r.id) == version + 1
    added = await _served_is_fresh(r.id)
    assert "BusBeat" in _order(added, r)

    # A submitted sheet submitted again with other scores: the last entry goes first.
    for judge in r.judges:
        await _submit(r, judge, "FlowCity", 10)
    changed = await _served_is_fresh(r.id)
    assert _order(changed, r).index("FlowCity") < _order(added, r).index("FlowCity") and changed != added

    # A draft changes nothing the ranking shows, and leaves the stored row fresh.
    version = await _version(r.id)
    await scoring.save_sheet(
        user=r.judges[1],
        assignment_id=r.assignment[(r.judges[1].id, r.apps["BusBeat"])],
        command=ScoresIn(values={r.criterion: 2}, submit=False),
    )
    assert await _version(r.id) == version
    assert (await _served_is_fresh(r.id)) == changed


async def test_changing_the_normalisation_shows_in_the_next_read() -> None:
    r = await _made_round(normalisation="judge_offset")
    await _score_all(r)
    offset = await _served_is_fresh(r.id)
    assert offset.normalisation == Normalisation.JUDGE_OFFSET

    current = await load_round(r.id)
    await rounds.update_round(
        user=r.organiser, round_id=r.id, command=_round_in(current, normalisation=Normalisation.Z_SCORE)
    )
    z = await _served_is_fresh(r.id)

    assert z.normalisation == Normalisation.Z_SCORE
    assert [s.normalised_mean for s in z.standings] != [s.normalised_mean for s in offset.standings]


async def test_assigning_judges_shows_in_the_next_read() -> None:
    r = await _made_round()
    await _score_all(r)
    await _served_is_fresh(r.id)
    # Assignment keeps scored pairs; the next read is computed again and still equals a fresh one.
    extra = await make_user(role=Role.JUDGE, edition_id=r.edition)
    version = await _version(r.id)

    await assignments.assign_round(user=r.organiser, round_id=r.id)

    assert await _version(r.id) == version + 1
    assert not (await RoundRanking.select(RoundRanking.fresh).where(RoundRanking.round == r.id).first())["fresh"]
    after = await _served_is_fresh(r.id)
    assert {j.judge_id for j in after.judges} == {j.id for j in r.judges}
    assert extra["id"] not in {j.judge_id for j in after.judges}


async def test_a_declared_conflict_takes_its_sheets_out_of_the_next_read() -> None:
    r = await _made_round()
    await _score_all(r)
    before = await _served_is_fresh(r.id)
    judge = r.judges[2]
    assert next(s for s in before.standings if s.application_id == r.apps["AgroSense"]).judges == 3

    await assignments.declare_conflict(user=judge, application_id=r.apps["AgroSense"], note="My cousin's firm.")

    gone = ScoreSheet.count().where(ScoreSheet.judge == judge.id, ScoreSheet.application == r.apps["AgroSense"])
    assert await gone == 0
    after = await _served_is_fresh(r.id)
    assert next(s for s in after.standings if s.application_id == r.apps["AgroSense"]).judges == 2


async def test_releasing_a_judge_shows_in_the_next_read() -> None:
    r = await _made_round(judges=4)
    # The last judge scored half their queue and drops out: the drafts go, the submitted stay.
    for judge in r.judges[:3]:
        for n, name in enumerate(ENTRIES):
            await _submit(r, judge, name, 9 - 2 * n)
    leaving = r.judges[3]
    await _submit(r, leaving, "AgroSense", 2)
    await scoring.save_sheet(
        user=leaving,
        assignment_id=r.assignment[(leaving.id, r.apps["ParkPulse"])],
        command=ScoresIn(values={r.criterion: 1}, submit=False),
    )
    before = await _served_is_fresh(r.id)
    version = await _version(r.id)

    await releases.release_judge(user=r.organiser, round_id=r.id, judge_id=leaving.id, reason="Fell ill.")

    assert await _version(r.id) == version + 1
    after = await _served_is_fresh(r.id)
    assert after == before  # only a draft went: the ranking, computed again, is the same


async def test_closing_the_round_shows_in_the_next_read() -> None:
    r = await _made_round()
    await _score_all(r)
    await _served_is_fresh(r.id)
    version = await _version(r.id)

    await results.close_round(user=r.organiser, round_id=r.id)

    assert await _version(r.id) == version + 1
    page = await round_page(await load_round(r.id))
    assert page.round.status == "closed"
    assert page.ranking == await rankings.compute_ranking(r.id)


async def test_a_write_that_rolls_back_leaves_the_cached_ranking_as_it_was(monkeypatch) -> None:
    r = await _made_round()
    await _score_all(r)
    before = await _served_is_fresh(r.id)
    stored = await RoundRanking.select().where(RoundRanking.round == r.id).first()

    async def failing(**_: Any) -> None:
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        await results.close_round(user=r.organiser, round_id=r.id)
    with pytest.raises(RuntimeError):
        await _submit(r, r.judges[0], "FlowCity", 10)
    current = await load_round(r.id)
    with pytest.raises(RuntimeError):
        await rounds.update_round(
            user=r.organiser, round_id=r.id, command=_round_in(current, normalisation=Normalisation.Z_SCORE)
        )

    assert (await load_round(r.id)).status == "open"
    assert await RoundRanking.select().where(RoundRanking.round == r.id).first() == stored
    assert (await _served_is_fresh(r.id)) == before


async def test_charts_are_drawn_again_after_a_startup_or_judge_is_renamed(logged_in) -> None:
    r = await _made_round()
    await _score_all(r)
    await results.close_round(user=r.organiser, round_id=r.id)  # the page shows its charts once closed
    organiser: WebClient = await logged_in(Role.ORGANISER)
    first = (await organiser.get(f"/organiser/rounds/{r.id}/")).text
    assert "AgroSense" in first.split("<figure>", 1)[1]

    # Renamed outside judging: no judging write, no new version.
    version = await _version(r.id)
    await Startup.update({Startup.name: "AgroVision"}).where(Startup.name == "AgroSense")
    await User.update({User.name: "Dr Renamed"}).where(User.id == r.judges[0].id)
    again = (await organiser.get(f"/organiser/rounds/{r.id}/")).text
    charts = again.split("<figure>", 1)[1]

    assert await _version(r.id) == version
    assert "AgroVision" in charts and "AgroSense" not in charts
    assert "Dr Renamed" in charts
    page = await round_page(await load_round(r.id))
    assert "AgroVision" in page.charts["ranking"] and "Dr Renamed" in page.charts["judges"]


@pytest.mark.parametrize("normalisation", ["judge_offset", "z_score"])
async def test_flags_and_lone_or_flat_judges_come_back_from_the_cache_as_computed(normalisation: str) -> None:
    """What the stored JSON must carry intact: flag messages, and the moments of a judge with one
    total or with all totals equal (no spread)."""
    r = await _made_round(judges=4, normalisation=normalisation)
    await _submit(r, r.judges[3], "AgroSense", 5)  # a lone total
    assert (await _served_is_fresh(r.id)) is not None
    for k, judge in enumerate(r.judges[:3]):
        for n, name in enumerate(ENTRIES):
            # Judge 0 gives 6 to all (flat); on BusBeat judge 1 is far from the others: flagged.
            await _submit(r, judge, name, 6 if k == 0 else 7 - n + (k == 1 and n == 3) * 6)
    ranking = await _served_is_fresh(r.id)
    assert any(s.flags for s in ranking.standings)
