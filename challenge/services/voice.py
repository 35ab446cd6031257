"""Residents' voice: endorsements and moderated comments on published problems."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from challenge.enums import ProblemStatus
from challenge.tables import Comment, Endorsement, Problem
from core import audit, db, ratelimit
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.rules import N_, TOO_LONG
from core.rules.rate_limits import Limit

COMMENT_LIMIT = Limit("comment-user", 10, timedelta(minutes=15))
ENDORSE_LIMIT = Limit("endorse-user", 30, timedelta(hours=1))
MAX_COMMENT = 2000
MAX_REASON = 500  # as the form says (maxlength)


def _ensure_verified(user: CurrentUser) -> None:
    if not user.is_verified:
        raise PermissionDenied(N_("Please confirm your email address first; we sent you a link."))


async def _published(problem_id: int) -> dict[str, Any]:
    problem = await Problem.select(Problem.id, Problem.status).where(Problem.id == problem_id).first()
    if problem is None or problem["status"] != ProblemStatus.PUBLISHED:
        raise NotFound(N_("This problem does not exist."))
    return problem


async def endorse(*, user: CurrentUser, problem_id: int) -> int:
    """One endorsement per verified person and problem; returns the new count."""
    _ensure_verified(user)
    await ratelimit.hit(ENDORSE_LIMIT, str(user.id))
    await _published(problem_id)
    async with db.transaction():
        inserted = await Endorsement.raw(
            # One statement, so two clicks at once cannot both count.
            'INSERT INTO endorsement (problem, "user", key, created_at) VALUES ({}, {}, {}, {}) '
            "ON CONFLICT (key) DO NOTHING RETURNING id",
            problem_id,
            user.id,
            f"{problem_id}:{user.id}",
            utc_now(),
        )
        if not inserted:
            raise StateConflict(N_("You have already endorsed this problem."))
        await Problem.update({Problem.endorsement_count: Problem.endorsement_count + 1}).where(Problem.id == problem_id)
        await audit.record(actor_id=user.id, action="problem.endorsed", entity="problem", entity_id=problem_id)
    row = await Problem.select(Problem.endorsement_count).where(Problem.id == problem_id).first()
    return int(row["endorsement_count"]) if row else 0


async def add_comment(*, user: CurrentUser, problem_id: int, body: str) -> int:
    _ensure_verified(user)
    body = body.strip()
    if not body:
        raise ValidationFailed({"body": N_("Write your comment first.")})
    if len(body) > MAX_COMMENT:
        raise ValidationFailed({"body": N_("Please keep comments under 2,000 characters.")})
    await ratelimit.hit(COMMENT_LIMIT, str(user.id))
    await _published(problem_id)
    async with db.transaction():
        comment_id: int = (
            await Comment.insert(Comment(problem=problem_id, author=user.id, body=body)).returning(Comment.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="comment.added",
            entity="comment",
            entity_id=comment_id,
            after={"problem": problem_id, "body": body},
        )
    return comment_id


async def moderate_comment(*, user: CurrentUser, comment_id: int, hide: bool, reason: str = "") -> int:
    """Hide (with a reason) or restore a comment. Returns its problem's id."""
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers moderate comments."))
    reason = reason.strip()
    if hide and not reason:
        raise ValidationFailed({"reason": N_("Say why the comment is hidden.")})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": TOO_LONG})
    async with db.transaction():
        comment = await Comment.select().where(Comment.id == comment_id).first()
        if comment is None:
            raise NotFound(N_("This comment does not exist."))
        await Comment.update(
            {
                Comment.hidden: hide,
                Comment.hidden_reason: reason if hide else "",
                Comment.hidden_by: user.id if hide else None,
                Comment.hidden_at: utc_now() if hide else None,
            }
        ).where(Comment.id == comment_id)
        await audit.record(
            actor_id=user.id,
            action="comment.hidden" if hide else "comment.restored",
            entity="comment",
            entity_id=comment_id,
            before={"hidden": comment["hidden"], "reason": comment["hidden_reason"]},
            after={"hidden": hide, "reason": reason if hide else ""},
        )
    return int(comment["problem"])
