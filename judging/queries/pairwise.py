"""Pairwise finals as they stand: the votes, the projects in play and the ranking replayed from the votes."""

from __future__ import annotations

import msgspec

from challenge.services import applications as challenge_applications
from challenge.tables import Startup
from core.errors import NotFound
from core.rules import N_
from judging.enums import RoundMethod
from judging.queries.rounds import load_round
from judging.rules import pairwise as rules
from judging.tables import PairwiseVote, RoundApplication


class Project(msgspec.Struct, frozen=True, kw_only=True):
    """A project as a pairwise judge sees it."""

    id: int
    startup_name: str
    city: str
    track: str
    solution: str


async def items(round_id: int) -> list[int]:
    rows = await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_id)
    return sorted(r["application"] for r in rows)


async def votes(round_id: int) -> list[rules.Vote]:
    rows = await PairwiseVote.select().where(PairwiseVote.round == round_id).order_by(PairwiseVote.id)
    return [rules.Vote(r["judge"], r["winner"], r["loser"]) for r in rows]


async def standings(round_id: int) -> tuple[tuple[rules.ItemStanding, ...], int]:
    """The ranking with uncertainty (mu, sigma) and how many votes it rests on."""
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE:
        raise NotFound(N_("This round is not a pairwise round."))
    cast = await votes(round_id)
    state = rules.replay_votes(cast, item_ids=await items(round_id))
    return rules.rank_items(state.items), len(cast)


async def project(application_id: int | None) -> Project | None:
    if application_id is None:
        return None
    application = await challenge_applications.load_application(application_id)
    startup = await Startup.select(Startup.name, Startup.city).where(Startup.id == application.startup).first()
    assert startup is not None  # an application's startup is a required foreign key
    return Project(
        id=application.id,
        startup_name=startup["name"],
        city=startup["city"],
        track=application.track,
        solution=application.solution,
    )
