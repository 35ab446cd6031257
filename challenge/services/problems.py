"""Problem statements: drafts, submission, the organisers' review, attachments."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from challenge.enums import Phase, ProblemAction, ProblemStatus
from challenge.records import EditionRow, ProblemRow, as_changes, convert_row
from challenge.rules.phases import IntakeOutlook, intake_outlook, may_draft_problems, may_submit_problem
from challenge.rules.problems import (
    EDITABLE,
    FIELD_NAMES,
    ORGANISER_ACTIONS,
    ParsedProblem,
    ProblemFields,
    TransitionRefused,
    draft_problems,
    missing_for_submission,
    parse_problem,
    transition,
)
from challenge.schemas import ProblemIn
from challenge.services.editions import all_editions, edition_state, load_edition
from challenge.tables import Municipality, Problem, ProblemAttachment, ProblemEvent
from core import audit, db, files
from core.auth import CurrentUser
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import format_datetime, label
from core.i18n import gettext as _
from core.mail import queue_mail
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser
from core.tables import Membership, User
from core.uploads import PDF_OR_IMAGE

MAX_ATTACHMENTS = 10
# The purpose an upload takes when it is attached to a problem (see may_read_attachment).
ATTACHMENT = "problem_attachment"


def _columns(fields: ProblemFields) -> dict[str, Any]:
    values = asdict(fields)
    values["open_data_links"] = list(fields.open_data_links)
    values["sdgs"] = list(fields.sdgs)
    values["sdg_tags"] = "".join(f",{goal}," for goal in fields.sdgs)
    return values


def fields_of(problem: ProblemRow) -> ProblemFields:
    """The typed fields of a stored problem (what the submission check reads)."""
    return parse_problem({name: getattr(problem, name) for name in FIELD_NAMES}).fields


async def load_problem(problem_id: int) -> ProblemRow:
    problem = await Problem.select().where(Problem.id == problem_id).first().output(load_json=True)
    if problem is None:
        raise NotFound(N_("This problem does not exist."))
    return convert_row(problem, ProblemRow)


def ensure_municipality_staff(user: CurrentUser, municipality_id: int) -> None:
    if not user.is_organiser and municipality_id not in user.organisations(Role.MUNICIPALITY):
        raise PermissionDenied(N_("Only staff of this municipality may change its problems."))


async def current_intake() -> IntakeOutlook:
    """Whether municipalities may start a problem now, and when intake opens or closed."""
    states = [await edition_state(e) for e in await all_editions()]
    return intake_outlook([(s.phase, s.timeline) for s in states], now=utc_now())


def intake_closed_text(outlook: IntakeOutlook) -> str:
    """What a municipality reads when no edition takes problems: closed, and since or until when."""
    text = _("Problem intake is closed: no edition is taking new problems now.")
    if outlook.opens_at is not None:
        return text + " " + _("The next intake opens on %(when)s.") % {"when": format_datetime(outlook.opens_at)}
    if outlook.closed_at is not None:
        return (
            text
            + " "
            + _("The last intake closed on %(when)s; the next one is not announced yet.")
            % {"when": format_datetime(outlook.closed_at)}
        )
    return text


async def _new_problem_target(edition_id: int | None, municipality_id: int | None) -> dict[str, str]:
    """The edition and municipality of a new problem, each error naming its own cause; a closed
    intake is a conflict, raised before any field is checked."""
    errors: dict[str, str] = {}
    if edition_id is None:
        outlook = await current_intake()
        if not outlook.may_draft:
            raise StateConflict(intake_closed_text(outlook))
        errors["edition_id"] = N_("Choose the edition.")
    else:
        edition = await load_edition(edition_id)
        state = await edition_state(edition)
        if not may_draft_problems(state.phase):
            closed_at = state.timeline.end_of(Phase.PROBLEM_INTAKE)
            raise StateConflict(
                _("Problem intake for %(edition)s closed on %(when)s; new problems cannot be added.")
                % {"edition": edition.name, "when": format_datetime(closed_at, edition.timezone, format="long")}
                if closed_at
                else _("Problem intake for %(edition)s has closed; new problems cannot be added.")
                % {"edition": edition.name}
            )
    if municipality_id is None:
        errors["municipality_id"] = N_("Choose the municipality.")
    return errors


async def _attach(problem_id: int, user_id: int, file_ids: list[int]) -> None:
    """Link uploads (already in storage, owned by the user, not used elsewhere) to the problem."""
    if not file_ids:
        return
    owned = await files.attach_uploads(
        file_ids=file_ids, owner_id=user_id, purpose=ATTACHMENT, content_types=PDF_OR_IMAGE
    )
    taken = await ProblemAttachment.select(ProblemAttachment.file).where(ProblemAttachment.file.is_in(file_ids))
    usable = [file_id for file_id in owned if file_id not in {t["file"] for t in taken}]
    count = await ProblemAttachment.count().where(ProblemAttachment.problem == problem_id)
    if count + len(usable) > MAX_ATTACHMENTS:
        raise ValidationFailed({"attachment": N_("A problem can have at most 10 attachments.")})
    for file_id in usable:
        await ProblemAttachment.insert(ProblemAttachment(problem=problem_id, file=file_id))


async def save_problem(
    *,
    user: CurrentUser,
    problem: ProblemIn,
    problem_id: int | None = None,
    edition_id: int | None = None,
    municipality_id: int | None = None,
    attachment_ids: list[int] | None = None,
    submit: bool = False,
) -> int:
    """Create or update a draft (and submit it when `submit`). Returns the problem's id.

    Nothing typed is lost: invalid values raise ValidationFailed with every field's problem,
    and the caller shows the form again with the input.
    """
    # Whose problem it is comes first: nobody learns anything from another municipality's form.
    if problem_id is not None:
        ensure_municipality_staff(user, (await load_problem(problem_id)).municipality)
    elif municipality_id is not None:
        ensure_municipality_staff(user, municipality_id)
    fields = await _checked_fields(
        problem, problem_id=problem_id, edition_id=edition_id, municipality_id=municipality_id, submit=submit
    )
    if problem_id is None and edition_id is not None and municipality_id is not None:
        ensure_municipality_staff(user, municipality_id)
        if not await Municipality.exists().where(Municipality.id == municipality_id):
            raise NotFound(N_("This municipality does not exist."))
    async with db.transaction():
        if problem_id is None:
            assert edition_id is not None and municipality_id is not None  # else _checked_fields refused
            problem_id = await _insert_problem(
                user=user, edition_id=edition_id, municipality_id=municipality_id, fields=fields
            )
        else:
            await _update_problem(user=user, problem_id=problem_id, fields=fields)
        await _attach(problem_id, user.id, attachment_ids or [])
    if submit:
        await submit_problem(user=user, problem_id=problem_id)
    return problem_id


async def _checked_fields(
    problem: ProblemIn, *, problem_id: int | None, edition_id: int | None, municipality_id: int | None, submit: bool
) -> ProblemFields:
    """The statement's typed fields, or ValidationFailed naming every field to correct."""
    # Where a new problem goes is checked first, so a closed intake is said as such and not as a
    # field to correct (the form offers no edition to choose when none takes problems).
    errors: dict[str, str] = await _new_problem_target(edition_id, municipality_id) if problem_id is None else {}
    parsed: ParsedProblem = parse_problem(problem.statement())
    errors.update(parsed.errors)
    edition_for_track = edition_id if problem_id is None else (await load_problem(problem_id)).edition
    if parsed.fields.track and edition_for_track and "track" not in errors:
        tracks = (await load_edition(edition_for_track)).tracks
        if parsed.fields.track.value not in tracks:
            errors["track"] = N_("This edition does not run that track.")
    errors.update({k: v for k, v in draft_problems(parsed.fields).items() if k not in errors})
    if submit:
        errors.update({k: v for k, v in missing_for_submission(parsed.fields).items() if k not in errors})
    if errors:
        raise ValidationFailed(errors, N_("Please correct the marked fields; nothing you typed was lost."))
    return parsed.fields


