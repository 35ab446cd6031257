"""Organisers screen applications; municipality staff read those addressing their problems."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from markupsafe import Markup

from challenge.enums import AnswerKind, ApplicationStatus, QuestionKind
from challenge.queries import applications as application_queries
from challenge.queries import screening
from challenge.records import EditionRow
from challenge.rules.applications import reachable, route
from challenge.rules.questions import FILTERABLE
from challenge.services import applications, bulk_status, expertise, teams
from challenge.services import questions as questions_service
from challenge.services.editions import edition_scope, load_edition
from core import pagecache
from core.content import place_name
from core.enums import Role
from core.forms import FormData, field
from core.i18n import current_locale, format_datetime, label, ngettext
from core.i18n import gettext as _
from core.permissions import requires_role
from core.rules import N_
from core.scopes import Scoped
from core.sessions import flash
from core.templating import render
from core.web import kept_input, page

AnyRequest = Request[Any, Any, Any]

# What the mail to the team says unless the organiser writes something else.
DEFAULT_MESSAGES = {
    ApplicationStatus.SHORTLISTED: N_(
        "Congratulations: your application is on the shortlist. We will write to you soon about the next steps."
    ),
    ApplicationStatus.REJECTED: N_(
        "Thank you for applying. We received many strong applications and cannot take yours further this year."
    ),
    ApplicationStatus.ACCEPTED: N_(
        "Congratulations: your startup is accepted into the programme. Mentoring starts soon; watch your dashboard."
    ),
    ApplicationStatus.FINALIST: N_("Congratulations: you are a finalist. We will send the details of the final."),
    ApplicationStatus.WINNER: N_("Congratulations: you won! We will contact you about the pilot."),
    ApplicationStatus.DRAFT: N_(
        "We reopened your application so that you can change it. Please submit it again before the deadline."
    ),
}


def _default_message(status: str) -> str:
    message = DEFAULT_MESSAGES.get(status)  # type: ignore[call-overload]
    return _(message) if message else ""


def _query(request: AnyRequest) -> dict[str, str]:
    return {key: value for key, value in request.query_params.items()}


async def _application_detail(application_id: int) -> dict[str, Any]:
    application = await applications.load_application(application_id)
    edition = await load_edition(application.edition)
    deck = await application_queries.stored_file(application.pitch_deck) if application.pitch_deck else None
    questions = await applications.load_questions(edition.id)
    return {
        "application": application,
        "edition": edition,
        "startup": await teams.load_startup(application.startup),
        "problems": await screening.problems_of(application_id),
        "timeline": await screening.timeline(application_id),
        "deck": deck,
        "answers": [(q, application.answers.get(str(q.id), "")) for q in questions],
        "shown_answers": await questions_service.shown_answers(application_id),
        "support_names": {slug: _(name) for slug, name in (await expertise.vocabulary(include_retired=True)).items()},
    }


LIST_TEMPLATE = "challenge/screening/list.html"
LIST_BODY = "challenge/screening/_list_body.html"


async def _answer_filters(edition_id: int) -> dict[str, Any]:
    """The organisers' questions the list filters by: each choice (or yes, no), and numbers at least."""
    locale = current_locale()
    answer_options: list[tuple[str, list[tuple[str, str]]]] = []
    number_questions: list[tuple[int, str]] = []
    for line in await questions_service.question_lines(edition_id):
        d = line.definition
        title = d.label.shown_in(locale)
        if d.kind == AnswerKind.NUMBER:
            number_questions.append((line.id, title))
        elif d.kind == AnswerKind.YES_NO:
            answer_options.append((title, [(f"{line.id}:yes", _("Yes")), (f"{line.id}:no", _("No"))]))
        elif d.kind in FILTERABLE:
            answer_options.append((title, [(f"{line.id}:{c.key}", c.label.shown_in(locale)) for c in d.choices]))
    return {"answer_options": answer_options, "number_questions": number_questions}


