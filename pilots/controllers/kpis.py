"""A pilot's KPI pages: the KPIs and their progress, one KPI's measurements, the report form with
its evidence upload, and the reviewing sides' accept and dispute forms."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.clock import utc_now
from core.errors import ValidationFailed
from core.files import discard_received
from core.forms import FormData
from core.i18n import gettext as _
from core.scopes import Scoped
from core.sessions import flash
from core.storage import get_storage
from core.uploads import SPREADSHEET_SNIFF_BYTES, SPREADSHEETS, FileRule, receive_form
from core.web import page
from pilots import forms
from pilots.queries import kpis as kpi_queries
from pilots.queries.pilots import pilot_scope
from pilots.records import PilotRow
from pilots.services import kpis, measurements

AnyRequest = Request[Any, Any, Any]
# The formats the sniffer recognises by their first bytes, and spreadsheets: XLSX and ODS by
# theirs (looked for further in), CSV as UTF-8 text to its last byte (core.uploads).
EVIDENCE = FileRule(
    allowed_types=frozenset({"application/pdf", "image/png", "image/jpeg"}) | SPREADSHEETS,
    max_bytes=10 * 1024 * 1024,
    sniff_bytes=SPREADSHEET_SNIFF_BYTES,
)
EVIDENCE_FIELDS = ("evidence_1", "evidence_2", "evidence_3")
REPORT_BODY_LIMIT = len(EVIDENCE_FIELDS) * EVIDENCE.max_bytes + 1024 * 1024


def _base(pilot_id: int) -> str:
    return f"/pilots/{pilot_id}/work/kpis"


async def list_context(request: AnyRequest) -> dict[str, Any]:
    pilot = pilot_scope.of(request)
    return {
        "pilot": pilot,
        "active": "kpis",
        "kpis": await kpi_queries.pilot_kpis(pilot),
        "rights": kpi_queries.rights_of(request.user, pilot),
        **forms.kpi_choices(await kpi_queries.problem_sdgs(pilot)),
    }


async def detail_context(request: AnyRequest) -> dict[str, Any]:
    pilot = pilot_scope.of(request)
    kpi = await kpi_queries.kpi_detail(pilot, int(request.path_params["kpi_id"]))
    return {
        "pilot": pilot,
        "active": "kpis",
        "kpi": kpi,
        "rights": kpi_queries.rights_of(request.user, pilot),
        "max_megabytes": EVIDENCE.max_bytes // (1024 * 1024),
        "evidence_fields": EVIDENCE_FIELDS,
        # Which form on the page a refused post came from: it alone shows the kept input.
        "refused": request.scope.get("refused_form", ""),
        **forms.kpi_choices(await kpi_queries.problem_sdgs(pilot)),
    }


def _refused(form: str) -> Any:
    async def context(request: AnyRequest) -> dict[str, Any]:
        request.scope["refused_form"] = form  # type: ignore[typeddict-unknown-key]
        return await detail_context(request)

    return context


LIST = {"form": "pilots/kpis/list.html", "form_context": list_context}
EDIT = {"form": "pilots/kpis/detail.html", "form_context": _refused("edit")}
REPORT = {"form": "pilots/kpis/detail.html", "form_context": _refused("report")}


async def review_context(request: AnyRequest) -> dict[str, Any]:
    request.scope["refused_form"] = f"review-{request.path_params['measurement_id']}"  # type: ignore[typeddict-unknown-key]
    return await detail_context(request)


class KpiPages(Controller):
    path = "/pilots/{pilot_id:int}/work/kpis"
    guards = [pilot_scope.guard]
    dependencies = pilot_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest) -> Template:
        return page("pilots/kpis/list.html", values={}, errors={}, **await list_context(request))

    @post("/", opt=LIST)
    async def define(self, request: AnyRequest, pilot: Scoped[PilotRow], data: FormData) -> Redirect:
        defined = await kpis.define_kpi(user=request.user, pilot_id=pilot.id, kpi=forms.kpi_command(data))
        flash(request.session, _("The KPI was added; the other sides were told."), "success")
        return Redirect(f"{_base(pilot.id)}/{defined.id}")

    @get("/{kpi_id:int}")
    async def detail_page(self, request: AnyRequest) -> Template:
        context = await detail_context(request)
        return page("pilots/kpis/detail.html", values=forms.kpi_form_values(context["kpi"]), errors={}, **context)

    @post("/{kpi_id:int}/edit", opt=EDIT)
    async def edit(
        self, request: AnyRequest, pilot: Scoped[PilotRow], kpi_id: FromPath[int], data: FormData
    ) -> Redirect:
        await kpis.edit_kpi(user=request.user, pilot_id=pilot.id, kpi_id=kpi_id, kpi=forms.kpi_command(data))
        flash(request.session, _("The KPI was saved; the other sides were told."), "success")
        return Redirect(f"{_base(pilot.id)}/{kpi_id}")

    @post("/{kpi_id:int}/remove")
    async def remove(self, request: AnyRequest, pilot: Scoped[PilotRow], kpi_id: FromPath[int]) -> Redirect:
        await kpis.remove_kpi(user=request.user, pilot_id=pilot.id, kpi_id=kpi_id)
        flash(request.session, _("The KPI was removed."), "success")
        return Redirect(_base(pilot.id))

    @post(
        "/{kpi_id:int}/measurements",
        exclude_from_csrf=True,  # checked inside the stream by receive_form
        request_max_body_size=REPORT_BODY_LIMIT,
        opt=REPORT,
    )
    async def report(self, request: AnyRequest, pilot: Scoped[PilotRow], kpi_id: FromPath[int]) -> Redirect:
        storage = get_storage()
        form = await receive_form(request, rules=dict.fromkeys(EVIDENCE_FIELDS, EVIDENCE), storage=storage)
        # What the form is shown again with if the report is refused (core.web reads `parsed_form`).
        request.scope["parsed_form"] = form.as_dict()  # type: ignore[typeddict-unknown-key]
        command, unreadable = forms.measurement_command(form.as_dict())
        if unreadable or form.errors:
            await discard_received(storage, form.files)
            raise ValidationFailed({**unreadable, **form.errors})
        await measurements.report_measurement(
            user=request.user,
            pilot_id=pilot.id,
            kpi_id=kpi_id,
            measurement=command,
            evidence=list(form.files.values()),
            now=utc_now(),
        )
        flash(request.session, _("The value was reported; the other sides were asked to review it."), "success")
        return Redirect(f"{_base(pilot.id)}/{kpi_id}")

    @post(
        "/{kpi_id:int}/measurements/{measurement_id:int}/reviews",
        opt={"form": "pilots/kpis/detail.html", "form_context": review_context},
    )
    async def review(
        self,
        request: AnyRequest,
        pilot: Scoped[PilotRow],
        kpi_id: FromPath[int],
        measurement_id: FromPath[int],
        data: FormData,
    ) -> Redirect:
        await measurements.review_measurement(
            user=request.user,
            pilot_id=pilot.id,
            kpi_id=kpi_id,
            measurement_id=measurement_id,
            review=forms.review_command(data),
        )
        flash(request.session, _("Your review was recorded; the other sides were told."), "success")
        return Redirect(f"{_base(pilot.id)}/{kpi_id}#m-{measurement_id}")
