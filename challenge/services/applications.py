"""Startups and their applications: create, save drafts, submit before the deadline, screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from challenge.enums import ApplicationStatus, Phase, ProblemStatus, QuestionKind, Track
from challenge.rules.applications import (
    EDITABLE,
    ApplicationContent,
    ApplicationWindow,
    Deadline,
    NoRoute,
    Question,
    TransitionRefused,
    application_window,
    check_transition,
    judge_submission,
    route,
)
from challenge.rules.problems import parse_problem
from challenge.services import expertise
from challenge.services.editions import edition_state, load_edition
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Edition,
    EligibilityQuestion,
    FitNote,
    Problem,
    Startup,
    StartupMember,
)
from core import audit, db, files
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import format_datetime, label
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_, TOO_LONG
from core.tables import User
from core.uploads import PDF_ONLY

TEXT_FIELDS = {"solution": 6000, "why_us": 4000, "traction": 4000, "pilot_plan": 6000, "impact": 4000}
MAX_VIDEO_URL = 500
MAX_ANSWER = 2000
MAX_CHOICES_TEXT = 4000  # an eligibility question's choices, one per line
# The purpose an upload takes when it becomes an application's deck (see may_read_pitch_deck).
PITCH_DECK = "pitch_deck"


@dataclass(frozen=True)
class SaveResult:
    application_id: int
    version: int
    # True when a teammate saved in between: their changes were replaced by these (last write wins).
    overwrote_newer: bool


async def startup_of(user: CurrentUser, edition_id: int) -> dict[str, Any] | None:
    row = (
        await StartupMember.select(StartupMember.startup)
        .where(StartupMember.user == user.id, StartupMember.edition == edition_id)
        .first()
    )
    if row is None:
        return None
    return await Startup.select().where(Startup.id == row["startup"]).first()


async def ensure_member(user: CurrentUser, startup_id: int) -> None:
    if user.is_organiser:
        return
    if not await StartupMember.exists().where(StartupMember.startup == startup_id, StartupMember.user == user.id):
        # 404, not 403: another startup's application is not even confirmed to exist.
        raise NotFound(N_("This application does not exist."))


async def load_questions(edition_id: int) -> tuple[Question, ...]:
    rows = (
        await EligibilityQuestion.select()
        .where(EligibilityQuestion.edition == edition_id)
        .order_by(EligibilityQuestion.position)
        .output(load_json=True)
    )
    return tuple(
        Question(
            id=r["id"],
            kind=QuestionKind(r["kind"]),
            text=r["text"],
            required=r["required"],
            choices=tuple(r["choices"]),
            eligible_answer=r["eligible_answer"],
        )
        for r in rows
    )


async def deadline_of(edition: dict[str, Any]) -> Deadline:
    state = await edition_state(edition)
    closes = state.timeline.end_of(Phase.APPLICATIONS)
    return Deadline(closes_at=closes, grace=timedelta(minutes=edition["application_grace_minutes"]))


async def window_of(edition: dict[str, Any], *, now: datetime | None = None) -> ApplicationWindow:
    """What is still possible with the edition's applications at `now` (default: the clock)."""
    return application_window(await deadline_of(edition), now=now or utc_now())


async def load_application(application_id: int) -> dict[str, Any]:
    row = await Application.select().where(Application.id == application_id).first().output(load_json=True)
    if row is None:
        raise NotFound(N_("This application does not exist."))
    return row


