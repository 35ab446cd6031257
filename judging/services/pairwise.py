"""Pairwise finals as in Gavel: a judge sees one project after another and says which was better.

Beliefs (CrowdBT) are never stored: they are replayed from the votes, so an answer is the only
state change that matters and is written once with its audit record. A judge may see a project
again (a small final would otherwise run out of comparisons); the next one is chosen by
judging.rules.pairwise.choose_next_project, balanced so every project reaches the round's
minimum of comparisons, with a reproducible random draw per judge and answer count.

Every page shows a single-use token for the pair it shows, and an answer names it: a stale tab
or a second click cannot answer for a pair nobody is looking at. The seat row is locked for the
whole answer (SELECT ... FOR UPDATE on PostgreSQL, an immediate transaction on SQLite).
"""

from __future__ import annotations

import random
import secrets
from typing import Any

import msgspec

from core import audit, db
from core.auth import CurrentUser
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.rules import N_
from core.scopes import require_organiser
from judging.enums import RoundMethod, RoundStatus
from judging.queries.judges import conflicts_in
from judging.queries.pairwise import items as _items
from judging.queries.pairwise import votes as _votes
from judging.queries.rounds import load_round
from judging.records import RoundRow, SeatRow
from judging.rules import pairwise as rules
from judging.services.visibility import judges_in
from judging.tables import PairwiseSeat, PairwiseVote, Round

# "previous" / "current": which of the two was better; "tie": the judge cannot tell (no vote,
# both stay in play); "next": done with the first project; "skip": could not see this one.
CHOICES = ("previous", "current", "tie", "next", "skip")
STALE_PAIR = N_(
    "This answer was for a pair that is no longer in front of you (another tab or window moved on). "
    "Nothing was recorded; here is the pair to compare now."
)
NOTHING_IN_FRONT = N_("There is no project in front of you; reload the page.")


class StalePair(StateConflict):
    """An answer named a token that is not the one of the pair in front of the judge."""

    def __init__(self, seat: SeatRow) -> None:
        super().__init__(STALE_PAIR)
        self.seat = seat


async def _pairwise_round(user: CurrentUser, round_id: int) -> RoundRow:
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE or not judges_in(user, round_.edition):
        raise PermissionDenied(N_("You do not judge in this round."))
    if round_.status != RoundStatus.OPEN:
        raise StateConflict(N_("This round is not open for judging."))
    return round_


async def _choose_next(round_: RoundRow, judge_id: int, previous: int | None, avoid: set[int], turn: int) -> int | None:
    items = await _items(round_.id)
    conflicted = {c.application_id for c in await conflicts_in(round_.edition, items) if c.judge_id == judge_id}
    votes = await _votes(round_.id)
    state = rules.replay_votes(votes, item_ids=items, judge_ids=[judge_id])
    # Reproducible: the same judge at the same point of the round draws the same project.
    rng = random.Random(f"{round_.seed}:{round_.id}:{judge_id}:{turn}")
    return rules.choose_next_project(
        judge=state.judges[judge_id],
        previous=previous if previous in state.items else None,
        beliefs=state.items,
        comparisons=rules.comparisons_of(votes),
        available=[item for item in items if item not in conflicted],
        avoid=avoid,
        minimum=round_.min_comparisons,
        rng=rng,
    )


def _key(round_id: int, judge_id: int) -> str:
    return f"{round_id}:{judge_id}"


async def _locked_seat(round_id: int, judge_id: int) -> dict[str, Any] | None:
    query = PairwiseSeat.select().where(PairwiseSeat.key == _key(round_id, judge_id))
    row: dict[str, Any] | None = await db.locked(query).first().output(load_json=True)
    return row


