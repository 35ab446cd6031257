"""The judging domain's part of a person's data: profiles, conflicts, assignments, scores, votes."""

from __future__ import annotations

from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from core.rules.privacy import KEPT_SCORES
from judging.enums import ScoreStatus
from judging.tables import DeclaredConflict, JudgeAssignment, JudgeProfile, PairwiseVote, ScoreSheet


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    return {
        "judge_profiles": await JudgeProfile.select()
        .where(JudgeProfile.user == user_id)
        .order_by(JudgeProfile.id)
        .output(load_json=True),
        "declared_conflicts": await DeclaredConflict.select()
        .where(DeclaredConflict.judge == user_id)
        .order_by(DeclaredConflict.id),
        "assignments": await JudgeAssignment.select()
        .where(JudgeAssignment.judge == user_id)
        .order_by(JudgeAssignment.id),
        "score_sheets": await ScoreSheet.select()
        .where(ScoreSheet.judge == user_id)
        .order_by(ScoreSheet.id)
        .output(load_json=True),
        "pairwise_votes": await PairwiseVote.select().where(PairwiseVote.judge == user_id).order_by(PairwiseVote.id),
    }


async def kept(subject: Subject) -> frozenset[str]:
    """Submitted sheets and pairwise votes are counted in rankings others rely on: they stay."""
    counted = await ScoreSheet.exists().where(
        ScoreSheet.judge == subject.user_id, ScoreSheet.status == ScoreStatus.SUBMITTED
    ) or await PairwiseVote.exists().where(PairwiseVote.judge == subject.user_id)
    return frozenset({KEPT_SCORES}) if counted else frozenset()


async def erase(erasure: Erasure) -> None:
    """The profile and unsubmitted drafts go; submitted sheets and votes stay, counted, under the
    pseudonym; declared conflicts stay (they still keep the pseudonymous judge off those teams)
    without the judge's note."""
    user_id = erasure.subject.user_id
    await JudgeProfile.delete().where(JudgeProfile.user == user_id)
    await ScoreSheet.delete().where(ScoreSheet.judge == user_id, ScoreSheet.status != ScoreStatus.SUBMITTED)
    await DeclaredConflict.update({DeclaredConflict.note: ""}).where(DeclaredConflict.judge == user_id)


def register() -> None:
    register_section(PrivacySection(name="judging", export=export, erase=erase, kept=kept))
