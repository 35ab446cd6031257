"""A round's life after set-up: open it, close it, rank it, advance the best, publish the results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from challenge.enums import ApplicationStatus
from challenge.services import applications as challenge_applications
from challenge.tables import Application, ApplicationProblem
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_
from judging.enums import Normalisation, RoundEntry, RoundMethod, RoundStatus, ScoreStatus
from judging.rules import scoring
from judging.services import pairwise
from judging.services.rounds import criteria_of, load_round, rounds_of
from judging.tables import JudgeAssignment, Round, RoundApplication, ScoreSheet

ENTERING = [s for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)]


def _require_organiser(user: CurrentUser) -> None:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers run judging rounds."))


async def entries(round_id: int) -> list[dict[str, Any]]:
    return await RoundApplication.select(
        RoundApplication.all_columns(),
        RoundApplication.application.startup.name.as_alias("startup_name"),
        RoundApplication.application.track.as_alias("track"),
        RoundApplication.application.status.as_alias("status"),
    ).where(RoundApplication.round == round_id)


async def _entering(round_: dict[str, Any]) -> list[int]:
    if round_["entry"] == RoundEntry.ADVANCED:
        earlier = [r for r in await rounds_of(round_["edition"]) if r["position"] < round_["position"]]
        if not earlier:
            raise StateConflict(N_("This round takes the applications advanced from the previous one; there is none."))
        previous = max(earlier, key=lambda r: r["position"])
        rows = await RoundApplication.select(RoundApplication.application).where(
            RoundApplication.round == previous["id"], RoundApplication.advanced.eq(True)
        )
        return [r["application"] for r in rows]
    rows = await Application.select(Application.id).where(
        Application.edition == round_["edition"], Application.status.is_in(ENTERING)
    )
    return [r["id"] for r in rows]


async def open_round(*, user: CurrentUser, round_id: int) -> int:
    """Take in the applications that enter and open scoring; the rubric is fixed from now on."""
    _require_organiser(user)
    round_ = await load_round(round_id)
    if round_["status"] != RoundStatus.DRAFT:
        raise StateConflict(N_("Only a round being set up can be opened."))
    if round_["method"] == RoundMethod.WEIGHTED_RUBRIC and not await criteria_of(round_id):
        raise StateConflict(N_("Give the round a rubric before opening it."))
    applications = await _entering(round_)
    if not applications:
        raise StateConflict(N_("No application enters this round yet."))
    async with db.transaction():
        moved = (
            await Round.update({Round.status: RoundStatus.OPEN})
            .where(Round.id == round_id, Round.status == RoundStatus.DRAFT)
            .returning(Round.id)
        )
        if not moved:
            raise StateConflict(N_("This round was changed a moment ago; reload the page."))
        for application_id in applications:
            await RoundApplication.insert(
                RoundApplication(round=round_id, application=application_id, key=f"{round_id}:{application_id}")
            ).on_conflict(target=RoundApplication.key, action="DO NOTHING")
        await audit.record(
            actor_id=user.id,
            action="round.opened",
            entity="round",
            entity_id=round_id,
            after={"applications": len(applications)},
        )
    return len(applications)


async def close_round(*, user: CurrentUser, round_id: int) -> None:
    _require_organiser(user)
    async with db.transaction():
        moved = (
            await Round.update({Round.status: RoundStatus.CLOSED, Round.closes_at: utc_now()})
            .where(Round.id == round_id, Round.status == RoundStatus.OPEN)
            .returning(Round.id)
        )
        if not moved:
            raise StateConflict(N_("Only an open round can be closed."))
        await audit.record(actor_id=user.id, action="round.closed", entity="round", entity_id=round_id)


async def ranking(round_id: int) -> tuple[scoring.Ranking | None, dict[int, dict[str, Any]]]:
    """The round's ranking from submitted sheets, and each entry's names by application id."""
    round_ = await load_round(round_id)
    sheets = await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application, ScoreSheet.total).where(
        ScoreSheet.round == round_id, ScoreSheet.status == ScoreStatus.SUBMITTED, ScoreSheet.total.is_not_null()
    )
    by_application = {row["application"]: row for row in await entries(round_id)}
    scores = [scoring.JudgeScore(s["judge"], s["application"], s["total"]) for s in sheets]
    if not scores:
        return None, by_application
    options = scoring.ScoringOptions(normalisation=Normalisation(round_["normalisation"]))
    return scoring.rank_applications(scores, options), by_application


async def advance(
    *,
    user: CurrentUser,
    round_id: int,
    application_ids: list[int] | None = None,
    min_rural: int = 0,
    max_per_municipality: int = 0,
) -> scoring.Advancement:
    """Advance the top N (with visible quotas) or, when given, exactly the organiser's own list."""
    _require_organiser(user)
    round_ = await load_round(round_id)
    if round_["status"] not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        raise StateConflict(N_("Close the round before deciding who advances."))
    result, names = await ranking(round_id)
    ranked = [s.application_id for s in result.standings] if result else []
    if round_["method"] == RoundMethod.PAIRWISE:
        ranked = [s.item_id for s in (await pairwise.standings(round_id))[0]]
    by_hand = application_ids is not None
    if by_hand:
        unknown = set(application_ids or []) - set(names)
        if unknown:
            raise ValidationFailed({"ids": N_("Choose applications of this round.")})
        advancement = scoring.Advancement(chosen=tuple(application_ids or []), swaps=())
    else:
        quotas: list[scoring.AtLeast | scoring.AtMost] = []
        if min_rural:
            quotas.append(scoring.AtLeast("track", "smart_rural", min_rural))
        if max_per_municipality:
            quotas.append(scoring.AtMost("municipality", max_per_municipality))
        municipality = await _municipality_of(ranked)
        candidates = [
            scoring.Candidate(
                a,
                names[a]["startup_name"],
                {"track": names[a]["track"], **({"municipality": municipality[a]} if a in municipality else {})},
            )
            for a in ranked
        ]
        try:
            advancement = scoring.select_advancing(candidates, min(round_["advance_count"], len(candidates)), quotas)
        except scoring.QuotasInfeasible as exc:
            raise StateConflict("; ".join(reason.render(_) for reason in exc.reasons)) from None
    rank_of = {a: index + 1 for index, a in enumerate(ranked)}
    async with db.transaction():
        await RoundApplication.update(
            {RoundApplication.advanced: False, RoundApplication.advanced_by_hand: False}
        ).where(RoundApplication.round == round_id)
        for application_id in names:
            await RoundApplication.update(
                {
                    RoundApplication.rank: rank_of.get(application_id),
                    RoundApplication.advanced: application_id in advancement.chosen,
                    RoundApplication.advanced_by_hand: by_hand and application_id in advancement.chosen,
                }
            ).where(RoundApplication.key == f"{round_id}:{application_id}")
        await audit.record(
            actor_id=user.id,
            action="round.advanced_by_hand" if by_hand else "round.advanced",
            entity="round",
            entity_id=round_id,
            after={
                "advanced": list(advancement.chosen),
                "swaps": [s.explanation.render() for s in advancement.swaps],
                "quotas": {"min_rural": min_rural, "max_per_municipality": max_per_municipality},
            },
        )
    return advancement


