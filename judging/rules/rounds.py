"""A round's life as the organiser runs it: its name and settings, its window, its opening and
closing, where last year's rubric comes from, and when its results may be published.

A round's window means two things over its life. Before it opens, `opens_at` and `closes_at`
are a plan, checked as a plan (closing after opening, not in the past). Once it opens they
become a record: `opens_at` is when it really opened and, once closed, `closes_at` is when it
really closed, early or on time; the record is kept as it is, never re-checked as a plan. So
a round opened before its planned start and closed early never reads "closes before it opens".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from challenge.enums import Phase
from core.rules import N_, TOO_LONG
from judging.enums import RoundMethod, RoundStatus
from judging.rules.rubrics import Message

ROUND_NAME_MAX_LENGTH = 120
# The whole-number settings of a round and the range each may take.
ROUND_NUMBERS: dict[str, tuple[int, int]] = {
    "judges_per_application": (1, 20),
    "max_per_judge": (1, 500),
    "advance_count": (0, 10_000),
}


def number_error(name: str) -> Message:
    """What is wrong with the whole-number setting `name` when it is no whole number in its range."""
    low, high = ROUND_NUMBERS[name]
    return Message(N_("Give a whole number from %(low)s to %(high)s."), {"low": low, "high": high})


def round_name_errors(name: str) -> dict[str, Message]:
    """What is wrong with a round's name (already trimmed), under the field `name`."""
    if not name:
        return {"name": Message(N_("Required."))}
    if len(name) > ROUND_NAME_MAX_LENGTH:
        return {"name": Message(TOO_LONG)}
    return {}


def round_number_errors(numbers: Mapping[str, int]) -> dict[str, Message]:
    """The whole-number settings out of their range, each under its own name (see ROUND_NUMBERS)."""
    return {
        name: number_error(name)
        for name, value in numbers.items()
        if not ROUND_NUMBERS[name][0] <= value <= ROUND_NUMBERS[name][1]
    }


# -- Its window


CLOSES_BEFORE_OPENING = N_("A round closes after it opens.")
CLOSING_PASSED = N_("This closing time has passed; choose a later one, or leave it empty and close the round by hand.")
CLOSE_BY_HAND = N_("To close the round now, use “Close the round”; a closing time set here lies ahead.")


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware")


@dataclass(frozen=True)
class Window:
    opens_at: datetime | None
    closes_at: datetime | None


def settle_window(
    status: RoundStatus, *, stored: Window, asked: Window, now: datetime
) -> tuple[Window, dict[str, str]]:
    """The window to save when the organiser saves a round's settings, and what is wrong with it.

    A draft takes the window asked for. An open round keeps the time it opened and may move its
    closing time (but not into the past: closing now is the "Close the round" button). A closed
    or published round keeps its record whatever the form sends.
    """
    _aware(now)
    errors: dict[str, str] = {}
    if status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        return stored, errors
    window = asked if status == RoundStatus.DRAFT else Window(stored.opens_at, asked.closes_at)
    if window.closes_at is not None and window.closes_at <= now:
        errors["closes_at"] = CLOSING_PASSED if status == RoundStatus.DRAFT else CLOSE_BY_HAND
    elif window.opens_at is not None and window.closes_at is not None and window.closes_at <= window.opens_at:
        errors["closes_at"] = CLOSES_BEFORE_OPENING
    return window, errors


def opening(stored: Window, *, now: datetime) -> Window:
    """The window once the round opens at `now`: the record says when it really opened (earlier or
    later than planned); a planned closing time that has already passed refuses the opening."""
    _aware(now)
    if stored.closes_at is not None and stored.closes_at <= now:
        raise ValueError(CLOSING_PASSED)
    return Window(now, stored.closes_at)


@dataclass(frozen=True)
class Closing:
    window: Window
    # Closed by hand before its planned closing time (or without one).
    early: bool


def closing(stored: Window, *, now: datetime) -> Closing:
    """The window once the round closes at `now`: the record says when it really closed."""
    _aware(now)
    opened = stored.opens_at if stored.opens_at is not None and stored.opens_at <= now else now
    return Closing(Window(opened, now), early=stored.closes_at is None or now < stored.closes_at)


SCORING_NOT_OPEN = N_("This round is not open for scoring.")
SCORES_FINAL = N_("This round closed; scores can no longer change.")