async def _insert_problem(*, user: CurrentUser, edition_id: int, municipality_id: int, fields: ProblemFields) -> int:
    columns = _columns(fields)
    problem_id: int = (
        await Problem.insert(
            Problem(edition=edition_id, municipality=municipality_id, created_by=user.id, **columns)
        ).returning(Problem.id)
    )[0]["id"]
    await ProblemEvent.insert(ProblemEvent(problem=problem_id, actor=user.id, to_status=ProblemStatus.DRAFT))
    await audit.record(
        actor_id=user.id, action="problem.drafted", entity="problem", entity_id=problem_id, after=columns
    )
    return problem_id


async def _update_problem(*, user: CurrentUser, problem_id: int, fields: ProblemFields) -> None:
    before = await load_problem(problem_id)
    ensure_municipality_staff(user, before.municipality)
    if ProblemStatus(before.status) not in EDITABLE:
        raise StateConflict(
            N_("This problem is with the organisers and cannot be edited now.")
            if before.status == ProblemStatus.SUBMITTED
            else N_("This problem can no longer be edited.")
        )
    changes = _columns(fields)
    updated = await (
        Problem.update({**as_changes(changes), Problem.updated_at: utc_now()})
        .where(Problem.id == problem_id, Problem.status.is_in(list(EDITABLE)))
        .returning(Problem.id)
    )
    if not updated:  # submitted by a colleague a moment ago
        raise StateConflict(N_("This problem is with the organisers and cannot be edited now."))
    changed = [name for name in changes if getattr(before, name) != changes[name]]
    await audit.record(
        actor_id=user.id,
        action="problem.edited",
        entity="problem",
        entity_id=problem_id,
        before={name: getattr(before, name) for name in changed},
        after={name: changes[name] for name in changed},
    )


