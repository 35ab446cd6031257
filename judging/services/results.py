"""A round's life after set-up: open it, close it, rank it, advance the best, publish the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from challenge.enums import ApplicationStatus
from challenge.rules.applications import FORWARD, NoRoute, route
from challenge.services import applications as challenge_applications
from challenge.services.editions import edition_state, load_edition
from challenge.tables import Application, ApplicationProblem
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import format_datetime, label
from core.i18n import gettext as _
from core.rules import N_
from judging.enums import Normalisation, RoundEntry, RoundMethod, RoundStatus, ScoreStatus
from judging.rules import rounds as rules
from judging.rules import scoring
from judging.rules.rubrics import Message
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
    try:
        window = rules.opening(rules.Window(round_["opens_at"], round_["closes_at"]), now=utc_now())
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
        await audit.record(
            actor_id=user.id,
            action="round.opened",
            entity="round",
            entity_id=round_id,
            before={"opens_at": str(round_["opens_at"])},
            after={"applications": len(applications), "opens_at": str(window.opens_at)},
        )
    return len(applications)


async def close_round(*, user: CurrentUser, round_id: int) -> rules.Closing:
    """Close by hand, early or late: the round's record says when it really closed."""
    _require_organiser(user)
    round_ = await load_round(round_id)
    closing = rules.closing(rules.Window(round_["opens_at"], round_["closes_at"]), now=utc_now())
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
        await audit.record(
            actor_id=user.id,
            action="round.closed",
            entity="round",
            entity_id=round_id,
            before={"closes_at": str(round_["closes_at"])},
            after={"closes_at": str(closing.window.closes_at), "early": closing.early},
        )
    return closing


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


OUTCOMES = (
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.FINALIST,
    ApplicationStatus.WINNER,
)


@dataclass(frozen=True)
class Blocked:
    """An advancing application that some outcome cannot reach, and what would open the way."""

    application_id: int
    startup_name: str
    status: ApplicationStatus
    outcomes: tuple[ApplicationStatus, ...]
    # The one change the organiser can make by hand first (None: none would help).
    step: ApplicationStatus | None
    message: str


@dataclass(frozen=True)
class Published:
    told: int
    # Per startup, the statuses its application passed through (the outcome last); () if it had it already.
    steps: tuple[tuple[str, tuple[ApplicationStatus, ...]], ...]


def _plausible(status: ApplicationStatus, outcome: ApplicationStatus) -> bool:
    """Outcomes behind an application's status are no one's intent (finalists are not "shortlisted")."""
    if status not in FORWARD:
        return True
    return FORWARD.index(outcome) >= FORWARD.index(status)


def _blocked(entry: dict[str, Any], outcomes: tuple[ApplicationStatus, ...]) -> Blocked | None:
    status = ApplicationStatus(entry["status"])
    refusals: list[NoRoute] = []
    for outcome in outcomes:
        try:
            route(status, outcome)
        except NoRoute as refusal:
            refusals.append(refusal)
    if not refusals:
        return None
    first = refusals[0]
    message = _(first.reason) % {
        "name": entry["startup_name"],
        "status": label(status),
        "target": ", ".join(label(r.new) for r in refusals),
        "step": label(first.step) if first.step else "",
    }
    return Blocked(
        entry["application"], entry["startup_name"], status, tuple(r.new for r in refusals), first.step, message
    )


async def publish_blockers(round_id: int, outcome: ApplicationStatus | None = None) -> list[Blocked]:
    """The advancing applications an outcome (or any plausible one) cannot reach yet, each with
    what stands in the way: shown beside the publish form, so the missing step is offered there."""
    blocked = []
    for entry in await entries(round_id):
        if not entry["advanced"]:
            continue
        status = ApplicationStatus(entry["status"])
        wanted = (outcome,) if outcome else tuple(o for o in OUTCOMES if _plausible(status, o))
        found = _blocked(entry, wanted)
        if found:
            blocked.append(found)
    return blocked


