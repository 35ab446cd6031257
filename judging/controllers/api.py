"""JSON API of judging: a judge's queue and score sheets, the organisers' ranking."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.i18n import gettext as _
from core.permissions import login_required, requires_role
from judging.enums import RoundMethod
from judging.queries import feedback as feedback_queries
from judging.queries import pairwise as pairwise_queries
from judging.queries import queue as queue_queries
from judging.queries import rankings
from judging.queries.rounds import load_round
from judging.records import SeatRow
from judging.schemas import (
    FeedbackOut,
    PairAnswerIn,
    PairConflictOut,
    PairOut,
    PairwiseStandingOut,
    ProjectOut,
    QueueItemOut,
    RankingOut,
    RoundFeedbackOut,
    ScoresIn,
    SheetIn,
    SheetOut,
    StandingOut,
)
from judging.services import pairwise, scoring

AnyRequest = Request[Any, Any, Any]


def _by_criterion(keyed: dict[str, Any]) -> dict[int, Any]:
    """The body's criterion ids; a key that is no id names no criterion of the rubric and is left out."""
    return {int(k): v for k, v in keyed.items() if k.isdigit() and str(int(k)) == k}


async def _pair(round_id: int, seat: SeatRow) -> PairOut:
    # Through the round, so a blind round's judges get the pseudonyms here as on the page.
    round_ = await load_round(round_id)
    shown = [await pairwise_queries.project(i, round_) for i in (seat.previous, seat.current)]
    previous, current = (msgspec.convert(p, ProjectOut, from_attributes=True) if p else None for p in shown)
    return PairOut(round_id=round_id, token=seat.token, previous=previous, current=current)


async def _pairwise_ranking(round_id: int) -> RankingOut:
    standings, _votes = await pairwise_queries.standings(round_id)
    _, names = await rankings.ranking(round_id)
    round_ = await load_round(round_id)
    rows = [
        PairwiseStandingOut(
            rank=s.rank,
            application_id=s.item_id,
            startup_name=names[s.item_id].startup_name,
            track=names[s.item_id].track,
            mu=s.mu,
            sigma=s.sigma,
            low=s.low,
            high=s.high,
            comparisons=s.comparisons,
            advanced=names[s.item_id].advanced,
        )
        for s in standings
        if s.item_id in names
    ]
    return RankingOut(
        round_id=round_id,
        normalisation="",
        standings=[],
        method=RoundMethod.PAIRWISE,
        min_comparisons=round_.min_comparisons,
        pairwise=rows,
    )


class JudgingApi(Controller):
    path = "/api/v1/judging"
    tags = ["judging"]

    @get(
        "/rounds/{round_id:int}/queue",
        guards=[requires_role(Role.JUDGE)],
        summary="My queue in a round: never other judges' scores",
    )
    async def queue(self, request: AnyRequest, round_id: FromPath[int]) -> list[QueueItemOut]:
        items = await queue_queries.queue(request.user, round_id)
        return msgspec.convert(items, list[QueueItemOut], from_attributes=True)

    @put(
        "/assignments/{assignment_id:int}/sheet",
        guards=[requires_role(Role.JUDGE)],
        summary="Save or submit my scores (`values` by criterion id); 403 if not mine, 409 once closed",
    )
    async def save_sheet(self, request: AnyRequest, assignment_id: FromPath[int], data: JSONBody[SheetIn]) -> SheetOut:
        command = ScoresIn(
            values=_by_criterion(data.values),
            comments={k: v.strip() for k, v in _by_criterion(data.comments).items() if v.strip()},
            submit=data.submit,
            private_comments=frozenset(data.organisers_only),
        )
        saved = await scoring.save_sheet(user=request.user, assignment_id=assignment_id, command=command)
        return SheetOut(status=saved.status, total=saved.total, version=saved.version)

    @get(
        "/rounds/{round_id:int}/ranking",
        guards=[requires_role(Role.ORGANISER)],
        summary="The round's ranking: raw and normalised means, spread and flags",
    )
    async def ranking(self, round_id: FromPath[int]) -> RankingOut:
        if (await load_round(round_id)).method == RoundMethod.PAIRWISE:
            return await _pairwise_ranking(round_id)
        ranking, names = await rankings.ranking(round_id)
        standings = [
            StandingOut(
                rank=s.rank,
                application_id=s.application_id,
                startup_name=names[s.application_id].startup_name,
                track=names[s.application_id].track,
                normalised_mean=s.normalised_mean,
                raw_mean=s.raw_mean,
                judges=s.judges,
                spread=s.spread,
                flags=[f.message.render(_) for f in s.flags],
                advanced=names[s.application_id].advanced,
            )
            for s in (ranking.standings if ranking else ())
        ]
        return RankingOut(
            round_id=round_id, normalisation=ranking.normalisation if ranking else "", standings=standings
        )

    @get(
        "/applications/{application_id:int}/feedback",
        guards=[login_required],
        summary="The judges' feedback to a team, per published round; 404 for anyone but its members and organisers",
    )
    async def feedback(self, request: AnyRequest, application_id: FromPath[int]) -> FeedbackOut:
        rounds = await feedback_queries.feedback_for(request.user, application_id)
        shown = [
            msgspec.convert(
                {
                    "round_id": r.round_id,
                    "round_name": r.round_name,
                    "scores_mode": r.scores_mode,
                    **msgspec.to_builtins({"scores": r.feedback.scores, "comments": r.feedback.comments}),
                },
                RoundFeedbackOut,
            )
            for r in rounds
        ]
        return FeedbackOut(application_id=application_id, rounds=shown)

    @get(
        "/rounds/{round_id:int}/pair",
        guards=[requires_role(Role.JUDGE)],
        summary="The pair in front of me in a pairwise round, with the token an answer must name",
    )
    async def pair(self, request: AnyRequest, round_id: FromPath[int]) -> PairOut:
        return await _pair(round_id, await pairwise.seat(user=request.user, round_id=round_id))

    @post(
        "/rounds/{round_id:int}/pair",
        guards=[requires_role(Role.JUDGE)],
        status_code=200,
        summary="Answer for the pair the token names; 409 with the current pair if it is not the one in front of me",
        responses={
            409: ResponseSpec(
                data_container=PairConflictOut,
                description="Not possible now; for a stale or unknown token, `current` is the pair to answer instead.",
                generate_examples=False,
            )
        },
    )
    async def answer_pair(self, request: AnyRequest, round_id: FromPath[int], data: JSONBody[PairAnswerIn]) -> PairOut:
        try:
            seat = await pairwise.answer(user=request.user, round_id=round_id, token=data.token, choice=data.choice)
        except pairwise.StalePair as stale:
            body = PairConflictOut(status_code=409, detail=_(stale.message), current=await _pair(round_id, stale.seat))
            # A Response passes through as it is: the annotation stays the 200 body the schema documents.
            return Response(content=body, status_code=409)  # type: ignore[return-value]
        return await _pair(round_id, seat)
