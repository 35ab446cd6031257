"""A startup's application: its lifecycle, the deadline, completeness and eligibility."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from challenge.enums import ApplicationStatus, QuestionKind
from core.rules import N_

S = ApplicationStatus

# Who may move an application where. Startups submit and withdraw; organisers screen.
STARTUP_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.WITHDRAWN}),
}
ORGANISER_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    # Reopening a submitted application (back to draft) lets the startup change it again.
    S.SUBMITTED: frozenset({S.DRAFT, S.SHORTLISTED, S.REJECTED}),
    S.SHORTLISTED: frozenset({S.ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.FINALIST, S.REJECTED}),
    S.FINALIST: frozenset({S.WINNER}),
    S.REJECTED: frozenset({S.SHORTLISTED}),  # a mistake corrected
}
EDITABLE = frozenset({S.DRAFT})
# Only these count against "one application per startup per track".
ACTIVE = frozenset(set(S) - {S.WITHDRAWN})


class TransitionRefused(ValueError):
    pass


def check_transition(old: ApplicationStatus, new: ApplicationStatus, *, by_organiser: bool) -> None:
    allowed = (ORGANISER_TRANSITIONS if by_organiser else STARTUP_TRANSITIONS).get(old, frozenset())
    if new not in allowed:
        raise TransitionRefused(f"{old.value} -> {new.value}")


def next_statuses(old: ApplicationStatus, *, by_organiser: bool) -> frozenset[ApplicationStatus]:
    return (ORGANISER_TRANSITIONS if by_organiser else STARTUP_TRANSITIONS).get(old, frozenset())


@dataclass(frozen=True)
class Deadline:
    """Applications close at `closes_at`; submissions are still taken during `grace`."""

    closes_at: datetime | None
    grace: timedelta = timedelta(0)

    def accepts(self, now: datetime) -> bool:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return self.closes_at is None or now <= self.closes_at + self.grace


# The longest grace an organiser may give after the deadline: a day, not a second deadline.
MAX_GRACE_MINUTES = 24 * 60


def parse_grace_minutes(raw: str) -> tuple[int | None, str | None]:
    """The grace after the deadline from a form field: a whole number of minutes, blank meaning 0."""
    text = raw.strip()
    if not text:
        return 0, None
    if not text.isdigit() or int(text) > MAX_GRACE_MINUTES:
        return None, N_("Give a whole number of minutes from 0 to 1440 (a day).")
    return int(text), None


@dataclass(frozen=True)
class ApplicationWindow:
    """Where submissions stand at one instant: what has closed and what is still possible."""

    closes_at: datetime | None
    # The last instant a submission is still taken (the deadline plus the grace).
    last_accepted: datetime | None
    # Drafts may be started, changed and submitted.
    open: bool
    # Past the announced deadline, but within the grace the organisers give.
    in_grace: bool

    @property
    def closed(self) -> bool:
        return not self.open


def application_window(deadline: Deadline, *, now: datetime) -> ApplicationWindow:
    """Whether a draft may still change and be submitted at `now`; once closed, it may do neither,
    so a click on Submit after the deadline writes nothing at all."""
    open_now = deadline.accepts(now)
    last = deadline.closes_at + deadline.grace if deadline.closes_at is not None else None
    return ApplicationWindow(
        closes_at=deadline.closes_at,
        last_accepted=last,
        open=open_now,
        in_grace=open_now and deadline.closes_at is not None and now > deadline.closes_at,
    )


def may_change(status: ApplicationStatus, window: ApplicationWindow) -> bool:
    """A startup changes (and submits) its application only while it is a draft and the window is open."""
    return status in EDITABLE and window.open


@dataclass(frozen=True)
class Question:
    id: int
    kind: QuestionKind
    text: str
    required: bool = True
    choices: tuple[str, ...] = ()
    # For yes/no questions: the answer that makes a startup eligible (None: any answer will do).
    eligible_answer: str | None = None


@dataclass(frozen=True)
class ApplicationContent:
    """What completeness is judged on; anything may still be empty in a draft."""

    problem_ids: tuple[int, ...] = ()
    solution: str = ""
    why_us: str = ""
    traction: str = ""
    pilot_plan: str = ""
    impact: str = ""
    sdgs: tuple[int, ...] = ()
    support_needed: tuple[str, ...] = ()
    has_pitch_deck: bool = False
    answers: Mapping[int, str] = field(default_factory=dict)


REQUIRED_TEXTS = ("solution", "why_us", "pilot_plan", "impact")


def _answer_allowed(question: Question, answer: str) -> bool:
    if question.kind == QuestionKind.CHOICE:
        return answer in question.choices
    if question.kind == QuestionKind.YES_NO:
        return answer in ("yes", "no")
    return True


def missing_parts(content: ApplicationContent, questions: Sequence[Question]) -> dict[str, str]:
    """Every part still needed before submission, so the form shows them all at once."""
    missing: dict[str, str] = {}
    if not content.problem_ids:
        missing["problems"] = N_("Choose at least one published problem you address.")
    for name in REQUIRED_TEXTS:
        if not getattr(content, name).strip():
            missing[name] = N_("Required before submission.")
    if not content.sdgs:
        missing["sdgs"] = N_("Required before submission.")
    if not content.has_pitch_deck:
        missing["pitch_deck"] = N_("Upload your pitch deck (PDF).")
    for question in questions:
        answer = content.answers.get(question.id, "").strip()
        if question.required and not answer:
            missing[f"q{question.id}"] = N_("Please answer this question.")
        elif answer and not _answer_allowed(question, answer):
            missing[f"q{question.id}"] = N_("Choose one of the options.")
    return missing


def ineligible_answers(content: ApplicationContent, questions: Sequence[Question]) -> dict[str, str]:
    """Answers that make the startup ineligible, with what the rule expects."""
    problems: dict[str, str] = {}
    for question in questions:
        if question.kind != QuestionKind.YES_NO or question.eligible_answer is None:
            continue
        answer = content.answers.get(question.id, "").strip()
        if answer and answer != question.eligible_answer:
            problems[f"q{question.id}"] = N_("With this answer the startup is not eligible for this edition.")
    return problems


@dataclass(frozen=True)
class SubmissionVerdict:
    missing: dict[str, str]
    ineligible: dict[str, str]
    too_late: bool
    duplicate: bool

    @property
    def accepted(self) -> bool:
        return not (self.missing or self.ineligible or self.too_late or self.duplicate)


def judge_submission(
    content: ApplicationContent,
    questions: Sequence[Question],
    *,
    deadline: Deadline,
    now: datetime,
    other_active_in_track: bool,
) -> SubmissionVerdict:
    """Everything that stands between a draft and its submission, decided at once."""
    return SubmissionVerdict(
        missing=missing_parts(content, questions),
        ineligible=ineligible_answers(content, questions),
        too_late=not deadline.accepts(now),
        duplicate=other_active_in_track,
    )


# How an organiser picks the applications of a bulk status change on the screening list.
BULK_SCOPES = ("selected", "page", "matching")
# Every status an organiser can move some application to.
ORGANISER_TARGETS = frozenset(new for targets in ORGANISER_TRANSITIONS.values() for new in targets)
BULK_NO_STATUS = N_("Choose the new status.")
BULK_NOTHING_SELECTED = N_("Tick at least one application, or choose all on this page or all matching the filters.")


def bulk_request_errors(*, status: str, selected: int) -> dict[str, str]:
    """What is missing from a bulk status change, all at once, so the list shows every error together."""
    errors: dict[str, str] = {}
    if status not in {s.value for s in ORGANISER_TARGETS}:
        errors["status"] = BULK_NO_STATUS
    if selected == 0:
        errors["ids"] = BULK_NOTHING_SELECTED
    return errors


def split_movable(
    current: Mapping[int, ApplicationStatus], new: ApplicationStatus
) -> tuple[list[int], list[tuple[int, ApplicationStatus]]]:
    """The applications an organiser may move to `new` (directly or along `route`), and the others
    with the status that stops them."""
    movable: list[int] = []
    stuck: list[tuple[int, ApplicationStatus]] = []
    for application_id, old in current.items():
        try:
            moves = bool(route(old, new))
        except NoRoute:
            moves = False
        if moves:
            movable.append(application_id)
        else:
            stuck.append((application_id, old))
    return movable, stuck


# The lifecycle's way forward. An organiser who picks a later status than the next one means
# the statuses between as well (an accepted application made a winner was a finalist first).
FORWARD: tuple[ApplicationStatus, ...] = (S.SUBMITTED, S.SHORTLISTED, S.ACCEPTED, S.FINALIST, S.WINNER)


class NoRoute(TransitionRefused):
    """No way from `old` to `new` that follows from the organiser's choice alone.

    `step` is the one status change the organiser can make by hand that opens a way (moving a
    rejected application back to the shortlist); None when nothing an organiser does can (a
    draft its team must submit, a withdrawn application, one already further along).
    """

    def __init__(self, old: ApplicationStatus, new: ApplicationStatus, step: ApplicationStatus | None) -> None:
        super().__init__(f"{old.value} -> {new.value}")
        self.old, self.new, self.step = old, new, step

    @property
    def reason(self) -> str:
        """What stands in the way, for people: %(name)s, %(status)s, %(target)s and %(step)s."""
        if self.step is not None:
            return N_("%(name)s is %(status)s: move it to %(step)s first, then it can become %(target)s.")
        if self.old == S.DRAFT:
            return N_("%(name)s is a draft again: its team must submit it before it can become %(target)s.")
        if self.old == S.WITHDRAWN:
            return N_("%(name)s was withdrawn by its team and cannot become %(target)s.")
        return N_("%(name)s is %(status)s and cannot become %(target)s.")


def _shortest(old: ApplicationStatus, new: ApplicationStatus, *, forward_only: bool) -> tuple[ApplicationStatus, ...]:
    """The fewest organiser transitions from `old` to `new` (breadth first), or () when none leads there."""
    came_from: dict[ApplicationStatus, ApplicationStatus] = {}
    frontier = [old]
    while frontier:
        following: list[ApplicationStatus] = []
        for status in frontier:
            for target in sorted(ORGANISER_TRANSITIONS.get(status, frozenset())):
                if target == old or target in came_from:
                    continue
                if forward_only and not (
                    status in FORWARD and target in FORWARD and FORWARD.index(target) > FORWARD.index(status)
                ):
                    continue
                came_from[target] = status
                if target == new:
                    path = [new]
                    while came_from[path[-1]] != old:
                        path.append(came_from[path[-1]])
                    return tuple(reversed(path))
                following.append(target)
        frontier = following
    return ()


def route(old: ApplicationStatus, new: ApplicationStatus) -> tuple[ApplicationStatus, ...]:
    """The statuses an application passes through when an organiser chooses `new` for it, in
    order and ending with `new`; () when it is there already.

    One step when the transition is allowed; otherwise the way forward through the lifecycle
    (accepted -> finalist -> winner), each step an allowed transition. Never back or aside on
    the way (reopening, rejecting, taking a rejection back): those are decisions of their own,
    so they are named as the missing step instead (NoRoute).
    """
    if old == new:
        return ()
    if new in ORGANISER_TRANSITIONS.get(old, frozenset()):
        return (new,)
    forward = _shortest(old, new, forward_only=True)
    if forward:
        return forward
    anyhow = _shortest(old, new, forward_only=False)
    raise NoRoute(old, new, anyhow[0] if anyhow else None)


def reachable(old: ApplicationStatus) -> list[ApplicationStatus]:
    """Every status an organiser's one choice can take `old` to (directly or along `route`), in
    the lifecycle's order."""
    found = []
    for status in ApplicationStatus:
        try:
            if route(old, status):
                found.append(status)
        except NoRoute:
            continue
    return found
