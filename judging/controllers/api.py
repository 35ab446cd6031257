"""JSON API of judging: a judge's queue and score sheets, the organisers' ranking."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.i18n import gettext as _
from core.permissions import login_required, requires_role
from judging.queries import feedback as feedback_queries
from judging.queries import queue as queue_queries
from judging.queries import rankings
from judging.schemas import (
    FeedbackOut,
    QueueItemOut,
    RankingOut,
    RoundFeedbackOut,
    ScoresIn,
    SheetIn,
    SheetOut,
    StandingOut,
)
from judging.services import scoring

AnyRequest = Request[Any, Any, Any]


def _by_criterion(keyed: dict[str, Any]) -> dict[int, Any]:
    """The body's criterion ids; a key that is no id names no criterion of the rubric and is left out."""
    return {int(k): v for k, v in keyed.items() if k.isdigit() and str(int(k)) == k}


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
