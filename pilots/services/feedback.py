"""Residents' voice at the pilot site: feedback without an account, feedback staff collected in
person, and its moderation.

Feedback is shown at once, as residents' comments on problems are; organisers and the pilot's
municipality staff hide what breaks the rules, with a reason, and may restore it.
"""

from __future__ import annotations

from datetime import timedelta

from core import audit, db, ratelimit
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.rules import N_
from core.rules.rate_limits import Limit
from pilots.enums import FeedbackSource, Side
from pilots.queries.feedback import public_pilot
from pilots.queries.pilots import sides_of
from pilots.rules.feedback import check_feedback, check_moderation
from pilots.schemas import FeedbackCommand
from pilots.tables import PilotFeedback

# Per client address, across pilots: enough for a family sharing a phone or a household's router,
# too few to stuff a pilot's ratings. Staff entering feedback from a meeting are not counted here.
FEEDBACK_LIMIT = Limit("pilot-feedback-ip", 10, timedelta(hours=1))
ONLY_MUNICIPALITY_ENTERS = N_("Only the municipality's staff enter feedback collected in person.")
ONLY_MODERATORS = N_("Only organisers and the municipality's staff moderate residents' feedback.")
NO_SUCH_FEEDBACK = N_("This feedback does not exist.")


def _checked(feedback: FeedbackCommand) -> tuple[int, str]:
    comment = feedback.comment.strip()
    errors = check_feedback(rating=feedback.rating, comment=comment)
    if errors or feedback.rating is None:
        raise ValidationFailed(errors)
    return feedback.rating, comment


async def _insert(
    *,
    pilot_id: int,
    rating: int,
    comment: str,
    local: bool,
    language: str,
    source: FeedbackSource,
    entered_by: int | None,
) -> int:
    async with db.transaction():
        feedback_id: int = (
            await PilotFeedback.insert(
                PilotFeedback(
                    pilot=pilot_id,
                    rating=rating,
                    comment=comment,
                    local=local,
                    language=language,
                    source=source,
                    entered_by=entered_by,
                    created_at=utc_now(),
                )
            ).returning(PilotFeedback.id)
        )[0]["id"]
        await audit.record(
            actor_id=entered_by,
            action="pilot_feedback.added",
            entity="pilot_feedback",
            entity_id=feedback_id,
            after={"pilot": pilot_id, "rating": rating, "comment": comment, "local": local, "source": source.value},
        )
    return feedback_id


async def leave_feedback(*, pilot_id: int, feedback: FeedbackCommand, address: str, language: str) -> int:
    """A resident's feedback through the pilot's public link, without an account; limited per address."""
    await public_pilot(pilot_id)
    rating, comment = _checked(feedback)
    await ratelimit.hit(FEEDBACK_LIMIT, address)
    return await _insert(
        pilot_id=pilot_id,
        rating=rating,
        comment=comment,
        local=feedback.local,
        language=language,
        source=FeedbackSource.ONLINE,
        entered_by=None,
    )


async def enter_in_person(*, user: CurrentUser, pilot_id: int, feedback: FeedbackCommand, language: str) -> int:
    """Feedback the municipality's staff collected in person, typed in on the resident's behalf;
    it stays marked as such wherever it is shown."""
    pilot = await public_pilot(pilot_id)
    if Side.MUNICIPALITY not in sides_of(user, pilot):
        raise PermissionDenied(ONLY_MUNICIPALITY_ENTERS)
    rating, comment = _checked(feedback)
    return await _insert(
        pilot_id=pilot_id,
        rating=rating,
        comment=comment,
        local=feedback.local,
        language=language,
        source=FeedbackSource.IN_PERSON,
        entered_by=user.id,
    )


async def moderate_feedback(
    *, user: CurrentUser, pilot_id: int, feedback_id: int, hide: bool, reason: str = ""
) -> None:
    """Hide (with a reason) or restore an entry: organisers and the pilot's municipality staff."""
    pilot = await public_pilot(pilot_id)
    if not sides_of(user, pilot) & {Side.ORGANISER, Side.MUNICIPALITY}:
        raise PermissionDenied(ONLY_MODERATORS)
    reason = reason.strip()
    errors = check_moderation(hide=hide, reason=reason)
    if errors:
        raise ValidationFailed(errors)
    async with db.transaction():
        entry = (
            await PilotFeedback.select(PilotFeedback.hidden, PilotFeedback.hidden_reason)
            .where(PilotFeedback.id == feedback_id, PilotFeedback.pilot == pilot_id)
            .first()
        )
        if entry is None:
            raise NotFound(NO_SUCH_FEEDBACK)
        await PilotFeedback.update(
            {
                PilotFeedback.hidden: hide,
                PilotFeedback.hidden_reason: reason if hide else "",
                PilotFeedback.hidden_by: user.id if hide else None,
                PilotFeedback.hidden_at: utc_now() if hide else None,
            }
        ).where(PilotFeedback.id == feedback_id)
        await audit.record(
            actor_id=user.id,
            action="pilot_feedback.hidden" if hide else "pilot_feedback.restored",
            entity="pilot_feedback",
            entity_id=feedback_id,
            before={"hidden": entry["hidden"], "reason": entry["hidden_reason"]},
            after={"hidden": hide, "reason": reason if hide else ""},
        )
