"""The outbox: queued with the change, rolled back with it, delivered over real SMTP, retried."""

from __future__ import annotations

import pytest

from core import db
from core.enums import OutboxStatus
from core.mail import queue_mail, send_pending
from core.settings import SmtpSettings
from core.tables import OutboxMessage, User
from tests.fixtures import Mailbox, SmtpServer, body_of, free_port


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


async def test_without_smtp_mail_stays_in_the_outbox() -> None:
    await queue_mail(to="ana@example.org", subject="Held", template="password_changed", name="Ana")

    sent = await send_pending(smtp=SmtpSettings(host=""))

    assert sent == 0
    assert await OutboxMessage.count().where(OutboxMessage.status == OutboxStatus.PENDING) == 1


async def test_organisers_read_the_outbox(logged_in) -> None:
    from core.enums import Role

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
