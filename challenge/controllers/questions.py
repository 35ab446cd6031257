"""Organisers set their own application questions per edition: list, add, edit, reorder, remove, copy."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.enums import AnswerKind, Track
from challenge.records import EditionRow
from challenge.rules.questions import FILE_TYPES, submitted_before
from challenge.services import questions
from challenge.services.applications import window_of
from challenge.services.editions import edition_scope
from core.forms import FormData, field
from core.i18n import current_locale, label, ngettext
from core.i18n import gettext as _
from core.scopes import Scoped
from core.sessions import flash
from core.uploads import CONTENT_TYPE_NAMES
from core.web import page

AnyRequest = Request[Any, Any, Any]
LIST_TEMPLATE = "challenge/questions/list.html"
EDIT_TEMPLATE = "challenge/questions/edit.html"
COPY_TEMPLATE = "challenge/questions/copy.html"


def _fields(data: dict[str, Any]) -> dict[str, str]:
    return {name: field(data, name) for name in data if name != "file_types"}


def _file_types(data: dict[str, Any]) -> list[str]:
    raw = data.get("file_types", [])
    return [raw] if isinstance(raw, str) else [str(item) for item in raw or []]


def _choices(edition: EditionRow) -> dict[str, Any]:
    return {
        "kind_options": [(k.value, label(k)) for k in AnswerKind],
        "track_options": [(t, label(Track(t))) for t in edition.tracks],
        "file_type_options": [(t, _(CONTENT_TYPE_NAMES[t])) for t in FILE_TYPES],
        "locale": current_locale(),
    }


def _base(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/application-questions/"


async def _late(edition: EditionRow, track: str | None) -> dict[str, Any]:
    """What the form warns of when applications were already submitted or have closed."""
    submitted = submitted_before(track, await questions.submitted_by_track(edition.id))
    return {"submitted_before": submitted, "applications_closed": (await window_of(edition)).closed}


async def _list_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {
        "edition": edition,
        "questions": await questions.question_lines(edition.id),
        "has_earlier": bool(await questions.earlier_questions(edition.id)),
        **await _late(edition, None),
        **_choices(edition),
    }


async def _edit_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    line = await questions.question_line(edition.id, int(request.path_params["question_id"]))
    return {"edition": edition, "question": line, **await _late(edition, line.track), **_choices(edition)}


async def _copy_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {"edition": edition, "earlier": await questions.earlier_questions(edition.id), "locale": current_locale()}


class ApplicationQuestionPages(Controller):
    path = "/organiser/editions/{edition_id:int}/application-questions"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_questions(self, request: AnyRequest) -> Template:
        return page(LIST_TEMPLATE, **await _list_context(request), values={"kind": "text"}, errors={})

    @post("/", opt={"form": LIST_TEMPLATE, "form_context": _list_context})
    async def add_question(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        await questions.add_question(
            user=request.user, edition_id=edition.id, fields=_fields(data), file_types=_file_types(data)
        )
        flash(request.session, _("The question was added."), "success")
        return Redirect(_base(edition.id))

    @get("/{question_id:int}/edit")
    async def edit_form(self, request: AnyRequest, question_id: FromPath[int]) -> Template:
        context = await _edit_context(request)
        return page(EDIT_TEMPLATE, **context, values=questions.form_values(context["question"]), errors={})

    @post("/{question_id:int}/edit", opt={"form": EDIT_TEMPLATE, "form_context": _edit_context})
    async def edit_question(
        self, request: AnyRequest, edition: Scoped[EditionRow], question_id: FromPath[int], data: FormData
    ) -> Redirect:
        versioned = await questions.edit_question(
            user=request.user,
            edition_id=edition.id,
            question_id=question_id,
            fields=_fields(data),
            file_types=_file_types(data),
        )
        flash(
            request.session,
            _("The question was changed; answers already given keep the wording they answered.")
            if versioned
            else _("The question was saved."),
            "success",
        )
        return Redirect(_base(edition.id))

    @post("/{question_id:int}/move")
    async def move_question(
        self, request: AnyRequest, edition: Scoped[EditionRow], question_id: FromPath[int], data: FormData
    ) -> Redirect:
        await questions.move_question(
            user=request.user, edition_id=edition.id, question_id=question_id, up=field(data, "direction") == "up"
        )
        return Redirect(_base(edition.id) + f"#question-{question_id}")

    @post("/{question_id:int}/remove")
    async def remove_question(
        self, request: AnyRequest, edition: Scoped[EditionRow], question_id: FromPath[int]
    ) -> Redirect:
        await questions.remove_question(user=request.user, edition_id=edition.id, question_id=question_id)
        flash(request.session, _("The question was removed; the answers already given stay readable."), "success")
        return Redirect(_base(edition.id))

    @get("/copy")
    async def copy_form(self, request: AnyRequest) -> Template:
        return page(COPY_TEMPLATE, **await _copy_context(request), values={}, errors={})

    @post("/copy", opt={"form": COPY_TEMPLATE, "form_context": _copy_context})
    async def copy_questions(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        raw = data.get("questions", [])
        ids = [int(v) for v in ([raw] if isinstance(raw, str) else raw or []) if str(v).isdigit()]
        copied = await questions.copy_questions(user=request.user, edition_id=edition.id, question_ids=ids)
        flash(
            request.session,
            ngettext("%(n)s question was copied.", "%(n)s questions were copied.", len(copied)) % {"n": len(copied)},
            "success",
        )
        return Redirect(_base(edition.id))
