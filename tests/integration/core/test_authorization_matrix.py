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

from litestar import Litestar

from core.enums import Role
from tests.integration.core.access_matrix import (
    CALL_ORDER,
    FORBIDDEN,
    IDENTITIES,
    NOT_FOUND,
    OK,
    UNSAFE,
    Access,
    call,
    everyone,
    finish_background_work,
    only,
    outcome,
    public,
    routes_of,
    sign_in_everyone,
    signed_in,
)
from tests.integration.core.authorization_world import build_world

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
# A pilot's working pages: its sides (AgroSense's founder, Ivanjica's staff, organisers) and its
# mentor; the other startup and the other municipality are told it is another role's page.
PILOT_WORK = only(Role.ORGANISER, Role.MUNICIPALITY, Role.STARTUP, Role.MENTOR).but(
    other_startup=FORBIDDEN, other_municipality=FORBIDDEN
)
# Residents' feedback is moderated by organisers and the pilot's municipality staff.
FEEDBACK_MODERATORS = only(Role.ORGANISER, Role.MUNICIPALITY).but(other_municipality=FORBIDDEN)
# A milestone the municipality and the startup sign off: only they may.
MILESTONE_SIGNERS = only(Role.MUNICIPALITY, Role.STARTUP).but(other_startup=FORBIDDEN, other_municipality=FORBIDDEN)
# What the organiser and the municipality do to a pilot's KPIs (the startup and the mentor look on).
KPI_DEFINERS = PILOT_WORK.but(startup=FORBIDDEN, mentor=FORBIDDEN)
# Reporting a startup-reported KPI's value: the startup alone; reviewing it: the other two sides.
KPI_REPORTER = PILOT_WORK.but(organiser=FORBIDDEN, municipality=FORBIDDEN, mentor=FORBIDDEN)
KPI_PILOT = {"pilot_id": "kpi_pilot_id"}
KPI_PAGE = "/pilots/{pilot_id:int}/work/kpis/{kpi_id:int}"
KPI_API = "/api/v1/pilots/{pilot_id:int}/kpis/{kpi_id:int}"
# Valid bodies, so that the refusals come from who calls, not from what they send.
KPI_FORM = {
    "name": "Farms advised",
    "unit": "farms",
    "direction": "up",
    "baseline_value": "0",
    "baseline_on": "{kpi_measured_on}",
    "target_value": "20",
    "method": "The SMS gateway's log.",
    "frequency": "quarterly",
    "reporter": "startup",
}
KPI_JSON = {**KPI_FORM, "baseline_value": 0, "target_value": 20}
MEASUREMENT = {"measured_on": "{kpi_measured_on}", "value": "390"}
DISPUTE = {"review": "dispute", "reason": "The meter was broken."}
# The agreement's routes act on the world's draft pilot (version 1 unsigned).
DRAFT_PILOT = {"pilot_id": "draft_pilot_id"}
PILOT_PARTIES = PILOT_WORK.calling(params=DRAFT_PILOT)
# Past the pilot's guard, only organisers write the agreement and move the pilot (a draft cannot
# start: the organiser's call is a 409, judged on the state).
PILOT_ORGANISERS = PILOT_PARTIES.but(municipality=FORBIDDEN, startup=FORBIDDEN, mentor=FORBIDDEN)
# A signature for the municipality: only its staff stand for that side.
PILOT_MUNICIPALITY_SIGNS = PILOT_PARTIES.but(organiser=FORBIDDEN, startup=FORBIDDEN, mentor=FORBIDDEN).calling(
    body={"side": "municipality"}
)
AMENDMENT = {
    "scope": "Sensors on thirty farms.",
    "locations": ["Ivanjica"],
    "starts_on": "2027-03-01",
    "ends_on": "2027-09-01",
    "data_terms": "Open aggregates.",
    "note": "More farms.",
}

