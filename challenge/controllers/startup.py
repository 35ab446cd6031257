"""Startups: their dashboard, profile and team, and their applications from draft to submission."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.enums import AnswerKind, ApplicationStatus, Phase, StartupStage, Track
from challenge.forms import application_command, application_form_values, problem_form_choices, profile_form_values
from challenge.queries import applications as application_queries
from challenge.queries import screening
from challenge.records import ApplicationRow
from challenge.rules.applications import EDITABLE, may_change, missing_parts, next_statuses
from challenge.rules.languages import LANGUAGES
from challenge.rules.questions import DEFAULT_MEGABYTES, MAX_MEGABYTES, Asked, field_name, number_text
from challenge.services import applications, expertise, startup_home, teams
from challenge.services import questions as custom
from challenge.services.editions import edition_state, load_edition
from core import files
from core.application_page import sections_for
from core.clock import utc_now
from core.content import shown
from core.errors import NotFound, ValidationFailed
from core.forms import FormData, field
from core.i18n import current_locale, label, language_name
from core.i18n import gettext as _
from core.next_steps import Home, checklist
from core.permissions import login_required
from core.sessions import flash
from core.storage import get_storage
from core.uploads import CONTENT_TYPE_NAMES, PDF_ONLY, FileRule, ParsedForm, receive_form
from core.web import page

AnyRequest = Request[Any, Any, Any]
PITCH_DECK = FileRule(allowed_types=PDF_ONLY, max_bytes=15 * 1024 * 1024)
# Room for the application's texts around a 15 MB deck and one answer file of the largest size a
# question may allow (each file is held to its own limit as it arrives). Kept this tight because a
# refused upload is still read up to this limit; a form with several large answer files is sent
# one file per save (the files already sent are kept with the draft).
FORM_BODY_LIMIT = PITCH_DECK.max_bytes + 2 * 1024 * 1024 + MAX_MEGABYTES * 1024 * 1024
LIST_FIELDS = ("problems", "sdgs", "support_needed")


def _form_values(form: ParsedForm) -> dict[str, Any]:
    return {
        name: values if name in LIST_FIELDS or _is_answer(name) else values[-1] for name, values in form.fields.items()
    }


def _is_answer(name: str) -> bool:
    """An answer to one of the organisers' own questions (`a<question id>`): a choice may be several."""
    return name.startswith("a") and name[1:].isdigit()


async def _edition_of_form(request: AnyRequest) -> int:
    """The edition the application form is for, known before its body is read (for the file rules)."""
    application_id = request.path_params.get("application_id")
    if application_id is not None:
        return (await applications.load_application(int(application_id))).edition
    raw = request.query_params.get("edition_id", "")
    return int(raw) if raw.isdigit() else 0


async def _answer_file_rules(edition_id: int) -> dict[str, FileRule]:
    """What each file question of the edition accepts, by the name of its file field."""
    return {
        f"{field_name(q.question_id)}_file": FileRule(
            allowed_types=frozenset(q.definition.file_types),
            max_bytes=(q.definition.max_megabytes or DEFAULT_MEGABYTES) * 1024 * 1024,
        )
        for q in await custom.asked(edition_id)
        if q.definition.kind == AnswerKind.FILE
    }


async def _receive_application_form(request: AnyRequest) -> tuple[dict[str, Any], int | None]:
    """The form's fields and the id of the deck uploaded with it or earlier (never lost on an error).

    An answer's file becomes an upload of the caller's whose id is the answer's value, so it is
    kept like the deck when something else in the form is refused.
    """
    answer_rules = await _answer_file_rules(await _edition_of_form(request))
    form = await receive_form(request, rules={"pitch_deck": PITCH_DECK, **answer_rules}, storage=get_storage())
    values = _form_values(form)
    pending = form.get("pending_deck")
    deck_id = int(pending) if pending.isdigit() else None
    if "pitch_deck" in form.files:
        stored = await files.record_upload(owner_id=request.user.id, received=form.files["pitch_deck"])
        deck_id = stored.id
    for name in answer_rules:
        if name in form.files:
            stored = await files.record_upload(owner_id=request.user.id, received=form.files[name])
            values[name.removesuffix("_file")] = [str(stored.id)]
    values["pending_deck"] = str(deck_id) if deck_id else ""
    # What the form is shown again with if the save is refused (core.web reads `parsed_form`).
    request.scope["parsed_form"] = values  # type: ignore[typeddict-unknown-key]
    if form.errors:
        raise ValidationFailed(form.errors)
    return values, deck_id


