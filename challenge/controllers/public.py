from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Template

from challenge.controllers.catalogue import PageNumber, problem_page_out
from challenge.enums import SettlementKind, Track
from challenge.queries import catalogue
from challenge.queries import editions as edition_queries
from challenge.records import EditionRow
from challenge.rules.sdgs import SDGS
from challenge.schemas import (
    ChoiceOut,
    EditionIn,
    EditionOut,
    LabelsOut,
    PhaseIn,
    PhaseOut,
    ProblemPageOut,
    QuestionOut,
    TimelineOut,
)
from challenge.services import editions, questions
from challenge.services.editions import edition_state
from core.clock import utc_now
from core.enums import Role
from core.next_steps import Home, checklist
from core.permissions import requires_role
from core.web import page

AnyRequest = Request[Any, Any, Any]
HOME_PROBLEMS = 6


def edition_out(edition: EditionRow) -> EditionOut:
    return msgspec.convert(edition, EditionOut, from_attributes=True)


def question_out(line: questions.QuestionLine) -> QuestionOut:
    d = line.definition
    return QuestionOut(
        id=line.id,
        position=line.position,
        track=line.track,
        required=line.required,
        version=line.version_number,
        kind=d.kind.value,
        label=LabelsOut(**d.label.as_dict()),
        help=LabelsOut(**d.help.as_dict()),
        max_length=d.max_length,
        min_value=d.min_value,
        max_value=d.max_value,
        choices=[ChoiceOut(key=c.key, label=LabelsOut(**c.label.as_dict())) for c in d.choices],
        file_types=list(d.file_types),
        max_megabytes=d.max_megabytes,
    )


async def _edition(slug: str) -> EditionRow:
    edition = await edition_queries.edition_by_slug(slug)
    if edition is None:
        raise NotFoundException()
    return edition


class PublicPages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        editions = await edition_queries.editions()
        # A freshly copied edition is still empty: show the newest one with problems.
        current = await edition_queries.newest_edition_with_published_problems() or (editions[0] if editions else None)
        problems = (
            await catalogue.published_problems(edition_id=current.id, page_size=HOME_PROBLEMS) if current else None
        )
        user = request.scope.get("user")
        steps = await checklist(Home.PERSON, user=user, now=utc_now()) if user else []
        return page(
            "challenge/home.html",
            current=current,
            editions=editions,
            problems=problems,
            sdg_names=SDGS,
            next_steps=steps,
        )

    @get("/editions")
    async def editions(self) -> Template:
        return page("challenge/catalogue/editions.html", editions=await edition_queries.editions())

    @get("/editions/{slug:str}")
    async def edition(self, slug: FromPath[str]) -> Template:
        edition = await _edition(slug)
        return page("challenge/edition.html", edition=edition, state=await edition_state(edition))


class EditionApi(Controller):
    path = "/api/v1/editions"
    tags = ["editions"]

    @get("/", summary="All editions, newest first")
    async def list_editions(self) -> list[EditionOut]:
        return [edition_out(edition) for edition in await edition_queries.editions()]

    @get(
        "/{slug:str}/questions",
        tags=["applications"],
        summary="The organisers' own application questions of the edition, in order",
        description="Answer them in an application's `question_answers`, by question id.",
    )
    async def list_questions(self, slug: FromPath[str]) -> list[QuestionOut]:
        edition = await _edition(slug)
        return [question_out(line) for line in await questions.question_lines(edition.id)]

    @get("/{slug:str}", summary="One edition")
    async def get_edition(self, slug: FromPath[str]) -> EditionOut:
        return edition_out(await _edition(slug))

    @get(
        "/{slug:str}/problems",
        tags=["problems"],
        summary="The edition's published problems, filtered, 20 per page",
        description="`sdg` is a UN Sustainable Development Goal (1-17); `q` searches titles and summaries.",
    )
    async def list_problems(
        self,
        slug: FromPath[str],
        q: FromQuery[str] = "",
        track: FromQuery[Track | None] = None,
        region: FromQuery[str] = "",
        kind: FromQuery[SettlementKind | None] = None,
        sdg: Annotated[int | None, QueryParameter(ge=1, le=17)] = None,
        sort: FromQuery[Literal["newest", "endorsed"]] = "newest",
        page_number: PageNumber = 1,
    ) -> ProblemPageOut:
        edition = await _edition(slug)
        result = await catalogue.published_problems(
            edition_id=edition.id,
            q=q,
            track=track or "",
            region=region,
            kind=kind or "",
            sdg=sdg,
            sort=sort,
            page=page_number,
        )
        return problem_page_out(result)

    @get("/{slug:str}/phases", summary="The edition's phase timeline and the phase in force now")
    async def phases(self, slug: FromPath[str]) -> TimelineOut:
        state = await edition_state(await _edition(slug))
        return TimelineOut(
            edition=slug,
            timezone=state.edition.timezone,
            current_phase=state.phase,
            phases=[
                PhaseOut(
                    phase=start.phase,
                    starts_at=start.starts_at,
                    ends_at=state.timeline.end_of(start.phase),
                    current=start.phase == state.phase,
                )
                for start in state.timeline.starts
            ],
        )

    @post(
        "/",
        guards=[requires_role(Role.ORGANISER)],
        summary="Create an edition (organisers)",
        description="`timeline` maps phase names to start instants (ISO 8601 with an offset).",
    )
    async def create_edition(self, request: AnyRequest, data: JSONBody[EditionIn]) -> dict[str, int]:
        return {"id": await editions.create_edition(organiser_id=request.user.id, edition=data)}

    @put("/{edition_id:int}", guards=[requires_role(Role.ORGANISER)], summary="Replace an edition (organisers)")
    async def update_edition(
        self, request: AnyRequest, edition_id: FromPath[int], data: JSONBody[EditionIn]
    ) -> dict[str, int]:
        await editions.update_edition(organiser_id=request.user.id, edition_id=edition_id, edition=data)
        return {"id": edition_id}

    @post("/{edition_id:int}/phase", guards=[requires_role(Role.ORGANISER)], summary="Move the phase by hand")
    async def move_phase(
        self, request: AnyRequest, edition_id: FromPath[int], data: JSONBody[PhaseIn]
    ) -> dict[str, str]:
        await editions.move_phase(organiser_id=request.user.id, edition_id=edition_id, phase=data.phase.value)
        return {"phase": data.phase.value}