async def submit_problem(*, user: CurrentUser, problem_id: int) -> None:
    problem = await load_problem(problem_id)
    ensure_municipality_staff(user, problem.municipality)
    status = ProblemStatus(problem.status)
    if missing := missing_for_submission(fields_of(problem)):
        raise ValidationFailed(missing, N_("Some required fields are still empty."))
    edition = await load_edition(problem.edition)
    state = await edition_state(edition)
    if not may_submit_problem(state.phase, resubmission=status == ProblemStatus.CHANGES_REQUESTED):
        closed_at = state.timeline.end_of(Phase.PROBLEM_INTAKE)
        raise StateConflict(
            _("Problem intake closed on %(when)s; the problem was kept as a draft.")
            % {"when": format_datetime(closed_at, edition.timezone) if closed_at else "—"}
            if state.phase is not None
            else _("Problem intake has not opened yet; the problem was kept as a draft.")
        )
    await _change_status(user=user, problem=problem, action=ProblemAction.SUBMIT)


async def review_problem(*, user: CurrentUser, problem_id: int, action: str, comment: str = "") -> None:
    """An organiser requests changes (with a comment), publishes or archives a problem."""
    require_organiser(user, N_("Only organisers review problems."))
    try:
        chosen = ProblemAction(action)
    except ValueError:
        raise ValidationFailed({"action": N_("Choose one of the options.")}) from None
    if chosen not in ORGANISER_ACTIONS:
        raise ValidationFailed({"action": N_("Choose one of the options.")})
    comment = comment.strip()
    if chosen == ProblemAction.REQUEST_CHANGES and not comment:
        raise ValidationFailed({"comment": N_("Tell the municipality what to change.")})
    if len(comment) > 5000:
        raise ValidationFailed({"comment": TOO_LONG})
    await _change_status(user=user, problem=await load_problem(problem_id), action=chosen, comment=comment)


async def withdraw_problem(*, user: CurrentUser, problem_id: int) -> None:
    problem = await load_problem(problem_id)
    ensure_municipality_staff(user, problem.municipality)
    await _change_status(user=user, problem=problem, action=ProblemAction.WITHDRAW)


def is_editable(problem: ProblemRow) -> bool:
    return ProblemStatus(problem.status) in EDITABLE