def _application_id(request: AnyRequest) -> int | None:
    """The application the form edits: from the path, or the draft a refused submission just saved."""
    found = request.path_params.get("application_id") or request.scope.get("application_id")
    return int(found) if isinstance(found, int | str) else None


def _parsed_form(request: AnyRequest) -> dict[str, Any]:
    parsed = request.scope.get("parsed_form")  # core.web's key for the form being shown again
    return parsed if isinstance(parsed, dict) else {}


async def _application_context(request: AnyRequest) -> dict[str, Any]:
    """What the application form shows around the values: choices, questions, deck, what is missing."""
    application_id = _application_id(request)
    application = None
    if application_id is not None:
        application = await applications.load_application(application_id)
        # Also when re-rendering after an error: never another startup's application.
        await applications.ensure_member(request.user, application.startup)
        edition_id = application.edition
    else:
        raw = _parsed_form(request).get("edition_id") or request.query_params.get("edition_id")
        edition_id = int(str(raw)) if str(raw or "").isdigit() else 0
    edition = await load_edition(edition_id)
    questions = await applications.load_questions(edition_id)
    problems = await application_queries.problem_options(edition_id)
    deck_id = str(_parsed_form(request).get("pending_deck", "") or "")
    deck = await application_queries.stored_file(int(deck_id), owner_id=request.user.id) if deck_id.isdigit() else None
    if deck is None and application and application.pitch_deck:
        deck = await application_queries.stored_file(application.pitch_deck)
    missing: dict[str, str] = {}
    if application is not None:
        missing = {
            name: _(message)
            for name, message in missing_parts(await applications.content_of(application), questions).items()
        }
        missing.update(await custom.answer_problems(application.id, application.track, edition_id, submission=True))
    asked = await custom.asked(edition_id, application.track if application else None)
    state = await edition_state(edition)
    window = await applications.window_of(edition)
    return {
        **problem_form_choices(),
        "edition": edition,
        "application": application,
        "questions": questions,
        "question_choices": {q.id: [(c, c) for c in q.choices] for q in questions},
        "question_texts": {
            **{f"q{q.id}": q.text for q in questions},
            **{field_name(q.question_id): q.definition.label.shown_in(current_locale()) for q in asked},
        },
        "problem_options": [(str(p.id), f"{shown(p, 'title')} ({p.municipality})") for p in problems],
        "support_options": [(slug, _(name)) for slug, name in (await expertise.vocabulary()).items()],
        "edition_tracks": [(t, label(Track(t))) for t in edition.tracks],
        "deck": deck,
        "missing": missing,
        **await _answers_context(request, application, asked),
        "deadline": state.timeline.end_of(Phase.APPLICATIONS),
        "window": window,
        "may_change": window.open if application is None else may_change(ApplicationStatus(application.status), window),
        "max_megabytes": PITCH_DECK.max_bytes // (1024 * 1024),
    }


def _answer_hint(question: Asked) -> str:
    """What the form says under a question about the answer it takes."""
    d = question.definition
    if d.kind == AnswerKind.NUMBER:
        low = None if d.min_value is None else number_text(d.min_value)
        high = None if d.max_value is None else number_text(d.max_value)
        if low is not None and high is not None:
            return _("From %(min)s to %(max)s.") % {"min": low, "max": high}
        if low is not None:
            return _("At least %(min)s.") % {"min": low}
        if high is not None:
            return _("At most %(max)s.") % {"max": high}
    if d.kind == AnswerKind.TEXT and d.max_length:
        return _("Up to %(n)s characters.") % {"n": d.max_length}
    if d.kind == AnswerKind.FILE:
        names = ", ".join(_(CONTENT_TYPE_NAMES.get(t, t)) for t in d.file_types)
        return _("%(types)s, up to %(mb)s MB.") % {"types": names, "mb": d.max_megabytes or DEFAULT_MEGABYTES}
    return ""