async def seat(*, user: CurrentUser, round_id: int) -> SeatRow:
    """The judge's place in the round with the pair they are shown and its token.

    Created on the first visit; a seat with no project in front of it (a new one, or one that
    ran out before projects could be seen again) is given one.
    """
    round_ = await _pairwise_round(user, round_id)
    async with db.transaction():
        await PairwiseSeat.insert(PairwiseSeat(round=round_id, judge=user.id, key=_key(round_id, user.id))).on_conflict(
            target=PairwiseSeat.key, action="DO NOTHING"
        )
        row = await _locked_seat(round_id, user.id)
        assert row is not None  # inserted just above, or already there
        if row["current"] is None or not row["token"]:
            if row["current"] is None:
                row["current"] = await _choose_next(round_, user.id, row["previous"], set(), len(row["seen"]))
            row["token"] = secrets.token_urlsafe(16)
            await PairwiseSeat.update({PairwiseSeat.current: row["current"], PairwiseSeat.token: row["token"]}).where(
                PairwiseSeat.id == row["id"]
            )
    return msgspec.convert(row, SeatRow)


async def answer(*, user: CurrentUser, round_id: int, token: str, choice: str) -> SeatRow:
    """Answer for the pair the token names; the seat as it stands after the answer.

    The token must be the current one (else `StalePair`, a 409 naming the pair now in front of
    the judge); the same answer with the token just used is a repeat and changes nothing.
    """
    if choice not in CHOICES:
        raise ValidationFailed({"choice": N_("Choose one of the options.")})
    round_ = await _pairwise_round(user, round_id)
    async with db.transaction():
        row = await _locked_seat(round_id, user.id)
        if row is None:
            raise StateConflict(NOTHING_IN_FRONT)
        if token and token == row["last_token"] and choice == row["last_choice"]:
            return msgspec.convert(row, SeatRow)
        if not token or token != row["token"]:
            raise StalePair(msgspec.convert(row, SeatRow))
        current, previous, seen = row["current"], row["previous"], list(row["seen"])
        if current is None:
            raise StateConflict(NOTHING_IN_FRONT)
        if (choice == "next") != (previous is None) and choice != "skip":
            # "next" is the answer to a first project, a comparison the answer to a pair.
            raise ValidationFailed({"choice": N_("Choose one of the options.")})
        if choice in ("previous", "current", "tie"):
            assert previous is not None
            winner, loser = (previous, current) if choice == "previous" else (current, previous)
            vote_id = (
                await PairwiseVote.insert(
                    PairwiseVote(
                        round=round_id,
                        judge=user.id,
                        winner=winner,
                        loser=loser,
                        outcome="tie" if choice == "tie" else "win",
                    )
                ).returning(PairwiseVote.id)
            )[0]["id"]
            await audit.record(
                actor_id=user.id,
                action="pairwise.undecided" if choice == "tie" else "pairwise.voted",
                entity="round",
                entity_id=round_id,
                after={
                    "vote": vote_id,
                    "winner": winner,
                    "loser": loser,
                    "outcome": "tie" if choice == "tie" else "win",
                },
            )
        if choice == "skip":
            # Not seen: the previous project stays in front of the judge, beside another one.
            new_previous, avoid = previous, {current}
        else:
            seen.append(current)
            new_previous, avoid = current, ({previous} if previous is not None else set())
        upcoming = await _choose_next(round_, user.id, new_previous, avoid, len(seen) + (choice == "skip"))
        updated = {
            "previous": new_previous,
            "current": upcoming,
            "seen": seen,
            "token": secrets.token_urlsafe(16),
            "last_token": token,
            "last_choice": choice,
        }
        await PairwiseSeat.update({getattr(PairwiseSeat, name): value for name, value in updated.items()}).where(
            PairwiseSeat.id == row["id"]
        )
    return msgspec.convert({**row, **updated}, SeatRow)


async def release_projector(*, user: CurrentUser, round_id: int, released: bool) -> None:
    """Show (or stop showing) the live ranking of a pairwise round on its projector page."""
    require_organiser(user, N_("Only organisers release the projector view."))
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE:
        raise StateConflict(N_("Only a pairwise round has a projector view."))
    async with db.transaction():
        await Round.update({Round.projector_released: released}).where(Round.id == round_id)
        await audit.record(
            actor_id=user.id,
            action="round.projector_released" if released else "round.projector_withdrawn",
            entity="round",
            entity_id=round_id,
            before={"projector_released": round_.projector_released},
            after={"projector_released": released},
        )
