"""Every route of the app, called as every kind of visitor, lands where its access rule says.

One world (the demo edition, plus a judging round, a mentor's match and session and a published
hackathon) is built once; then each (method, route) in `ACCESS` is called as each identity in
`IDENTITIES` and the response is sorted into an outcome class:

- `OK`: past the guard: 2xx, a redirect other than to the login page, or 400/409/422 (the
  request was judged on its content or state, not refused for who sent it);
- `LOGIN`: an anonymous visitor is sent to sign in (pages: redirect to /login; API: 401);
- `FORBIDDEN` (403) and `NOT_FOUND` (404): refused; which of the two is the route's policy.

A 500 is always a failure, and a route of the app missing from `ACCESS` fails the test, so no
new route escapes the matrix. Every mismatch is collected and reported at once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar

from challenge.tables import (
    Application,
    Comment,
    Edition,
    EligibilityQuestion,
    Problem,
    ProblemAttachment,
    StartupMember,
)
from core import calendar, tokens
from core.accounts.services import grant_role
from core.clock import utc_now
from core.demo import DEMO_PASSWORD, load_demo
from core.enums import Role, TokenPurpose
from core.tables import Membership, OutboxMessage, StoredFile, User
from hackathon.tables import FixedSession, Hackathon, Panel, Room, ScheduleItem
from judging.tables import Criterion, DeclaredConflict, JudgeAssignment, JudgeProfile, Round, RoundApplication
from mentoring.tables import Match, MentoringSession, MentoringSlot
from tests.factories import PASSWORD, make_user
from tests.fixtures import http_client
from tests.web import WebClient

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"

# Who calls, and the roles each holds (anonymous and the resident hold none).
IDENTITIES: dict[str, frozenset[Role]] = {
    "anonymous": frozenset(),
    "resident": frozenset(),
    "startup": frozenset({Role.STARTUP}),
    "other_startup": frozenset({Role.STARTUP}),
    "municipality": frozenset({Role.MUNICIPALITY}),
    "other_municipality": frozenset({Role.MUNICIPALITY}),
    "mentor": frozenset({Role.MENTOR}),
    "judge": frozenset({Role.JUDGE}),
    "conflicted_judge": frozenset({Role.JUDGE}),
    "organiser": frozenset({Role.ORGANISER}),
}
# The order in which identities call one route: the organiser, who may change most, goes last.
CALL_ORDER = tuple(IDENTITIES)


@dataclass(frozen=True)
class Access:
    """The expected outcome class per identity, and how to call the route."""

    expected: Mapping[str, str]
    # Path parameters taken from other world keys than their own name, e.g. {"round_id": "pairwise_round_id"}.
    params: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    # Fields of the form or JSON body (the CSRF token is added); None: an empty form / `{}`.
    body: Mapping[str, Any] | None = None
    # Routes are called in rounds: reads, then changes (round 0), then changes of round 1, 2...:
    # what takes an object away from the other routes (withdrawing, signing out) comes late.
    late: int = 0

    def but(self, **outcomes: str) -> Access:
        unknown = set(outcomes) - set(IDENTITIES)
        assert not unknown, unknown
        return replace(self, expected={**self.expected, **outcomes})

    def calling(self, **how: Any) -> Access:
        return replace(self, **how)


def public() -> Access:
    return Access({identity: OK for identity in IDENTITIES})


def signed_in() -> Access:
    return Access({identity: LOGIN if identity == "anonymous" else OK for identity in IDENTITIES})


def only(*roles: Role) -> Access:
    """Holders of any of `roles` get in; other signed-in people get 403."""
    return Access(
        {
            identity: LOGIN if identity == "anonymous" else OK if held & set(roles) else FORBIDDEN
            for identity, held in IDENTITIES.items()
        }
    )


def everyone(outcome: str) -> Access:
    return Access(dict.fromkeys(IDENTITIES, outcome))


# A startup's own application, profile and team: its members and organisers; for everyone else
# it does not exist (404, so ids reveal nothing).
STARTUPS_OWN = signed_in().but(**{i: NOT_FOUND for i in IDENTITIES if i not in ("anonymous", "startup", "organiser")})
# What only its members do (booking under their mentor match): for organisers too it does not exist.
STARTUP_MEMBERS_ONLY = STARTUPS_OWN.but(organiser=NOT_FOUND)
# Problems in the making: their municipality's staff; staff of another municipality get 403.
STAFFS_OWN = only(Role.MUNICIPALITY).but(other_municipality=FORBIDDEN)
STAFFS_OWN_OR_ORGANISERS = only(Role.MUNICIPALITY, Role.ORGANISER).but(other_municipality=FORBIDDEN)
# A mentoring session: its sides and organisers know it exists (403 where they may not act), other
# mentors too; for everyone else it does not exist.
SESSION = dict(
    resident=NOT_FOUND,
    other_startup=NOT_FOUND,
    municipality=NOT_FOUND,
    other_municipality=NOT_FOUND,
    judge=NOT_FOUND,
    conflicted_judge=NOT_FOUND,
)
SESSIONS_PARTIES = signed_in().but(**SESSION)
SESSIONS_STARTUP = signed_in().but(**SESSION, mentor=FORBIDDEN, organiser=FORBIDDEN)
SESSIONS_MENTOR = signed_in().but(**SESSION, startup=FORBIDDEN, organiser=FORBIDDEN)
# A pitch deck: the team, staff of a municipality whose problem it addresses, its judges, organisers.
DECK_READERS = signed_in().but(
    resident=NOT_FOUND,
    other_startup=NOT_FOUND,
    other_municipality=NOT_FOUND,
    mentor=NOT_FOUND,
    conflicted_judge=NOT_FOUND,
)

ORGANISERS_LATE = only(Role.ORGANISER).calling(late=1)

ACCESS: dict[str, Access] = {
    # --- challenge: editions, catalogue, problems -----------------------------------------------
    "GET /": public(),
    "GET /editions": public(),
    "GET /editions/{slug:str}": public(),
    "GET /problems": public(),
    "GET /problems/{problem_id:int}": public(),
    "POST /problems/{problem_id:int}/comments": signed_in(),
    "POST /problems/{problem_id:int}/endorse": signed_in(),
    "POST /comments/{comment_id:int}/hide": only(Role.ORGANISER),
    "POST /comments/{comment_id:int}/restore": only(Role.ORGANISER),
    "GET /api/v1/editions": public(),
    "POST /api/v1/editions": only(Role.ORGANISER),
    "GET /api/v1/editions/{slug:str}": public(),
    "PUT /api/v1/editions/{edition_id:int}": only(Role.ORGANISER),
    "GET /api/v1/editions/{slug:str}/problems": public(),
    "GET /api/v1/editions/{slug:str}/phases": public(),
    "POST /api/v1/editions/{edition_id:int}/phase": only(Role.ORGANISER),
    "GET /api/v1/problems/{problem_id:int}": public(),
    "POST /api/v1/problems/{problem_id:int}/endorse": signed_in(),
    "POST /api/v1/problems": STAFFS_OWN_OR_ORGANISERS.calling(
        body={"edition_id": "{edition_id}", "municipality_id": "{municipality_id}", "title": "Bus stops"}
    ),
    "PUT /api/v1/problems/{problem_id:int}": STAFFS_OWN_OR_ORGANISERS.calling(
        params={"problem_id": "draft_problem_id"}, body={"title": "Snow clearing"}
    ),
    "POST /api/v1/problems/{problem_id:int}/withdraw": STAFFS_OWN_OR_ORGANISERS.calling(
        params={"problem_id": "draft_problem_id"}
    ),
    "POST /api/v1/problems/{problem_id:int}/review": only(Role.ORGANISER).calling(
        params={"problem_id": "review_problem_id"}
    ),
    "GET /api/v1/municipality/problems": only(Role.MUNICIPALITY),
    # --- challenge: municipality staff --------------------------------------------------------------
    "GET /municipality": only(Role.MUNICIPALITY),
    "GET /municipality/problems/new": only(Role.MUNICIPALITY),
    "POST /municipality/problems/new": only(Role.MUNICIPALITY),
    "GET /municipality/problems/{problem_id:int}": STAFFS_OWN.calling(params={"problem_id": "draft_problem_id"}),
    "GET /municipality/problems/{problem_id:int}/edit": STAFFS_OWN.calling(params={"problem_id": "draft_problem_id"}),
    "POST /municipality/problems/{problem_id:int}/edit": STAFFS_OWN.calling(params={"problem_id": "draft_problem_id"}),
    "POST /municipality/problems/{problem_id:int}/attachments/{attachment_id:int}/delete": STAFFS_OWN.calling(
        params={"problem_id": "draft_problem_id"}
    ),
    "POST /municipality/problems/{problem_id:int}/withdraw": STAFFS_OWN.calling(
        params={"problem_id": "draft_problem_id"}
    ),
    "GET /municipality/{municipality_id:int}/profile": STAFFS_OWN_OR_ORGANISERS,
    "POST /municipality/{municipality_id:int}/profile": STAFFS_OWN_OR_ORGANISERS,
    # Applications addressing the staff's problems; any other application does not exist for them.
    "GET /municipality/applications": only(Role.MUNICIPALITY),
    "GET /municipality/applications/{application_id:int}": only(Role.MUNICIPALITY).but(other_municipality=NOT_FOUND),
    "POST /municipality/applications/{application_id:int}/fit-notes": only(Role.MUNICIPALITY)
    .but(other_municipality=NOT_FOUND)
    .calling(body={"municipality_id": "{municipality_id}", "note": "Fits our plan."}),
    # --- challenge: startups and their applications -------------------------------------------------
    "GET /startup": signed_in(),
    "GET /startup/register": signed_in().calling(query="edition_id={edition_id}"),
    "POST /startup/register": signed_in().calling(body={"edition_id": "{edition_id}"}),
    "GET /startup/applications/new": signed_in().calling(query="edition_id={edition_id}"),
    "POST /startup/applications/new": signed_in().calling(body={"edition_id": "{edition_id}"}),
    "GET /startup/applications/{application_id:int}": STARTUPS_OWN,
    "GET /startup/applications/{application_id:int}/edit": STARTUPS_OWN,
    "POST /startup/applications/{application_id:int}/edit": STARTUPS_OWN,
    "POST /startup/applications/{application_id:int}/submit": STARTUPS_OWN,
    "POST /startup/applications/{application_id:int}/withdraw": STARTUPS_OWN,
    "GET /startup/{startup_id:int}/profile": STARTUPS_OWN,
    "POST /startup/{startup_id:int}/profile": STARTUPS_OWN,
    "GET /startup/{startup_id:int}/team": STARTUPS_OWN,
    "POST /startup/{startup_id:int}/team/invite": STARTUPS_OWN,
    "POST /startup/{startup_id:int}/team/{member_id:int}/contact": STARTUPS_OWN,
    "GET /api/v1/startup/applications": signed_in(),
    "POST /api/v1/startup/applications": signed_in().calling(
        body={"edition_id": "{edition_id}", "track": "smart_city"}
    ),
    "GET /api/v1/startup/applications/{application_id:int}": STARTUPS_OWN,
    "PUT /api/v1/startup/applications/{application_id:int}": STARTUPS_OWN,
    "POST /api/v1/startup/applications/{application_id:int}/submit": STARTUPS_OWN,
    "POST /api/v1/startup/applications/{application_id:int}/withdraw": STARTUPS_OWN,
    # --- challenge: organisers ---------------------------------------------------------------------
    "GET /organiser/editions": only(Role.ORGANISER),
    "GET /organiser/editions/new": only(Role.ORGANISER),
    "POST /organiser/editions/new": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/edit": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/edit": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/phase": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/copy": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/problems": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/problems.csv": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/dashboard": only(Role.ORGANISER),
    "GET /organiser/problems/{problem_id:int}": only(Role.ORGANISER).calling(
        params={"problem_id": "review_problem_id"}
    ),
    "POST /organiser/problems/{problem_id:int}/review": only(Role.ORGANISER).calling(
        params={"problem_id": "review_problem_id"}
    ),
    "GET /organiser/municipalities": only(Role.ORGANISER),
    "POST /organiser/municipalities": only(Role.ORGANISER),
    "GET /organiser/expertise": only(Role.ORGANISER),
    "POST /organiser/expertise": only(Role.ORGANISER),
    "POST /organiser/expertise/{slug:str}": only(Role.ORGANISER).calling(params={"slug": "expertise_slug"}),
    "GET /organiser/editions/{edition_id:int}/applications": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/applications/export.csv": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/applications/status": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/applications/status/confirm": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/questions": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/questions": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/questions/{question_id:int}/delete": only(Role.ORGANISER),
    "GET /organiser/applications/{application_id:int}": only(Role.ORGANISER),
    "POST /organiser/applications/{application_id:int}/status": only(Role.ORGANISER),
    "GET /api/v1/organiser/applications": only(Role.ORGANISER).calling(query="edition_id={edition_id}"),
    "POST /api/v1/organiser/applications/status": only(Role.ORGANISER),
    # --- core: accounts, calendar, files, back office ----------------------------------------------
    "GET /signup": public(),
    "POST /signup": public(),
    "GET /verify": public().calling(query="token={verify_token}"),
    "POST /verify/resend": signed_in(),
    "GET /login": public(),
    "POST /login": public(),
    "GET /login/link": public().calling(query="token={sign_in_token}"),
    "POST /login/link": public().calling(body={"token": "{sign_in_token}"}, late=2),  # signs the caller in
    "GET /password/forgot": public(),
    "POST /password/forgot": public(),
    "GET /password/reset": public().calling(query="token={reset_token}"),
    "POST /password/reset": public().calling(body={"token": "{reset_token}"}),
    "GET /account": signed_in(),
    "GET /account/password": signed_in(),
    "POST /account/password": signed_in(),
    "GET /invites/{token:str}": public(),
    "POST /invites/{token:str}/accept": signed_in(),  # 409 unless signed in with the invited address
    "POST /invites/{token:str}/signup": public(),
    "POST /locale": public(),
    "POST /logout": public().calling(late=2),  # the very last call of each client
    "GET /account/calendar": signed_in(),
    # The export and erasure routes take no user id: each person reaches only their own account.
    "GET /account/export": signed_in(),
    "GET /account/erase": signed_in(),
    "POST /account/erase": signed_in(),  # 422 without the password: nothing is erased
    "GET /privacy": public(),
    "POST /account/calendar/rotate": signed_in(),
    "GET /calendar/{token:str}": public().calling(params={"token": "calendar_token"}),  # the secret is the key
    # No sign-in needed: the download policy decides (attachments of published problems are public).
    "GET /files/{file_id:int}": DECK_READERS.but(anonymous=NOT_FOUND),
    "GET /api/v1/files/{file_id:int}": DECK_READERS,
    "POST /api/v1/files": signed_in(),
    "GET /api/v1/me": signed_in(),
    "GET /organiser": only(Role.ORGANISER),
    "GET /organiser/invites": only(Role.ORGANISER),
    "POST /organiser/invites": only(Role.ORGANISER),
    "GET /organiser/outbox": only(Role.ORGANISER),
    "GET /organiser/outbox/{message_id:int}": only(Role.ORGANISER),
    "GET /organiser/audit": only(Role.ORGANISER),
    "GET /organiser/people": only(Role.ORGANISER),
    "GET /organiser/people/{user_id:int}/erase": only(Role.ORGANISER),
    "POST /organiser/people/{user_id:int}/erase": only(Role.ORGANISER),  # 422 without a reason
    "GET /organiser/jobs": only(Role.ORGANISER),
    "POST /organiser/jobs/{job_id:str}/run": only(Role.ORGANISER),
    "GET /healthz": public(),
    "GET /static/{file_path:path}": public(),
    "GET /schema": public(),
    "GET /schema/openapi.json": public(),
    "GET /schema/{path:str}": everyone(NOT_FOUND),  # what no render plugin serves
    # --- mentoring ---------------------------------------------------------------------------------
    "GET /mentor": only(Role.MENTOR),
    "GET /mentor/editions/{edition_id:int}/profile": only(Role.MENTOR),
    "POST /mentor/editions/{edition_id:int}/profile": only(Role.MENTOR),
    "GET /mentor/sessions": only(Role.MENTOR),
    "POST /mentor/sessions/slots": only(Role.MENTOR).calling(body={"edition_id": "{edition_id}"}),
    "POST /mentor/sessions/slots/{slot_id:int}/withdraw": only(Role.MENTOR),
    "GET /mentor/sessions/{session_id:int}/notes": only(Role.MENTOR),
    "POST /mentor/sessions/{session_id:int}/notes": only(Role.MENTOR),
    "POST /mentor/sessions/{session_id:int}/cancel": only(Role.MENTOR),
    # A startup books under its own published match; for anyone else the match does not exist.
    "GET /startup/mentoring": signed_in(),
    "POST /startup/mentoring/book": STARTUP_MEMBERS_ONLY.calling(
        body={"slot_id": "{slot_id}", "match_id": "{match_id}"}
    ),
    "POST /startup/mentoring/sessions/{session_id:int}/cancel": SESSIONS_PARTIES,
    "POST /startup/mentoring/sessions/{session_id:int}/rating": SESSIONS_STARTUP,
    "POST /startup/mentoring/sessions/{session_id:int}/reschedule": SESSIONS_STARTUP.calling(
        body={"new_slot_id": "{slot_id}"}
    ),
    "GET /organiser/editions/{edition_id:int}/matching": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/matching/run": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/matching/assign": only(Role.ORGANISER).calling(
        body={"mentor_id": "{mentor_id}", "application_id": "{application_id}"}
    ),
    "POST /organiser/editions/{edition_id:int}/matching/pairs/{match_id:int}/lock": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/matching/pairs/{match_id:int}/unlock": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/matching/pairs/{match_id:int}/remove": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/matching/publish": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/mentoring/overview": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/mentoring/overview.csv": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/mentoring/sessions/{session_id:int}/cancel": only(Role.ORGANISER),
    "GET /api/v1/mentoring/profiles/{edition_id:int}": only(Role.MENTOR),
    "PUT /api/v1/mentoring/profiles/{edition_id:int}": only(Role.MENTOR),
    "GET /api/v1/mentoring/matches": signed_in(),
    "GET /api/v1/mentoring/editions/{edition_id:int}/proposal": only(Role.ORGANISER),
    "POST /api/v1/mentoring/editions/{edition_id:int}/runs": only(Role.ORGANISER),
    "POST /api/v1/mentoring/editions/{edition_id:int}/publish": only(Role.ORGANISER),
    "GET /api/v1/mentoring/slots": only(Role.MENTOR),
    "POST /api/v1/mentoring/slots": only(Role.MENTOR),
    "POST /api/v1/mentoring/slots/{slot_id:int}/withdraw": only(Role.MENTOR),
    "GET /api/v1/mentoring/slots/bookable": signed_in(),
    "GET /api/v1/mentoring/sessions": signed_in(),
    "POST /api/v1/mentoring/sessions": STARTUP_MEMBERS_ONLY.calling(
        body={"slot_id": "{slot_id}", "match_id": "{match_id}"}
    ),
    "POST /api/v1/mentoring/sessions/{session_id:int}/cancel": SESSIONS_PARTIES,
    "POST /api/v1/mentoring/sessions/{session_id:int}/reschedule": SESSIONS_STARTUP.calling(
        body={"new_slot_id": "{slot_id}"}
    ),
    "PUT /api/v1/mentoring/sessions/{session_id:int}/rating": SESSIONS_STARTUP.calling(body={"rating": 5}),
    "GET /api/v1/mentoring/sessions/{session_id:int}/notes": SESSIONS_MENTOR.but(organiser=OK),
    "PUT /api/v1/mentoring/sessions/{session_id:int}/notes": SESSIONS_MENTOR,
    # --- judging -----------------------------------------------------------------------------------
    "GET /judge": only(Role.JUDGE),
    "GET /judge/editions/{edition_id:int}/profile": only(Role.JUDGE),
    "POST /judge/editions/{edition_id:int}/profile": only(Role.JUDGE),
    # The conflicted judge has a queue of their own in the round, without the conflicted application.
    "GET /judge/rounds/{round_id:int}": only(Role.JUDGE),
    "GET /judge/assignments/{assignment_id:int}": only(Role.JUDGE).but(conflicted_judge=FORBIDDEN),
    "POST /judge/assignments/{assignment_id:int}": only(Role.JUDGE).but(conflicted_judge=FORBIDDEN),
    "GET /judge/rounds/{round_id:int}/pairwise": only(Role.JUDGE).calling(params={"round_id": "pairwise_round_id"}),
    "POST /judge/rounds/{round_id:int}/pairwise": only(Role.JUDGE).calling(params={"round_id": "pairwise_round_id"}),
    "GET /api/v1/judging/rounds/{round_id:int}/queue": only(Role.JUDGE),
    "PUT /api/v1/judging/assignments/{assignment_id:int}/sheet": only(Role.JUDGE)
    .but(conflicted_judge=FORBIDDEN)
    .calling(body={"values": {}}),
    # Declaring a conflict takes the assignment away: after the judge's other calls about it.
    "POST /judge/assignments/{assignment_id:int}/conflict": only(Role.JUDGE).but(conflicted_judge=FORBIDDEN),
    "GET /api/v1/judging/rounds/{round_id:int}/ranking": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/judging": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/judging": only(Role.ORGANISER),
    "GET /organiser/rounds/{round_id:int}": only(Role.ORGANISER),
    # Reassigning judges and closing the round change what the judges' calls find: after them.
    "POST /organiser/rounds/{round_id:int}": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/rubric": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/rubric/copy": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/open": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/assign": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/close": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/advance": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/publish": ORGANISERS_LATE,
    "POST /organiser/rounds/{round_id:int}/step": ORGANISERS_LATE,
    "GET /organiser/rounds/{round_id:int}/scores.csv": only(Role.ORGANISER),
    "GET /editions/{slug:str}/results": public(),
    # --- hackathon ---------------------------------------------------------------------------------
    "GET /hackathons/{hackathon_id:int}": public(),
    "GET /hackathons/{hackathon_id:int}/schedule.ics": public(),
    "GET /hackathons/{hackathon_id:int}/mine": signed_in(),
    "GET /api/v1/hackathons/{hackathon_id:int}/schedule": public(),
    "PUT /api/v1/hackathons/{hackathon_id:int}/items/{item_id:int}": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/hackathons": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons": only(Role.ORGANISER),
    "GET /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/rooms": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/rooms/{room_id:int}/delete": only(
        Role.ORGANISER
    ),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/sessions": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/sessions/{session_id:int}/delete": only(
        Role.ORGANISER
    ).calling(params={"session_id": "fixed_session_id"}),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/panels": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/panels/{panel_id:int}/delete": only(
        Role.ORGANISER
    ),
    "GET /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/schedule": only(Role.ORGANISER),
    # One second for the solver: the matrix tests who may start a build, not the build.
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/schedule/build": only(
        Role.ORGANISER
    ).calling(body={"time_limit": "1"}),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/items/{item_id:int}/move": only(
        Role.ORGANISER
    ),
    "POST /organiser/editions/{edition_id:int}/hackathons/{hackathon_id:int}/publish": only(Role.ORGANISER),
}


# --- the world ---------------------------------------------------------------------------------

DEMO_LOGINS = {
    "organiser": "organiser@demo.smartchallenge.rs",
    "municipality": "staff@ivanjica.demo.rs",
    "other_municipality": "staff@novisad.demo.rs",
    "startup": "founder@agrosense.example",
    "other_startup": "ceo@parkpulse.example",
    "mentor": "mentor@demo.smartchallenge.rs",
    "judge": "judge@demo.smartchallenge.rs",
    "resident": "resident@demo.smartchallenge.rs",
}
CONFLICTED_JUDGE = "conflicted-judge@example.org"


async def _id_of(query: Any) -> int:
    return (await query.first())["id"]


async def build_world() -> dict[str, Any]:
    """The demo edition, and around its AgroSense application (the startup's, in Ivanjica) a
    judging round, a mentor's match and session and a published hackathon. Returns the ids the
    routes' path parameters are filled from (and, under "users", each identity's user id)."""
    assert await load_demo()
    now = utc_now()
    users = {i: await _id_of(User.select(User.id).where(User.email == email)) for i, email in DEMO_LOGINS.items()}
    conflicted = await make_user(email=CONFLICTED_JUDGE, name="Conflicted Judge")
    edition_id = (await Edition.select(Edition.id).where(Edition.slug == "2026").first())["id"]
    await grant_role(actor_id=None, user_id=conflicted["id"], role=Role.JUDGE, edition_id=edition_id)
    users["conflicted_judge"] = conflicted["id"]

    # AgroSense's application (in the programme: mentors and judges work with it) and ParkPulse's.
    def of(startup: str) -> Any:
        return Application.select().where(Application.edition == edition_id, Application.startup.name == startup)

    own_app, other_app = await of("AgroSense").first(), await of("ParkPulse").first()
    # The world's own judging, mentoring and hackathon below stand beside the demo's.
    pairs = Match.application.is_in([own_app["id"], other_app["id"]])
    await MentoringSession.delete().where(
        MentoringSession.match.is_in([m["id"] for m in await Match.select().where(pairs)])
    )
    await Match.delete().where(pairs)
    ivanjica = (
        await Membership.select(Membership.organisation_id)
        .where(Membership.user == users["municipality"], Membership.role == Role.MUNICIPALITY)
        .first()
    )["organisation_id"]
    published = await Problem.select().where(Problem.municipality == ivanjica, Problem.status == "published").first()
    draft = await Problem.select().where(Problem.municipality == ivanjica, Problem.status == "draft").first()
    review = await Problem.select().where(Problem.status == "submitted").first()

    # Ivanjica's draft carries an attachment its staff uploaded.
    attachment_file = (
        await StoredFile.insert(
            StoredFile(
                key="authz-attachment",
                original_name="map.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                owner=users["municipality"],
                purpose="problem_attachment",
            )
        ).returning(StoredFile.id)
    )[0]["id"]
    attachment = (
        await ProblemAttachment.insert(ProblemAttachment(problem=draft["id"], file=attachment_file)).returning(
            ProblemAttachment.id
        )
    )[0]["id"]
    comment = (
        await Comment.insert(
            Comment(problem=published["id"], author=users["resident"], body="We need this.")
        ).returning(Comment.id)
    )[0]["id"]

    # Judging: the judge scores AgroSense; the conflicted judge declared a conflict with it and
    # scores ParkPulse instead. A pairwise final runs beside it.
    round_id = (
        await Round.insert(
            Round(
                edition=edition_id,
                name="Screening",
                status="open",
                judges_per_application=1,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=7),
            )
        ).returning(Round.id)
    )[0]["id"]
    await Criterion.insert(Criterion(round=round_id, name="Impact", weight=1.0, scale_min=1, scale_max=10))
    pairwise_round_id = (
        await Round.insert(
            Round(edition=edition_id, name="Final", method="pairwise", status="open", position=2)
        ).returning(Round.id)
    )[0]["id"]
    for r in (round_id, pairwise_round_id):
        for app in (own_app, other_app):
            await RoundApplication.insert(RoundApplication(round=r, application=app["id"], key=f"{r}:{app['id']}"))
    for judge in ("judge", "conflicted_judge"):
        await JudgeProfile.insert(
            JudgeProfile(user=users[judge], edition=edition_id, key=f"{edition_id}:{users[judge]}")
        ).on_conflict(target=JudgeProfile.key, action="DO NOTHING")
    assignment = (
        await JudgeAssignment.insert(
            JudgeAssignment(
                round=round_id,
                judge=users["judge"],
                application=own_app["id"],
                key=f"{round_id}:{users['judge']}:{own_app['id']}",
            )
        ).returning(JudgeAssignment.id)
    )[0]["id"]
    await JudgeAssignment.insert(
        JudgeAssignment(
            round=round_id,
            judge=users["conflicted_judge"],
            application=other_app["id"],
            key=f"{round_id}:{users['conflicted_judge']}:{other_app['id']}",
        )
    )
    await DeclaredConflict.insert(
        DeclaredConflict(
            judge=users["conflicted_judge"],
            application=own_app["id"],
            note="I advise them.",
            key=f"{users['conflicted_judge']}:{own_app['id']}",
        )
    )

    # Mentoring: the mentor's published match with AgroSense, a booked session and an open slot.
    match = (
        await Match.insert(
            Match(
                edition=edition_id,
                mentor=users["mentor"],
                application=own_app["id"],
                startup=own_app["startup"],
                status="published",
                key=f"{users['mentor']}:{own_app['id']}",
                published_at=now,
            )
        ).returning(Match.id)
    )[0]["id"]
    start = (now + timedelta(days=5)).replace(microsecond=0)
    booked_slot = (
        await MentoringSlot.insert(
            MentoringSlot(
                mentor=users["mentor"],
                edition=edition_id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                status="booked",
                location="Online",
            )
        ).returning(MentoringSlot.id)
    )[0]["id"]
    open_slot = (
        await MentoringSlot.insert(
            MentoringSlot(
                mentor=users["mentor"],
                edition=edition_id,
                starts_at=start + timedelta(days=1),
                ends_at=start + timedelta(days=1, hours=1),
                status="open",
                location="Online",
            )
        ).returning(MentoringSlot.id)
    )[0]["id"]
    session = (
        await MentoringSession.insert(
            MentoringSession(
                slot=booked_slot,
                match=match,
                mentor=users["mentor"],
                startup=own_app["startup"],
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                active_key=str(booked_slot),
                booked_by=users["startup"],
            )
        ).returning(MentoringSession.id)
    )[0]["id"]

    # A published hackathon: a room, a panel of the judge, a talk, and AgroSense's pitch.
    h_start = (now + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    hackathon = (
        await Hackathon.insert(
            Hackathon(
                edition=edition_id,
                name="Demo day",
                venue="Science Park",
                starts_at=h_start,
                ends_at=h_start + timedelta(hours=6),
                status="published",
                published_at=now,
            )
        ).returning(Hackathon.id)
    )[0]["id"]
    room = (await Room.insert(Room(hackathon=hackathon, name="Hall A", capacity=20)).returning(Room.id))[0]["id"]
    panel = (
        await Panel.insert(Panel(hackathon=hackathon, name="Panel 1", judge_ids=[users["judge"]])).returning(Panel.id)
    )[0]["id"]
    fixed = (
        await FixedSession.insert(
            FixedSession(
                hackathon=hackathon,
                title="Welcome",
                starts_at=h_start,
                ends_at=h_start + timedelta(minutes=30),
                room=room,
            )
        ).returning(FixedSession.id)
    )[0]["id"]
    item = (
        await ScheduleItem.insert(
            ScheduleItem(
                hackathon=hackathon,
                ref="pitch-1-1",
                kind="pitch",
                title="AgroSense pitch",
                room=room,
                starts_at=h_start + timedelta(hours=1),
                ends_at=h_start + timedelta(hours=1, minutes=10),
                team_ids=[own_app["id"]],
                judge_ids=[users["judge"]],
                panel=panel,
            )
        ).returning(ScheduleItem.id)
    )[0]["id"]

    outbox = (
        await OutboxMessage.insert(
            OutboxMessage(to_address="someone@example.org", subject="Hello", body_text="Hi")
        ).returning(OutboxMessage.id)
    )[0]["id"]
    invite = await tokens.issue(
        purpose=TokenPurpose.INVITE, email="invitee@example.org", payload={"role": "mentor", "edition_id": edition_id}
    )
    # Links mailed to someone else, for the pages that take a token.
    stranger = await make_user(email="stranger@example.org", verified=False)
    reset = await tokens.issue(purpose=TokenPurpose.RESET_PASSWORD, email=stranger["email"], user_id=stranger["id"])
    verify = await tokens.issue(purpose=TokenPurpose.VERIFY_EMAIL, email=stranger["email"], user_id=stranger["id"])
    sign_in = await tokens.issue(purpose=TokenPurpose.SIGN_IN, email=stranger["email"], user_id=stranger["id"])
    member = await _id_of(StartupMember.select(StartupMember.id).where(StartupMember.user == users["startup"]))
    question = await _id_of(EligibilityQuestion.select(EligibilityQuestion.id))
    return {
        "users": users,
        "edition_id": edition_id,
        "slug": "2026",
        "application_id": own_app["id"],
        "startup_id": own_app["startup"],
        "member_id": member,
        "municipality_id": ivanjica,
        "problem_id": published["id"],
        "draft_problem_id": draft["id"],
        "review_problem_id": review["id"],
        "attachment_id": attachment,
        "comment_id": comment,
        "question_id": question,
        "round_id": round_id,
        "pairwise_round_id": pairwise_round_id,
        "assignment_id": assignment,
        "match_id": match,
        "session_id": session,
        "slot_id": open_slot,
        "hackathon_id": hackathon,
        "room_id": room,
        "panel_id": panel,
        "fixed_session_id": fixed,
        "item_id": item,
        "message_id": outbox,
        "file_id": own_app["pitch_deck"],
        "token": invite,
        "reset_token": reset,
        "verify_token": verify,
        "sign_in_token": sign_in,
        "mentor_id": users["mentor"],
        "user_id": stranger["id"],
        "calendar_token": await calendar.feed_token(users["mentor"]) + ".ics",
        "job_id": "challenge.phases",
        "expertise_slug": "iot",
        "path": "missing.json",
        "file_path": "css/app.css",
    }


# --- calling -----------------------------------------------------------------------------------

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARAM = re.compile(r"\{(\w+):\w+\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as Litestar spells it, e.g. /problems/{problem_id:int}
    multipart: bool  # checks the CSRF token inside the multipart stream

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def routes_of(app: Litestar) -> list[Route]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append(Route(method, route.path, bool(handler.opt.get("exclude_from_csrf"))))
    return found


def outcome(response: httpx.Response, path: str) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if path.startswith("/api/") and status == 401:
        return LOGIN
    if not path.startswith("/api/") and 300 <= status < 400 and location.startswith("/login?next="):
        return LOGIN
    if 200 <= status < 400 or status in (400, 409, 422):
        return OK
    if status in (403, 404):
        return str(status)
    return f"{status} {response.text[:200]!r}"


async def call(client: WebClient, route: Route, access: Access, world: dict[str, Any]) -> httpx.Response:
    path = PARAM.sub(lambda m: str(world[access.params.get(m.group(1), m.group(1))]), route.path)
    url = path + (f"?{access.query.format(**world)}" if access.query else "")
    if route.method not in UNSAFE:
        return await client.http.request(route.method, url)
    token = await client.csrf_token()
    headers = {"x-csrftoken": token}
    body = {key: _filled(value, world) for key, value in (access.body or {}).items()}
    if path.startswith("/api/"):
        return await client.http.request(route.method, url, json=body, headers=headers)
    if route.multipart:
        parts = [(name, (None, str(value))) for name, value in {**body, "_csrf_token": token}.items()]
        return await client.http.request(route.method, url, files=parts, headers=headers)
    return await client.http.request(route.method, url, data={**body, "_csrf_token": token}, headers=headers)


def _filled(value: Any, world: dict[str, Any]) -> Any:
    """ "{name}" is the world's value (of its own type); other strings are formatted with the world."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        return world[whole.group(1)] if whole else value.format(**world)
    return value