async def _answers_context(
    request: AnyRequest, application: ApplicationRow | None, asked: tuple[Asked, ...]
) -> dict[str, Any]:
    """The organisers' own questions as the form asks them, with the answers as typed and their problems.

    When the form is shown again after a refused save, the values are the ones just sent;
    otherwise the stored answers, each with what is wrong with it (a draft keeps invalid ones).
    """
    parsed = _parsed_form(request)
    stored = await custom.stored_answers(application.id) if application else {}
    errors: dict[str, str] = {}
    if application is not None and not parsed:
        errors = await custom.answer_problems(application.id, application.track, application.edition, submission=False)
    values: dict[str, Any] = {}
    file_ids: list[int] = []
    for question in asked:
        name = field_name(question.question_id)
        if parsed:
            sent = parsed.get(name, [])
            values[name] = sent if question.definition.kind == AnswerKind.MULTIPLE_CHOICE else (sent or [""])[-1]
        elif question.question_id in stored:
            values[name] = stored[question.question_id]["value"]
        if question.definition.kind == AnswerKind.FILE and str(values.get(name, "")).isdigit():
            file_ids.append(int(values[name]))
    uploaded = {}
    for file_id in file_ids:
        found = await application_queries.stored_file(file_id)
        if found is not None:
            uploaded[file_id] = found
    return {
        "answer_hints": {field_name(q.question_id): _answer_hint(q) for q in asked},
        "custom_questions": asked,
        "answer_values": values,
        "answer_errors": errors,
        "answer_files": uploaded,
        "locale": current_locale(),
        "shown_answers": await custom.shown_answers(application.id) if application else [],
    }


async def _dashboard(request: AnyRequest) -> dict[str, Any]:
    startups = await startup_home.startup_cards(request.user.id)
    member_of = {s.edition_id for s in startups}
    open_editions = [e for e in await applications.editions_taking_applications() if e.id not in member_of]
    steps = await checklist(Home.STARTUP, user=request.user, now=utc_now())
    return {"startups": startups, "open_editions": open_editions, "next_steps": steps}