async def _municipality_of(application_ids: list[int]) -> dict[int, str]:
    """Each application's first problem's municipality (the group "at most M per municipality" counts)."""
    if not application_ids:
        return {}
    rows = await ApplicationProblem.select(
        ApplicationProblem.application, ApplicationProblem.problem.municipality.name.as_alias("municipality")
    ).where(ApplicationProblem.application.is_in(application_ids))
    first: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r["municipality"]):
        first.setdefault(row["application"], row["municipality"])
    return first


async def publish_results(*, user: CurrentUser, round_id: int, outcome: str, message: str = "") -> int:
    """Publish: the advanced applications become finalists or winners (mailed) and the round's
    results page goes public."""
    _require_organiser(user)
    if outcome not in (
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.FINALIST,
        ApplicationStatus.WINNER,
    ):
        raise ValidationFailed({"outcome": N_("Choose one of the options.")})
    round_ = await load_round(round_id)
    if round_["status"] != RoundStatus.CLOSED:
        raise StateConflict(N_("Close the round before publishing its results."))
    chosen = [r["application"] for r in await entries(round_id) if r["advanced"]]
    if not chosen:
        raise StateConflict(N_("Decide who advances before publishing."))
    result = await challenge_applications.change_status(
        user=user, application_ids=chosen, status=outcome, message=message
    )
    async with db.transaction():
        await Round.update({Round.status: RoundStatus.PUBLISHED}).where(Round.id == round_id)
        await audit.record(
            actor_id=user.id,
            action="round.published",
            entity="round",
            entity_id=round_id,
            after={"outcome": outcome, "moved": result.moved, "skipped": result.skipped},
        )
    return len(result.moved)


async def assigned_count(round_id: int) -> int:
    return await JudgeAssignment.count().where(JudgeAssignment.round == round_id)


async def close_due_rounds(*, now: datetime) -> int:
    """Close every open round whose closing time has passed (once: a conditional UPDATE)."""
    due = await Round.select(Round.id).where(Round.status == RoundStatus.OPEN, Round.closes_at <= now)
    closed = 0
    for row in due:
        async with db.transaction():
            moved = (
                await Round.update({Round.status: RoundStatus.CLOSED})
                .where(Round.id == row["id"], Round.status == RoundStatus.OPEN)
                .returning(Round.id)
            )
            if moved:
                await audit.record(
                    actor_id=None, action="round.closed", entity="round", entity_id=row["id"], after={"by": "schedule"}
                )
                closed += 1
    return closed
