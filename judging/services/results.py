"""A round's life after set-up: open it, close it, rank it, advance the best, publish the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from challenge.enums import ApplicationStatus
from challenge.services import applications as challenge_applications
from challenge.services.editions import load_edition
from challenge.tables import Application
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_
from core.scopes import require_organiser
from judging.enums import RoundEntry, RoundMethod, RoundStatus
from judging.queries import pairwise
from judging.queries.publishing import OUTCOMES, publish_blockers, publish_facts, say
from judging.queries.ranking_cache import ranking_changed
from judging.queries.rankings import entries, municipality_of, ranking
from judging.queries.rounds import criteria_of, load_round, rounds_of
from judging.records import EntryRow, RoundRow
from judging.rules import rounds as rules
from judging.rules import scoring
from judging.schemas import AdvanceIn
from judging.services.feedback import mail_feedback
from judging.tables import Round, RoundApplication

RUN_ROUNDS = N_("Only organisers run judging rounds.")

ENTERING = [s for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)]


async def _entering(round_: RoundRow) -> list[int]:
    if round_.entry == RoundEntry.ADVANCED:
        earlier = [r for r in await rounds_of(round_.edition) if r.position < round_.position]
        if not earlier:
            raise StateConflict(N_("This round takes the applications advanced from the previous one; there is none."))
        previous = max(earlier, key=lambda r: r.position)
        rows = await RoundApplication.select(RoundApplication.application).where(
            RoundApplication.round == previous.id, RoundApplication.advanced.eq(True)
        )
        return [r["application"] for r in rows]
    rows = await Application.select(Application.id).where(
        Application.edition == round_.edition, Application.status.is_in(ENTERING)
    )
    return [r["id"] for r in rows]


async def open_round(*, user: CurrentUser, round_id: int) -> int:
    """Take in the applications that enter and open scoring; the rubric is fixed from now on."""
    require_organiser(user, RUN_ROUNDS)
    round_ = await load_round(round_id)
    if round_.status != RoundStatus.DRAFT:
        raise StateConflict(N_("Only a round being set up can be opened."))
    if round_.method == RoundMethod.WEIGHTED_RUBRIC and not await criteria_of(round_id):
        raise StateConflict(N_("Give the round a rubric before opening it."))
    applications = await _entering(round_)
    if not applications:
        raise StateConflict(N_("No application enters this round yet."))
    try:
        window = rules.opening(rules.Window(round_.opens_at, round_.closes_at), now=utc_now())
    except ValueError as refusal:
        raise StateConflict(str(refusal)) from None
    async with db.transaction():
        moved = (
            await Round.update({Round.status: RoundStatus.OPEN, Round.opens_at: window.opens_at})
            .where(Round.id == round_id, Round.status == RoundStatus.DRAFT)
            .returning(Round.id)
        )
        if not moved:
            raise StateConflict(N_("This round was changed a moment ago; reload the page."))
        for application_id in applications:
            await RoundApplication.insert(
                RoundApplication(round=round_id, application=application_id, key=f"{round_id}:{application_id}")
            ).on_conflict(target=RoundApplication.key, action="DO NOTHING")
        await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id,
            action="round.opened",
            entity="round",
            entity_id=round_id,
            before={"opens_at": str(round_.opens_at)},
            after={"applications": len(applications), "opens_at": str(window.opens_at)},
        )
    return len(applications)


async def close_round(*, user: CurrentUser, round_id: int) -> rules.Closing:
    """Close by hand, early or late: the round's record says when it really closed."""
    require_organiser(user, RUN_ROUNDS)
    round_ = await load_round(round_id)
    closing = rules.closing(rules.Window(round_.opens_at, round_.closes_at), now=utc_now())
    async with db.transaction():
        moved = (
            await Round.update(
                {
                    Round.status: RoundStatus.CLOSED,
                    Round.opens_at: closing.window.opens_at,
                    Round.closes_at: closing.window.closes_at,
                }
            )
            .where(Round.id == round_id, Round.status == RoundStatus.OPEN)
            .returning(Round.id)
        )
        if not moved:
            raise StateConflict(N_("Only an open round can be closed."))
        await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id,
            action="round.closed",
            entity="round",
            entity_id=round_id,
            before={"closes_at": str(round_.closes_at)},
            after={"closes_at": str(closing.window.closes_at), "early": closing.early},
        )
    return closing


async def _ranked(round_: RoundRow, ranking_: scoring.Ranking | None) -> list[int]:
    if round_.method == RoundMethod.PAIRWISE:
        return [s.item_id for s in (await pairwise.standings(round_.id))[0]]
    return [s.application_id for s in ranking_.standings] if ranking_ else []