def scoring_refusal(status: RoundStatus, *, closes_at: datetime | None, now: datetime) -> str | None:
    """Why a judge's sheet cannot change now (a msgid), or None while the round takes scores.

    An open round whose closing time has passed is closed for its judges even before the
    closing job has run, so the sheet reads as final exactly when saving it is refused.
    """
    _aware(now)
    if status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        return SCORES_FINAL
    if status != RoundStatus.OPEN:
        return SCORING_NOT_OPEN
    if closes_at is not None and now > closes_at:
        return SCORES_FINAL
    return None


# -- Last year's rubric


@dataclass(frozen=True)
class EarlierRound:
    """A round of an earlier edition, as far as copying its rubric goes."""

    id: int
    edition_id: int
    edition_year: int
    name: str
    method: RoundMethod
    position: int
    criteria: int


NO_RUBRIC_FOR_PAIRWISE = N_("A pairwise round has no rubric: judges compare two projects at a time.")
NO_EARLIER_EDITION = N_("There is no earlier edition to copy a rubric from.")
NOTHING_TO_COPY = N_(
    "No earlier edition has a scored round with a rubric, so there is nothing to copy; write the rubric below."
)


class NothingToCopy(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def rubric_source(
    *, name: str, method: RoundMethod, position: int, earlier: Sequence[EarlierRound], editions: int
) -> EarlierRound:
    """The round whose rubric a new round starts from: in the most recent earlier edition that has
    a round with a rubric, the one of the same name, else the one at the same place in the
    order, else the nearest one (an earlier one on a tie). Only scored rounds have a rubric, so
    a pairwise round of the same name is passed over rather than ending the search.

    `editions` counts the earlier editions, with or without rounds, to say why nothing matched.
    """
    if method != RoundMethod.WEIGHTED_RUBRIC:
        raise NothingToCopy(NO_RUBRIC_FOR_PAIRWISE)
    scored = [r for r in earlier if r.method == RoundMethod.WEIGHTED_RUBRIC and r.criteria > 0]
    if not scored:
        raise NothingToCopy(NO_EARLIER_EDITION if editions == 0 else NOTHING_TO_COPY)
    latest = max((r.edition_year, r.edition_id) for r in scored)
    pool = [r for r in scored if (r.edition_year, r.edition_id) == latest]
    wanted = name.strip().casefold()
    same_name = [r for r in pool if r.name.strip().casefold() == wanted]
    if same_name:
        return min(same_name, key=lambda r: r.position)
    return min(pool, key=lambda r: (abs(r.position - position), r.position))


# -- Publishing


@dataclass(frozen=True)
class PublishFacts:
    status: RoundStatus
    method: RoundMethod
    advanced: int
    # Submitted score sheets (a scored round) or votes (a pairwise round).
    scored: int
    phase: Phase | None
    # The last instant the edition takes a submission (its deadline plus the grace); None: no deadline.
    applications_until: datetime | None


TAKING_APPLICATIONS = frozenset({Phase.PROBLEM_INTAKE, Phase.APPLICATIONS})


def publish_refusals(facts: PublishFacts, *, now: datetime) -> list[Message]:
    """Everything that stands between a round and its published results, said at once."""
    _aware(now)
    refusals: list[Message] = []
    if facts.status == RoundStatus.PUBLISHED:
        return [Message(N_("These results are already published."))]
    if facts.status != RoundStatus.CLOSED:
        refusals.append(Message(N_("Close the round before publishing its results: scores are final only then.")))
    still_open = facts.phase in TAKING_APPLICATIONS or (
        facts.applications_until is not None and facts.phase is not None and now <= facts.applications_until
    )
    if still_open:
        if facts.applications_until is not None and facts.applications_until > now:
            refusals.append(
                Message(
                    N_("The edition takes applications until %(when)s; publish results once they have closed."),
                    {"when": facts.applications_until},
                )
            )
        else:
            refusals.append(Message(N_("The edition is still taking applications; publish results once they close.")))
    if facts.status == RoundStatus.CLOSED and facts.scored == 0:
        refusals.append(
            Message(
                N_("No judge has voted in this round yet: there is nothing to publish.")
                if facts.method == RoundMethod.PAIRWISE
                else N_("No score sheet of this round was submitted: there is nothing to publish.")
            )
        )
    if facts.advanced == 0:
        refusals.append(Message(N_("Decide who advances before publishing.")))
    return refusals
