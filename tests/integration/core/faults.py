"""What the fault tests send and how they tell it was acknowledged: a founder's submission built
directly, sessions made without signing in, and the request of one action.

Shared by the burst (test_faults.py) and the mail (test_faults_mail.py) scenarios.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from challenge.tables import Application, ApplicationProblem, Startup, StartupMember
from core import csrf
from core.clock import utc_now
from core.enums import Role
from core.sessions import LIFETIME, Session
from core.sessions import _hash as session_key
from core.tables import SessionRecord, StoredFile
from tests.factories import APPLICATION_CONTENT, make_user

SUBMITTED_SUBJECT = "Application received"


def acknowledged(status_code: int | None) -> bool:
    """A success page or the redirect after a successful form post."""
    return status_code is not None and 200 <= status_code < 400


async def signed_in_session(user_id: int) -> str:
    """A session as signing in leaves it, without an argon2 check (and a login rate limit) per user."""
    session_id = secrets.token_urlsafe(32)
    await SessionRecord.insert(
        SessionRecord(
            key=session_key(session_id),
            user_id=user_id,
            data=msgspec.json.encode({"user_id": user_id}),
            expires_at=utc_now() + LIFETIME,
        )
    )
    return session_id


def session_token(session_id: str) -> str:
    """The CSRF token of a session made by `signed_in_session` (tokens are bound to their session)."""
    token = csrf.token_for(Session({}, session_id=session_id, needs_renewal=False))
    assert token is not None
    return token


@dataclass(frozen=True, eq=False)
class Action:
    """One request of the burst and what it must leave behind once acknowledged."""

    url: str
    session_id: str
    form: dict[str, str]
    # A submission: the application and the founder who gets the confirmation mail.
    application_id: int | None = None
    founder_email: str = ""
    # A score save: the assignment and the scores sent, as stored ({criterion id: value}).
    assignment_id: int | None = None
    values: dict[str, int] = field(default_factory=dict)


async def _deck(owner_id: int) -> int:
    deck = StoredFile(
        key=uuid.uuid4().hex,
        original_name="deck.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0",
        owner=owner_id,
        purpose="pitch_deck",
    )
    return (await StoredFile.insert(deck).returning(StoredFile.id))[0]["id"]


async def make_submission(edition: dict[str, Any], problem_id: int, n: int) -> Action:
    """A founder signed in, with a complete draft: the rows the services leave, built directly."""
    startup = Startup(name=f"Burst {n}", country="Serbia", city="Niš")
    startup_id = (await Startup.insert(startup).returning(Startup.id))[0]["id"]
    user = await make_user(
        email=f"founder{n}@burst.example", role=Role.STARTUP, edition_id=edition["id"], organisation_id=startup_id
    )
    member = StartupMember(
        startup=startup_id, user=user["id"], edition=edition["id"], is_contact=True, key=f"{edition['id']}:{user['id']}"
    )
    await StartupMember.insert(member)
    draft = Application(
        edition=edition["id"],
        startup=startup_id,
        updated_by=user["id"],
        pitch_deck=await _deck(user["id"]),
        active_key=f"{edition['id']}:{startup_id}:{APPLICATION_CONTENT['track']}",
        **APPLICATION_CONTENT,
    )
    application_id = (await Application.insert(draft).returning(Application.id))[0]["id"]
    await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem_id))
    return Action(
        url=f"/startup/applications/{application_id}/submit",
        session_id=await signed_in_session(user["id"]),
        form={},
        application_id=application_id,
        founder_email=user["email"],
    )


async def send_action(http: httpx.AsyncClient, action: Action) -> httpx.Response:
    token = session_token(action.session_id)
    return await http.post(
        action.url,
        data={**action.form, "_csrf_token": token},
        headers={"cookie": f"sid={action.session_id}; csrftoken={token}"},
    )