async def _by_quota(
    round_: RoundRow, ranked: list[int], names: dict[int, EntryRow], command: AdvanceIn
) -> scoring.Advancement:
    quotas: list[scoring.AtLeast | scoring.AtMost] = []
    if command.min_rural:
        quotas.append(scoring.AtLeast("track", "smart_rural", command.min_rural))
    if command.max_per_municipality:
        quotas.append(scoring.AtMost("municipality", command.max_per_municipality))
    municipality = await municipality_of(ranked)
    candidates = [
        scoring.Candidate(
            a,
            names[a].startup_name,
            {"track": names[a].track, **({"municipality": municipality[a]} if a in municipality else {})},
        )
        for a in ranked
    ]
    try:
        return scoring.select_advancing(candidates, min(round_.advance_count, len(candidates)), quotas)
    except scoring.QuotasInfeasible as exc:
        raise StateConflict("; ".join(reason.render(_) for reason in exc.reasons)) from None


async def advance(*, user: CurrentUser, round_id: int, command: AdvanceIn) -> scoring.Advancement:
    """Advance the top N (with visible quotas) or, when given, exactly the organiser's own list."""
    require_organiser(user, RUN_ROUNDS)
    round_ = await load_round(round_id)
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        raise StateConflict(N_("Close the round before deciding who advances."))
    result, names = await ranking(round_id)
    ranked = await _ranked(round_, result)
    by_hand = command.application_ids is not None
    if command.application_ids is not None:
        if set(command.application_ids) - set(names):
            raise ValidationFailed({"ids": N_("Choose applications of this round.")})
        advancement = scoring.Advancement(chosen=tuple(command.application_ids), swaps=())
    else:
        advancement = await _by_quota(round_, ranked, names, command)
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
                "quotas": {"min_rural": command.min_rural, "max_per_municipality": command.max_per_municipality},
            },
        )
    return advancement


@dataclass(frozen=True)
class Published:
    told: int
    # Per startup, the statuses its application passed through (the outcome last); () if it had it already.
    steps: tuple[tuple[str, tuple[ApplicationStatus, ...]], ...]
    # How many teams were mailed their judges' feedback (the round's feedback settings).
    feedback_mailed: int = 0


async def publish_results(*, user: CurrentUser, round_id: int, outcome: str, message: str = "") -> Published:
    """Publish: the advanced applications reach the chosen outcome, through the statuses between
    when they are not there yet (each step its own recorded, mailed change), and the round's
    results page goes public. Refused as a whole, before anything changes, when a sanity rule
    says no or an advancing application cannot reach the outcome: the page then names each one
    and offers the missing step."""
    require_organiser(user, RUN_ROUNDS)
    try:
        chosen_outcome = ApplicationStatus(outcome)
    except ValueError:
        chosen_outcome = None
    if chosen_outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": N_("Choose one of the options.")})
    assert chosen_outcome is not None
    round_ = await load_round(round_id)
    edition = await load_edition(round_.edition)
    advancing = [r for r in await entries(round_id) if r.advanced]
    facts = await publish_facts(round_, edition, len(advancing))
    refusals = rules.publish_refusals(facts, now=utc_now())
    if refusals:
        raise StateConflict(" ".join(say(m, edition.timezone) for m in refusals))
    blocked = await publish_blockers(round_id, chosen_outcome)
    if blocked:
        raise StateConflict(" ".join([_("Nothing was published yet."), *(b.message for b in blocked)]))
    result = await challenge_applications.change_status(
        user=user,
        application_ids=[r.application for r in advancing],
        status=chosen_outcome,
        message=message,
        follow_route=True,
    )
    async with db.transaction():
        await Round.update({Round.status: RoundStatus.PUBLISHED}).where(Round.id == round_id)
        mailed = await mail_feedback(round_=round_, edition=edition)
        await audit.record(
            actor_id=user.id,
            action="round.published",
            entity="round",
            entity_id=round_id,
            after={
                "outcome": chosen_outcome,
                "moved": result.moved,
                "steps": {str(a): [s.value for s in steps] for a, steps in result.routes.items()},
                "already": result.already,
                "skipped": result.skipped,
                "feedback_mailed": mailed,
            },
        )
    return Published(
        told=len(result.moved),
        steps=tuple(
            (r.startup_name, result.routes.get(r.application, ()))
            for r in advancing
            if r.application in result.routes or r.application in result.already
        ),
        feedback_mailed=mailed,
    )


async def take_step(*, user: CurrentUser, round_id: int, application_id: int, status: str) -> None:
    """The one status change the publish form offers for an advancing application that cannot
    reach the outcome yet (a rejected one back on the shortlist), made from the round's page."""
    require_organiser(user, RUN_ROUNDS)
    if not any(r.application == application_id and r.advanced for r in await entries(round_id)):
        raise ValidationFailed({"application": N_("Choose applications of this round.")})
    await challenge_applications.change_status(user=user, application_ids=[application_id], status=status)


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
                await ranking_changed(row["id"])
                await audit.record(
                    actor_id=None, action="round.closed", entity="round", entity_id=row["id"], after={"by": "schedule"}
                )
                closed += 1
    return closed
