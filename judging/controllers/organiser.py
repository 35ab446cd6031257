"""Organisers run judging: rounds, rubrics, assignment, closing, rankings, advancement, results."""

from __future__ import annotations

import asyncio
import csv
import io
import weakref
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from challenge.enums import ApplicationStatus
from challenge.rules.phases import utc_to_local
from challenge.services.editions import load_edition
from core.enums import Role
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label, ngettext
from core.permissions import requires_role
from core.rules.spreadsheets import safe_cell
from core.sessions import flash
from core.web import page
from judging import charts as charts_module
from judging.enums import Normalisation, RoundEntry, RoundMethod
from judging.services import assignments, pairwise, results, rounds

AnyRequest = Request[Any, Any, Any]


def _round_choices() -> dict[str, Any]:
    return {
        "method_options": [(m.value, label(m)) for m in RoundMethod],
        "entry_options": [(e.value, label(e)) for e in RoundEntry],
        "normalisation_options": [(n.value, label(n)) for n in Normalisation],
    }


def _round_values(round_: dict[str, Any], timezone: str) -> dict[str, Any]:
    values = {k: str(round_[k]) for k in rounds.ROUND_FIELDS}
    for name in ("opens_at", "closes_at"):
        values[name] = utc_to_local(round_[name], timezone).isoformat(timespec="minutes") if round_[name] else ""
    return values


async def _edition_context(request: AnyRequest) -> dict[str, Any]:
    edition_id = int(request.path_params["edition_id"])
    return {"edition": await load_edition(edition_id), "rounds": await rounds.rounds_of(edition_id), **_round_choices()}


RANKING_ROWS = 100

# A round's page holds a few MB while it is built (every sheet, every entry, the ranking), and the
# work is mostly CPU on this worker's event loop: built one at a time, 32 organisers waiting for a
# 2,000-entry round no longer hold 32 copies at once (bench/load.py: RSS 284 -> 171 MB), at the
# price of its queries no longer overlapping another build (9.6 -> 7.6 req/s).
_BUILDING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _one_round_at_a_time() -> asyncio.Lock:
    return _BUILDING.setdefault(asyncio.get_running_loop(), asyncio.Lock())


async def round_context(request: AnyRequest) -> dict[str, Any]:
    round_id = int(request.path_params["round_id"])
    round_ = await rounds.load_round(round_id)
    edition = await load_edition(round_["edition"])
    criteria = await rounds.criteria_of(round_id)
    ranking, names = await results.ranking(round_id)
    pairwise_standings, votes = (
        await pairwise.standings(round_id) if round_["method"] == RoundMethod.PAIRWISE else ((), 0)
    )
    judges = {j.judge_id: j for j in ranking.judges} if ranking else {}
    judge_names = await assignments.judge_names(round_id)
    charts = {}
    if ranking:
        totals = await assignments.submitted_totals(round_id)
        entry_names = {a: e["startup_name"] for a, e in names.items()}
        charts = charts_module.round_charts(round_id, totals, judge_names, ranking, entry_names)
    return {
        "round": round_,
        "edition": edition,
        "criteria": criteria,
        "rubric_rows": len(criteria) + rounds.BLANK_ROWS,
        "rubric_values": rounds.rubric_form_values(criteria),
        "round_values": _round_values(round_, edition["timezone"]),
        "entries": names,
        "ranking": ranking,
        # The first rows answer most visits; all of them on request (and always in the CSV).
        "ranking_rows": None if request.query_params.get("all") else RANKING_ROWS,
        "judge_calibration": judges,
        "judge_names": judge_names,
        "charts": charts,
        "pairwise_standings": pairwise_standings,
        "pairwise_votes": votes,
        "assigned": await results.assigned_count(round_id),
        "publish_refusals": await results.publish_refusals(round_id) if round_["status"] == "closed" else [],
        "publish_blockers": await results.publish_blockers(round_id) if round_["status"] == "closed" else [],
        "advanced_ids": [a for a, e in names.items() if e["advanced"]],
        "assignment_report": await assignments.last_report(round_id),
        "outcome_options": [
            (s.value, label(s))
            for s in (
                ApplicationStatus.SHORTLISTED,
                ApplicationStatus.ACCEPTED,
                ApplicationStatus.FINALIST,
                ApplicationStatus.WINNER,
            )
        ],
        **_round_choices(),
    }


class JudgingAdminPages(Controller):
    path = "/organiser/editions/{edition_id:int}/judging"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def rounds_page(self, request: AnyRequest) -> Template:
        values = {
            "method": RoundMethod.WEIGHTED_RUBRIC,
            "entry": RoundEntry.ALL_SUBMITTED,
            "judges_per_application": "3",
            "max_per_judge": "20",
            "advance_count": "10",
            "normalisation": Normalisation.JUDGE_OFFSET,
        }
        return page("judging/rounds.html", values=values, errors={}, **await _edition_context(request))

    @post("/", opt={"form": "judging/rounds.html", "form_context": _edition_context})
    async def create_round(self, request: AnyRequest, edition_id: FromPath[int], data: FormData) -> Redirect:
        round_id = await rounds.create_round(user=request.user, edition_id=edition_id, data=data)
        flash(request.session, _("The round was created; give it a rubric."), "success")
        return Redirect(f"/organiser/rounds/{round_id}")