class StartupPages(Controller):
    path = "/startup"
    guards = [login_required]
    include_in_schema = False

    @get("/")
    async def dashboard(self, request: AnyRequest) -> Template:
        return page("challenge/startup/dashboard.html", **await _dashboard(request))

    @get("/register")
    async def register_form(self, request: AnyRequest, edition_id: FromQuery[int]) -> Template | Redirect:
        edition = await load_edition(edition_id)
        if await applications.startup_of(request.user, edition_id):
            return Redirect("/startup")
        return page("challenge/startup/register.html", edition=edition, values={}, errors={}, **_profile_choices())

    @post("/register", opt={"form": "challenge/startup/register.html", "form_context": lambda r: _register_context(r)})
    async def register(self, request: AnyRequest, data: FormData) -> Redirect:
        edition_id = int(field(data, "edition_id") or 0)
        await teams.create_startup(user=request.user, edition_id=edition_id, data=data)
        flash(
            request.session,
            _("Your startup is registered. Invite your co-founders and start your application."),
            "success",
        )
        return Redirect("/startup")

    @get("/applications/new")
    async def new_application(
        self, request: AnyRequest, edition_id: FromQuery[int], problem: FromQuery[int | None] = None
    ) -> Template | Redirect:
        if await applications.startup_of(request.user, edition_id) is None:
            return Redirect(f"/startup/register?edition_id={edition_id}")
        context = await _application_context(request)
        values: dict[str, Any] = {"problems": [str(problem)] if problem else []}
        if problem:
            values["track"] = await application_queries.track_of_problem(problem)
        return page("challenge/startup/application_form.html", values=values, errors={}, **context)

    @post(
        "/applications/new",
        exclude_from_csrf=True,  # checked inside the stream by receive_form
        request_max_body_size=FORM_BODY_LIMIT,
        opt={"form": "challenge/startup/application_form.html", "form_context": _application_context},
    )
    async def create_application(self, request: AnyRequest) -> Redirect:
        values, deck_id = await _receive_application_form(request)
        command = application_command(values, pitch_deck_file_id=deck_id)
        saved = await applications.save_application(
            user=request.user, edition_id=command.edition_id or 0, application=command
        )
        _remember_save(request, values, saved)
        return await _after_save(request, saved.application_id, values, overwrote=False)

    @get("/applications/{application_id:int}")
    async def show_application(self, request: AnyRequest, application_id: FromPath[int]) -> Template:
        context = await _application_context(request)
        application = context["application"]
        return page(
            "challenge/startup/application.html",
            timeline=await screening.timeline(application_id),
            problems=await screening.problems_of(application_id),
            can_withdraw=ApplicationStatus.WITHDRAWN
            in next_statuses(ApplicationStatus(application.status), by_organiser=False),
            # Blocks of later domains (the judges' feedback), asked only once the team is checked.
            sections=await sections_for(user=request.user, application_id=application_id),
            **context,
        )

    @get("/applications/{application_id:int}/edit")
    async def edit_application(self, request: AnyRequest, application_id: FromPath[int]) -> Template | Redirect:
        context = await _application_context(request)
        application = context["application"]
        if ApplicationStatus(application.status) not in EDITABLE:
            flash(
                request.session,
                _("This application was submitted; ask the organisers to reopen it to change it."),
                "info",
            )
            return Redirect(f"/startup/applications/{application_id}")
        if not context["may_change"]:
            # The page of the application says what has closed and what is still possible.
            return Redirect(f"/startup/applications/{application_id}")
        problem_ids = [p.problem_id for p in await screening.problems_of(application_id)]
        values = application_form_values(application, problem_ids)
        return page("challenge/startup/application_form.html", values=values, errors={}, **context)

    @post(
        "/applications/{application_id:int}/edit",
        exclude_from_csrf=True,
        request_max_body_size=FORM_BODY_LIMIT,
        opt={"form": "challenge/startup/application_form.html", "form_context": _application_context},
    )
    async def update_application(self, request: AnyRequest, application_id: FromPath[int]) -> Redirect:
        application = await applications.load_application(application_id)
        await applications.ensure_member(request.user, application.startup)
        values, deck_id = await _receive_application_form(request)
        saved = await applications.save_application(
            user=request.user,
            edition_id=application.edition,
            application=application_command(values, pitch_deck_file_id=deck_id),
            application_id=application_id,
        )
        _remember_save(request, values, saved)
        return await _after_save(request, application_id, values, overwrote=saved.overwrote_newer)

    @post("/applications/{application_id:int}/submit")
    async def submit_application(self, request: AnyRequest, application_id: FromPath[int]) -> Redirect:
        await applications.submit_application(user=request.user, application_id=application_id)
        flash(request.session, _("Your application is submitted. We sent a confirmation by email."), "success")
        return Redirect(f"/startup/applications/{application_id}")

    @post("/applications/{application_id:int}/withdraw")
    async def withdraw_application(self, request: AnyRequest, application_id: FromPath[int]) -> Redirect:
        await applications.withdraw_application(user=request.user, application_id=application_id)
        flash(request.session, _("The application was withdrawn."), "success")
        return Redirect(f"/startup/applications/{application_id}")