def _read_content(data: dict[str, Any]) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        values[name] = str(data.get(name, "") or "").strip()
        if len(values[name]) > limit:
            errors[name] = TOO_LONG
    sdg_parse = parse_problem({"title": "x", "sdgs": data.get("sdgs", [])})
    if "sdgs" in sdg_parse.errors:
        errors["sdgs"] = sdg_parse.errors["sdgs"]
    values["sdgs"] = list(sdg_parse.fields.sdgs)
    raw_tags = data.get("support_needed", [])
    tags = [raw_tags] if isinstance(raw_tags, str) else list(raw_tags or [])
    values["support_needed"] = sorted({str(t).strip() for t in tags if str(t).strip()})
    video = str(data.get("video_url", "") or "").strip()
    if video and not video.startswith(("https://", "http://")):
        errors["video_url"] = N_("Each link must be a full web address starting with https://")
    elif len(video) > MAX_VIDEO_URL:
        errors["video_url"] = TOO_LONG
    values["video_url"] = video
    raw_problems = data.get("problems", [])
    problem_ids = [
        int(p)
        for p in ([raw_problems] if isinstance(raw_problems, str | int) else raw_problems or [])
        if str(p).isdigit()
    ]
    values["answers"] = {
        key[1:]: str(value).strip() for key, value in data.items() if key.startswith("q") and key[1:].isdigit()
    }
    for key, answer in values["answers"].items():
        if len(answer) > MAX_ANSWER:
            errors[f"q{key}"] = TOO_LONG
    return values, problem_ids, errors


async def save_application(
    *,
    user: CurrentUser,
    edition_id: int,
    data: dict[str, Any],
    application_id: int | None = None,
    expected_version: int | None = None,
    pitch_deck_file_id: int | None = None,
) -> SaveResult:
    """Create or update a draft. Last write wins; the result says when it replaced a teammate's save."""
    if application_id is not None:
        current = await load_application(application_id)
        await ensure_member(user, current["startup"])
        if ApplicationStatus(current["status"]) not in EDITABLE:
            raise StateConflict(N_("This application was submitted; ask the organisers to reopen it to change it."))
    edition = await load_edition(edition_id)
    deadline = await deadline_of(edition)
    if not deadline.accepts(utc_now()):
        # Refused first, and before anything is written: no new version, no audit entry, no draft.
        raise _closed(deadline, edition, new=application_id is None)
    values, problem_ids, errors = _read_content(data)
    if set(values["support_needed"]) - set(await expertise.vocabulary(include_retired=True)):
        errors["support_needed"] = N_("Choose from the listed kinds of support.")
    if errors:
        raise ValidationFailed(errors, N_("Please correct the marked fields; nothing you typed was lost."))
    if application_id is None:
        startup = await startup_of(user, edition_id)
        if startup is None:
            raise StateConflict(N_("Register your startup first."))
        track = str(data.get("track", "") or "")
        if track not in edition["tracks"]:
            raise ValidationFailed({"track": N_("This edition does not run that track.")})
    async with db.transaction():
        if problem_ids:
            published = await Problem.select(Problem.id).where(
                Problem.id.is_in(problem_ids), Problem.edition == edition_id, Problem.status == ProblemStatus.PUBLISHED
            )
            problem_ids = [row["id"] for row in published]
        # Only the caller's own PDF: an id cannot attach someone else's upload to this application.
        if pitch_deck_file_id is not None and not await files.attach_uploads(
            file_ids=[pitch_deck_file_id], owner_id=user.id, purpose=PITCH_DECK, content_types=PDF_ONLY
        ):
            raise ValidationFailed({"pitch_deck": N_("Upload your pitch deck (PDF).")})
        now = utc_now()
        overwrote = False
        if application_id is None:
            try:
                application_id = (
                    await Application.insert(
                        Application(
                            edition=edition_id,
                            startup=startup["id"],
                            track=track,
                            updated_by=user.id,
                            active_key=f"{edition_id}:{startup['id']}:{track}",
                            pitch_deck=pitch_deck_file_id,
                            **values,
                        )
                    ).returning(Application.id)
                )[0]["id"]
            except Exception as exc:
                if db.is_unique_violation(exc):
                    raise StateConflict(N_("Your startup already has an application in this track.")) from exc
                raise
            await ApplicationEvent.insert(
                ApplicationEvent(application=application_id, actor=user.id, to_status=ApplicationStatus.DRAFT)
            )
            version = 1
            await audit.record(
                actor_id=user.id,
                action="application.drafted",
                entity="application",
                entity_id=application_id,
                after=values,
            )
        else:
            # Locked, so two teammates saving at once are ordered and the second is told.
            before = (
                await db.locked(Application.select().where(Application.id == application_id))
                .first()
                .output(load_json=True)
            )
            if before is None:
                raise NotFound(N_("This application does not exist."))
            await ensure_member(user, before["startup"])
            if ApplicationStatus(before["status"]) not in EDITABLE:
                raise StateConflict(N_("This application was submitted; ask the organisers to reopen it to change it."))
            overwrote = expected_version is not None and expected_version != before["version"]
            version = before["version"] + 1
            changes: dict[Any, Any] = {**values, "version": version, "updated_by": user.id, "updated_at": now}
            if pitch_deck_file_id is not None:
                changes["pitch_deck"] = pitch_deck_file_id
            updated = (
                await Application.update(changes)
                .where(Application.id == application_id, Application.status == ApplicationStatus.DRAFT)
                .returning(Application.id)
            )
            if not updated:
                raise StateConflict(N_("This application was submitted; ask the organisers to reopen it to change it."))
            await audit.record(
                actor_id=user.id,
                action="application.edited",
                entity="application",
                entity_id=application_id,
                before={k: before[k] for k in values if before[k] != values[k]},
                after={**{k: values[k] for k in values if before[k] != values[k]}, "replaced_newer_save": overwrote},
            )
        await ApplicationProblem.delete().where(ApplicationProblem.application == application_id)
        for problem_id in problem_ids:
            await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem_id))
    return SaveResult(application_id=application_id, version=version, overwrote_newer=overwrote)