async def _change_status(*, user: CurrentUser, problem: ProblemRow, action: ProblemAction, comment: str = "") -> None:
    old = ProblemStatus(problem.status)
    try:
        new = transition(old, action)
    except TransitionRefused:
        raise StateConflict(
            _("This problem is %(status)s; that action is not possible now.") % {"status": label(old)}
        ) from None
    async with db.transaction():
        now = utc_now()
        if action == ProblemAction.SUBMIT:
            # Check again inside the transaction (rows locked on PostgreSQL): a colleague's save
            # between the first check and now must not let an incomplete problem through.
            current = Problem.select().where(Problem.id == problem.id).output(load_json=True)
            if not db.is_sqlite():
                current = current.lock_rows()
            rows = await current
            if rows and (missing := missing_for_submission(fields_of(convert_row(rows[0], ProblemRow)))):
                raise ValidationFailed(missing, N_("Some required fields are still empty."))
        changes: dict[Any, Any] = {Problem.status: new, Problem.updated_at: now}
        if new == ProblemStatus.SUBMITTED:
            changes[Problem.submitted_at] = now
        if new == ProblemStatus.PUBLISHED:
            changes[Problem.published_at] = now
        won = await Problem.update(changes).where(Problem.id == problem.id, Problem.status == old).returning(Problem.id)
        if not won:  # someone else changed it a moment ago
            raise StateConflict(N_("This problem was changed by someone else just now; reload the page."))
        await ProblemEvent.insert(
            ProblemEvent(problem=problem.id, actor=user.id, from_status=old, to_status=new, comment=comment)
        )
        await audit.record(
            actor_id=user.id,
            action=f"problem.{action.value}",
            entity="problem",
            entity_id=problem.id,
            before={"status": old},
            after={"status": new, **({"comment": comment} if comment else {})},
        )
        for person in await _status_recipients(problem, to_organisers=action == ProblemAction.SUBMIT):
            await queue_mail(
                to=person["email"],
                subject=_("Problem “%(title)s”: %(status)s") % {"title": problem.title, "status": label(new)},
                template="problem_status",
                name=person["name"],
                problem=problem,
                status=label(new),
                comment=comment,
                link=f"/organiser/problems/{problem.id}"
                if action == ProblemAction.SUBMIT
                else f"/municipality/problems/{problem.id}",
            )


async def _status_recipients(problem: ProblemRow, *, to_organisers: bool) -> list[dict[str, Any]]:
    if to_organisers:
        members = Membership.select(Membership.user).where(Membership.role == Role.ORGANISER)
    else:
        members = Membership.select(Membership.user).where(
            Membership.role == Role.MUNICIPALITY, Membership.organisation_id == problem.municipality
        )
    ids = sorted({row["user"] for row in await members})
    if not ids:
        return []
    return await User.select(User.email, User.name).where(User.id.is_in(ids), User.is_active == True)  # noqa: E712


async def remove_attachment(*, user: CurrentUser, problem_id: int, attachment_id: int) -> None:
    problem = await load_problem(problem_id)
    ensure_municipality_staff(user, problem.municipality)
    if ProblemStatus(problem.status) not in EDITABLE:
        raise StateConflict(N_("This problem can no longer be edited."))
    async with db.transaction():
        row = (
            await ProblemAttachment.select(ProblemAttachment.id, ProblemAttachment.file)
            .where(ProblemAttachment.id == attachment_id, ProblemAttachment.problem == problem_id)
            .first()
        )
        if row is None:
            raise NotFound(N_("This attachment does not exist."))
        await ProblemAttachment.delete().where(ProblemAttachment.id == attachment_id)
        await audit.record(
            actor_id=user.id,
            action="problem.attachment_removed",
            entity="problem",
            entity_id=problem_id,
            before={"file": row["file"]},
        )


async def editions_open_for_drafting() -> list[EditionRow]:
    """Editions in which municipalities may start a problem now."""
    return [e for e in await all_editions() if may_draft_problems((await edition_state(e)).phase)]


async def may_read_attachment(user: CurrentUser | None, file_row: files.FileRow) -> bool:
    """Attachments of published problems are public; otherwise staff of the municipality only."""
    row = await (
        ProblemAttachment.select(ProblemAttachment.problem.status, ProblemAttachment.problem.municipality)
        .where(ProblemAttachment.file == file_row.id)
        .first()
    )
    if row is None:
        return False
    if row["problem.status"] == ProblemStatus.PUBLISHED:
        return True
    return user is not None and row["problem.municipality"] in user.organisations(Role.MUNICIPALITY)
