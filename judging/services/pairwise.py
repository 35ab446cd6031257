"""Pairwise finals as in Gavel: a judge sees one project after another and says which was better.

Beliefs (CrowdBT) are never stored: they are replayed from the votes, so a vote is the only
state change that matters and is written once with its audit record. The next project is
the one with the largest expected information gain against the previous, as judging.rules
.pairwise chooses it, with a reproducible random draw per judge and vote count.
"""

from __future__ import annotations

import random
from typing import Any

from core import audit, db
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.rules import N_
from judging.enums import RoundMethod, RoundStatus
from judging.rules import pairwise as rules
from judging.services import profiles
from judging.services.assignments import conflicts_in
from judging.services.rounds import load_round
from judging.tables import PairwiseSeat, PairwiseVote, RoundApplication


async def _pairwise_round(user: CurrentUser, round_id: int) -> dict[str, Any]:
    round_ = await load_round(round_id)
    if round_["method"] != RoundMethod.PAIRWISE or not profiles.judges_in(user, round_["edition"]):
        raise PermissionDenied(N_("You do not judge in this round."))
    if round_["status"] != RoundStatus.OPEN:
        raise StateConflict(N_("This round is not open for judging."))
    return round_


async def _items(round_id: int) -> list[int]:
    rows = await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_id)
    return sorted(r["application"] for r in rows)


async def _votes(round_id: int) -> list[rules.Vote]:
    rows = await PairwiseVote.select().where(PairwiseVote.round == round_id).order_by(PairwiseVote.id)
    return [rules.Vote(r["judge"], r["winner"], r["loser"]) for r in rows]


async def _choose_next(round_: dict[str, Any], judge_id: int, previous: int | None, seen: list[int]) -> int | None:
    items = await _items(round_["id"])
    conflicted = {c.application_id for c in await conflicts_in(round_["edition"], items) if c.judge_id == judge_id}
    votes = await _votes(round_["id"])
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
    rng = random.Random(f"{round_['seed']}:{round_['id']}:{judge_id}:{len(seen)}")
    return rules.choose_next_item(
        judge=state.judges[judge_id],
        previous=state.items[previous] if previous else None,
        items=candidates,
        seen=set(seen) | {previous} - {None},
        rng=rng,
    )


async def seat(*, user: CurrentUser, round_id: int) -> dict[str, Any]:
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
    return row


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


async def standings(round_id: int) -> tuple[tuple[rules.ItemStanding, ...], int]:
    """The ranking with uncertainty (mu, sigma) and how many votes it rests on."""
    round_ = await load_round(round_id)
    if round_["method"] != RoundMethod.PAIRWISE:
        raise NotFound(N_("This round is not a pairwise round."))
    votes = await _votes(round_id)
    state = rules.replay_votes(votes, item_ids=await _items(round_id))
    return rules.rank_items(state.items), len(votes)
