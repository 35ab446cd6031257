"""Next steps from judging's side: judges' sheets, profiles and live finals; the organisers' rounds
and results. Pure: facts in, ordered steps out (see core.rules.next_steps).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from challenge.enums import Phase
from challenge.rules.next_steps import EditionFacts
from core.rules import N_
from core.rules.next_steps import Step, StepText, Urgency, ordered, say, urgency_before
from core.rules.next_steps import plural as ngettext  # pybabel extracts ngettext(...) calls
from judging.enums import RoundMethod, RoundStatus

# Judges fill in their organisation and expertise while rounds are still ahead.
PROFILE_PHASES = frozenset({Phase.APPLICATIONS, Phase.SCREENING, Phase.MENTORING, Phase.HACKATHON, Phase.FINAL_JUDGING})
RESULT_PHASES = frozenset({Phase.FINAL_JUDGING, Phase.RESULTS})


@dataclass(frozen=True)
class RoundFacts:
    id: int
    name: str
    method: RoundMethod
    status: RoundStatus
    edition: EditionFacts
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    assigned: int = 0  # sheets: the judge's own (judge page) or everyone's (organiser page)
    submitted: int = 0


@dataclass(frozen=True)
class JudgeFacts:
    rounds: tuple[RoundFacts, ...] = ()  # rounds with the judge's assignments, and open finals
    editions: tuple[EditionFacts, ...] = ()  # editions the judge is in
    profiles: frozenset[int] = frozenset()  # editions where the judge has filled in a profile


def judge_steps(facts: JudgeFacts, *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for round_ in facts.rounds:
        if round_.status != RoundStatus.OPEN:
            continue
        tz = round_.edition.timezone
        if round_.method == RoundMethod.PAIRWISE:
            text = say(N_("The live final %(round)s is open: compare the projects."), round=round_.name)
            steps.append(Step("judge.pairwise", text, link=f"/judge/rounds/{round_.id}/pairwise"))
            continue
        link = f"/judge/rounds/{round_.id}"
        left = round_.assigned - round_.submitted
        if left <= 0:
            if round_.assigned:
                text = ngettext(
                    "All %(num)s sheet of %(round)s is submitted.",
                    "All %(num)s sheets of %(round)s are submitted.",
                    round_.assigned,
                    round=round_.name,
                )
                steps.append(Step("judge.done", text, link=link, done=True))
            continue
        if round_.closes_at:
            text = ngettext(
                "%(num)s sheet to score in %(round)s by %(when)s.",
                "%(num)s sheets to score in %(round)s by %(when)s.",
                left,
                round=round_.name,
                when=round_.closes_at,
            )
        else:
            text = ngettext(
                "%(num)s sheet to score in %(round)s.", "%(num)s sheets to score in %(round)s.", left, round=round_.name
            )
        steps.append(
            Step("judge.score", text, link=link, urgency=urgency_before(round_.closes_at, now=now), timezone=tz)
        )
    for edition in facts.editions:
        if edition.phase not in PROFILE_PHASES:
            continue
        link = f"/judge/editions/{edition.id}/profile"
        if edition.id in facts.profiles:
            text = say(N_("Your organisation and expertise for %(edition)s are filled in."), edition=edition.name)
            steps.append(Step("judge.profile_done", text, link=link, done=True))
        else:
            text = say(
                N_("Tell us your organisation and expertise for %(edition)s: it keeps conflicts out of your queue."),
                edition=edition.name,
            )
            steps.append(Step("judge.profile", text, link=link))
    return ordered(steps)


def _time_left(round_: RoundFacts, percent: int, *, now: datetime) -> StepText:
    closes = round_.closes_at
    assert closes is not None
    left = closes - now
    if left <= timedelta(0):
        return say(
            N_("%(round)s was due to close on %(when)s, with %(percent)s%% scored."),
            round=round_.name,
            when=closes,
            percent=percent,
        )
    if left < timedelta(days=1):
        hours = max(1, math.ceil(left / timedelta(hours=1)))
        return ngettext(
            "%(round)s closes in %(num)s hour with %(percent)s%% scored.",
            "%(round)s closes in %(num)s hours with %(percent)s%% scored.",
            hours,
            round=round_.name,
            percent=percent,
        )
    days = left // timedelta(days=1)
    return ngettext(
        "%(round)s closes in %(num)s day with %(percent)s%% scored.",
        "%(round)s closes in %(num)s days with %(percent)s%% scored.",
        days,
        round=round_.name,
        percent=percent,
    )


def organiser_round_steps(rounds: Sequence[RoundFacts], *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for round_ in rounds:
        link = f"/organiser/rounds/{round_.id}/"
        tz = round_.edition.timezone
        if round_.status == RoundStatus.DRAFT and round_.opens_at and round_.opens_at <= now:
            text = say(N_("%(round)s was due to open on %(when)s."), round=round_.name, when=round_.opens_at)
            steps.append(Step("round.open", text, link=link, urgency=Urgency.LATE, timezone=tz))
        elif round_.status == RoundStatus.OPEN and round_.method == RoundMethod.WEIGHTED_RUBRIC:
            percent = math.floor(100 * round_.submitted / round_.assigned) if round_.assigned else 0
            if not round_.assigned:
                text = say(N_("%(round)s is open but no judge is assigned yet."), round=round_.name)
                urgency = Urgency.LATE
            elif round_.closes_at:
                text = _time_left(round_, percent, now=now)
                urgency = urgency_before(round_.closes_at, now=now)
            else:
                text = say(N_("%(round)s is open with %(percent)s%% scored."), round=round_.name, percent=percent)
                urgency = Urgency.NORMAL
            steps.append(Step("round.scoring", text, link=link, urgency=urgency, timezone=tz))
        elif round_.status == RoundStatus.CLOSED:
            text = say(N_("%(round)s is closed: rank it and publish its results."), round=round_.name)
            steps.append(Step("round.publish", text, link=link))
    return ordered(steps)


@dataclass(frozen=True)
class ResultsFacts:
    edition: EditionFacts
    published_rounds: int = 0


def organiser_results_steps(editions: Sequence[ResultsFacts], *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for facts in editions:
        edition = facts.edition
        if edition.phase not in RESULT_PHASES:
            continue
        if facts.published_rounds:
            text = say(N_("Results of %(edition)s are published."), edition=edition.name)
            steps.append(Step("results.published", text, link=f"/editions/{edition.slug}/results", done=True))
        else:
            text = say(N_("Results of %(edition)s are not yet published."), edition=edition.name)
            urgency = Urgency.LATE if edition.phase == Phase.RESULTS else Urgency.NORMAL
            steps.append(
                Step("results.publish", text, link=f"/organiser/editions/{edition.id}/judging/", urgency=urgency)
            )
    return ordered(steps)