async def content_of(application: dict[str, Any]) -> ApplicationContent:
    problems = await ApplicationProblem.select(ApplicationProblem.problem).where(
        ApplicationProblem.application == application["id"]
    )
    return ApplicationContent(
        problem_ids=tuple(row["problem"] for row in problems),
        solution=application["solution"],
        why_us=application["why_us"],
        traction=application["traction"],
        pilot_plan=application["pilot_plan"],
        impact=application["impact"],
        sdgs=tuple(application["sdgs"]),
        support_needed=tuple(application["support_needed"]),
        has_pitch_deck=application["pitch_deck"] is not None,
        answers={int(k): v for k, v in application["answers"].items()},
    )


def _closed(deadline: Deadline, edition: dict[str, Any], *, new: bool = False) -> StateConflict:
    """Too late: the message says when applications closed, and what became of the draft."""
    when = format_datetime(deadline.closes_at, edition["timezone"], format="long")
    if new:
        return StateConflict(
            _("Applications to %(edition)s closed on %(when)s; new applications are no longer taken.")
            % {"edition": edition["name"], "when": when}
        )
    return StateConflict(
        _("Applications closed on %(when)s; your draft is kept.") % {"when": when}
        + " "
        + _("It can no longer be changed or submitted.")
    )


async def submit_application(*, user: CurrentUser, application_id: int) -> None:
    """Submit a complete, eligible draft before the deadline: exactly once, however often clicked."""
    application = await load_application(application_id)
    await ensure_member(user, application["startup"])
    edition = await load_edition(application["edition"])
    deadline = await deadline_of(edition)
    verdict = judge_submission(
        await content_of(application),
        await load_questions(edition["id"]),
        deadline=deadline,
        now=utc_now(),
        other_active_in_track=False,
    )
    if verdict.too_late:
        raise _closed(deadline, edition)
    if verdict.missing or verdict.ineligible:
        raise ValidationFailed({**verdict.missing, **verdict.ineligible}, N_("Some parts are still missing."))
    startup = await Startup.select(Startup.name).where(Startup.id == application["startup"]).first()
    problem_titles = [p["title"] for p in await _problem_titles(application_id)]
    # The move and its confirmation commit together: no submission without its mail, nor the reverse.
    async with db.transaction():
        # Checked again at the instant recorded as the submission: under a deadline rush the wait
        # for the database can carry a request checked in time past the deadline (bench/rush.py).
        now = utc_now()
        if not deadline.accepts(now):
            raise _closed(deadline, edition)
        await _move(user=user, application=application, new=ApplicationStatus.SUBMITTED, by_organiser=False, at=now)
        for member in await _team(application["startup"], edition["id"]):
            await queue_mail(
                to=member["email"],
                subject=_("Application received: %(edition)s") % {"edition": edition["name"]},
                template="application_submitted",
                name=member["name"],
                startup=startup["name"],
                edition=edition,
                application=application,
                problems=problem_titles,
                submitted=format_datetime(utc_now(), edition["timezone"]),
                track=label(Track(application["track"])),
            )


