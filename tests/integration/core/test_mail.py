"""The outbox: queued with the change, rolled back with it, delivered over real SMTP, retried."""

from __future__ import annotations

import logging
import re

import pytest

from core import db
from core.enums import OutboxStatus, Role
from core.mail import queue_mail, send_pending
from core.settings import SmtpSettings
from core.tables import OutboxMessage, User
from tests.factories import PASSWORD, make_user
from tests.fixtures import DeliveredMail, Mailbox, SmtpServer, body_of, free_port
from tests.web import WebClient

LINK = re.compile(r"http://testserver/(?:verify\?token=|password/reset\?token=|invites/)([A-Za-z0-9_\-]+)")


class _Boom(Exception):
    pass


async def test_mail_is_rolled_back_with_its_transaction() -> None:
    with pytest.raises(_Boom):
        async with db.transaction():
            await User.insert(User(email="gone@example.org", name="Gone", password_hash="x"))
            await queue_mail(to="gone@example.org", subject="Welcome", template="password_changed", name="Gone")
            raise _Boom

    assert await OutboxMessage.count() == 0
    assert await User.count() == 0


async def test_mail_is_committed_with_its_transaction() -> None:
    async with db.transaction():
        await queue_mail(to="kept@example.org", subject="Welcome", template="password_changed", name="Kept")

    rows = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.status)
    assert rows == [{"to_address": "kept@example.org", "status": OutboxStatus.PENDING}]


async def test_pending_mail_is_delivered_to_the_smtp_server(smtp_server: SmtpServer, mailbox: Mailbox) -> None:
    await queue_mail(to="ana@example.org", subject="Your password was changed", template="password_changed", name="Ana")

    sent = await send_pending(smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))

    assert sent == 1
    message = await mailbox.wait_for("ana@example.org")
    assert message["Subject"] == "Your password was changed"
    assert "Hello Ana" in body_of(message)
    row = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts).first()
    assert row == {"status": OutboxStatus.SENT, "attempts": 1}


async def test_sent_mail_is_not_sent_twice(smtp_server: SmtpServer, mailbox: Mailbox) -> None:
    smtp = SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    await queue_mail(to="ana@example.org", subject="Once", template="password_changed", name="Ana")

    first, second = await send_pending(smtp=smtp), await send_pending(smtp=smtp)

    assert (first, second) == (1, 0)
    assert len(mailbox.to("ana@example.org")) == 1


async def test_unreachable_server_schedules_a_retry() -> None:
    await queue_mail(to="ana@example.org", subject="Later", template="password_changed", name="Ana")

    sent = await send_pending(smtp=SmtpSettings(host="127.0.0.1", port=free_port()))

    row = await OutboxMessage.select(
        OutboxMessage.status,
        OutboxMessage.attempts,
        OutboxMessage.next_attempt_at,
        OutboxMessage.created_at,
        OutboxMessage.last_error,
    ).first()
    assert sent == 0
    assert (row["status"], row["attempts"]) == (OutboxStatus.PENDING, 1)
    assert row["next_attempt_at"] > row["created_at"]
    assert row["last_error"] != ""


async def test_without_smtp_mail_is_written_to_the_server_log(caplog: pytest.LogCaptureFixture) -> None:
    await queue_mail(
        to="ana@example.org", subject="Reset", template="reset_password", name="Ana", secrets={"token": "s3cr3t-Token"}
    )

    with caplog.at_level(logging.INFO, logger="core.mail"):
        sent = await send_pending(smtp=SmtpSettings(host=""))

    assert sent == 1
    assert "http://testserver/password/reset?token=s3cr3t-Token" in caplog.text
    row = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.body_with_secrets).first()
    assert row == {"status": OutboxStatus.SENT, "body_with_secrets": None}


async def test_organisers_read_the_outbox(logged_in) -> None:
    await queue_mail(to="ana@example.org", subject="Visible subject", template="password_changed", name="Ana")
    organiser = await logged_in(Role.ORGANISER)
    message_id = (await OutboxMessage.select(OutboxMessage.id).first())["id"]

    listing = await organiser.get("/organiser/outbox?status=pending")
    detail = await organiser.get(f"/organiser/outbox/{message_id}")

    assert "Visible subject" in listing.text
    assert detail.status_code == 200
    assert "Hello Ana" in detail.text


async def test_a_message_the_server_cannot_take_fails_alone(smtp_server: SmtpServer, mailbox: Mailbox) -> None:
    await OutboxMessage.insert(OutboxMessage(to_address="evil\x01@example.org", subject="Bad", body_text="x"))
    await queue_mail(to="good@example.org", subject="Good", template="password_changed", name="Good")

    sent = await send_pending(smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))

    assert sent == 1
    assert [m["Subject"] for m in mailbox.messages] == ["Good"]
    statuses = await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.status).order_by(OutboxMessage.id)
    assert statuses == [
        {"subject": "Bad", "status": OutboxStatus.FAILED},
        {"subject": "Good", "status": OutboxStatus.SENT},
    ]


async def test_organisers_never_see_a_mailed_link(logged_in, client: WebClient, delivered: DeliveredMail) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await make_user(email="judge@example.org", role=Role.JUDGE)
    await client.post_form("/password/forgot", {"email": "judge@example.org"})
    await client.post_form(
        "/signup", {"name": "Mila", "email": "mila@example.org", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    await organiser.post_form("/organiser/invites", {"email": "new@example.org", "role": "mentor"})
    ids = [row["id"] for row in await OutboxMessage.select(OutboxMessage.id).order_by(OutboxMessage.id)]

    before = [(await organiser.get(f"/organiser/outbox/{i}")).text for i in ids]
    links = {
        a: LINK.search(await delivered(a)).group(1)
        for a in ("judge@example.org", "mila@example.org", "new@example.org")
    }
    after = [(await organiser.get(f"/organiser/outbox/{i}")).text for i in ids]
    listing = (await organiser.get("/organiser/outbox")).text

    assert len(ids) == 3
    assert [page.count("[hidden: only the addressee gets this link]") for page in before] == [1, 1, 1]
    assert [token for token in links.values() if any(token in page for page in before + after + [listing])] == []
    stored = str(await OutboxMessage.select())
    assert [token for token in links.values() if token in stored] == []
    assert (await client.get(f"/password/reset?token={links['judge@example.org']}")).status_code == 200


async def test_a_mail_given_up_on_keeps_no_secret(smtp_server: SmtpServer) -> None:
    await queue_mail(
        to="evil\x01@example.org", subject="Reset", template="reset_password", name="X", secrets={"token": "s3cr3t"}
    )

    await send_pending(smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))

    row = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.body_with_secrets).first()
    assert row == {"status": OutboxStatus.FAILED, "body_with_secrets": None}
