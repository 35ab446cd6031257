"""Organisers invite municipality staff, mentors and judges; the mailed link grants the role."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, Membership, OutboxMessage, Token, User
from tests.factories import PASSWORD, make_edition, make_municipality, make_user
from tests.fixtures import DeliveredMail
from tests.web import WebClient, field_error


async def _invite_token(delivered: DeliveredMail, address: str) -> str:
    return re.search(r"/invites/([A-Za-z0-9_\-]+)", await delivered(address)).group(1)


async def test_invited_staff_sign_up_and_act_for_their_municipality(
    logged_in, client: WebClient, delivered: DeliveredMail
) -> None:
    organiser = await logged_in(Role.ORGANISER)
    municipality = await make_municipality(name="Ivanjica")

    sent = await organiser.post_form(
        "/organiser/invites",
        {
            "email": "jelena@ivanjica.rs",
            "role": "municipality",
            "organisation_id": str(municipality["id"]),
            "message": "Dobrodošli!",
        },
    )
    token = await _invite_token(delivered, "jelena@ivanjica.rs")
    joined = await client.post_form(
        f"/invites/{token}/signup",
        {
            "name": "Jelena Marković",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    home = await client.get("/municipality")

    assert sent.status_code == 302
    assert joined.status_code == 302
    user = await User.objects().get(User.email == "jelena@ivanjica.rs")
    assert user.is_verified is True
    memberships = await Membership.select(Membership.role, Membership.organisation_id).where(Membership.user == user.id)
    assert memberships == [{"role": "municipality", "organisation_id": municipality["id"]}]
    assert home.status_code == 200
    assert "Ivanjica" in home.text
    assert await AuditEvent.count().where(AuditEvent.action == "invite.sent") == 1
    assert await AuditEvent.count().where(AuditEvent.action == "membership.granted") == 1


async def test_existing_user_accepts_an_invitation_after_signing_in(logged_in, delivered: DeliveredMail) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    judge = await logged_in(None, email="zoran@uni.example.org")

    await organiser.post_form(
        "/organiser/invites",
        {
            "email": "zoran@uni.example.org",
            "role": "judge",
            "edition_id": str(edition["id"]),
        },
    )
    token = await _invite_token(delivered, "zoran@uni.example.org")
    page = await judge.get(f"/invites/{token}")
    accepted = await judge.post_form(f"/invites/{token}/accept")

    assert page.status_code == 200
    assert "Accept the invitation" in page.text
    assert accepted.status_code == 302
    assert (await judge.get("/judge/")).status_code == 200


async def test_invitation_cannot_be_taken_by_another_account(logged_in, delivered: DeliveredMail) -> None:
    organiser = await logged_in(Role.ORGANISER)
    intruder = await logged_in(None, email="intruder@example.org")
    await organiser.post_form("/organiser/invites", {"email": "mentor@example.org", "role": "mentor"})
    token = await _invite_token(delivered, "mentor@example.org")

    response = await intruder.post_form(f"/invites/{token}/accept")

    assert response.status_code == 409
    assert "This invitation was sent to mentor@example.org" in response.text
    assert await Membership.count().where(Membership.role == Role.MENTOR) == 0


async def test_expired_invitation_is_refused(logged_in, client: WebClient, delivered: DeliveredMail) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await organiser.post_form("/organiser/invites", {"email": "late@example.org", "role": "mentor"})
    token = await _invite_token(delivered, "late@example.org")
    await Token.update({Token.expires_at: utc_now() - timedelta(seconds=1)}).where(Token.email == "late@example.org")

    response = await client.get(f"/invites/{token}")

    assert response.status_code == 409
    assert "This link has expired" in response.text


async def test_invitation_form_shows_field_errors(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await make_municipality(name="Kladovo")

    response = await organiser.post_form("/organiser/invites", {"email": "not-an-email", "role": "municipality"})

    assert response.status_code == 422
    assert field_error(response.text, "email") == "This does not look like an email address (name@example.org)."
    assert field_error(response.text, "organisation_id") == "Choose the municipality this person works for."
    assert "Kladovo" in response.text  # the form's choices are there again
    assert 'value="not-an-email"' in response.text


async def test_only_organisers_invite(logged_in) -> None:
    judge = await logged_in(Role.JUDGE)

    response = await judge.post_form("/organiser/invites", {"email": "x@example.org", "role": "judge"})

    assert response.status_code == 403
    assert await OutboxMessage.count() == 0


async def test_invited_person_with_existing_account_must_sign_in(
    logged_in, client: WebClient, delivered: DeliveredMail
) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await make_user(email="known@example.org")
    await organiser.post_form("/organiser/invites", {"email": "known@example.org", "role": "mentor"})
    token = await _invite_token(delivered, "known@example.org")

    response = await client.post_form(
        f"/invites/{token}/signup",
        {
            "name": "Known",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )

    assert response.status_code == 409
    assert "sign in to accept the invitation" in response.text
