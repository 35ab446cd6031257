"""Municipality staff: their problem statements, from draft to submission, and their profile."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.forms import problem_command, problem_form_choices, problem_form_values, profile_form_values
from challenge.queries import problems as problem_queries
from challenge.services import municipalities, problems
from core import files
from core.clock import utc_now
from core.enums import Role
from core.errors import ValidationFailed
from core.forms import FormData
from core.i18n import gettext as _
from core.next_steps import Home, checklist
from core.permissions import requires_membership, requires_role
from core.sessions import flash
from core.storage import get_storage
from core.uploads import PDF_OR_IMAGE, FileRule, ParsedForm, receive_form
from core.web import page

AnyRequest = Request[Any, Any, Any]
STAFF_OF_PATH_MUNICIPALITY = requires_membership(Role.MUNICIPALITY, path_param="municipality_id")
ATTACHMENT = FileRule(allowed_types=PDF_OR_IMAGE, max_bytes=10 * 1024 * 1024)
# Room for the problem's text fields around a 10 MB attachment.
FORM_BODY_LIMIT = 10 * 1024 * 1024 + 4 * 1024 * 1024


def _form_values(form: ParsedForm) -> dict[str, Any]:
    return {name: values if len(values) > 1 or name == "sdgs" else values[0] for name, values in form.fields.items()}


async def _receive_problem_form(request: AnyRequest) -> tuple[dict[str, Any], list[int]]:
    """The form's fields and the ids of every attachment uploaded so far (none is ever lost).

    An attachment that arrives with an otherwise invalid form is stored at once; its id rides
    along in the re-rendered form (`pending_attachment`) until the problem is saved.
    """
    form = await receive_form(request, rules={"attachment": ATTACHMENT}, storage=get_storage())
    values = _form_values(form)
    pending = [int(v) for v in form.fields.get("pending_attachment", []) if v.isdigit()]
    if "attachment" in form.files:
        stored = await files.record_upload(owner_id=request.user.id, received=form.files["attachment"])
        pending.append(stored.id)
    # What the form is shown again with if the save is refused (core.web reads `parsed_form`).
    request.scope["parsed_form"] = values  # type: ignore[typeddict-unknown-key]
    request.scope["pending_attachments"] = pending  # type: ignore[typeddict-unknown-key]
    if form.errors:
        raise ValidationFailed(form.errors)
    return values, pending


def _pending(request: AnyRequest) -> list[int]:
    # Set by _receive_problem_form; absent on a first GET.
    pending = request.scope.get("pending_attachments", [])
    return [int(file_id) for file_id in pending] if isinstance(pending, list) else []


async def _form_context(request: AnyRequest) -> dict[str, Any]:
    problem_id = request.path_params.get("problem_id")
    staff_of = request.user.organisations(Role.MUNICIPALITY)
    problem = await problem_queries.problem_for_staff(int(problem_id)) if problem_id else None
    if problem is not None:
        # Also when re-rendering after an error: never show another municipality's problem.
        problems.ensure_municipality_staff(request.user, problem.municipality)
    intake = await problems.current_intake()
    return {
        **problem_form_choices(),
        "intake": intake,
        "intake_closed": "" if intake.may_draft else problems.intake_closed_text(intake),
        "problem": problem,
        "change_request": await problem_queries.latest_change_request(int(problem_id)) if problem_id else "",
        "edition_options": [(e.id, f"{e.name} ({e.year})") for e in await problems.editions_open_for_drafting()],
        "municipality_options": [(m.id, m.name) for m in await problem_queries.municipalities(staff_of)],
        "pending": await problem_queries.stored_files(
            _pending(request), owner_id=request.user.id, purpose=problems.ATTACHMENT
        ),
        "attachments": await problem_queries.attachments(int(problem_id)) if problem_id else [],
        "max_megabytes": ATTACHMENT.max_bytes // (1024 * 1024),
    }


class MunicipalityPages(Controller):
    path = "/municipality"
    guards = [requires_role(Role.MUNICIPALITY)]
    include_in_schema = False

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        ids = request.user.organisations(Role.MUNICIPALITY)
        return page(
            "challenge/municipality/home.html",
            municipalities=await problem_queries.municipalities(ids),
            problems=await problem_queries.problems_of_municipalities(ids),
            open_editions=await problems.editions_open_for_drafting(),
            next_steps=await checklist(Home.MUNICIPALITY, user=request.user, now=utc_now()),
            intake_closed=problems.intake_closed_text(await problems.current_intake()),
        )

    @get("/problems/new")
    async def new_problem(
        self,
        request: AnyRequest,
        edition_id: FromQuery[int | None] = None,
        municipality_id: FromQuery[int | None] = None,
    ) -> Template:
        context = await _form_context(request)
        values = {"edition_id": edition_id, "municipality_id": municipality_id}
        return page("challenge/problems/form.html", values=values, errors={}, **context)

    @post(
        "/problems/new",
        exclude_from_csrf=True,  # checked inside the stream by receive_form
        request_max_body_size=FORM_BODY_LIMIT,
        opt={"form": "challenge/problems/form.html", "form_context": _form_context},
    )
    async def create_problem(self, request: AnyRequest) -> Redirect:
        values, pending = await _receive_problem_form(request)
        command = problem_command(values)
        problem_id = await problems.save_problem(
            user=request.user,
            problem=command,
            edition_id=_int(values.get("edition_id")),
            municipality_id=_int(values.get("municipality_id")),
            attachment_ids=pending,
            submit=command.submit,
        )
        return _after_save(request, problem_id, submitted=command.submit, created=True)

    @get("/problems/{problem_id:int}")
    async def show_problem(self, request: AnyRequest, problem_id: FromPath[int]) -> Template:
        problem = await problem_queries.problem_for_staff(problem_id)
        problems.ensure_municipality_staff(request.user, problem.municipality)
        return page(
            "challenge/problems/show.html",
            problem=problem,
            history=await problem_queries.problem_history(problem_id),
            attachments=await problem_queries.attachments(problem_id),
        )

    @get("/problems/{problem_id:int}/edit")
    async def edit_problem(self, request: AnyRequest, problem_id: FromPath[int]) -> Template | Redirect:
        problem = await problem_queries.problem_for_staff(problem_id)
        problems.ensure_municipality_staff(request.user, problem.municipality)
        if not problems.is_editable(problem):
            flash(request.session, _("This problem is with the organisers and cannot be edited now."), "info")
            return Redirect(f"/municipality/problems/{problem_id}")
        values = problem_form_values(problem)
        return page("challenge/problems/form.html", values=values, errors={}, **await _form_context(request))

    @post(
        "/problems/{problem_id:int}/edit",
        exclude_from_csrf=True,
        request_max_body_size=FORM_BODY_LIMIT,
        opt={"form": "challenge/problems/form.html", "form_context": _form_context},
    )
    async def update_problem(self, request: AnyRequest, problem_id: FromPath[int]) -> Redirect:
        problems.ensure_municipality_staff(request.user, (await problems.load_problem(problem_id)).municipality)
        values, pending = await _receive_problem_form(request)
        command = problem_command(values)
        await problems.save_problem(
            user=request.user, problem=command, problem_id=problem_id, attachment_ids=pending, submit=command.submit
        )
        return _after_save(request, problem_id, submitted=command.submit)

    @post("/problems/{problem_id:int}/withdraw")
    async def withdraw_problem(self, request: AnyRequest, problem_id: FromPath[int]) -> Redirect:
        await problems.withdraw_problem(user=request.user, problem_id=problem_id)
        flash(request.session, _("The problem was withdrawn."), "success")
        return Redirect(f"/municipality/problems/{problem_id}")

    @post("/problems/{problem_id:int}/attachments/{attachment_id:int}/delete")
    async def remove_attachment(
        self, request: AnyRequest, problem_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Redirect:
        await problems.remove_attachment(user=request.user, problem_id=problem_id, attachment_id=attachment_id)
        flash(request.session, _("The attachment was removed."), "success")
        return Redirect(f"/municipality/problems/{problem_id}/edit")


class MunicipalityProfilePages(Controller):
    """The profile: the municipality's own staff, and organisers (the membership guard admits them)."""

    path = "/municipality/{municipality_id:int}/profile"
    guards = [STAFF_OF_PATH_MUNICIPALITY]
    include_in_schema = False

    @get("/")
    async def profile_form(self, municipality_id: FromPath[int]) -> Template:
        municipality = await municipalities.load_municipality(municipality_id)
        return page(
            "challenge/municipalities/profile.html",
            values=profile_form_values(municipality),
            errors={},
            municipality=municipality,
            **problem_form_choices(),
        )

    @post(
        "/",
        opt={"form": "challenge/municipalities/profile.html", "form_context": municipalities.profile_form_context},
    )
    async def update_profile(self, request: AnyRequest, municipality_id: FromPath[int], data: FormData) -> Redirect:
        await municipalities.update_profile(user=request.user, municipality_id=municipality_id, data=data)
        flash(request.session, _("The profile was saved."), "success")
        return Redirect(f"/municipality/{municipality_id}/profile")


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _after_save(request: AnyRequest, problem_id: int, *, submitted: bool, created: bool = False) -> Redirect:
    if submitted:
        message = _("The problem was submitted to the organisers.")
    else:
        message = _("The draft was saved.") if created else _("Your changes were saved.")
    flash(request.session, message, "success")
    return Redirect(f"/municipality/problems/{problem_id}")