async def _problem_titles(application_id: int) -> list[dict[str, Any]]:
    return await ApplicationProblem.select(ApplicationProblem.problem.title.as_alias("title")).where(
        ApplicationProblem.application == application_id
    )


async def withdraw_application(*, user: CurrentUser, application_id: int) -> None:
    application = await load_application(application_id)
    await ensure_member(user, application["startup"])
    await _move(user=user, application=application, new=ApplicationStatus.WITHDRAWN, by_organiser=False)


@dataclass(frozen=True)
class StatusChange:
    moved: list[int]
    # Applications left as they were, with their status: a bulk change skips what it cannot move.
    skipped: list[tuple[int, str]]
    # The statuses each moved application passed through, the chosen one last (see `route`).
    routes: dict[int, tuple[ApplicationStatus, ...]] = field(default_factory=dict)
    # Applications that already had the chosen status (with follow_route: nothing to do).
    already: list[int] = field(default_factory=list)


def no_route_message(refusal: NoRoute, name: str) -> str:
    """What stands between an application and the status chosen for it, in the reader's language."""
    return _(refusal.reason) % {
        "name": name,
        "status": label(refusal.old),
        "target": label(refusal.new),
        "step": label(refusal.step) if refusal.step else "",
    }


async def _steps(
    application: dict[str, Any], new: ApplicationStatus, *, follow_route: bool
) -> tuple[ApplicationStatus, ...]:
    old = ApplicationStatus(application["status"])
    if not follow_route:
        return (new,)
    try:
        return route(old, new)
    except NoRoute as refusal:
        startup = await Startup.select(Startup.name).where(Startup.id == application["startup"]).first()
        raise StateConflict(no_route_message(refusal, startup["name"] if startup else "")) from None


async def change_status(
    *, user: CurrentUser, application_ids: list[int], status: str, message: str = "", follow_route: bool = False
) -> StatusChange:
    """Organisers move applications (one or many) to a status; each team is mailed the message.

    Each application moves in its own transaction with its mail, so a bulk change that meets an
    application in the wrong status moves the others and names the one it skipped. With
    `follow_route`, a status further along than the next one is reached through the ones between
    (accepted -> finalist -> winner): each step is its own status change, with its event, its
    audit record and its mail (the organiser's message goes with the last), all in the one
    transaction of that application.
    """
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers screen applications."))
    try:
        new = ApplicationStatus(status)
    except ValueError:
        raise ValidationFailed({"status": N_("Choose one of the options.")}) from None
    if not application_ids:
        raise ValidationFailed({"ids": N_("Select at least one application.")})
    if len(message) > 4000:
        raise ValidationFailed({"message": TOO_LONG})
    result = StatusChange(moved=[], skipped=[])
    for application_id in dict.fromkeys(application_ids):
        application = await load_application(application_id)
        edition = await load_edition(application["edition"])
        try:
            steps = await _steps(application, new, follow_route=follow_route)
            if not steps:
                result.already.append(application_id)
                continue
            async with db.transaction():
                current = application
                for index, step in enumerate(steps):
                    said = message.strip() if index == len(steps) - 1 else ""
                    await _move(user=user, application=current, new=step, by_organiser=True, message=said)
                    current = {**current, "status": step}
                    for member in await _team(application["startup"], edition["id"]):
                        await queue_mail(
                            to=member["email"],
                            subject=_("Your application: %(status)s") % {"status": label(step)},
                            template="application_status",
                            name=member["name"],
                            status=label(step),
                            message=said,
                            edition=edition,
                        )
        except StateConflict:
            if len(application_ids) == 1:
                raise
            result.skipped.append((application_id, application["status"]))
        else:
            result.moved.append(application_id)
            result.routes[application_id] = steps
    return result


async def _team(startup_id: int, edition_id: int) -> list[dict[str, Any]]:
    members = await StartupMember.select(StartupMember.user).where(
        StartupMember.startup == startup_id, StartupMember.edition == edition_id
    )
    ids = [row["user"] for row in members]
    if not ids:
        return []
    return await User.select(User.id, User.email, User.name).where(User.id.is_in(ids))


