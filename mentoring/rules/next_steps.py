"""Next steps from mentoring's side: mentors' profiles, slots and past sessions; startups' bookings
and ratings; the organisers' matching. Pure: facts in, ordered steps out (see core.rules.next_steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from challenge.enums import Phase
from challenge.rules.next_steps import EditionFacts
from core.rules import N_
from core.rules.next_steps import Step, Urgency, ordered, say, urgency_before
from core.rules.next_steps import plural as ngettext  # pybabel extracts ngettext(...) calls

# When a mentor's profile still matters: matching reads it until mentoring is under way.
PROFILE_PHASES = frozenset({None, Phase.PROBLEM_INTAKE, Phase.APPLICATIONS, Phase.SCREENING, Phase.MENTORING})
MATCHING_PHASES = frozenset({Phase.SCREENING, Phase.MENTORING})


@dataclass(frozen=True)
class MentorEditionFacts:
    edition: EditionFacts
    has_profile: bool = False
    published_matches: int = 0
    upcoming_slots: int = 0  # open or booked slots still ahead


@dataclass(frozen=True)
class MentorFacts:
    editions: tuple[MentorEditionFacts, ...] = ()
    sessions_to_confirm: int = 0  # started, booked, attendance not recorded yet


def mentor_steps(facts: MentorFacts, *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for mine in facts.editions:
        edition = mine.edition
        if edition.phase not in PROFILE_PHASES:
            continue
        profile = f"/mentor/editions/{edition.id}/profile"
        if mine.has_profile:
            text = say(N_("Your mentor profile for %(edition)s is complete."), edition=edition.name)
            steps.append(Step("mentor.profile_done", text, link=profile, done=True))
        else:
            text = say(N_("Complete your mentor profile for %(edition)s: matching uses it."), edition=edition.name)
            steps.append(Step("mentor.profile", text, link=profile))
        if edition.phase == Phase.MENTORING and mine.published_matches:
            if mine.upcoming_slots:
                text = ngettext("You offer %(num)s slot ahead.", "You offer %(num)s slots ahead.", mine.upcoming_slots)
                steps.append(Step("mentor.slots_done", text, link="/mentor/sessions", done=True))
            else:
                text = ngettext(
                    "Offer slots: %(num)s startup waits to book a session with you.",
                    "Offer slots: %(num)s startups wait to book a session with you.",
                    mine.published_matches,
                )
                steps.append(Step("mentor.slots", text, link="/mentor/sessions"))
    if facts.sessions_to_confirm:
        text = ngettext(
            "%(num)s session to confirm: record attendance and notes.",
            "%(num)s sessions to confirm: record attendance and notes.",
            facts.sessions_to_confirm,
        )
        steps.append(Step("mentor.confirm", text, link="/mentor/sessions"))
    return ordered(steps)


@dataclass(frozen=True)
class MatchFacts:
    """A startup's published match with a mentor, and its next session if one is booked."""

    mentor_name: str
    edition: EditionFacts
    next_session_at: datetime | None = None


@dataclass(frozen=True)
class StartupMentoringFacts:
    matches: tuple[MatchFacts, ...] = ()
    sessions_to_rate: int = 0  # started, not cancelled, no rating from the startup yet


def startup_mentoring_steps(facts: StartupMentoringFacts, *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for match in facts.matches:
        if match.edition.phase != Phase.MENTORING:
            continue
        if match.next_session_at is not None:
            text = say(
                N_("Next session with %(mentor)s: %(when)s."), mentor=match.mentor_name, when=match.next_session_at
            )
            steps.append(
                Step("mentoring.booked", text, link="/startup/mentoring", done=True, timezone=match.edition.timezone)
            )
        else:
            text = say(N_("Book a session with your mentor %(mentor)s."), mentor=match.mentor_name)
            steps.append(
                Step(
                    "mentoring.book",
                    text,
                    link="/startup/mentoring",
                    urgency=urgency_before(match.edition.phase_ends_at, now=now),
                )
            )
    if facts.sessions_to_rate:
        text = ngettext("%(num)s session to rate.", "%(num)s sessions to rate.", facts.sessions_to_rate)
        steps.append(Step("mentoring.rate", text, link="/startup/mentoring"))
    return ordered(steps)


@dataclass(frozen=True)
class MatchingFacts:
    edition: EditionFacts
    published_pairs: int = 0


def organiser_matching_steps(editions: Sequence[MatchingFacts], *, now: datetime) -> list[Step]:
    steps: list[Step] = []
    for facts in editions:
        edition = facts.edition
        if edition.phase not in MATCHING_PHASES:
            continue
        link = f"/organiser/editions/{edition.id}/matching/"
        if facts.published_pairs:
            text = ngettext(
                "Matching of %(edition)s is published: %(num)s pair.",
                "Matching of %(edition)s is published: %(num)s pairs.",
                facts.published_pairs,
                edition=edition.name,
            )
            steps.append(Step("matching.published", text, link=link, done=True))
            continue
        # Pairs are due by the time mentoring starts.
        urgency = Urgency.LATE if edition.phase == Phase.MENTORING else urgency_before(edition.phase_ends_at, now=now)
        text = say(N_("Matching of %(edition)s is not yet published."), edition=edition.name)
        steps.append(Step("matching.publish", text, link=link, urgency=urgency))
    return ordered(steps)
