"""A judge's queue page: each of their sheets' state from one joined query, nobody else's."""

from __future__ import annotations

from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound
from judging.enums import ScoreStatus
from judging.queries import queue
from judging.schemas import ScoresIn
from judging.services import scoring
from judging.tables import Round
from tests.integration.judging.test_ranking_cache import ENTRIES, _made_round


async def test_the_queue_shows_each_of_the_judges_sheets_and_no_one_elses(logged_in) -> None:
    r = await _made_round(judges=2)
    me, other = r.judges
    await scoring.save_sheet(
        user=me,
        assignment_id=r.assignment[(me.id, r.apps["AgroSense"])],
        command=ScoresIn(values={r.criterion: 7}, submit=True),
    )
    await scoring.save_sheet(
        user=me, assignment_id=r.assignment[(me.id, r.apps["ParkPulse"])], command=ScoresIn(values={r.criterion: 3})
    )
    for name in ENTRIES:  # the other judge submits everything: none of it is in my queue
        await scoring.save_sheet(
            user=other,
            assignment_id=r.assignment[(other.id, r.apps[name])],
            command=ScoresIn(values={r.criterion: 9}, submit=True),
        )

    page = await queue.queue_page(me, r.id, now=utc_now())
    states = {item.startup_name: (item.sheet_status, item.total) for item in page.items}

    assert states == {
        "AgroSense": (ScoreStatus.SUBMITTED, 7.0),
        "ParkPulse": (ScoreStatus.DRAFT, 3.0),  # a complete draft has its total
        "FlowCity": (None, None),
        "BusBeat": (None, None),
    }
    assert [item.startup_name for item in page.items][-1] == "AgroSense"  # submitted last
    assert page.submitted == 1 and page.timezone == "Europe/Belgrade" and page.round.id == r.id
    assert [item.id for item in await queue.queue(me, r.id)] == [item.id for item in page.items]

    client = await logged_in(Role.JUDGE, edition_id=r.edition)
    assert (await client.get(f"/judge/rounds/{r.id}")).status_code == 404  # nothing to score
    assert (await client.get(f"/judge/rounds/{r.id + 1000}")).status_code == 404
    await Round.update({Round.method: "pairwise"}).where(Round.id == r.id)
    try:
        await queue.queue_page(me, r.id, now=utc_now())
    except NotFound as refused:
        assert str(refused) == queue.NOTHING_TO_SCORE
    else:
        raise AssertionError("a pairwise round has no queue of sheets")