def _numbers(data: dict[str, Any], name: str) -> list[int]:
    """The ids a form sends under `name` (a ticked box each), ignoring anything that is not one."""
    values = data.get(name, [])
    values = values if isinstance(values, list) else [values]
    return [int(v) for v in values if str(v).isdigit()]


def _row_texts(result: screening.ApplicationPage, timezone: str) -> dict[str, Any]:
    """What each line shows, translated and formatted once per page rather than once per cell."""
    rows = result.rows
    select = _("Select %(name)s")
    return {
        "labels": {value: label(value) for value in {*(r.track for r in rows), *(r.status for r in rows)}},
        "stage_labels": {r.stage: label(r.stage, "StartupStage") for r in rows if r.stage},
        "select_labels": [select % {"name": r.startup_name} for r in rows],
        "problem_texts": [
            "; ".join(f"{p.title} ({place_name(p.municipality_name)})" for p in r.problems) for r in rows
        ],
        "submitted_texts": [format_datetime(r.submitted_at, timezone) if r.submitted_at else "—" for r in rows],
    }


async def _list_context(request: AnyRequest) -> dict[str, Any]:
    """The screening list as its query string asks for it; the bulk form posts to the same query."""
    edition = edition_scope.of(request)
    edition_id = edition.id
    facets = await screening.facets(edition_id)
    filters, filter_errors = screening.resolve_problem(
        screening.ScreeningFilters.from_query(_query(request)), facets["problem"]
    )
    number = request.query_params.get("page_number", "1")
    result = await screening.applications(
        edition_id=edition_id, filters=filters, page=int(number) if number.isdigit() else 1
    )
    titles = {problem_id: text for problem_id, _title, text in facets["problem"]}
    return {
        "edition": edition,
        "result": result,
        "filters": filters,
        "filter_errors": filter_errors,
        "problem_value": filters.problem_text or titles.get(filters.problem or 0, str(filters.problem or "")),
        "facets": facets,
        **await _answer_filters(edition_id),
        **_row_texts(result, edition.timezone),
        "bulk_statuses": [(s.value, label(s)) for s in ApplicationStatus if s in DEFAULT_MESSAGES],
        "list_query": {**filters.query(), **({"page_number": str(result.page)} if result.page > 1 else {})},
    }


# The list's body, kept per edition, filters, page and language until an audited change to what it
# shows; the CSRF token is cut out of it (the hole) and the reader's own is put back on each request.
_LIST_BODIES = pagecache.Fragments(pagecache.SCREENING)
_CSRF_HOLE = "\x00csrf\x00"
# The CSV of the same filters, kept the same way: a few, as each is the whole edition's worth.
_EXPORTS = pagecache.Fragments(pagecache.SCREENING, size=8)


async def _list_page(request: AnyRequest) -> Template:
    filters = screening.ScreeningFilters.from_query(_query(request))
    if filters.problem_text:
        # A problem typed by its title: resolved (or refused beside the field) and shown without the cache;
        # the links on the page name it by id from then on.
        context = await _list_context(request)
        status = 422 if context["filter_errors"] else 200
        return page(LIST_TEMPLATE, status_code=status, **context, values={}, errors={})
    edition = edition_scope.of(request)
    number = request.query_params.get("page_number", "1")
    key = (edition.id, current_locale(), tuple(sorted(filters.query().items())), number if number.isdigit() else "1")

    async def build() -> str:
        context = await _list_context(request)
        return render(LIST_BODY, **context, values={}, errors={}, csrf_input=Markup(_CSRF_HOLE))  # noqa: S704

    head, _hole, tail = (await _LIST_BODIES.get(key, build, edition_id=edition.id)).partition(_CSRF_HOLE)
    # Both halves come from the autoescaping environment above: already safe HTML.
    return page(LIST_TEMPLATE, edition=edition, list_head=Markup(head), list_tail=Markup(tail))  # noqa: S704


