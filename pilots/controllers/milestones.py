"""A pilot's milestones page: the timeline with every sign-off and refusal; organisers add and
remove milestones, the named sides approve or refuse (with a reason)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.clock import utc_now
from core.errors import StateConflict
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label
from core.scopes import Scoped, require_organiser
from core.sessions import flash
from core.web import page
from pilots import forms
from pilots.enums import SIDES, MilestoneStatus, SignOffDecision
from pilots.queries.milestones import load_milestone, milestones_of
from pilots.queries.pilots import local_day, pilot_scope, sides_of
from pilots.records import PilotRow
from pilots.rules.lifecycle import FINAL, REPORTING
from pilots.rules.milestones import is_overdue
from pilots.services import milestones

AnyRequest = Request[Any, Any, Any]
TEMPLATE = "pilots/milestones/list.html"
EDIT_TEMPLATE = "pilots/milestones/edit.html"


async def _context(request: AnyRequest) -> dict[str, Any]:
    pilot = pilot_scope.of(request)
    today = await local_day(pilot.id, now=utc_now())
    views = await milestones_of(pilot.id)
    return {
        "pilot": pilot,
        "views": views,
        "overdue": {
            v.milestone.id for v in views if is_overdue(v.milestone.status, due_on=v.milestone.due_on, today=today)
        },
        "my_sides": [side for side in SIDES if side in sides_of(request.user, pilot)],
        "may_set": request.user.is_organiser and pilot.status not in FINAL,
        "may_sign": pilot.status in REPORTING,
        "side_options": [(side.value, label(side, "Side")) for side in SIDES],
        "ACHIEVED": MilestoneStatus.ACHIEVED,
        "APPROVE": SignOffDecision.APPROVE,
        "REFUSE": SignOffDecision.REFUSE,
    }


async def _edit_context(request: AnyRequest) -> dict[str, Any]:
    """The change form of one milestone: organisers only, and not once it is achieved."""
    pilot = pilot_scope.of(request)
    require_organiser(request.user, milestones.SET_MILESTONES)
    milestone = await load_milestone(pilot.id, int(request.path_params["milestone_id"]))
    if pilot.status in FINAL:
        raise StateConflict(milestones.PILOT_OVER)
    if milestone.status is MilestoneStatus.ACHIEVED:
        raise StateConflict(milestones.ACHIEVED_STAYS)
    return {
        "pilot": pilot,
        "milestone": milestone,
        "side_options": [(side.value, label(side, "Side")) for side in SIDES],
    }


def _blank() -> dict[str, Any]:
    return {"form_for": "add", "public": "on", "sign_off_by": [side.value for side in SIDES]}


class MilestonePages(Controller):
    path = "/pilots/{pilot_id:int}/work/milestones"
    guards = [pilot_scope.guard]
    dependencies = pilot_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def show(self, request: AnyRequest) -> Template:
        return page(TEMPLATE, values=_blank(), errors={}, **await _context(request))

    @post("/", opt={"form": TEMPLATE, "form_context": _context})
    async def add(self, request: AnyRequest, pilot: Scoped[PilotRow], data: FormData) -> Redirect:
        await milestones.add_milestone(user=request.user, pilot_id=pilot.id, command=forms.milestone_command(data))
        flash(request.session, _("The milestone was added."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/milestones")

    @post("/{milestone_id:int}/sign-off", opt={"form": TEMPLATE, "form_context": _context})
    async def sign_off(
        self, request: AnyRequest, pilot: Scoped[PilotRow], milestone_id: FromPath[int], data: FormData
    ) -> Redirect:
        status = await milestones.sign_off(
            user=request.user,
            pilot_id=pilot.id,
            milestone_id=milestone_id,
            decision=forms.decision(data),
            reason=field(data, "reason"),
            side=forms.side(data),
        )
        if status is MilestoneStatus.ACHIEVED:
            flash(
                request.session, _("Signed off: every side named has approved, the milestone is achieved."), "success"
            )
        else:
            flash(request.session, _("Your decision is on the record."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/milestones#milestone-{milestone_id}")

    @get("/{milestone_id:int}/edit")
    async def edit_form(self, request: AnyRequest, pilot: Scoped[PilotRow], milestone_id: FromPath[int]) -> Template:
        context = await _edit_context(request)
        m = context["milestone"]
        values = forms.milestone_form_values(m.title, m.deliverable, m.due_on, list(m.sign_off_by), m.public)
        return page(EDIT_TEMPLATE, values=values, errors={}, **context)

    @post("/{milestone_id:int}/edit", opt={"form": EDIT_TEMPLATE, "form_context": _edit_context})
    async def edit(
        self, request: AnyRequest, pilot: Scoped[PilotRow], milestone_id: FromPath[int], data: FormData
    ) -> Redirect:
        await milestones.edit_milestone(
            user=request.user, pilot_id=pilot.id, milestone_id=milestone_id, command=forms.milestone_command(data)
        )
        flash(request.session, _("The milestone was changed."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/milestones#milestone-{milestone_id}")

    @post("/{milestone_id:int}/remove")
    async def remove(self, request: AnyRequest, pilot: Scoped[PilotRow], milestone_id: FromPath[int]) -> Redirect:
        await milestones.remove_milestone(user=request.user, pilot_id=pilot.id, milestone_id=milestone_id)
        flash(request.session, _("The milestone was removed."), "success")
        return Redirect(f"/pilots/{pilot.id}/work/milestones")
