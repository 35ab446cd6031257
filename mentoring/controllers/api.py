"""JSON API of mentor profiles and matches, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from challenge.services import expertise, teams
from core.enums import Role
from core.errors import NotFound
from core.permissions import login_required, requires_role
from core.rules import N_
from core.schemas import JsonInput
from mentoring.enums import MatchStatus
from mentoring.services import matching, profiles
from mentoring.tables import Match

AnyRequest = Request[Any, Any, Any]


class WindowIn(JsonInput):
    weekday: int
    start: str
    end: str


class ProfileIn(JsonInput):
    expertise: list[str]
    languages: list[str]
    capacity: int
    timezone: str = "Europe/Belgrade"
    organisation: str = ""
    bio: str = ""
    sectors: list[str] = msgspec.field(default_factory=list)
    availability: list[WindowIn] = msgspec.field(default_factory=list)
    blackout_dates: list[str] = msgspec.field(default_factory=list)
    conflict_startups: list[int] = msgspec.field(default_factory=list)
    conflict_organisations: list[str] = msgspec.field(default_factory=list)

    def as_form(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "expertise": self.expertise,
            "languages": self.languages,
            "capacity": str(self.capacity),
            "timezone": self.timezone,
            "organisation": self.organisation,
            "bio": self.bio,
            "sectors": "\n".join(self.sectors),
            "blackout_dates": "\n".join(self.blackout_dates),
            "conflict_startups": [str(s) for s in self.conflict_startups],
            "conflict_organisations": "\n".join(self.conflict_organisations),
        }
        for window in self.availability:
            data[f"avail_{window.weekday}_start"], data[f"avail_{window.weekday}_end"] = window.start, window.end
        return data


class ProfileOut(msgspec.Struct):
    edition: int
    expertise: list[str]
    languages: list[str]
    capacity: int
    timezone: str
    organisation: str
    bio: str
    sectors: list[str]
    availability: list[list[int]]
    blackout_dates: list[str]
    conflict_startups: list[int]
    conflict_organisations: list[str]


class MatchOut(msgspec.Struct):
    id: int
    edition: int
    mentor: int
    application: int
    startup: int
    score: int
    status: str
    locked: bool
    why: str
    mentor_name: str | None = None
    startup_name: str | None = None


class UnmatchedOut(msgspec.Struct):
    application_id: int
    reason: str
    message: str


class ProposalOut(msgspec.Struct):
    run_status: str | None
    progress: int
    pairs: list[MatchOut]
    unmatched: list[UnmatchedOut]
    warnings: list[str]


def _match_out(row: dict[str, Any], tag_names: dict[str, str]) -> MatchOut:
    why = row.get("explanation_text") or matching.describe(row["explanation"], tag_names)
    return msgspec.convert({**row, "why": why}, MatchOut, strict=False)


class MentoringApi(Controller):
    path = "/api/v1/mentoring"
    tags = ["mentoring"]

    @get("/profiles/{edition_id:int}", guards=[requires_role(Role.MENTOR)], summary="My mentor profile")
    async def my_profile(self, request: AnyRequest, edition_id: FromPath[int]) -> ProfileOut:
        profile = await profiles.load_profile(request.user.id, edition_id)
        if profile is None or not profiles.mentors_in(request.user, edition_id):
            raise NotFound(N_("You have no profile in this edition yet."))
        return msgspec.convert(profile, ProfileOut, strict=False)

    @put(
        "/profiles/{edition_id:int}",
        guards=[requires_role(Role.MENTOR)],
        summary="Create or replace my mentor profile (422 names every bad field)",
    )
    async def save_profile(
        self, request: AnyRequest, edition_id: FromPath[int], data: JSONBody[ProfileIn]
    ) -> ProfileOut:
        await profiles.save_profile(user=request.user, edition_id=edition_id, data=data.as_form())
        return msgspec.convert(await profiles.load_profile(request.user.id, edition_id), ProfileOut, strict=False)

    @get("/matches", guards=[login_required], summary="My published matches, as mentor or as a startup's member")
    async def my_matches(self, request: AnyRequest) -> list[MatchOut]:
        startup_ids = [s["id"] for s in await teams.startups_of_user(request.user.id)]
        query = Match.select(
            Match.all_columns(), Match.mentor.name.as_alias("mentor_name"), Match.startup.name.as_alias("startup_name")
        ).where(Match.status == MatchStatus.PUBLISHED)
        mine = (Match.mentor == request.user.id) | (Match.startup.is_in(startup_ids) if startup_ids else Match.id < 0)
        names = await expertise.vocabulary(include_retired=True)
        return [_match_out(row, names) for row in await query.where(mine).output(load_json=True)]

    @get(
        "/editions/{edition_id:int}/proposal",
        guards=[requires_role(Role.ORGANISER)],
        summary="The matching proposal: pairs with explanations, who is left and why, the checker's warnings",
    )
    async def proposal(self, edition_id: FromPath[int]) -> ProposalOut:
        run = await matching.latest_run(edition_id)
        return ProposalOut(
            run_status=run["status"] if run else None,
            progress=run["progress"] if run else 0,
            pairs=[_match_out(row, {}) for row in await matching.proposal(edition_id)],
            unmatched=[
                UnmatchedOut(application_id=u["application_id"], reason=u["reason"], message=matching.message(u))
                for u in (run or {}).get("unmatched", [])
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