async def sign_in_everyone(app: Litestar, world: dict[str, Any]) -> dict[str, WebClient]:
    # One address each, so the sign-in rate limit of one never touches another.
    clients = {identity: WebClient(http_client(app, ip=f"10.0.0.{n + 1}")) for n, identity in enumerate(IDENTITIES)}
    await asyncio.gather(
        *(
            web.login(
                DEMO_LOGINS.get(identity, CONFLICTED_JUDGE), DEMO_PASSWORD if identity in DEMO_LOGINS else PASSWORD
            )
            for identity, web in clients.items()
            if identity != "anonymous"
        )
    )
    return clients


async def test_every_route_answers_every_identity_as_its_access_rule_says(app: Litestar) -> None:
    routes = {route.key: route for route in routes_of(app)}
    assert sorted(set(routes) - set(ACCESS)) == [], "routes missing from ACCESS: classify them"
    assert sorted(set(ACCESS) - set(routes)) == [], "ACCESS names routes the app no longer has"
    assert [key for key, access in ACCESS.items() if set(access.expected) != set(IDENTITIES)] == []
    world = await build_world()
    clients = await sign_in_everyone(app, world)
    # Reads first, then changes, later rounds (`late`) after earlier ones. The calls of one route
    # that read, or that should be refused, change nothing: they go at once. Those let in change
    # the world, so they go one at a time, in CALL_ORDER, after the refusals.
    order = sorted(ACCESS, key=lambda key: (routes[key].method in UNSAFE, ACCESS[key].late))
    mismatches = []
    try:
        for key in order:
            route, access = routes[key], ACCESS[key]
            changing = [i for i in CALL_ORDER if route.method in UNSAFE and access.expected[i] == OK]
            at_once = [i for i in CALL_ORDER if i not in changing]
            answers = await asyncio.gather(*(call(clients[i], route, access, world) for i in at_once))
            responses = dict(zip(at_once, answers, strict=True))
            for identity in changing:
                responses[identity] = await call(clients[identity], route, access, world)
            for identity, response in responses.items():
                got = outcome(response, route.path)
                if got != access.expected[identity]:
                    mismatches.append(f"{key} as {identity}: expected {access.expected[identity]}, got {got}")
    finally:
        for web in clients.values():
            await web.http.aclose()
        await finish_background_work()

    assert mismatches == [], f"{len(mismatches)} calls off the matrix:\n" + "\n".join(mismatches)


async def finish_background_work() -> None:
    """Schedule builds and matching runs some calls started finish before the tables are emptied."""
    from hackathon.services import building
    from mentoring.services import matching

    await building.wait_for_runs()
    while matching._tasks:
        await asyncio.gather(*list(matching._tasks), return_exceptions=True)