async def _move(
    *,
    user: CurrentUser,
    application: dict[str, Any],
    new: ApplicationStatus,
    by_organiser: bool,
    message: str = "",
    at: datetime | None = None,
) -> None:
    old = ApplicationStatus(application["status"])
    try:
        check_transition(old, new, by_organiser=by_organiser)
    except TransitionRefused:
        raise StateConflict(
            _("This application is %(status)s; that is not possible now.") % {"status": label(old)}
        ) from None
    async with db.transaction():
        now = at or utc_now()
        changes: dict[Any, Any] = {Application.status: new, Application.updated_at: now}
        if new == ApplicationStatus.SUBMITTED:
            changes[Application.submitted_at] = now
        if new == ApplicationStatus.WITHDRAWN:
            changes[Application.active_key] = None
        won = (
            await Application.update(changes)
            .where(Application.id == application["id"], Application.status == old)
            .returning(Application.id)
        )
        if not won:  # the second click of a double click, or a teammate a moment earlier
            raise StateConflict(N_("This application was changed a moment ago; reload the page."))
        await ApplicationEvent.insert(
            ApplicationEvent(
                application=application["id"], actor=user.id, from_status=old, to_status=new, message=message
            )
        )
        await audit.record(
            actor_id=user.id,
            action=f"application.{new.value}",
            entity="application",
            entity_id=application["id"],
            before={"status": old},
            after={"status": new, **({"message": message} if message else {})},
        )


