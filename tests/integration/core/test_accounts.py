"""Sign-up, verification, sign-in, passwords: through HTTP, on a real database."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest

from core.clock import utc_now
from core.enums import TokenPurpose
from core.settings import get_settings
from core.tables import AuditEvent, OutboxMessage, SessionRecord, Token, User
from tests.factories import PASSWORD, make_user
from tests.fixtures import DeliveredMail
from tests.web import WebClient, field_error, without_csrf

TOKEN_IN_MAIL = re.compile(r"token=([A-Za-z0-9_\-]+)")
ATTACKERS = [f"203.0.113.{n}" for n in range(1, 11)]


class Clock:
    """The services' clock, moved by hand: rate-limit waits pass without sleeping."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr("core.accounts.services.utc_now", moved)
    return moved


@pytest.fixture
def account_ceiling_of_10(monkeypatch: pytest.MonkeyPatch) -> None:
    """One failure per account and address, so ten from anywhere put the account under attack."""
    settings = dataclasses.replace(get_settings(), login_limit_per_account=1)
    monkeypatch.setattr("core.accounts.services.get_settings", lambda: settings)


async def _attack(app, email: str, addresses: list[str] = ATTACKERS) -> None:
    """Wrong passwords from ten addresses: enough to put the account under attack."""
    from tests.fixtures import http_client

    for ip in addresses:
        async with http_client(app, ip=ip) as http:
            response = await WebClient(http).post_form("/login", {"email": email, "password": "guessing away"})
            assert response.status_code in (200, 422)


async def _mailed_token(delivered: DeliveredMail, address: str) -> str:
    return TOKEN_IN_MAIL.search(await delivered(address)).group(1)


async def _sign_up(client: WebClient, email: str = "mila@example.org", password: str = PASSWORD):
    return await client.post_form(
        "/signup", {"name": "Mila Kovač", "email": email, "password": password, "password_confirm": password}
    )


async def test_sign_up_creates_unverified_account_and_mails_link(client: WebClient) -> None:
    response = await _sign_up(client)

    assert response.status_code == 200
    assert "We sent a mail to mila@example.org." in response.text
    assert (await client.get("/account")).status_code == 302  # signed in only once the address is confirmed
    user = await User.objects().get(User.email == "mila@example.org")
    assert (user.name, user.is_verified) == ("Mila Kovač", False)
    mails = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.to_address == "mila@example.org")
    assert mails == [{"subject": "Confirm your email address"}]
    assert await AuditEvent.count().where(AuditEvent.action == "account.signed_up") == 1


async def test_verification_link_confirms_address(client: WebClient, delivered: DeliveredMail) -> None:
    await _sign_up(client)
    token = await _mailed_token(delivered, "mila@example.org")

    response = await client.get(f"/verify?token={token}")

    assert response.status_code == 302
    assert (await User.objects().get(User.email == "mila@example.org")).is_verified is True


async def test_verification_link_works_once(client: WebClient, delivered: DeliveredMail) -> None:
    await _sign_up(client)
    token = await _mailed_token(delivered, "mila@example.org")
    await client.get(f"/verify?token={token}")

    response = await client.get(f"/verify?token={token}")

    assert response.status_code == 409
    assert "already been used" in response.text


async def test_forged_token_is_rejected_clearly(client: WebClient) -> None:
    response = await client.get("/verify?token=forged-token-that-was-never-issued")

    assert response.status_code == 404
    assert "This link is not valid" in response.text


async def test_expired_token_is_rejected_clearly(client: WebClient, delivered: DeliveredMail) -> None:
    await _sign_up(client)
    token = await _mailed_token(delivered, "mila@example.org")
    await Token.update({Token.expires_at: utc_now() - timedelta(minutes=1)}).where(
        Token.purpose == TokenPurpose.VERIFY_EMAIL
    )

    response = await client.get(f"/verify?token={token}")

    assert response.status_code == 409
    assert "This link has expired" in response.text


