"""Every mail judging sends to judges goes through `mail_judge`: one place decides what a judge
reads about a round. It takes counts and the round, never an application or a startup's name, so
a blind round's judges learn nothing by mail that their pages would hide."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from core.i18n import format_datetime, in_locale, ngettext
from core.mail import queue_mail
from core.tables import User
from judging.records import RoundRow
from judging.rules import deadlines


class JudgeMail(StrEnum):
    """What a judge is told."""

    # Applications were added to their queue (a top-up after another judge dropped out).
    ASSIGNED = "assigned"
    # Sheets are still to submit and the round closes soon (48 or 12 hours ahead).
    REMINDER = "reminder"


class JudgeRecipient(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    email: str
    locale: str


async def judge_recipients(judge_ids: list[int]) -> dict[int, JudgeRecipient]:
    """The active accounts among `judge_ids`, by id (a deactivated judge is not mailed)."""
    if not judge_ids:
        return {}
    rows = await User.select(User.id, User.name, User.email, User.locale).where(
        User.id.is_in(judge_ids),
        User.is_active == True,  # noqa: E712
    )
    return {row["id"]: msgspec.convert(row, JudgeRecipient) for row in rows}


def _subject(kind: JudgeMail, round_name: str, count: int) -> str:
    if kind is JudgeMail.ASSIGNED:
        text = ngettext(
            "%(num)s more application to score in “%(round)s”",
            "%(num)s more applications to score in “%(round)s”",
            count,
        )
    else:
        text = ngettext(
            "Reminder: %(num)s sheet to submit in “%(round)s”",
            "Reminder: %(num)s sheets to submit in “%(round)s”",
            count,
        )
    return text % {"num": count, "round": round_name}


async def mail_judge(
    *,
    judge: JudgeRecipient,
    kind: JudgeMail,
    round_: RoundRow,
    timezone: str,
    count: int,
    total: int,
    now: datetime,
    once_key: str | None = None,
) -> bool:
    """Queue one mail to a judge about a round, in the judge's language; call inside the
    causing transaction. `count` is what the mail is about (sheets added or still to submit),
    `total` the judge's sheets in the round. Returns whether it was queued (a once-key queues once)."""
    with in_locale(judge.locale):
        left = deadlines.time_left(round_.closes_at, now=now) if round_.closes_at else None
        return await queue_mail(
            to=judge.email,
            subject=_subject(kind, round_.name, count),
            template=f"judging_{kind.value}",
            once_key=once_key,
            name=judge.name,
            round_name=round_.name,
            count=count,
            total=total,
            closes=format_datetime(round_.closes_at, timezone) if round_.closes_at else "",
            left=left,
            link=f"/judge/rounds/{round_.id}",
        )
