"""Pairwise finals as they stand: the votes, the projects in play and the ranking replayed from the votes."""

from __future__ import annotations

from datetime import datetime

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
    """The decisive votes in the order cast ("can't tell" answers teach CrowdBT nothing)."""
    rows = (
        await PairwiseVote.select()
        .where(PairwiseVote.round == round_id, PairwiseVote.outcome == "win")
        .order_by(PairwiseVote.id)
    )
    return [rules.Vote(r["judge"], r["winner"], r["loser"]) for r in rows]


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """One answer of a judge to a pair: a vote, or "can't tell" (`tie`)."""

    judge: int
    judge_name: str
    winner: int
    loser: int
    tie: bool
    created_at: datetime


async def answers(round_id: int) -> list[Answer]:
    rows = (
        await PairwiseVote.select(
            PairwiseVote.judge,
            PairwiseVote.judge.name.as_alias("judge_name"),
            PairwiseVote.winner,
            PairwiseVote.loser,
            PairwiseVote.outcome,
            PairwiseVote.created_at,
        )
        .where(PairwiseVote.round == round_id)
        .order_by(PairwiseVote.id)
    )
    return [
        Answer(
            judge=r["judge"],
            judge_name=r["judge_name"],
            winner=r["winner"],
            loser=r["loser"],
            tie=r["outcome"] == "tie",
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def standings(round_id: int) -> tuple[tuple[rules.ItemStanding, ...], int]:
    """The ranking with uncertainty (mu, sigma) and how many votes it rests on; projects with
    fewer than the round's minimum of comparisons come last, without a rank."""
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE:
        raise NotFound(N_("This round is not a pairwise round."))
    cast = await votes(round_id)
    state = rules.replay_votes(cast, item_ids=await items(round_id))
    counts = rules.comparisons_of(cast)
    return rules.rank_items(state.items, comparisons=counts, minimum=round_.min_comparisons), len(cast)


class JudgeActivity(msgspec.Struct, frozen=True, kw_only=True):
    judge_id: int
    name: str
    votes: int
    ties: int
    reliability: float
    low: bool


class PairwiseOverview(msgspec.Struct, frozen=True, kw_only=True):
    """What the organiser watches while a final runs: views per team, each judge's answers, splits."""

    # Answers (votes and "can't tell") each project took part in.
    views: dict[int, int]
    judges: list[JudgeActivity]
    splits: list[rules.SplitPair]
    ties: int


async def overview(round_id: int) -> PairwiseOverview:
    given = await answers(round_id)
    decisive = [rules.Vote(a.judge, a.winner, a.loser) for a in given if not a.tie]
    views: dict[int, int] = {item: 0 for item in await items(round_id)}
    names: dict[int, str] = {}
    counts: dict[int, list[int]] = {}
    for a in given:
        views[a.winner] = views.get(a.winner, 0) + 1
        views[a.loser] = views.get(a.loser, 0) + 1
        names[a.judge] = a.judge_name
        counts.setdefault(a.judge, [0, 0])[1 if a.tie else 0] += 1
    state = rules.replay_votes(decisive, item_ids=views, judge_ids=names)
    judges = [
        JudgeActivity(
            judge_id=judge,
            name=names[judge],
            votes=counts[judge][0],
            ties=counts[judge][1],
            reliability=state.judges[judge].reliability,
            low=state.judges[judge].reliability < rules.LOW_RELIABILITY,
        )
        for judge in sorted(names, key=lambda j: names[j].lower())
    ]
    return PairwiseOverview(
        views=views, judges=judges, splits=list(rules.split_pairs(decisive)), ties=sum(a.tie for a in given)
    )


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


async def startup_names(round_id: int) -> dict[int, str]:
    """Each project's startup name, by application id."""
    rows = await RoundApplication.select(
        RoundApplication.application, RoundApplication.application._.startup._.name.as_alias("name")
    ).where(RoundApplication.round == round_id)
    return {r["application"]: r["name"] for r in rows}


class Projector(msgspec.Struct, frozen=True, kw_only=True):
    """The room's view of a pairwise final: the ranking only once an organiser released it."""

    round_id: int
    name: str
    released: bool
    minimum: int
    votes: int
    standings: tuple[rules.ItemStanding, ...]
    names: dict[int, str]


async def projector(round_id: int) -> Projector:
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.PAIRWISE:
        raise NotFound(N_("This round is not a pairwise round."))
    if not round_.projector_released:
        return Projector(
            round_id=round_id,
            name=round_.name,
            released=False,
            minimum=round_.min_comparisons,
            votes=0,
            standings=(),
            names={},
        )
    shown, cast = await standings(round_id)
    return Projector(
        round_id=round_id,
        name=round_.name,
        released=True,
        minimum=round_.min_comparisons,
        votes=cast,
        standings=shown,
        names=await startup_names(round_id),
    )
