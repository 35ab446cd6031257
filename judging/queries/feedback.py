"""What a team reads of its judging once a round's results are published (judging.rules.feedback).

Only published rounds that share something are read, and only for a team whose application
entered them; judges appear as letters, never as people (no judge id or name leaves here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from challenge.services import applications as challenge_applications
from core.application_page import PageSection, register_section_source
from core.auth import CurrentUser
from judging.enums import FeedbackScores, RoundStatus, ScoreStatus
from judging.queries.rounds import criteria_of, rubric
from judging.records import RoundRow, round_row
from judging.rules import feedback as rules
from judging.tables import Round, RoundApplication, ScoreSheet


@dataclass(frozen=True, slots=True)
class RoundFeedback:
    """One published round's feedback to one team."""

    round_id: int
    round_name: str
    scores_mode: FeedbackScores
    feedback: rules.TeamFeedback


def settings_of(round_: RoundRow) -> rules.FeedbackSettings:
    return rules.FeedbackSettings(
        scores=round_.feedback_scores, comments=round_.feedback_comments, normalisation=round_.normalisation
    )


async def _sheets(round_id: int) -> list[rules.Sheet]:
    rows = (
        await ScoreSheet.select(
            ScoreSheet.assignment,
            ScoreSheet.judge,
            ScoreSheet.application,
            ScoreSheet.values,
            ScoreSheet.comments,
            ScoreSheet.private_comments,
        )
        .where(ScoreSheet.round == round_id, ScoreSheet.status == ScoreStatus.SUBMITTED)
        .output(load_json=True)
    )
    return [
        rules.Sheet(
            assignment_id=r["assignment"],
            judge_id=r["judge"],
            application_id=r["application"],
            submitted=True,
            values={int(k): v for k, v in r["values"].items()},
            comments={int(k): v for k, v in r["comments"].items()},
            private=frozenset(int(k) for k in r["private_comments"] or ()),
        )
        for r in rows
    ]


async def round_feedback(round_: RoundRow) -> dict[int, rules.TeamFeedback]:
    """Every scored team's feedback in a round, whatever its status (publishing mails it)."""
    settings = settings_of(round_)
    if not settings.shares_anything:
        return {}
    return rules.round_feedback(rubric(await criteria_of(round_.id)), await _sheets(round_.id), settings)


async def published_feedback(application_id: int) -> list[RoundFeedback]:
    """The feedback of every published round the application entered, in the rounds' order."""
    entered = await RoundApplication.select(RoundApplication.round).where(
        RoundApplication.application == application_id
    )
    round_ids = [r["round"] for r in entered]
    if not round_ids:
        return []
    rows = await (
        Round.select().where(Round.id.is_in(round_ids), Round.status == RoundStatus.PUBLISHED).order_by(Round.position)
    )
    shown = []
    for round_ in (round_row(r) for r in rows):
        found = (await round_feedback(round_)).get(application_id)
        if found and not found.empty:
            shown.append(RoundFeedback(round_.id, round_.name, round_.feedback_scores, found))
    return shown


async def feedback_for(user: CurrentUser, application_id: int) -> list[RoundFeedback]:
    """The team's feedback for its members and organisers; for anyone else the application does not exist."""
    application = await challenge_applications.load_application(application_id)
    await challenge_applications.ensure_member(user, application.startup)
    return await published_feedback(application_id)


async def feedback_section(*, user: CurrentUser, application_id: int) -> list[PageSection]:
    """The "Judges' feedback" block of the application page (none while nothing is published)."""
    rounds = await feedback_for(user, application_id)
    if not rounds:
        return []
    context: dict[str, Any] = {"rounds": rounds}
    return [PageSection(template="judging/feedback/_section.html", context=context)]


def register() -> None:
    """Judging's block on the startup's application page; `core.app.create_app` calls this."""
    register_section_source(feedback_section)