async def test_sign_up_with_a_taken_address_answers_as_for_a_new_one(client: WebClient) -> None:
    await make_user(email="ana@example.org", name="Ana")

    taken = await _sign_up(client, email="Ana@Example.org")
    new = await _sign_up(client, email="Mila@Example.org")

    assert (taken.status_code, new.status_code) == (200, 200)
    assert without_csrf(taken.text).replace("Ana@Example.org", "ADDRESS") == without_csrf(new.text).replace(
        "Mila@Example.org", "ADDRESS"
    )
    assert await User.count().where(User.email == "ana@example.org") == 1
    warning = await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text).where(
        OutboxMessage.to_address == "ana@example.org"
    )
    assert [m["subject"] for m in warning] == ["Someone tried to sign up with your address"]
    assert "No new account was made." in warning[0]["body_text"]


async def test_sign_up_does_the_same_work_for_a_taken_address(client: WebClient, monkeypatch) -> None:
    from core.accounts import services

    work: list[str] = []
    real_hash, real_queue = services._hash, services.queue_mail

    async def hashing(password: str) -> str:
        work.append("hash")
        return await real_hash(password)

    async def queueing(**mail) -> bool:
        work.append("mail")
        return await real_queue(**mail)

    monkeypatch.setattr(services, "_hash", hashing)
    monkeypatch.setattr(services, "queue_mail", queueing)
    await make_user(email="ana@example.org")

    await _sign_up(client, email="ana@example.org")
    taken, work[:] = list(work), []
    await _sign_up(client, email="mila@example.org")

    assert taken == work == ["hash", "mail"]


async def test_weak_password_is_refused_and_input_kept(client: WebClient) -> None:
    response = await _sign_up(client, password="short")

    assert response.status_code == 422
    assert field_error(response.text, "password") == "Use at least 10 characters."
    assert 'value="mila@example.org"' in response.text
    assert 'value="short"' not in response.text  # passwords are never echoed
    assert await User.count() == 0


async def test_login_with_wrong_password_fails_without_saying_which(client: WebClient) -> None:
    await make_user(email="ana@example.org")

    response = await client.post_form("/login", {"email": "ana@example.org", "password": "wrong password!"})

    assert response.status_code == 422
    assert field_error(response.text, "password") == "Wrong email or password."
    assert (await client.get("/account")).status_code == 302


async def test_login_and_logout(client: WebClient) -> None:
    await make_user(email="ana@example.org", name="Ana")

    login = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD, "next": "/account"})
    account = await client.get("/account")
    logout = await client.post_form("/logout")
    after = await client.get("/account")

    assert login.status_code == 302
    assert account.status_code == 200
    assert "ana@example.org" in account.text
    assert logout.status_code == 302
    assert after.status_code == 302
    assert after.headers["location"] == "/login?next=/account"
    assert await SessionRecord.count() == 0


async def test_login_rotates_the_session_id(client: WebClient) -> None:
    await make_user(email="ana@example.org")
    await client.post_form("/locale", {"locale": "sr_Latn"})
    before = client.http.cookies.get("sid")

    await client.login("ana@example.org", PASSWORD)

    assert before is not None
    assert client.http.cookies.get("sid") not in (None, before)


async def test_login_never_redirects_off_site(client: WebClient) -> None:
    await make_user(email="ana@example.org")

    response = await client.post_form(
        "/login", {"email": "ana@example.org", "password": PASSWORD, "next": "//evil.example/steal"}
    )

    assert response.headers["location"] == "/account"


async def test_missing_csrf_token_is_forbidden(client: WebClient) -> None:
    await make_user(email="ana@example.org")
    await client.csrf_token()

    response = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD}, csrf=False)

    assert response.status_code == 403
    assert "security token" in response.text


async def test_failed_logins_from_one_address_wait_longer_each_time(client: WebClient, clock: Clock) -> None:
    await make_user(email="ana@example.org")
    wrong = {"email": "ana@example.org", "password": "not the password"}
    for _ in range(5):
        assert (await client.post_form("/login", wrong)).status_code == 422

    first = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    clock.advance(seconds=30)
    after_the_wait = await client.post_form("/login", wrong)
    second = await client.post_form("/login", wrong)
    clock.advance(seconds=60)
    owner = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})

    assert (first.status_code, first.headers["retry-after"]) == (429, "30")
    assert "Too many attempts. Please wait 1 minute(s) and try again." in first.text
    assert 'value="ana@example.org"' in first.text  # the form comes back with the input kept
    assert after_the_wait.status_code == 422
    assert (second.status_code, second.headers["retry-after"]) == (429, "60")
    assert owner.status_code == 302


