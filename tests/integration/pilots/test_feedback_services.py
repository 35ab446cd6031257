"""Residents' feedback through the services: who may leave, enter and moderate it, and what the
public then sees summed up."""

from __future__ import annotations

import pytest

from core.auth import CurrentUser, load_current_user
from core.errors import NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from core.tables import AuditEvent
from pilots.enums import FeedbackSource, PilotStatus
from pilots.queries.feedback import feedback_for_sides, summary_of, visible_feedback
from pilots.schemas import FeedbackCommand
from pilots.services.feedback import FEEDBACK_LIMIT, enter_in_person, leave_feedback, moderate_feedback
from pilots.tables import PilotFeedback
from tests.integration.pilots.world import make_pilot_world


async def _user(person: dict) -> CurrentUser:
    user = await load_current_user(person["id"])
    assert user is not None
    return user


async def test_a_resident_leaves_feedback_that_is_shown_at_once() -> None:
    world = await make_pilot_world()

    feedback_id = await leave_feedback(
        pilot_id=world.pilot_id,
        feedback=FeedbackCommand(rating=4, comment="  Fewer dry fields this summer. ", local=True),
        address="192.0.2.1",
        language="sr_Cyrl",
    )

    row = await PilotFeedback.select().where(PilotFeedback.id == feedback_id).first()
    assert (row["rating"], row["comment"], row["local"], row["language"], row["source"], row["entered_by"]) == (
        4,
        "Fewer dry fields this summer.",
        True,
        "sr_Cyrl",
        "online",
        None,
    )
    shown = await visible_feedback(world.pilot_id)
    assert [(entry.id, entry.rating, entry.source) for entry in shown] == [(feedback_id, 4, FeedbackSource.ONLINE)]
    audit = await AuditEvent.select(AuditEvent.actor, AuditEvent.action).where(AuditEvent.entity == "pilot_feedback")
    assert audit == [{"actor": None, "action": "pilot_feedback.added"}]


async def test_a_rating_outside_one_to_five_or_an_overlong_comment_is_refused_by_field() -> None:
    world = await make_pilot_world()

    with pytest.raises(ValidationFailed) as refused:
        await leave_feedback(
            pilot_id=world.pilot_id,
            feedback=FeedbackCommand(rating=6, comment="x" * 2001),
            address="192.0.2.1",
            language="en",
        )

    assert refused.value.errors == {
        "rating": "Choose a rating from 1 to 5.",
        "comment": "This is too long; please shorten it.",
    }
    assert await PilotFeedback.count() == 0


async def test_a_draft_pilot_takes_no_feedback() -> None:
    world = await make_pilot_world(status=PilotStatus.DRAFT)

    with pytest.raises(NotFound):
        await leave_feedback(
            pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=3), address="192.0.2.1", language="en"
        )


async def test_one_address_is_limited_while_another_still_posts() -> None:
    world = await make_pilot_world()
    for _ in range(FEEDBACK_LIMIT.max_hits):
        await leave_feedback(
            pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=5), address="192.0.2.1", language="en"
        )

    with pytest.raises(TooManyRequests):
        await leave_feedback(
            pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=1), address="192.0.2.1", language="en"
        )
    await leave_feedback(
        pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=2), address="192.0.2.2", language="en"
    )

    assert await PilotFeedback.count() == FEEDBACK_LIMIT.max_hits + 1


async def test_municipality_staff_enter_feedback_collected_in_person_and_only_they() -> None:
    world = await make_pilot_world()

    feedback_id = await enter_in_person(
        user=await _user(world.staff),
        pilot_id=world.pilot_id,
        feedback=FeedbackCommand(rating=3, comment="Said at the market: the SMS come too early.", local=True),
        language="sr_Latn",
    )
    for person in (world.organiser, world.founder, world.mentor, world.stranger_staff):
        with pytest.raises(PermissionDenied):
            await enter_in_person(
                user=await _user(person), pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=1), language="en"
            )

    [entry] = await feedback_for_sides(world.pilot_id)
    assert (entry.id, entry.source, entry.entered_by, entry.entered_by_name) == (
        feedback_id,
        FeedbackSource.IN_PERSON,
        world.staff["id"],
        "Marko Staff",
    )


async def test_hidden_feedback_leaves_the_public_summary_until_it_is_restored() -> None:
    world = await make_pilot_world()
    kept = await leave_feedback(
        pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=5), address="192.0.2.1", language="en"
    )
    spam = await leave_feedback(
        pilot_id=world.pilot_id,
        feedback=FeedbackCommand(rating=1, comment="Call 064 123 4567"),
        address="192.0.2.2",
        language="en",
    )
    staff = await _user(world.staff)

    await moderate_feedback(user=staff, pilot_id=world.pilot_id, feedback_id=spam, hide=True, reason="Personal data")
    hidden = summary_of(await visible_feedback(world.pilot_id))
    rows = {entry.id: entry for entry in await feedback_for_sides(world.pilot_id)}
    await moderate_feedback(user=await _user(world.organiser), pilot_id=world.pilot_id, feedback_id=spam, hide=False)
    restored = summary_of(await visible_feedback(world.pilot_id))

    assert (hidden.count, hidden.distribution) == (1, (0, 0, 0, 0, 1))
    assert [entry.id for entry in await visible_feedback(world.pilot_id)] == [spam, kept]
    assert (rows[spam].hidden, rows[spam].hidden_reason, rows[spam].hidden_by_name) == (
        True,
        "Personal data",
        "Marko Staff",
    )
    assert (restored.count, restored.distribution) == (2, (1, 0, 0, 0, 1))
    actions = (
        await AuditEvent.select(AuditEvent.action).where(AuditEvent.entity_id == str(spam)).order_by(AuditEvent.id)
    )
    assert [row["action"] for row in actions] == [
        "pilot_feedback.added",
        "pilot_feedback.hidden",
        "pilot_feedback.restored",
    ]


async def test_hiding_needs_a_reason_and_a_moderator() -> None:
    world = await make_pilot_world()
    feedback_id = await leave_feedback(
        pilot_id=world.pilot_id, feedback=FeedbackCommand(rating=2), address="192.0.2.1", language="en"
    )

    with pytest.raises(ValidationFailed) as refused:
        await moderate_feedback(
            user=await _user(world.staff), pilot_id=world.pilot_id, feedback_id=feedback_id, hide=True, reason=" "
        )
    for person in (world.founder, world.mentor, world.stranger_staff):
        with pytest.raises(PermissionDenied):
            await moderate_feedback(
                user=await _user(person), pilot_id=world.pilot_id, feedback_id=feedback_id, hide=True, reason="No"
            )

    assert refused.value.errors == {"reason": "Say why the feedback is hidden."}
    row = await PilotFeedback.select(PilotFeedback.hidden).where(PilotFeedback.id == feedback_id).first()
    assert row == {"hidden": False}
