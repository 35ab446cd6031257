"""JSON API of mentor profiles and matches, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from core.enums import Role
from core.errors import NotFound
from core.permissions import login_required, requires_role
from core.rules import N_
from mentoring.queries import matches
from mentoring.records import NamedMatch, ProfileRow
from mentoring.schemas import MatchOut, ProfileIn, ProfileOut, ProposalOut, UnmatchedOut
from mentoring.services import matching, profiles

AnyRequest = Request[Any, Any, Any]


def _match_out(row: NamedMatch) -> MatchOut:
    return MatchOut(
        id=row.id,
        edition=row.edition,
        mentor=row.mentor,
        application=row.application,
        startup=row.startup,
        score=row.score,
        status=row.status,
        locked=row.locked,
        why=row.explanation_text,
        mentor_name=row.mentor_name,
        startup_name=row.startup_name,
    )


def _profile_out(profile: ProfileRow | None) -> ProfileOut:
    return msgspec.convert(profile, ProfileOut, from_attributes=True)


class MentoringApi(Controller):
    path = "/api/v1/mentoring"
    tags = ["mentoring"]

    @get("/profiles/{edition_id:int}", guards=[requires_role(Role.MENTOR)], summary="My mentor profile")
    async def my_profile(self, request: AnyRequest, edition_id: FromPath[int]) -> ProfileOut:
        profile = await profiles.load_profile(request.user.id, edition_id)
        if profile is None or not profiles.mentors_in(request.user, edition_id):
            raise NotFound(N_("You have no profile in this edition yet."))
        return _profile_out(profile)

    @put(
        "/profiles/{edition_id:int}",
        guards=[requires_role(Role.MENTOR)],
        summary="Create or replace my mentor profile (422 names every bad field)",
    )
    async def save_profile(
        self, request: AnyRequest, edition_id: FromPath[int], data: JSONBody[ProfileIn]
    ) -> ProfileOut:
        await profiles.save_profile(user=request.user, edition_id=edition_id, profile=data)
        return _profile_out(await profiles.load_profile(request.user.id, edition_id))

    @get("/matches", guards=[login_required], summary="My published matches, as mentor or as a startup's member")
    async def my_matches(self, request: AnyRequest) -> list[MatchOut]:
        return [_match_out(row) for row in await matches.published_matches_of_user(request.user.id)]

    @get(
        "/editions/{edition_id:int}/proposal",
        guards=[requires_role(Role.ORGANISER)],
        summary="The matching proposal: pairs with explanations, who is left and why, the checker's warnings",
    )
    async def proposal(self, edition_id: FromPath[int]) -> ProposalOut:
        run = await matches.latest_run(edition_id)
        return ProposalOut(
            run_status=run.status if run else None,
            progress=run.progress if run else 0,
            pairs=[_match_out(row) for row in await matches.proposal(edition_id)],
            unmatched=[
                UnmatchedOut(application_id=u["application_id"], reason=u["reason"], message=matching.message(u))
                for u in (run.unmatched if run else [])
            ],
            warnings=await matching.check_current(edition_id),
        )

    @post(
        "/editions/{edition_id:int}/runs",
        guards=[requires_role(Role.ORGANISER)],
        summary="Start a matching run (locked and published pairs are kept); poll the proposal for progress",
    )
    async def run(self, request: AnyRequest, edition_id: FromPath[int]) -> dict[str, int]:
        return {"run": await matching.start_run(user=request.user, edition_id=edition_id)}

    @post(
        "/editions/{edition_id:int}/publish",
        guards=[requires_role(Role.ORGANISER)],
        summary="Publish the proposed pairs and mail everyone",
    )
    async def publish(self, request: AnyRequest, edition_id: FromPath[int]) -> dict[str, int]:
        return {"published": await matching.publish(user=request.user, edition_id=edition_id)}
