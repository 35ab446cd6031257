"""Mail goes through the outbox: queued in the transaction of the change, sent by a job."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import aiosmtplib

from core.clock import utc_now
from core.enums import OutboxStatus
from core.rules.retry import next_attempt
from core.settings import SmtpSettings, get_settings
from core.tables import OutboxMessage
from core.templating import render

log = logging.getLogger(__name__)


async def queue_mail(*, to: str, subject: str, template: str, once_key: str | None = None, **context: Any) -> bool:
    """Render `templates/mail/<template>.txt` and queue it. Call inside the causing transaction.

    The body is rendered now, in the sender's request context and language, so the sending job
    needs nothing but the row. With `once_key`, a mail already queued under that key is not
    queued again (reminders: however often or on however many workers a job runs). Returns
    whether it was queued.
    """
    body = render(f"mail/{template}.txt", base_url=get_settings().base_url, **context)
    insert = OutboxMessage.insert(OutboxMessage(to_address=to, subject=subject, body_text=body, once_key=once_key))
    if once_key is not None:
        insert = insert.on_conflict(target=OutboxMessage.once_key, action="DO NOTHING")
    return bool(await insert.returning(OutboxMessage.id))


def _build_message(row: dict[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row['id']}")
    message.set_content(row["body_text"])
    return message


async def send_pending(*, smtp: SmtpSettings | None = None, batch_size: int = 50) -> int:
    """Send due messages; failures are retried with exponential backoff. Returns how many went out.

    Runs on the scheduler leader only, so no two senders pick the same row.
    """
    smtp = smtp or get_settings().smtp
    if not smtp.enabled:
        return 0
    now = utc_now()
    rows = await (
        OutboxMessage.select()
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(batch_size)
    )
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
            attempts = row["attempts"] + 1
            transient = isinstance(exc, aiosmtplib.SMTPException | OSError)
            retry_at = next_attempt(attempts=attempts, now=utc_now()) if transient else None
            log.warning("mail %s to %s failed (attempt %s): %s", row["id"], row["to_address"], attempts, exc)
            await OutboxMessage.update(
                {
                    OutboxMessage.attempts: attempts,
                    OutboxMessage.last_error: str(exc)[:2000],
                    OutboxMessage.status: OutboxStatus.PENDING if retry_at else OutboxStatus.FAILED,
                    OutboxMessage.next_attempt_at: retry_at or now,
                }
            ).where(OutboxMessage.id == row["id"])
            continue
        await OutboxMessage.update(
            {
                OutboxMessage.status: OutboxStatus.SENT,
                OutboxMessage.sent_at: utc_now(),
                OutboxMessage.attempts: row["attempts"] + 1,
            }
        ).where(OutboxMessage.id == row["id"])
        sent += 1
    return sent