class RoundAdminPages(Controller):
    path = "/organiser/rounds/{round_id:int}"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/")
    async def show(self, request: AnyRequest) -> Template:
        async with _one_round_at_a_time():
            context = await round_context(request)
        return page("judging/round.html", values=context["round_values"], errors={}, **context)

    @post("/", opt={"form": "judging/round.html", "form_context": round_context})
    async def update(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        await rounds.update_round(user=request.user, round_id=round_id, data=data)
        flash(request.session, _("The round was saved."), "success")
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/rubric", opt={"form": "judging/round.html", "form_context": round_context})
    async def save_rubric(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        await rounds.save_rubric(user=request.user, round_id=round_id, data=data)
        flash(request.session, _("The rubric was saved."), "success")
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/rubric/copy")
    async def copy_rubric(self, request: AnyRequest, round_id: FromPath[int]) -> Redirect:
        count, source = await rounds.copy_rubric_from_last_year(user=request.user, round_id=round_id)
        flash(
            request.session,
            ngettext(
                "The rubric of “%(round)s” (%(edition)s %(year)s) was copied: %(count)s criterion.",
                "The rubric of “%(round)s” (%(edition)s %(year)s) was copied: %(count)s criteria.",
                count,
            )
            % {"count": count, "round": source["name"], "edition": source["edition"], "year": source["year"]},
            "success",
        )
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/open")
    async def open_round(self, request: AnyRequest, round_id: FromPath[int]) -> Redirect:
        count = await results.open_round(user=request.user, round_id=round_id)
        flash(
            request.session,
            ngettext(
                "The round is open with %(count)s application. Assign the judges next.",
                "The round is open with %(count)s applications. Assign the judges next.",
                count,
            )
            % {"count": count},
            "success",
        )
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/assign")
    async def assign(self, request: AnyRequest, round_id: FromPath[int]) -> Redirect:
        report = await assignments.assign_round(user=request.user, round_id=round_id)
        flash(
            request.session,
            ngettext("%(count)s assignment made.", "%(count)s assignments made.", report["assigned"])
            % {"count": report["assigned"]},
            "success",
        )
        if report["shortfalls"]:
            flash(request.session, _("Some applications are short of judges; see the report below."), "warning")
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/close")
    async def close_round(self, request: AnyRequest, round_id: FromPath[int]) -> Redirect:
        await results.close_round(user=request.user, round_id=round_id)
        flash(request.session, _("The round is closed: scores are final and the ranking is ready."), "success")
        return Redirect(f"/organiser/rounds/{round_id}#ranking")

    @post("/advance")
    async def advance(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        by_hand = data.get("ids") if field(data, "mode") == "by_hand" else None
        ids = [int(i) for i in ([by_hand] if isinstance(by_hand, str) else by_hand or []) if str(i).isdigit()]
        min_rural, max_town = field(data, "min_rural"), field(data, "max_per_municipality")
        advancement = await results.advance(
            user=request.user,
            round_id=round_id,
            application_ids=ids if by_hand is not None else None,
            min_rural=int(min_rural) if min_rural.isdigit() else 0,
            max_per_municipality=int(max_town) if max_town.isdigit() else 0,
        )
        flash(
            request.session,
            ngettext("%(count)s application advances.", "%(count)s applications advance.", len(advancement.chosen))
            % {"count": len(advancement.chosen)},
            "success",
        )
        for swap in advancement.swaps:
            flash(request.session, swap.explanation.render(_), "info")
        return Redirect(f"/organiser/rounds/{round_id}#ranking")

    @post("/publish", opt={"form": "judging/round.html", "form_context": round_context})
    async def publish(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        published = await results.publish_results(
            user=request.user, round_id=round_id, outcome=field(data, "outcome"), message=field(data, "message")
        )
        count = published.told
        flash(
            request.session,
            ngettext(
                "Results published; %(count)s team was told.", "Results published; %(count)s teams were told.", count
            )
            % {"count": count},
            "success",
        )
        for startup, steps in published.steps:
            text = " → ".join(label(s) for s in steps) if steps else _("had this status already")
            flash(request.session, _("%(startup)s: %(steps)s") % {"startup": startup, "steps": text}, "info")
        return Redirect(f"/organiser/rounds/{round_id}")

    @post("/step", opt={"form": "judging/round.html", "form_context": round_context})
    async def take_step(self, request: AnyRequest, round_id: FromPath[int], data: FormData) -> Redirect:
        application = field(data, "application")
        await results.take_step(
            user=request.user,
            round_id=round_id,
            application_id=int(application) if application.isdigit() else 0,
            status=field(data, "status"),
        )
        flash(request.session, _("The status was changed and the team was told."), "success")
        return Redirect(f"/organiser/rounds/{round_id}#publish")

    @get("/scores.csv")
    async def scores_csv(self, round_id: FromPath[int]) -> Response[str]:
        rows = await assignments.score_rows(round_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["application", "startup", "judge", "status", "total", "normalised"])
        for row in rows:
            writer.writerow(
                [
                    row["application"],
                    safe_cell(row["startup_name"]),
                    safe_cell(row["judge_name"]),
                    row["status"],
                    row["total"],
                    row.get("normalised", ""),
                ]
            )
        return Response(
            content=out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="round-{round_id}-scores.csv"'},
        )