class StartupTeamPages(Controller):
    path = "/startup/{startup_id:int}"
    guards = [login_required]
    include_in_schema = False

    @get("/profile")
    async def profile_form(self, request: AnyRequest, startup_id: FromPath[int]) -> Template:
        await applications.ensure_member(request.user, startup_id)
        startup = await teams.load_startup(startup_id)
        return page(
            "challenge/startup/profile.html",
            startup=startup,
            values=profile_form_values(startup),
            errors={},
            **_profile_choices(),
        )

    @post("/profile", opt={"form": "challenge/startup/profile.html", "form_context": lambda r: _profile_context(r)})
    async def update_profile(self, request: AnyRequest, startup_id: FromPath[int], data: FormData) -> Redirect:
        await teams.update_profile(user=request.user, startup_id=startup_id, data=data)
        flash(request.session, _("The profile was saved."), "success")
        return Redirect("/startup")

    @get("/team")
    async def team(self, request: AnyRequest, startup_id: FromPath[int]) -> Template:
        await applications.ensure_member(request.user, startup_id)
        return page("challenge/startup/team.html", **await _team_context(request), values={}, errors={})

    @post("/team/invite", opt={"form": "challenge/startup/team.html", "form_context": lambda r: _team_context(r)})
    async def invite(self, request: AnyRequest, startup_id: FromPath[int], data: FormData) -> Redirect:
        await teams.invite_cofounder(
            user=request.user,
            startup_id=startup_id,
            email=field(data, "email"),
            title=field(data, "title"),
            message=field(data, "message"),
        )
        flash(
            request.session,
            _("The invitation is on its way to %(email)s.") % {"email": field(data, "email")},
            "success",
        )
        return Redirect(f"/startup/{startup_id}/team")

    @post("/team/{member_id:int}/contact")
    async def make_contact(self, request: AnyRequest, startup_id: FromPath[int], member_id: FromPath[int]) -> Redirect:
        await teams.make_contact(user=request.user, startup_id=startup_id, member_id=member_id)
        flash(request.session, _("The contact person was changed."), "success")
        return Redirect(f"/startup/{startup_id}/team")


def _profile_choices() -> dict[str, Any]:
    return {
        "stage_options": [(s.value, label(s)) for s in StartupStage],
        "language_options": [(code, language_name(code)) for code in LANGUAGES],
    }


async def _register_context(request: AnyRequest) -> dict[str, Any]:
    form = await request.form()
    edition_id = str(form.get("edition_id", ""))
    if not edition_id.isdigit():
        raise NotFound(_("This edition does not exist."))
    return {"edition": await load_edition(int(edition_id)), **_profile_choices()}


async def _profile_context(request: AnyRequest) -> dict[str, Any]:
    startup_id = int(request.path_params["startup_id"])
    await applications.ensure_member(request.user, startup_id)
    return {"startup": await teams.load_startup(startup_id), **_profile_choices()}


async def _team_context(request: AnyRequest) -> dict[str, Any]:
    startup_id = int(request.path_params["startup_id"])
    await applications.ensure_member(request.user, startup_id)
    return {"startup": await teams.load_startup(startup_id), "members": await teams.team(startup_id)}


def _remember_save(request: AnyRequest, values: dict[str, Any], saved: applications.SaveResult) -> None:
    """If the submission that follows is refused, the form shown again edits the saved draft."""
    request.scope["application_id"] = saved.application_id  # type: ignore[typeddict-unknown-key]
    values["version"] = str(saved.version)


async def _after_save(request: AnyRequest, application_id: int, values: dict[str, Any], *, overwrote: bool) -> Redirect:
    if overwrote:
        flash(
            request.session,
            _(
                "A teammate saved this draft while you were editing it. Your version is now the "
                "saved one; their earlier text is kept in the history for organisers."
            ),
            "warning",
        )
    if values.get("action") == "submit":
        # Saved first, so a refused submission (too late, parts missing) keeps every word; the form
        # shown again is the saved draft's, at its new version.
        await applications.submit_application(user=request.user, application_id=application_id)
        flash(request.session, _("Your application is submitted. We sent a confirmation by email."), "success")
        return Redirect(f"/startup/applications/{application_id}")
    flash(request.session, _("Your draft is saved. You can come back and continue at any time."), "success")
    application = await applications.load_application(application_id)
    if await custom.answer_problems(application_id, application.track, application.edition, submission=False):
        flash(request.session, _("Some answers are not valid yet; they are kept and marked below."), "warning")
    return Redirect(f"/startup/applications/{application_id}/edit")