# The organisers' own question the edit routes act on (the world's `question_id` is an eligibility one).
ASKED_QUESTION = {"question_id": "asked_question_id"}

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
    "GET /readyz": public(),
    "GET /metrics": everyone(FORBIDDEN),  # for METRICS_TOKEN or METRICS_ALLOW_IPS, neither set here
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
    # A blind round's deck, under the entry's pseudonym: the assigned judge only (organisers read the file itself).
    "GET /judge/assignments/{assignment_id:int}/deck": only(Role.JUDGE)
    .but(conflicted_judge=FORBIDDEN)
    .calling(params={"assignment_id": "blind_assignment_id"}),
    # Declaring a conflict takes the assignment away: after the judge's other calls about it.
    "POST /judge/assignments/{assignment_id:int}/conflict": only(Role.JUDGE).but(conflicted_judge=FORBIDDEN),
    "GET /api/v1/judging/rounds/{round_id:int}/ranking": only(Role.ORGANISER),
    # The judges' feedback to a team: like the startup's own application, 404 for everyone else.
    "GET /api/v1/judging/applications/{application_id:int}/feedback": STARTUPS_OWN,
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
    # Releasing a judge who dropped out (the conflicted judge's ParkPulse sheet goes to another judge).
    "GET /organiser/rounds/{round_id:int}/judges/{judge_id:int}/release": only(Role.ORGANISER),
    "POST /organiser/rounds/{round_id:int}/judges/{judge_id:int}/release": ORGANISERS_LATE,
    # The pairwise final: the pair in front of a judge by API, the projector and its release.
    "GET /api/v1/judging/rounds/{round_id:int}/pair": only(Role.JUDGE).calling(
        params={"round_id": "pairwise_round_id"}
    ),
    "POST /api/v1/judging/rounds/{round_id:int}/pair": only(Role.JUDGE).calling(
        params={"round_id": "pairwise_round_id"}, body={"token": "stale", "choice": "current"}
    ),
    "POST /organiser/rounds/{round_id:int}/projector": only(Role.ORGANISER).calling(
        params={"round_id": "pairwise_round_id"}, body={"released": "1"}
    ),
    "GET /rounds/{round_id:int}/projector": public().calling(params={"round_id": "pairwise_round_id"}),
    "GET /editions/{slug:str}/results": public(),
    # --- pilots: public pages, open data and API ---------------------------------------------------
    "GET /pilots": public(),
    "GET /pilots/{pilot_id:int}": public(),
    "GET /pilots/{pilot_id:int}/kpis/{kpi_id:int}": public().calling(params=KPI_PILOT),
    "GET /pilots/{pilot_id:int}/kpis/{kpi_id:int}/chart.svg": public().calling(params=KPI_PILOT),
    "GET /editions/{slug:str}/pilots": public(),
    "GET /open-data/pilots": public(),
    "GET /open-data/pilots/pilots.csv": public(),
    "GET /open-data/pilots/kpis.csv": public(),
    "GET /open-data/pilots/measurements.csv": public(),
    "GET /open-data/pilots/milestones.csv": public(),
    "GET /open-data/pilots/feedback.csv": public(),
    "GET /open-data/pilots/pilots.json": public(),
    "GET /open-data/pilots/dcat.jsonld": public(),
    "GET /api/v1/pilots": public(),
    "GET /api/v1/pilots/{pilot_id:int}": public(),
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
    # --- pilots: residents' feedback ---------------------------------------------------------------
    "GET /p/{code:str}": public().calling(params={"code": "pilot_code"}),
    "GET /pilots/{pilot_id:int}/feedback": public(),
    "POST /pilots/{pilot_id:int}/feedback": public().calling(body={"rating": "4"}),
    "GET /pilots/{pilot_id:int}/poster": public(),
    "GET /pilots/{pilot_id:int}/poster.svg": public(),
    "GET /api/v1/pilots/{pilot_id:int}/feedback": public(),
    "POST /api/v1/pilots/{pilot_id:int}/feedback": public().calling(body={"rating": 4}),
    "GET /pilots/{pilot_id:int}/work/feedback": PILOT_WORK,
    "POST /pilots/{pilot_id:int}/work/feedback": only(Role.MUNICIPALITY)
    .but(other_municipality=FORBIDDEN)
    .calling(body={"rating": "3"}),
    "POST /pilots/{pilot_id:int}/work/feedback/{feedback_id:int}/hide": FEEDBACK_MODERATORS.calling(
        body={"reason": "Off topic"}
    ),
    "POST /pilots/{pilot_id:int}/work/feedback/{feedback_id:int}/restore": FEEDBACK_MODERATORS,
    # --- pilots: milestones ----------------------------------------------------------------------
    "GET /pilots/{pilot_id:int}/work/milestones": PILOT_WORK,
    "POST /pilots/{pilot_id:int}/work/milestones": PILOT_WORK.but(
        startup=FORBIDDEN, municipality=FORBIDDEN, mentor=FORBIDDEN
    ),
    # An empty decision: the named sides are told to choose (422), nobody else gets that far.
    "POST /pilots/{pilot_id:int}/work/milestones/{milestone_id:int}/sign-off": MILESTONE_SIGNERS,
    "POST /pilots/{pilot_id:int}/work/milestones/{milestone_id:int}/remove": only(Role.ORGANISER).calling(
        params={"milestone_id": "spare_milestone_id"}
    ),
    "GET /pilots/{pilot_id:int}/work/milestones/{milestone_id:int}/edit": only(Role.ORGANISER),
    # An empty form: 422 with field errors for organisers; nothing changes.
    "POST /pilots/{pilot_id:int}/work/milestones/{milestone_id:int}/edit": only(Role.ORGANISER),
    "GET /organiser/pilots/overdue": only(Role.ORGANISER),
    "GET /api/v1/pilots/{pilot_id:int}/milestones": public(),
    "POST /api/v1/pilots/{pilot_id:int}/milestones": only(Role.ORGANISER),
    # An empty title: 422 for organisers; nothing changes.
    "PUT /api/v1/pilots/{pilot_id:int}/milestones/{milestone_id:int}": only(Role.ORGANISER).calling(
        body={"title": "", "deliverable": "Report", "due_on": "2026-06-01", "sign_off_by": ["organiser"]},
    ),
    # A refusal without a reason: 422 for the named sides, refused for everyone else; nothing changes.
    "POST /api/v1/pilots/{pilot_id:int}/milestones/{milestone_id:int}/sign-offs": MILESTONE_SIGNERS.calling(
        body={"decision": "refuse"}
    ),
    # --- pilots: KPIs and measurements -------------------------------------------------------------
    "GET /pilots/{pilot_id:int}/work/kpis": PILOT_WORK.calling(params=KPI_PILOT),
    "POST /pilots/{pilot_id:int}/work/kpis": KPI_DEFINERS.calling(params=KPI_PILOT, body=KPI_FORM),
    "GET /pilots/{pilot_id:int}/work/kpis/{kpi_id:int}": PILOT_WORK.calling(params=KPI_PILOT),
    "POST /pilots/{pilot_id:int}/work/kpis/{kpi_id:int}/edit": KPI_DEFINERS.calling(params=KPI_PILOT, body=KPI_FORM),
    # 409: the KPI has a measurement, so it stays.
    "POST /pilots/{pilot_id:int}/work/kpis/{kpi_id:int}/remove": KPI_DEFINERS.calling(params=KPI_PILOT),
    "POST /pilots/{pilot_id:int}/work/kpis/{kpi_id:int}/measurements": KPI_REPORTER.calling(
        params=KPI_PILOT, body=MEASUREMENT
    ),
    f"POST {KPI_PAGE}/measurements/{{measurement_id:int}}/reviews": KPI_DEFINERS.calling(
        params=KPI_PILOT, body=DISPUTE
    ),
    "GET /api/v1/pilots/{pilot_id:int}/kpis": public().calling(params=KPI_PILOT),
    "POST /api/v1/pilots/{pilot_id:int}/kpis": KPI_DEFINERS.calling(params=KPI_PILOT, body=KPI_JSON),
    "POST /api/v1/pilots/{pilot_id:int}/kpis/{kpi_id:int}/measurements": KPI_REPORTER.calling(
        params=KPI_PILOT, body={**MEASUREMENT, "value": 390}
    ),
    f"POST {KPI_API}/measurements/{{measurement_id:int}}/reviews": KPI_DEFINERS.calling(params=KPI_PILOT, body=DISPUTE),
    # --- pilots: the agreement -------------------------------------------------------------------------
    "GET /organiser/editions/{edition_id:int}/pilots": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/pilots": only(Role.ORGANISER),  # 422: nothing chosen
    "GET /pilots/mine": only(Role.ORGANISER, Role.MUNICIPALITY, Role.STARTUP, Role.MENTOR),
    "GET /pilots/{pilot_id:int}/work": PILOT_PARTIES,
    "POST /pilots/{pilot_id:int}/work/versions": PILOT_ORGANISERS.calling(
        body={**AMENDMENT, "locations": "Ivanjica", "procurement": "direct_pilot"}
    ),
    "POST /pilots/{pilot_id:int}/work/versions/{number:int}/sign": PILOT_MUNICIPALITY_SIGNS,
    "POST /pilots/{pilot_id:int}/work/actions": PILOT_ORGANISERS.calling(body={"action": "start"}),
    "POST /api/v1/pilots": only(Role.ORGANISER),  # 422: an empty body
    "GET /api/v1/pilots/{pilot_id:int}/agreement": PILOT_PARTIES,
    "POST /api/v1/pilots/{pilot_id:int}/versions": PILOT_ORGANISERS.calling(body=AMENDMENT),
    "POST /api/v1/pilots/{pilot_id:int}/versions/{number:int}/signatures": PILOT_MUNICIPALITY_SIGNS,
    "POST /api/v1/pilots/{pilot_id:int}/actions": PILOT_ORGANISERS.calling(body={"action": "start"}),
    # --- challenge: the organisers' own application questions ------------------------------------------
    "GET /organiser/editions/{edition_id:int}/application-questions": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/application-questions": only(Role.ORGANISER),  # 422: empty
    "GET /organiser/editions/{edition_id:int}/application-questions/{question_id:int}/edit": only(
        Role.ORGANISER
    ).calling(params=ASKED_QUESTION),
    "POST /organiser/editions/{edition_id:int}/application-questions/{question_id:int}/edit": only(
        Role.ORGANISER
    ).calling(params=ASKED_QUESTION),  # 422: empty
    "POST /organiser/editions/{edition_id:int}/application-questions/{question_id:int}/move": only(
        Role.ORGANISER
    ).calling(params=ASKED_QUESTION, body={"direction": "down"}),
    "POST /organiser/editions/{edition_id:int}/application-questions/{question_id:int}/remove": only(
        Role.ORGANISER
    ).calling(params={"question_id": "spare_asked_question_id"}, late=1),
    "GET /organiser/editions/{edition_id:int}/application-questions/copy": only(Role.ORGANISER),
    "POST /organiser/editions/{edition_id:int}/application-questions/copy": only(Role.ORGANISER),  # 422: none
    "GET /api/v1/editions/{slug:str}/questions": public(),
}


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
