"""Mail goes through the outbox: queued in the transaction of the change, sent by a job.

Secret links (verification, password reset, invitations, sign-in) are readable by their
addressee only: the outbox shows organisers a copy with each secret replaced by a placeholder,
and the body that carries it is kept only until the message is handed over, then NULLed.
Without SMTP_HOST (development, demo) the sending job writes each mail to the server log
instead, so a developer sees their own links there and never on the organiser pages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import aiosmtplib
import msgspec

from core import metrics
from core.clock import utc_now
from core.enums import OutboxStatus
from core.i18n import gettext as _
from core.rules.retry import next_attempt
from core.settings import SmtpSettings, get_settings
from core.tables import OutboxMessage
from core.templating import render

log = logging.getLogger(__name__)


async def queue_mail(
    *,
    to: str,
    subject: str,
    template: str,
    once_key: str | None = None,
    secrets: Mapping[str, str] | None = None,
    **context: Any,
) -> bool:
    """Render `templates/mail/<template>.txt` and queue it. Call inside the causing transaction.

    The body is rendered now, in the sender's request context and language, so the sending job
    needs nothing but the row. Template variables that only the addressee may see (tokens) go
    in `secrets`: the stored, displayable body gets a placeholder in their place. With
    `once_key`, a mail already queued under that key is not queued again (reminders: however
    often or on however many workers a job runs). Returns whether it was queued.
    """
    base_url = get_settings().base_url
    body = render(f"mail/{template}.txt", base_url=base_url, **context, **(secrets or {}))
    shown = body
    if secrets:
        hidden = {name: _("[hidden: only the addressee gets this link]") for name in secrets}
        shown = render(f"mail/{template}.txt", base_url=base_url, **context, **hidden)
    insert = OutboxMessage.insert(
        OutboxMessage(
            to_address=to,
            subject=subject,
            body_text=shown,
            body_with_secrets=body if secrets else None,
            once_key=once_key,
        )
    )
    if once_key is not None:
        insert = insert.on_conflict(target=OutboxMessage.once_key, action="DO NOTHING")
    return bool(await insert.returning(OutboxMessage.id))


class _DueMail(msgspec.Struct, frozen=True, kw_only=True):
    """A queued message the sender picks up: what goes out, and how often it was tried."""

    id: int
    to_address: str
    subject: str
    body_text: str
    body_with_secrets: str | None
    attempts: int

    @property
    def body(self) -> str:
        """The mail as sent: with its link where it has one (the outbox page shows `body_text`)."""
        return self.body_with_secrets or self.body_text


def _build_message(row: _DueMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}")
    message.set_content(row.body)
    return message


async def _mark_sent(row: _DueMail) -> None:
    # The secret goes in the same statement that records the delivery: it is never kept after.
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.SENT,
            OutboxMessage.sent_at: utc_now(),
            OutboxMessage.attempts: row.attempts + 1,
            OutboxMessage.body_with_secrets: None,
        }
    ).where(OutboxMessage.id == row.id)


async def _due(batch_size: int) -> list[_DueMail]:
    rows = await (
        OutboxMessage.select()
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utc_now())
        .order_by(OutboxMessage.id)
        .limit(batch_size)
    )
    return msgspec.convert(rows, list[_DueMail])


async def _write_to_log(batch_size: int) -> int:
    """Development delivery: the whole mail goes to the server log, read by whoever runs the server."""
    rows = await _due(batch_size)
    for row in rows:
        log.info(
            "mail %s (no SMTP_HOST, so logged instead of sent)\nTo: %s\nSubject: %s\n\n%s",
            row.id,
            row.to_address,
            row.subject,
            row.body,
        )
        await _mark_sent(row)
    return len(rows)


async def send_pending(*, smtp: SmtpSettings | None = None, batch_size: int = 50) -> int:
    """Send due messages; failures are retried with exponential backoff. Returns how many went out.

    Runs on the scheduler leader only, so no two senders pick the same row. Without an SMTP
    host the mail is written to the server log instead (see the module docstring).
    """
    smtp = smtp or get_settings().smtp
    if not smtp.enabled:
        return await _write_to_log(batch_size)
    now = utc_now()
    rows = await _due(batch_size)
    sent = 0
    for row in rows:
        try:
            await aiosmtplib.send(
                _build_message(row, smtp.sender),
                hostname=smtp.host,
                port=smtp.port,
                username=smtp.username or None,
                password=smtp.password or None,
                start_tls=smtp.starttls,
                timeout=30,
            )
        except Exception as exc:  # one bad message must never stop the others
            attempts = row.attempts + 1
            transient = isinstance(exc, aiosmtplib.SMTPException | OSError)
            retry_at = next_attempt(attempts=attempts, now=utc_now()) if transient else None
            log.warning("mail %s to %s failed (attempt %s): %s", row.id, row.to_address, attempts, exc)
            metrics.OUTBOX_SEND_FAILURES.inc()
            changes: dict[Any, Any] = {
                OutboxMessage.attempts: attempts,
                OutboxMessage.last_error: str(exc)[:2000],
                OutboxMessage.status: OutboxStatus.PENDING if retry_at else OutboxStatus.FAILED,
                OutboxMessage.next_attempt_at: retry_at or now,
            }
            if retry_at is None:  # given up: the link will never be delivered, so it is not kept either
                changes[OutboxMessage.body_with_secrets] = None
            await OutboxMessage.update(changes).where(OutboxMessage.id == row.id)
            continue
        await _mark_sent(row)
        sent += 1
    return sent