class ScreeningPages(Controller):
    path = "/organiser/editions/{edition_id:int}/applications"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_applications(self, request: AnyRequest) -> Template:
        return await _list_page(request)

    @get("/export.csv")
    async def export(self, request: AnyRequest, edition: Scoped[EditionRow]) -> Response[str]:
        filters = await screening.resolved(
            edition_id=edition.id, filters=screening.ScreeningFilters.from_query(_query(request))
        )
        key = (edition.id, current_locale(), tuple(sorted(filters.query().items())))
        body = await _EXPORTS.get(
            key, lambda: screening.csv_export(edition_id=edition.id, filters=filters), edition_id=edition.id
        )
        return Response(
            content=body,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="applications-{edition.slug}.csv"'},
        )

    @post("/status", opt={"form": LIST_TEMPLATE, "form_context": _list_context})
    async def review_bulk_status(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Template:
        """Step one: the list's choice, checked and shown back as a question (or the list again, with errors)."""
        if field(data, "step") == "back":
            return page(LIST_TEMPLATE, **await _list_context(request), values=kept_input(data), errors={})
        preview = await bulk_status.preview_status_change(
            user=request.user,
            edition_id=edition.id,
            status=field(data, "status"),
            message=field(data, "message").strip(),
            scope=field(data, "scope"),
            ticked=_numbers(data, "ids"),
            shown=_numbers(data, "shown"),
            filters=screening.ScreeningFilters.from_query(_query(request)),
        )
        return page(
            "challenge/screening/bulk_confirm.html",
            **await _list_context(request),
            preview=preview,
            values=kept_input(data),
            standard_message=_default_message(preview.status),
        )

    @post("/status/confirm", opt={"form": LIST_TEMPLATE, "form_context": _list_context})
    async def confirm_bulk_status(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        """Step two: the change the organiser confirmed, for exactly the applications the question named."""
        status = field(data, "status")
        result = await bulk_status.confirm_status_change(
            user=request.user,
            edition_id=edition.id,
            status=status,
            message=field(data, "message").strip() or _default_message(status),
            application_ids=_numbers(data, "confirmed"),
        )
        moved = len(result.moved)
        flash(
            request.session,
            ngettext("%(n)s application moved to: %(status)s.", "%(n)s applications moved to: %(status)s.", moved)
            % {"n": moved, "status": label(ApplicationStatus(status))},
            "success",
        )
        if result.skipped:
            flash(
                request.session,
                _("Left unchanged because their status does not allow it: %(ids)s.")
                % {"ids": ", ".join(f"#{i} ({label(ApplicationStatus(s))})" for i, s in result.skipped)},
                "warning",
            )
        query = urlencode(_query(request))
        return Redirect(f"/organiser/editions/{edition.id}/applications/" + (f"?{query}" if query else ""))


async def _questions_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {
        "edition": edition,
        "questions": await applications.load_questions(edition.id),
        "kind_options": [(k.value, label(k)) for k in QuestionKind],
    }


class EligibilityQuestionPages(Controller):
    path = "/organiser/editions/{edition_id:int}/questions"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def questions(self, request: AnyRequest) -> Template:
        return page("challenge/screening/questions.html", **await _questions_context(request), values={}, errors={})

    @post("/", opt={"form": "challenge/screening/questions.html", "form_context": _questions_context})
    async def add_question(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        await applications.add_question(user=request.user, edition_id=edition.id, data=data)
        flash(request.session, _("The question was added."), "success")
        return Redirect(f"/organiser/editions/{edition.id}/questions/")

    @post("/{question_id:int}/delete")
    async def remove_question(
        self, request: AnyRequest, edition: Scoped[EditionRow], question_id: FromPath[int]
    ) -> Redirect:
        await applications.remove_question(user=request.user, edition_id=edition.id, question_id=question_id)
        flash(request.session, _("The question was removed."), "success")
        return Redirect(f"/organiser/editions/{edition.id}/questions/")


def _steps_text(steps: tuple[ApplicationStatus, ...]) -> str:
    return " → ".join(label(s) for s in steps)


def _route_label(old: ApplicationStatus, new: ApplicationStatus) -> str:
    steps = route(old, new)
    if len(steps) == 1:
        return label(new)
    return _("%(status)s (through %(steps)s)") % {"status": label(new), "steps": _steps_text(steps[:-1])}


class ApplicationReviewPages(Controller):
    path = "/organiser/applications"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/{application_id:int}")
    async def show(self, application_id: FromPath[int]) -> Template:
        detail = await _application_detail(application_id)
        status = ApplicationStatus(detail["application"].status)
        # Forward moves first; reopening (back to draft) is the exception, so it comes last. A status
        # further along is reached through the ones between, which the option names.
        options = sorted(
            reachable(status), key=lambda s: (s == ApplicationStatus.DRAFT, list(ApplicationStatus).index(s))
        )
        return page(
            "challenge/screening/detail.html",
            **detail,
            team=await teams.team(detail["application"].startup),
            fit_notes=await screening.fit_notes(application_id),
            status_options=[(s.value, _route_label(status, s)) for s in options],
            default_messages={s.value: _(DEFAULT_MESSAGES[s]) for s in options if s in DEFAULT_MESSAGES},
        )

    @post("/{application_id:int}/status")
    async def change_status(self, request: AnyRequest, application_id: FromPath[int], data: FormData) -> Redirect:
        status = field(data, "status")
        message = field(data, "message").strip() or _default_message(status)
        result = await applications.change_status(
            user=request.user, application_ids=[application_id], status=status, message=message, follow_route=True
        )
        flash(request.session, _("The status was changed and the team was told."), "success")
        steps = result.routes.get(application_id, ())
        if len(steps) > 1:
            flash(request.session, _("Steps taken, each recorded: %(steps)s.") % {"steps": _steps_text(steps)}, "info")
        return Redirect(f"/organiser/applications/{application_id}")


class MunicipalityApplicationPages(Controller):
    """Read-only: staff see applications addressing their problems and leave a fit note for organisers."""

    path = "/municipality/applications"
    guards = [requires_role(Role.MUNICIPALITY)]
    include_in_schema = False

    @get("/")
    async def list_applications(self, request: AnyRequest) -> Template:
        ids = sorted(request.user.organisations(Role.MUNICIPALITY))
        return page("challenge/screening/municipality_list.html", rows=await screening.for_municipalities(ids))

    @get("/{application_id:int}")
    async def show(self, request: AnyRequest, application_id: FromPath[int]) -> Template:
        return page(
            "challenge/screening/municipality_detail.html",
            **await _staff_context(request, application_id),
            values={},
            errors={},
        )

    @post(
        "/{application_id:int}/fit-notes",
        opt={
            "form": "challenge/screening/municipality_detail.html",
            "form_context": lambda r: _staff_context(r, int(r.path_params["application_id"])),
        },
    )
    async def add_fit_note(self, request: AnyRequest, application_id: FromPath[int], data: FormData) -> Redirect:
        municipality = field(data, "municipality_id")
        await applications.add_fit_note(
            user=request.user,
            application_id=application_id,
            municipality_id=int(municipality) if municipality.isdigit() else 0,
            note=field(data, "note"),
        )
        flash(request.session, _("Your note was saved for the organisers."), "success")
        return Redirect(f"/municipality/applications/{application_id}")


async def _staff_context(request: AnyRequest, application_id: int) -> dict[str, Any]:
    """What the staff may see of an application (the service decides: else 404)."""
    shown = await applications.municipalities_shown(user=request.user, application_id=application_id)
    detail = await _application_detail(application_id)
    problems = [p for p in detail["problems"] if p.municipality_id in shown]
    return {
        **detail,
        "problems": problems,
        "fit_notes": await screening.fit_notes(application_id, shown),
        "municipality_options": sorted({(p.municipality_id, p.municipality_name) for p in problems}),
    }
