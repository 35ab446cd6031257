"""JSON API of judging: a judge's queue and score sheets, the organisers' ranking."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.i18n import gettext as _
from core.permissions import requires_role
from core.schemas import JsonInput
from judging.services import results, scoring

AnyRequest = Request[Any, Any, Any]


class QueueItemOut(msgspec.Struct):
    id: int
    application: int
    startup_name: str
    track: str
    sheet_status: str | None
    total: float | None


class SheetIn(JsonInput):
    values: dict[str, int]
    comments: dict[str, str] = msgspec.field(default_factory=dict)
    submit: bool = False


class SheetOut(msgspec.Struct):
    status: str
    total: float | None
    version: int


class StandingOut(msgspec.Struct):
    rank: int
    application_id: int
    startup_name: str
    track: str
    normalised_mean: float
    raw_mean: float
    judges: int
    spread: float
    flags: list[str]
    advanced: bool


class RankingOut(msgspec.Struct):
    round_id: int
    normalisation: str
    standings: list[StandingOut]


class JudgingApi(Controller):
    path = "/api/v1/judging"
    tags = ["judging"]

    @get(
        "/rounds/{round_id:int}/queue",
        guards=[requires_role(Role.JUDGE)],
        summary="My queue in a round: never other judges' scores",
    )
    async def queue(self, request: AnyRequest, round_id: FromPath[int]) -> list[QueueItemOut]:
        return msgspec.convert(await scoring.queue(request.user, round_id), list[QueueItemOut], strict=False)

    @put(
        "/assignments/{assignment_id:int}/sheet",
        guards=[requires_role(Role.JUDGE)],
        summary="Save or submit my scores (`values` by criterion id); 403 if not mine, 409 once closed",
    )
    async def save_sheet(self, request: AnyRequest, assignment_id: FromPath[int], data: JSONBody[SheetIn]) -> SheetOut:
        form: dict[str, Any] = {f"c{k}": str(v) for k, v in data.values.items()}
        form |= {f"c{k}_comment": v for k, v in data.comments.items()}
        saved = await scoring.save_sheet(user=request.user, assignment_id=assignment_id, data=form, submit=data.submit)
        return SheetOut(**saved)

    @get(
        "/rounds/{round_id:int}/ranking",
        guards=[requires_role(Role.ORGANISER)],
        summary="The round's ranking: raw and normalised means, spread and flags",
    )
    async def ranking(self, round_id: FromPath[int]) -> RankingOut:
        ranking, names = await results.ranking(round_id)
        standings = [
            StandingOut(
                rank=s.rank,
                application_id=s.application_id,
                startup_name=names[s.application_id]["startup_name"],
                track=names[s.application_id]["track"],
                normalised_mean=s.normalised_mean,
                raw_mean=s.raw_mean,
                judges=s.judges,
                spread=s.spread,
                flags=[f.message.render(_) for f in s.flags],
                advanced=names[s.application_id]["advanced"],
            )
            for s in (ranking.standings if ranking else ())
        ]
        return RankingOut(
            round_id=round_id, normalisation=ranking.normalisation if ranking else "", standings=standings
        )
