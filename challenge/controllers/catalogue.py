"""The public catalogue of problems and residents' voice (endorsements, comments): pages and API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from challenge.controllers.api import STAFF_OR_ORGANISER, staff_problem_out
from challenge.enums import SettlementKind, Track
from challenge.queries import catalogue
from challenge.queries import editions as edition_queries
from challenge.rules.sdgs import SDGS
from challenge.schemas import (
    AttachmentOut,
    CommentOut,
    EndorsementOut,
    MunicipalityOut,
    NewProblemIn,
    ProblemIn,
    ProblemOut,
    ProblemPageOut,
    ProblemSummaryOut,
    ReviewIn,
    StaffProblemOut,
)
from challenge.services import problems, voice
from challenge.services.editions import edition_state
from core import pagecache
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.permissions import current_user, login_required, requires_role
from core.sessions import flash
from core.web import page

AnyRequest = Request[Any, Any, Any]
DETAIL = "challenge/catalogue/detail.html"
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, description="Page of 20 results, from 1")]


STATEMENT_FIELDS = tuple(
    name
    for name in ProblemOut.__struct_fields__
    if name not in {"edition_id", "municipality", "attachments", "comments"}
)


def problem_summary_out(row: catalogue.ListedProblem) -> ProblemSummaryOut:
    return ProblemSummaryOut(
        id=row.id,
        title=row.title,
        summary=row.summary,
        track=row.track,
        sdgs=row.sdgs,
        endorsement_count=row.endorsement_count,
        published_at=row.published_at,
        municipality=MunicipalityOut(
            id=row.municipality_id, name=row.municipality_name, region=row.region, kind=row.kind
        ),
        url=f"/api/v1/problems/{row.id}",
    )


def problem_page_out(result: catalogue.ProblemPage) -> ProblemPageOut:
    return ProblemPageOut(
        items=[problem_summary_out(row) for row in result.rows], page=result.page, has_next=result.has_next
    )


def _problem_out(detail: catalogue.ProblemDetail) -> ProblemOut:
    problem = detail.problem
    return ProblemOut(
        **{name: getattr(problem, name) for name in STATEMENT_FIELDS},
        edition_id=problem.edition,
        municipality=MunicipalityOut(
            id=problem.municipality, name=problem.municipality_name, region=problem.region, kind=problem.kind
        ),
        attachments=[
            AttachmentOut(id=a.id, name=a.original_name, content_type=a.content_type, size=a.size, url=f"/files/{a.id}")
            for a in detail.attachments
        ],
        comments=[
            CommentOut(id=c.id, author=c.author_name, body=c.body, created_at=c.created_at) for c in detail.comments
        ],
    )


async def _problem_context(request: AnyRequest, problem_id: int) -> dict[str, Any]:
    """Everything the problem page shows; also what a refused comment or hide form is shown with."""
    user = current_user(request)
    detail = await catalogue.problem_detail(problem_id, include_hidden=bool(user and user.is_organiser))
    state = await edition_state(detail.edition)
    return {
        "problem": detail.problem,
        "edition": detail.edition,
        "attachments": detail.attachments,
        "comments": detail.comments,
        "state": state,
        "applications": catalogue.applications_notice(state.timeline, state.phase),
        "endorsed": user is not None and await catalogue.has_endorsed(problem_id=problem_id, user_id=user.id),
        "sdg_names": SDGS,
        "moderated_comment": None,
        "values": {},
        "errors": {},
    }


async def _comment_form_context(request: AnyRequest) -> dict[str, Any]:
    return await _problem_context(request, int(request.path_params["problem_id"]))


async def _moderation_form_context(request: AnyRequest) -> dict[str, Any]:
    comment_id = int(request.path_params["comment_id"])
    problem_id = await catalogue.problem_of_comment(comment_id)
    if problem_id is None:
        raise NotFoundException()
    return {**await _problem_context(request, problem_id), "moderated_comment": comment_id}


class CataloguePages(Controller):
    include_in_schema = False

    @get("/problems")
    async def catalogue(
        self,
        request: AnyRequest,
        edition: FromQuery[str] = "",
        q: FromQuery[str] = "",
        track: FromQuery[str] = "",
        region: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        sdg: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_number: PageNumber = 1,
    ) -> Response[Any]:
        async def build() -> Template:
            return await self._catalogue(edition, q, track, region, kind, sdg, sort, page_number)

        return await pagecache.public_page(request, build)

    @staticmethod
    async def _catalogue(
        edition: str, q: str, track: str, region: str, kind: str, sdg: str, sort: str, page_number: int
    ) -> Template:
        editions = await edition_queries.editions()
        if edition:
            chosen = next((e for e in editions if e.slug == edition), None)
        else:
            # The newest edition that has published problems: a freshly copied one is still empty.
            chosen = await edition_queries.newest_edition_with_published_problems() or next(iter(editions), None)
        if chosen is None:
            if edition:
                raise NotFoundException()
            return page("challenge/catalogue/empty.html")
        filters = catalogue.Filters.from_query(q=q, track=track, region=region, kind=kind, sdg=sdg, sort=sort)
        result = await catalogue.published_problems(edition_id=chosen.id, **asdict(filters), page=page_number)
        return page(
            "challenge/catalogue/index.html",
            edition=chosen,
            editions=editions,
            result=result,
            filters=filters,
            link_query={"edition": chosen.slug, **filters.query()},
            regions=await catalogue.regions(chosen.id),
            tracks=list(Track),
            kinds=list(SettlementKind),
            sdg_names=SDGS,
        )

    @get("/problems/{problem_id:int}")
    async def problem(self, request: AnyRequest, problem_id: FromPath[int]) -> Response[Any]:
        async def build() -> Template:
            return page(DETAIL, **await _problem_context(request, problem_id))

        return await pagecache.public_page(request, build)

    @post("/problems/{problem_id:int}/endorse", guards=[login_required])
    async def endorse(self, request: AnyRequest, problem_id: FromPath[int]) -> Redirect:
        await voice.endorse(user=request.user, problem_id=problem_id)
        flash(request.session, _("Thank you: your endorsement is counted."), "success")
        return Redirect(f"/problems/{problem_id}")

    @post(
        "/problems/{problem_id:int}/comments",
        guards=[login_required],
        opt={"form": DETAIL, "form_context": _comment_form_context},
    )
    async def comment(self, request: AnyRequest, problem_id: FromPath[int], data: FormData) -> Redirect:
        comment_id = await voice.add_comment(user=request.user, problem_id=problem_id, body=field(data, "body"))
        flash(request.session, _("Thank you: your comment is published."), "success")
        return Redirect(f"/problems/{problem_id}#comment-{comment_id}")

    @post(
        "/comments/{comment_id:int}/hide",
        guards=[requires_role(Role.ORGANISER)],
        opt={"form": DETAIL, "form_context": _moderation_form_context},
    )
    async def hide_comment(self, request: AnyRequest, comment_id: FromPath[int], data: FormData) -> Redirect:
        problem_id = await voice.moderate_comment(
            user=request.user, comment_id=comment_id, hide=True, reason=field(data, "reason")
        )
        flash(request.session, _("The comment is hidden from residents."), "success")
        return Redirect(f"/problems/{problem_id}#comment-{comment_id}")

    @post("/comments/{comment_id:int}/restore", guards=[requires_role(Role.ORGANISER)])
    async def restore_comment(self, request: AnyRequest, comment_id: FromPath[int]) -> Redirect:
        problem_id = await voice.moderate_comment(user=request.user, comment_id=comment_id, hide=False)
        flash(request.session, _("The comment is visible again."), "success")
        return Redirect(f"/problems/{problem_id}#comment-{comment_id}")


class ProblemApi(Controller):
    path = "/api/v1/problems"
    tags = ["problems"]

    @get("/{problem_id:int}", summary="One published problem, with its attachments and visible comments")
    async def get_problem(self, problem_id: FromPath[int]) -> ProblemOut:
        return _problem_out(await catalogue.problem_detail(problem_id))

    @post(
        "/{problem_id:int}/endorse",
        guards=[login_required],
        summary="Endorse a published problem (once per verified person)",
        description="Returns the new endorsement count; 409 when you endorsed it already, 403 when unverified.",
    )
    async def endorse(self, request: AnyRequest, problem_id: FromPath[int]) -> EndorsementOut:
        count = await voice.endorse(user=request.user, problem_id=problem_id)
        return EndorsementOut(problem_id=problem_id, endorsement_count=count)

    @post("/", guards=[STAFF_OR_ORGANISER], summary="Draft a problem (and submit it with `submit: true`)")
    async def create_problem(self, request: AnyRequest, data: JSONBody[NewProblemIn]) -> StaffProblemOut:
        problem_id = await problems.save_problem(
            user=request.user,
            problem=data,
            edition_id=data.edition_id,
            municipality_id=data.municipality_id,
            submit=data.submit,
        )
        return await staff_problem_out(problem_id)

    @put(
        "/{problem_id:int}", guards=[STAFF_OR_ORGANISER], summary="Replace a draft (and submit it with `submit: true`)"
    )
    async def update_problem(
        self, request: AnyRequest, problem_id: FromPath[int], data: JSONBody[ProblemIn]
    ) -> StaffProblemOut:
        await problems.save_problem(user=request.user, problem=data, problem_id=problem_id, submit=data.submit)
        return await staff_problem_out(problem_id)

    @post("/{problem_id:int}/withdraw", guards=[STAFF_OR_ORGANISER], summary="Withdraw a problem (its staff)")
    async def withdraw_problem(self, request: AnyRequest, problem_id: FromPath[int]) -> StaffProblemOut:
        await problems.withdraw_problem(user=request.user, problem_id=problem_id)
        return await staff_problem_out(problem_id)

    @post(
        "/{problem_id:int}/review",
        guards=[requires_role(Role.ORGANISER)],
        summary="Request changes (with a comment), publish or archive (organisers)",
    )
    async def review_problem(
        self, request: AnyRequest, problem_id: FromPath[int], data: JSONBody[ReviewIn]
    ) -> StaffProblemOut:
        await problems.review_problem(
            user=request.user, problem_id=problem_id, action=data.action, comment=data.comment
        )
        return await staff_problem_out(problem_id)
