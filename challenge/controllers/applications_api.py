"""JSON API of applications: a startup's own (read and write while allowed), the organisers' list."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from challenge.enums import ApplicationStatus
from challenge.queries import applications as application_queries
from challenge.queries import screening
from challenge.rules.applications import missing_parts
from challenge.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    ApplicationRowOut,
    StatusChangeIn,
    StatusChangeOut,
)
from challenge.services import applications, teams
from challenge.services.questions import answer_problems, stored_answers
from core.enums import Role
from core.errors import ValidationFailed
from core.i18n import gettext as _
from core.permissions import login_required, requires_role
from core.rules import N_

AnyRequest = Request[Any, Any, Any]


async def application_out(request: AnyRequest, application_id: int, *, overwrote: bool = False) -> ApplicationOut:
    application = await applications.load_application(application_id)
    await applications.ensure_member(request.user, application.startup)
    questions = await applications.load_questions(application.edition)
    missing = missing_parts(await applications.content_of(application), questions)
    timeline = await screening.timeline(application_id)
    return msgspec.convert(
        {
            **msgspec.structs.asdict(application),
            "problems": [p.problem_id for p in await screening.problems_of(application_id)],
            "missing": {
                **{name: _(message) for name, message in missing.items()},
                **await answer_problems(application.id, application.track, application.edition, submission=True),
            }
            if application.status == ApplicationStatus.DRAFT
            else {},
            "timeline": [msgspec.structs.asdict(event) for event in timeline],
            "overwrote_newer_save": overwrote,
            "question_answers": {
                str(question_id): row["value"] for question_id, row in (await stored_answers(application_id)).items()
            },
        },
        ApplicationOut,
        strict=False,
    )


class StartupApplicationsApi(Controller):
    path = "/api/v1/startup/applications"
    tags = ["applications"]
    guards = [login_required]

    @get("/", summary="The applications of every startup the caller belongs to")
    async def mine(self, request: AnyRequest) -> list[ApplicationOut]:
        out = []
        for startup in await teams.startups_of_user(request.user.id):
            for row in await application_queries.applications_of_startup(startup.id, edition_id=startup.edition_id):
                out.append(await application_out(request, row.id))
        return out

    @post("/", summary="Start a draft (needs `edition_id` and `track`); 409 if the track has one already")
    async def create(self, request: AnyRequest, data: JSONBody[ApplicationIn]) -> ApplicationOut:
        if data.edition_id is None:
            raise ValidationFailed({"edition_id": N_("Required.")})
        saved = await applications.save_application(user=request.user, edition_id=data.edition_id, application=data)
        return await application_out(request, saved.application_id)

    @get("/{application_id:int}", summary="One application with what is missing and its status history")
    async def read(self, request: AnyRequest, application_id: FromPath[int]) -> ApplicationOut:
        return await application_out(request, application_id)

    @put("/{application_id:int}", summary="Replace a draft's content (409 once submitted)")
    async def update(
        self, request: AnyRequest, application_id: FromPath[int], data: JSONBody[ApplicationIn]
    ) -> ApplicationOut:
        application = await applications.load_application(application_id)
        await applications.ensure_member(request.user, application.startup)
        saved = await applications.save_application(
            user=request.user, edition_id=application.edition, application=data, application_id=application_id
        )
        return await application_out(request, application_id, overwrote=saved.overwrote_newer)

    @post("/{application_id:int}/submit", summary="Submit (409 after the deadline, 422 listing what is missing)")
    async def submit(self, request: AnyRequest, application_id: FromPath[int]) -> ApplicationOut:
        await applications.submit_application(user=request.user, application_id=application_id)
        return await application_out(request, application_id)

    @post("/{application_id:int}/withdraw", summary="Withdraw (until screening)")
    async def withdraw(self, request: AnyRequest, application_id: FromPath[int]) -> ApplicationOut:
        await applications.withdraw_application(user=request.user, application_id=application_id)
        return await application_out(request, application_id)


class OrganiserApplicationsApi(Controller):
    path = "/api/v1/organiser/applications"
    tags = ["applications"]
    guards = [requires_role(Role.ORGANISER)]

    @get("/", summary="An edition's applications, filtered and sorted, 50 per page (drafts only when asked)")
    async def list_applications(
        self,
        request: AnyRequest,
        edition_id: FromQuery[int],
        page_number: FromQuery[int] = 1,
        q: FromQuery[str] = "",
        track: FromQuery[str] = "",
        status: FromQuery[str] = "",
        problem: FromQuery[int | None] = None,
        municipality: FromQuery[int | None] = None,
        region: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        stage: FromQuery[str] = "",
        country: FromQuery[str] = "",
        sort: FromQuery[str] = "submitted",
    ) -> ApplicationPageOut:
        filters = screening.ScreeningFilters.from_query(dict(request.query_params))
        result = await screening.applications(edition_id=edition_id, filters=filters, page=page_number)
        return ApplicationPageOut(
            rows=[
                msgspec.convert(
                    {**msgspec.structs.asdict(row), "problems": [p.problem_id for p in row.problems]},
                    ApplicationRowOut,
                    strict=False,
                )
                for row in result.rows
            ],
            page=result.page,
            has_next=result.has_next,
            total=result.total,
        )

    @post("/status", summary="Move applications to a status and mail each team the message")
    async def change_status(self, request: AnyRequest, data: JSONBody[StatusChangeIn]) -> StatusChangeOut:
        result = await applications.change_status(
            user=request.user, application_ids=data.ids, status=data.status, message=data.message
        )
        return StatusChangeOut(moved=result.moved, skipped=result.skipped)
