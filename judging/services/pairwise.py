"""Pairwise finals as in Gavel: a judge sees one project after another and says which was better.

Beliefs (CrowdBT) are never stored: they are replayed from the votes, so a vote is the only
state change that matters and is written once with its audit record. The next project is
the one with the largest expected information gain against the previous, as judging.rules
.pairwise chooses it, with a reproducible random draw per judge and vote count.
"""

from __future__ import annotations

import random

import msgspec

from core import audit, db
from core.auth import CurrentUser
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.rules import N_
from judging.enums import RoundMethod, RoundStatus
from judging.queries.judges import conflicts_in
from judging.queries.pairwise import items as _items
from judging.queries.pairwise import votes as _votes
from judging.queries.rounds import load_round
from judging.records import RoundRow, SeatRow
from judging.rules import pairwise as rules
from judging.services.visibility import judges_in
from judging.tables import PairwiseSeat, PairwiseVote


async def _pairwise_round(user: CurrentUser, round_id: int) -> RoundRow:
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE or not judges_in(user, round_.edition):
        raise PermissionDenied(N_("You do not judge in this round."))
    if round_.status != RoundStatus.OPEN:
        raise StateConflict(N_("This round is not open for judging."))
    return round_


async def _choose_next(round_: RoundRow, judge_id: int, previous: int | None, seen: list[int]) -> int | None:
    items = await _items(round_.id)
    conflicted = {c.application_id for c in await conflicts_in(round_.edition, items) if c.judge_id == judge_id}
    votes = await _votes(round_.id)
    state = rules.replay_votes(votes, item_ids=items, judge_ids=[judge_id])
    views: dict[int, int] = {}
    for vote in votes:
        for item in (vote.winner_id, vote.loser_id):
            views[item] = views.get(item, 0) + 1
    candidates = [
        rules.ItemState(item_id=item, belief=state.items[item], views=views.get(item, 0))
        for item in items
        if item not in conflicted
    ]
    # Reproducible: the same judge at the same point of the round draws the same project.
    rng = random.Random(f"{round_.seed}:{round_.id}:{judge_id}:{len(seen)}")
    return rules.choose_next_item(
        judge=state.judges[judge_id],
        previous=state.items[previous] if previous else None,
        items=candidates,
        seen=set(seen) | ({previous} if previous is not None else set()),
        rng=rng,
    )


async def seat(*, user: CurrentUser, round_id: int) -> SeatRow:
    """The judge's place in the round, created with a first project on the first visit."""
    round_ = await _pairwise_round(user, round_id)
    key = f"{round_id}:{user.id}"
    async with db.transaction():
        await PairwiseSeat.insert(PairwiseSeat(round=round_id, judge=user.id, key=key)).on_conflict(
            target=PairwiseSeat.key, action="DO NOTHING"
        )
        row = await db.locked(PairwiseSeat.select().where(PairwiseSeat.key == key)).first().output(load_json=True)
        if row["current"] is None and not row["seen"]:
            first = await _choose_next(round_, user.id, None, [])
            await PairwiseSeat.update({PairwiseSeat.current: first}).where(PairwiseSeat.id == row["id"])
            row["current"] = first
    return msgspec.convert(row, SeatRow)


async def advance(*, user: CurrentUser, round_id: int, choice: str) -> None:
    """`choice`: "current" or "previous" (which was better), "next" after the first project, "skip"."""
    if choice not in ("current", "previous", "next", "skip"):
        raise ValidationFailed({"choice": N_("Choose one of the options.")})
    round_ = await _pairwise_round(user, round_id)
    async with db.transaction():
        row = (
            await db.locked(PairwiseSeat.select().where(PairwiseSeat.key == f"{round_id}:{user.id}"))
            .first()
            .output(load_json=True)
        )
        if row is None or row["current"] is None:
            raise StateConflict(N_("There is no project in front of you; reload the page."))
        current, previous, seen = row["current"], row["previous"], list(row["seen"])
        if choice in ("current", "previous"):
            if previous is None:
                raise StateConflict(N_("Compare needs two projects: look at the next one first."))
            winner, loser = (current, previous) if choice == "current" else (previous, current)
            vote_id = (
                await PairwiseVote.insert(
                    PairwiseVote(round=round_id, judge=user.id, winner=winner, loser=loser)
                ).returning(PairwiseVote.id)
            )[0]["id"]
            await audit.record(
                actor_id=user.id,
                action="pairwise.voted",
                entity="round",
                entity_id=round_id,
                after={"vote": vote_id, "winner": winner, "loser": loser},
            )
        seen.append(current)
        new_previous = previous if choice == "skip" else current
        upcoming = await _choose_next(round_, user.id, new_previous, seen)
        await PairwiseSeat.update(
            {PairwiseSeat.previous: new_previous, PairwiseSeat.current: upcoming, PairwiseSeat.seen: seen}
        ).where(PairwiseSeat.id == row["id"])