async def test_too_many_logins_from_one_address_are_refused(client: WebClient) -> None:
    for n in range(20):
        await client.post_form("/login", {"email": f"nobody{n}@example.org", "password": "whatever pass"})

    blocked = await client.post_form("/login", {"email": "someone@example.org", "password": "whatever pass"})

    assert blocked.status_code == 429


async def test_password_reset_flow(client: WebClient, delivered: DeliveredMail) -> None:
    await make_user(email="ana@example.org")

    asked = await client.post_form("/password/forgot", {"email": "ana@example.org"})
    token = await _mailed_token(delivered, "ana@example.org")
    form = await client.get(f"/password/reset?token={token}")
    reset = await client.post_form(
        "/password/reset", {"token": token, "password": "a brand new secret", "password_confirm": "a brand new secret"}
    )
    await client.post_form("/logout")

    assert asked.status_code == 200
    assert form.status_code == 200
    assert reset.status_code == 302
    relogin = await client.post_form("/login", {"email": "ana@example.org", "password": "a brand new secret"})
    assert relogin.status_code == 302


async def test_password_reset_for_unknown_address_looks_the_same(client: WebClient) -> None:
    await make_user(email="ana@example.org")

    unknown = await client.post_form("/password/forgot", {"email": "ghost@example.org"})
    known = await client.post_form("/password/forgot", {"email": "ana@example.org"})

    assert (unknown.status_code, known.status_code) == (200, 200)
    assert "If an account exists for ghost@example.org" in unknown.text
    assert without_csrf(unknown.text).replace("ghost@example.org", "ADDRESS") == without_csrf(known.text).replace(
        "ana@example.org", "ADDRESS"
    )
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "ghost@example.org") == 0
    assert await Token.count().where(Token.email == "ghost@example.org") == 0


async def test_password_reset_does_the_same_work_for_an_unknown_address(client: WebClient, monkeypatch) -> None:
    from core.accounts import services

    work: list[str] = []
    real_issue, real_queue = services.tokens.issue, services.queue_mail

    async def issuing(**token) -> str:
        work.append("token")
        return await real_issue(**token)

    async def queueing(**mail) -> bool:
        work.append("mail")
        return await real_queue(**mail)

    monkeypatch.setattr(services.tokens, "issue", issuing)
    monkeypatch.setattr(services, "queue_mail", queueing)
    await make_user(email="ana@example.org")

    await client.post_form("/password/forgot", {"email": "ghost@example.org"})
    unknown, work[:] = list(work), []
    await client.post_form("/password/forgot", {"email": "ana@example.org"})

    assert unknown == work == ["token", "mail"]


async def test_change_password_needs_current_password(logged_in) -> None:
    client = await logged_in()

    wrong = await client.post_form(
        "/account/password",
        {"current": "not it at all", "password": "another good one", "password_confirm": "another good one"},
    )
    right = await client.post_form(
        "/account/password",
        {"current": PASSWORD, "password": "another good one", "password_confirm": "another good one"},
    )

    assert wrong.status_code == 422
    assert field_error(wrong.text, "current") == "This is not your current password."
    assert right.status_code == 302
    assert await OutboxMessage.count().where(OutboxMessage.subject == "Your password was changed") == 1


async def test_an_attacker_cannot_lock_the_owner_out_from_elsewhere(app, client: WebClient) -> None:
    from tests.fixtures import http_client

    await make_user(email="ana@example.org")
    async with http_client(app, ip="203.0.113.9") as attacker_http:
        attacker = WebClient(attacker_http)
        for _ in range(6):
            await attacker.post_form("/login", {"email": "ana@example.org", "password": "guessing away"})

        owner = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})

    assert owner.status_code == 302


async def test_two_sign_ups_with_one_address_at_once_give_one_account(app) -> None:
    import asyncio

    from tests.fixtures import http_client

    async def sign_up(ip: str):
        async with http_client(app, ip=ip) as http:
            return await _sign_up(WebClient(http), email="twice@example.org")

    responses = await asyncio.gather(sign_up("198.51.100.1"), sign_up("198.51.100.2"))

    assert sorted(r.status_code for r in responses) == [200, 200]
    assert await User.count().where(User.email == "twice@example.org") == 1


async def test_verification_mail_cannot_be_resent_endlessly(logged_in) -> None:
    client = await logged_in(None, verified=False)

    statuses = [(await client.post_form("/verify/resend")).status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]