def _say(message: Message, timezone: str) -> str:
    """A rule's message with its times in the edition's time zone, in the reader's language."""
    params = {k: format_datetime(v, timezone) if isinstance(v, datetime) else v for k, v in message.params.items()}
    return Message(message.template, params).render(_)


async def _publish_facts(round_: dict[str, Any], edition: dict[str, Any], advanced: int) -> rules.PublishFacts:
    if round_["method"] == RoundMethod.PAIRWISE:
        scored = (await pairwise.standings(round_["id"]))[1]
    else:
        scored = await ScoreSheet.count().where(
            ScoreSheet.round == round_["id"], ScoreSheet.status == ScoreStatus.SUBMITTED
        )
    deadline = await challenge_applications.deadline_of(edition)
    return rules.PublishFacts(
        status=RoundStatus(round_["status"]),
        method=RoundMethod(round_["method"]),
        advanced=advanced,
        scored=scored,
        phase=(await edition_state(edition)).phase,
        applications_until=deadline.closes_at + deadline.grace if deadline.closes_at else None,
    )


async def publish_refusals(round_id: int) -> list[str]:
    """What stops the round's results from being published now, for the page to say before anyone tries."""
    round_ = await load_round(round_id)
    edition = await load_edition(round_["edition"])
    advanced = sum(1 for r in await entries(round_id) if r["advanced"])
    facts = await _publish_facts(round_, edition, advanced)
    return [_say(m, edition["timezone"]) for m in rules.publish_refusals(facts, now=utc_now())]


async def publish_results(*, user: CurrentUser, round_id: int, outcome: str, message: str = "") -> Published:
    """Publish: the advanced applications reach the chosen outcome, through the statuses between
    when they are not there yet (each step its own recorded, mailed change), and the round's
    results page goes public. Refused as a whole, before anything changes, when a sanity rule
    says no or an advancing application cannot reach the outcome: the page then names each one
    and offers the missing step."""
    _require_organiser(user)
    try:
        chosen_outcome = ApplicationStatus(outcome)
    except ValueError:
        chosen_outcome = None
    if chosen_outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": N_("Choose one of the options.")})
    assert chosen_outcome is not None
    round_ = await load_round(round_id)
    edition = await load_edition(round_["edition"])
    advancing = [r for r in await entries(round_id) if r["advanced"]]
    facts = await _publish_facts(round_, edition, len(advancing))
    refusals = rules.publish_refusals(facts, now=utc_now())
    if refusals:
        raise StateConflict(" ".join(_say(m, edition["timezone"]) for m in refusals))
    blocked = await publish_blockers(round_id, chosen_outcome)
    if blocked:
        raise StateConflict(" ".join([_("Nothing was published yet."), *(b.message for b in blocked)]))
    result = await challenge_applications.change_status(
        user=user,
        application_ids=[r["application"] for r in advancing],
        status=chosen_outcome,
        message=message,
        follow_route=True,
    )
    async with db.transaction():
        await Round.update({Round.status: RoundStatus.PUBLISHED}).where(Round.id == round_id)
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
            },
        )
    return Published(
        told=len(result.moved),
        steps=tuple(
            (r["startup_name"], result.routes.get(r["application"], ()))
            for r in advancing
            if r["application"] in result.routes or r["application"] in result.already
        ),
    )


async def take_step(*, user: CurrentUser, round_id: int, application_id: int, status: str) -> None:
    """The one status change the publish form offers for an advancing application that cannot
    reach the outcome yet (a rejected one back on the shortlist), made from the round's page."""
    _require_organiser(user)
    if not any(r["application"] == application_id and r["advanced"] for r in await entries(round_id)):
        raise ValidationFailed({"application": N_("Choose applications of this round.")})
    await challenge_applications.change_status(user=user, application_ids=[application_id], status=status)


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
