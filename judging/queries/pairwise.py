"""Pairwise finals as they stand: the votes, the projects in play and the ranking replayed from the votes."""

from __future__ import annotations

import msgspec

from challenge.services import applications as challenge_applications
from challenge.tables import Startup
from core.errors import NotFound
from core.rules import N_
from judging.enums import RoundMethod
from judging.queries import blind
from judging.queries.rounds import load_round
from judging.records import RoundRow
from judging.rules import pairwise as rules
from judging.tables import PairwiseVote, RoundApplication


class Project(msgspec.Struct, frozen=True, kw_only=True):
    """A project as a pairwise judge sees it."""

    id: int
    startup_name: str
    city: str
    track: str
    solution: str
    # In a blind round: `startup_name` is the pseudonym, and these fields are hidden (left empty).
    hidden: list[str] = msgspec.field(default_factory=list)


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


async def project(application_id: int | None, round_: RoundRow | None = None) -> Project | None:
    """The project as the judges of `round_` see it (a blind round's pseudonym and redactions)."""
    if application_id is None:
        return None
    application = await challenge_applications.load_application(application_id)
    startup = await Startup.select(Startup.name, Startup.city).where(Startup.id == application.startup).first()
    assert startup is not None  # an application's startup is a required foreign key
    if round_ is not None and round_.blind:
        texts = {"solution": application.solution, "city": startup["city"]}
        shown = await blind.shown_texts(round_, application.id, texts)
        return Project(
            id=application.id,
            startup_name=(await blind.entry_names(round_, [application.id]))[application.id],
            city=shown["city"].text,
            track=application.track,
            solution=shown["solution"].text,
            hidden=[name for name, field in shown.items() if field.hidden],
        )
    return Project(
        id=application.id,
        startup_name=startup["name"],
        city=startup["city"],
        track=application.track,
        solution=application.solution,
    )