async def test_reset_voids_older_reset_links(client: WebClient, delivered: DeliveredMail) -> None:
    await make_user(email="ana@example.org")
    await client.post_form("/password/forgot", {"email": "ana@example.org"})
    older = await _mailed_token(delivered, "ana@example.org")
    await client.post_form("/password/forgot", {"email": "ana@example.org"})
    newer = await _mailed_token(delivered, "ana@example.org")

    await client.post_form(
        "/password/reset", {"token": newer, "password": "a brand new secret", "password_confirm": "a brand new secret"}
    )
    stale = await client.get(f"/password/reset?token={older}")

    assert older != newer
    assert stale.status_code == 409


async def test_strangers_cannot_lock_the_owner_out(
    app, client: WebClient, delivered: DeliveredMail, account_ceiling_of_10: None
) -> None:
    await make_user(email="ana@example.org", name="Ana")
    await _attack(app, "ana@example.org")

    owner = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    assert owner.status_code == 200  # not 429: the owner is never refused
    link = re.search(r"http://testserver(/login/link\?token=[A-Za-z0-9_\-]+)", await delivered("ana@example.org"))
    confirm = await client.get(link.group(1))
    signed_in = await client.post_form("/login/link", {"token": link.group(1).split("=", 1)[1]})
    again = await client.post_form("/login/link", {"token": link.group(1).split("=", 1)[1]})

    assert "If the password was right, we mailed its owner a sign-in link" in owner.text
    assert confirm.status_code == 200
    assert signed_in.status_code == 302 and signed_in.headers["location"] == "/account"
    assert (await client.get("/account")).status_code == 200
    assert again.status_code == 409
    stored = await Token.select(Token.token_hash).where(Token.purpose == TokenPurpose.SIGN_IN)
    assert len(stored) == 1 and link.group(1).split("=", 1)[1] not in str(stored)


async def test_under_attack_a_wrong_password_gets_the_answer_a_right_one_gets(
    app, client: WebClient, account_ceiling_of_10: None
) -> None:
    await make_user(email="ana@example.org", name="Ana")
    await _attack(app, "ana@example.org")

    right = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    wrong = await client.post_form("/login", {"email": "ana@example.org", "password": "one more guess"})

    assert (wrong.status_code, right.status_code) == (200, 200)
    assert without_csrf(wrong.text) == without_csrf(right.text)
    links = await OutboxMessage.count().where(OutboxMessage.subject == "Your sign-in link")
    assert links == 1  # only the right password mails the link


async def test_under_attack_a_known_address_signs_in_as_usual(
    app, client: WebClient, account_ceiling_of_10: None
) -> None:
    await make_user(email="ana@example.org")
    await client.login("ana@example.org", PASSWORD)
    await client.post_form("/logout")
    await _attack(app, "ana@example.org")

    owner = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})

    assert owner.status_code == 302


async def test_the_owner_is_told_of_an_attack_once(app, account_ceiling_of_10: None) -> None:
    await make_user(email="ana@example.org", name="Ana")

    await _attack(app, "ana@example.org")
    await _attack(app, "ana@example.org", [f"198.51.100.{n}" for n in range(1, 11)])

    warnings = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.to_address == "ana@example.org")
    assert warnings == [{"subject": "Someone is trying to sign in to your account"}]
    assert await AuditEvent.count().where(AuditEvent.action == "account.under_attack") == 1


async def test_a_hash_made_at_other_argon2_figures_is_upgraded_at_the_next_sign_in(client: WebClient) -> None:
    from argon2 import PasswordHasher

    user = await make_user(email="vesna@example.org")
    # The production figures (argon2-cffi's defaults), where this suite runs at the cheapest.
    await User.update({User.password_hash: PasswordHasher().hash(PASSWORD)}).where(User.id == user["id"])

    signed_in = await client.post_form("/login", {"email": "vesna@example.org", "password": PASSWORD})

    assert signed_in.status_code == 302
    stored = await User.select(User.password_hash).where(User.id == user["id"]).first()
    cost = get_settings().password_hashing
    assert stored["password_hash"].startswith(
        f"$argon2id$v=19$m={cost.memory_kib},t={cost.time_cost},p={cost.parallelism}$"
    )