async def add_fit_note(*, user: CurrentUser, application_id: int, municipality_id: int, note: str) -> None:
    """A municipality's word on how an application fits its problem: read by organisers, never by judges."""
    note = note.strip()
    if not note:
        raise ValidationFailed({"note": N_("Write the note first.")})
    if len(note) > 4000:
        raise ValidationFailed({"note": TOO_LONG})
    application = await load_application(application_id)
    addressed = await ApplicationProblem.exists().where(
        ApplicationProblem.application == application_id, ApplicationProblem.problem.municipality == municipality_id
    )
    visible = ApplicationStatus(application["status"]) not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
    if municipality_id not in user.organisations(Role.MUNICIPALITY) or not addressed or not visible:
        raise NotFound(N_("This application does not exist."))
    async with db.transaction():
        note_id = (
            await FitNote.insert(
                FitNote(application=application_id, municipality=municipality_id, author=user.id, note=note)
            ).returning(FitNote.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="application.fit_note",
            entity="application",
            entity_id=application_id,
            after={"fit_note": note_id, "municipality": municipality_id},
        )


def _read_question(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    text = str(data.get("text", "") or "").strip()
    kind = str(data.get("kind", "") or "")
    choices = [c.strip() for c in str(data.get("choices", "") or "").splitlines() if c.strip()]
    eligible = str(data.get("eligible_answer", "") or "") or None
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = N_("Required.")
    elif len(text) > 1000:
        errors["text"] = TOO_LONG
    if kind not in {k.value for k in QuestionKind}:
        errors["kind"] = N_("Choose one of the options.")
    elif kind == QuestionKind.CHOICE and len(choices) < 2:
        errors["choices"] = N_("Give at least two choices, one per line.")
    elif kind == QuestionKind.CHOICE and len(str(data.get("choices", "") or "")) > MAX_CHOICES_TEXT:
        errors["choices"] = TOO_LONG
    if eligible is not None and (kind != QuestionKind.YES_NO or eligible not in ("yes", "no")):
        errors["eligible_answer"] = N_("Only a yes/no question can decide eligibility.")
    values = {
        "text": text,
        "kind": kind,
        "choices": choices if kind == QuestionKind.CHOICE else [],
        "eligible_answer": eligible,
        "required": str(data.get("required", "")) in ("on", "true", "1", "yes"),
    }
    return values, errors


async def add_question(*, user: CurrentUser, edition_id: int, data: dict[str, Any]) -> int:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers set eligibility questions."))
    values, errors = _read_question(data)
    if errors:
        raise ValidationFailed(errors)
    await load_edition(edition_id)
    async with db.transaction():
        last = (
            await EligibilityQuestion.select(EligibilityQuestion.position)
            .where(EligibilityQuestion.edition == edition_id)
            .order_by(EligibilityQuestion.position, ascending=False)
            .first()
        )
        question_id = (
            await EligibilityQuestion.insert(
                EligibilityQuestion(edition=edition_id, position=(last["position"] + 1) if last else 1, **values)
            ).returning(EligibilityQuestion.id)
        )[0]["id"]
        await audit.record(
            actor_id=user.id,
            action="eligibility_question.added",
            entity="edition",
            entity_id=edition_id,
            after={"question": question_id, **values},
        )
    return question_id


async def remove_question(*, user: CurrentUser, edition_id: int, question_id: int) -> None:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers set eligibility questions."))
    async with db.transaction():
        removed = (
            await EligibilityQuestion.delete()
            .where(EligibilityQuestion.id == question_id, EligibilityQuestion.edition == edition_id)
            .returning(EligibilityQuestion.id, EligibilityQuestion.text)
        )
        if not removed:
            raise NotFound(N_("This question does not exist."))
        await audit.record(
            actor_id=user.id,
            action="eligibility_question.removed",
            entity="edition",
            entity_id=edition_id,
            before={"question": question_id, "text": removed[0]["text"]},
        )


REMINDER_HOURS = (72, 24)


async def send_deadline_reminders(*, now: datetime) -> int:
    """Remind teams with an unsubmitted draft 72 h and 24 h before the deadline; each mail goes once.

    Only the most urgent reminder due is sent: a draft started 30 hours before the deadline gets
    the 24-hour one, not both at once. `once_key` makes a repeat (or a second worker) a no-op.
    """
    queued = 0
    for edition in await Edition.select().output(load_json=True):
        closes = (await deadline_of(edition)).closes_at
        if closes is None or not closes - timedelta(hours=max(REMINDER_HOURS)) <= now < closes:
            continue
        hours = min(h for h in REMINDER_HOURS if now >= closes - timedelta(hours=h))
        drafts = await Application.select(
            Application.id, Application.startup, Application.startup.name.as_alias("startup_name")
        ).where(Application.edition == edition["id"], Application.status == ApplicationStatus.DRAFT)
        for draft in drafts:
            async with db.transaction():
                for member in await _team(draft["startup"], edition["id"]):
                    queued += await queue_mail(
                        to=member["email"],
                        subject=_("%(hours)s hours left to submit your application") % {"hours": hours},
                        template="application_reminder",
                        once_key=f"app-deadline:{draft['id']}:{hours}:{member['id']}",
                        name=member["name"],
                        startup=draft["startup_name"],
                        edition=edition,
                        hours=hours,
                        closes=format_datetime(closes, edition["timezone"]),
                        application_id=draft["id"],
                    )
    return queued


async def may_read_pitch_deck(user: CurrentUser | None, file_row: dict[str, Any]) -> bool:
    """The team, and staff of a municipality whose problem the submitted application addresses."""
    if user is None:
        return False
    application = (
        await Application.select(Application.id, Application.startup, Application.status)
        .where(Application.pitch_deck == file_row["id"])
        .first()
    )
    if application is None:
        return False
    if await StartupMember.exists().where(
        StartupMember.startup == application["startup"], StartupMember.user == user.id
    ):
        return True
    staff_of = user.organisations(Role.MUNICIPALITY)
    if not staff_of or application["status"] in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        return False
    return await ApplicationProblem.exists().where(
        ApplicationProblem.application == application["id"], ApplicationProblem.problem.municipality.is_in(staff_of)
    )


async def remind_deadlines() -> int:
    return await send_deadline_reminders(now=utc_now())


async def editions_taking_applications() -> list[dict[str, Any]]:
    """Editions whose application phase is in force now, newest first."""
    taking = []
    for edition in await Edition.select().order_by(Edition.year, ascending=False).output(load_json=True):
        if (await edition_state(edition)).phase == Phase.APPLICATIONS:
            taking.append(edition)
    return taking
