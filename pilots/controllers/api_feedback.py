"""JSON API of residents' feedback: leave it without an account, read it summed up."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from core.i18n import current_locale
from core.schemas import ApiError
from core.web import client_ip
from pilots.queries import feedback as queries
from pilots.records import PublicFeedback
from pilots.rules.feedback import RATINGS
from pilots.schemas import (
    FeedbackCommentOut,
    FeedbackCreatedOut,
    FeedbackIn,
    FeedbackMonthOut,
    FeedbackSummaryOut,
    RatingCountOut,
)
from pilots.services import feedback as services

AnyRequest = Request[Any, Any, Any]
TOO_MANY = ResponseSpec(
    data_container=ApiError,
    description="Too much feedback from this address lately; `Retry-After` says how many seconds to wait.",
    generate_examples=False,
)


def summary_out(pilot_id: int, entries: list[PublicFeedback]) -> FeedbackSummaryOut:
    summary = queries.summary_of(entries)
    return FeedbackSummaryOut(
        pilot_id=pilot_id,
        count=summary.count,
        mean=summary.mean,
        local_count=summary.local_count,
        distribution=[
            RatingCountOut(rating=rating, count=count)
            for rating, count in zip(RATINGS, summary.distribution, strict=True)
        ],
        months=[FeedbackMonthOut(month=m.month, count=m.count, mean=m.mean) for m in summary.months],
        comments=[
            FeedbackCommentOut(
                id=e.id, rating=e.rating, comment=e.comment, local=e.local, source=e.source, created_at=e.created_at
            )
            for e in entries
            if e.comment
        ],
    )


class FeedbackApi(Controller):
    path = "/api/v1/pilots/{pilot_id:int}/feedback"
    tags = ["pilots"]

    @get(
        "/",
        summary="Residents' feedback on a pilot, summed up, with the visible comments",
        description="Hidden entries count nowhere; comments never name a person. Draft pilots are not found.",
    )
    async def summary(self, pilot_id: FromPath[int]) -> FeedbackSummaryOut:
        await queries.public_pilot(pilot_id)
        return summary_out(pilot_id, await queries.visible_feedback(pilot_id))

    @post(
        "/",
        summary="Leave feedback on a pilot (no account needed)",
        description="A rating from 1 to 5, an optional comment and whether you live or work there. "
        "Limited per client address; shown at once unless moderators hide it.",
        responses={429: TOO_MANY},
    )
    async def leave(
        self, request: AnyRequest, pilot_id: FromPath[int], data: JSONBody[FeedbackIn]
    ) -> FeedbackCreatedOut:
        feedback_id = await services.leave_feedback(
            pilot_id=pilot_id, feedback=data, address=client_ip(request), language=current_locale()
        )
        return FeedbackCreatedOut(id=feedback_id, pilot_id=pilot_id)
