"""Whether a closed round's results can be published now, and what stands in the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from challenge.enums import ApplicationStatus
from challenge.records import EditionRow
from challenge.rules.applications import FORWARD, NoRoute, route
from challenge.services import applications as challenge_applications
from challenge.services.editions import edition_state, load_edition
from core.clock import utc_now
from core.i18n import format_datetime, label
from core.i18n import gettext as _
from judging.enums import RoundMethod, ScoreStatus
from judging.queries import pairwise
from judging.queries.rankings import entries_of
from judging.queries.rounds import load_round
from judging.records import EntryRow, RoundRow
from judging.rules import rounds as rules
from judging.rules.rubrics import Message
from judging.tables import ScoreSheet

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


def _plausible(status: ApplicationStatus, outcome: ApplicationStatus) -> bool:
    """Outcomes behind an application's status are no one's intent (finalists are not "shortlisted")."""
    if status not in FORWARD:
        return True
    return FORWARD.index(outcome) >= FORWARD.index(status)


def _blocked(entry: EntryRow, outcomes: tuple[ApplicationStatus, ...]) -> Blocked | None:
    status = ApplicationStatus(entry.status)
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
        "name": entry.startup_name,
        "status": label(status),
        "target": ", ".join(label(r.new) for r in refusals),
        "step": label(first.step) if first.step else "",
    }
    return Blocked(entry.application, entry.startup_name, status, tuple(r.new for r in refusals), first.step, message)


async def publish_blockers(
    round_id: int, outcome: ApplicationStatus | None = None, *, advancing: list[EntryRow] | None = None
) -> list[Blocked]:
    """The advancing applications an outcome (or any plausible one) cannot reach yet, each with
    what stands in the way: shown beside the publish form, so the missing step is offered there.
    `advancing`: the round's advancing entries, when the caller has them already."""
    blocked = []
    for entry in advancing if advancing is not None else await entries_of(round_id, []):
        if not entry.advanced:
            continue
        status = ApplicationStatus(entry.status)
        wanted = (outcome,) if outcome else tuple(o for o in OUTCOMES if _plausible(status, o))
        found = _blocked(entry, wanted)
        if found:
            blocked.append(found)
    return blocked


def say(message: Message, timezone: str) -> str:
    """A rule's message with its times in the edition's time zone, in the reader's language."""
    params = {k: format_datetime(v, timezone) if isinstance(v, datetime) else v for k, v in message.params.items()}
    return Message(message.template, params).render(_)


async def publish_facts(round_: RoundRow, edition: EditionRow, advanced: int) -> rules.PublishFacts:
    if round_.method == RoundMethod.PAIRWISE:
        scored = (await pairwise.standings(round_.id))[1]
    else:
        scored = await ScoreSheet.count().where(
            ScoreSheet.round == round_.id, ScoreSheet.status == ScoreStatus.SUBMITTED
        )
    deadline = await challenge_applications.deadline_of(edition)
    return rules.PublishFacts(
        status=round_.status,
        method=round_.method,
        advanced=advanced,
        scored=scored,
        phase=(await edition_state(edition)).phase,
        applications_until=deadline.closes_at + deadline.grace if deadline.closes_at else None,
    )


async def publish_refusals(
    round_id: int, *, round_: RoundRow | None = None, edition: EditionRow | None = None, advanced: int | None = None
) -> list[str]:
    """What stops the round's results from being published now, for the page to say before anyone
    tries (the round, its edition and how many advance may be given when the caller has them)."""
    round_ = round_ or await load_round(round_id)
    edition = edition or await load_edition(round_.edition)
    if advanced is None:
        advanced = len(await entries_of(round_id, []))
    facts = await publish_facts(round_, edition, advanced)
    return [say(m, edition.timezone) for m in rules.publish_refusals(facts, now=utc_now())]
