"""Organisers run judging: rounds, rubrics, assignment, closing, rankings, advancement, results."""

from __future__ import annotations

import asyncio
import csv
import io
import weakref
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from challenge.records import EditionRow
from challenge.services.editions import edition_scope, load_edition
from core.forms import FormData, field
from core.i18n import gettext as _
from core.i18n import label, ngettext
from core.outcomes import counted
from core.rules.spreadsheets import safe_cell
from core.scopes import Scoped
from core.sessions import flash
from core.web import page
from judging import forms
from judging.enums import FeedbackScores, Normalisation, RoundEntry, RoundMethod
from judging.queries import pairwise as pairwise_queries
from judging.queries.blind import blind_round_choices
from judging.queries.blind import codes as blind_codes
from judging.queries.publishing import OUTCOMES
from judging.queries.rankings import score_lines
from judging.queries.releases import release_preview
from judging.queries.round_page import round_page
from judging.queries.rounds import round_scope, rounds_of
from judging.records import RoundRow
from judging.services import assignments, pairwise, releases, results, rounds

AnyRequest = Request[Any, Any, Any]
# The round the round scope's guard loaded for this request.
ScopedRound = NamedDependency[RoundRow]


def _round_choices() -> dict[str, Any]:
    return {
        "method_options": [(m.value, label(m)) for m in RoundMethod],
        "entry_options": [(e.value, label(e)) for e in RoundEntry],
        "normalisation_options": [(n.value, label(n)) for n in Normalisation],
        "feedback_scores_options": [(f.value, label(f)) for f in FeedbackScores],
        **blind_round_choices(),
    }


async def _edition_context(request: AnyRequest) -> dict[str, Any]:
    edition = edition_scope.of(request)
    return {"edition": edition, "rounds": await rounds_of(edition.id), **_round_choices()}


RANKING_ROWS = 100

# A round's page holds a few MB while it is built (every sheet, every entry, the ranking), and the
# work is mostly CPU on this worker's event loop: built one at a time, 32 organisers waiting for a
# 2,000-entry round no longer hold 32 copies at once (bench/load.py: RSS 284 -> 171 MB), at the
# price of its queries no longer overlapping another build (9.6 -> 7.6 req/s).
_BUILDING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _one_round_at_a_time() -> asyncio.Lock:
    return _BUILDING.setdefault(asyncio.get_running_loop(), asyncio.Lock())


async def round_context(request: AnyRequest) -> dict[str, Any]:
    # The first rows answer most visits; all of them on request (and always in the CSV).
    shown_rows = None if request.query_params.get("all") else RANKING_ROWS
    shown = await round_page(round_scope.of(request), shown_rows=shown_rows)
    return {
        **msgspec.structs.asdict(shown),
        "rubric_rows": len(shown.criteria) + forms.BLANK_ROWS,
        "rubric_values": forms.rubric_form_values(shown.criteria),
        "round_values": forms.round_form_values(shown.round, shown.edition.timezone),
        "ranking_rows": shown_rows,
        "outcome_options": [(s.value, label(s)) for s in OUTCOMES],
        **_round_choices(),
        # A blind round's codes, so organisers know which entry a judge is talking about.
        "blind_codes": await blind_codes(shown.round.id) if shown.round.blind else {},
    }


async def release_context(request: AnyRequest) -> dict[str, Any]:
    round_ = round_scope.of(request)
    return {
        "round": round_,
        "preview": await release_preview(round_, int(request.path_params["judge_id"])),
        "reason_max": releases.REASON_MAX_LENGTH,
    }


class JudgingAdminPages(Controller):
    path = "/organiser/editions/{edition_id:int}/judging"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
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
            "feedback_scores": FeedbackScores.NONE,
            "min_comparisons": "3",
        }
        return page("judging/rounds.html", values=values, errors={}, **await _edition_context(request))

    @post("/", opt={"form": "judging/rounds.html", "form_context": _edition_context})
    async def create_round(self, request: AnyRequest, edition: Scoped[EditionRow], data: FormData) -> Redirect:
        command = forms.round_command(data, edition.timezone)
        round_id = await rounds.create_round(user=request.user, edition_id=edition.id, command=command)
        if command.method == RoundMethod.PAIRWISE:
            flash(request.session, _("The round was created; open it when the judges are ready to compare."), "success")
        else:
            flash(request.session, _("The round was created; give it a rubric."), "success")
        return Redirect(f"/organiser/rounds/{round_id}")


class RoundAdminPages(Controller):
    path = "/organiser/rounds/{round_id:int}"
    guards = [round_scope.guard]
    dependencies = round_scope.dependencies()
    include_in_schema = False

    @get("/")
    async def show(self, request: AnyRequest) -> Template:
        async with _one_round_at_a_time():
            context = await round_context(request)
        return page("judging/round.html", values=context["round_values"], errors={}, **context)

    @post("/", opt={"form": "judging/round.html", "form_context": round_context})
    async def update(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        edition = await load_edition(round.edition)
        command = forms.round_command(data, edition.timezone)
        await rounds.update_round(user=request.user, round_id=round.id, command=command)
        flash(request.session, _("The round was saved."), "success")
        return Redirect(f"/organiser/rounds/{round.id}")

    @post("/rubric", opt={"form": "judging/round.html", "form_context": round_context})
    async def save_rubric(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        await rounds.save_rubric(user=request.user, round_id=round.id, command=forms.rubric_command(data))
        flash(request.session, _("The rubric was saved."), "success")
        return Redirect(f"/organiser/rounds/{round.id}")

    @post("/rubric/copy")
    async def copy_rubric(self, request: AnyRequest, round: ScopedRound) -> Redirect:
        copied = await rounds.copy_rubric_from_last_year(user=request.user, round_id=round.id)
        flash(
            request.session,
            ngettext(
                "The rubric of “%(round)s” (%(edition)s %(year)s) was copied: %(count)s criterion.",
                "The rubric of “%(round)s” (%(edition)s %(year)s) was copied: %(count)s criteria.",
                copied.count,
            )
            % {"count": copied.count, "round": copied.name, "edition": copied.edition, "year": copied.year},
            "success",
        )
        return Redirect(f"/organiser/rounds/{round.id}")

    @post("/open")
    async def open_round(self, request: AnyRequest, round: ScopedRound) -> Redirect:
        count = await results.open_round(user=request.user, round_id=round.id)
        message = ngettext(
            "The round is open with %(count)s application. Assign the judges next.",
            "The round is open with %(count)s applications. Assign the judges next.",
            count,
        )
        return counted(request, message, count, f"/organiser/rounds/{round.id}")

    @post("/assign")
    async def assign(self, request: AnyRequest, round: ScopedRound) -> Redirect:
        report = await assignments.assign_round(user=request.user, round_id=round.id)
        message = ngettext("%(count)s assignment made.", "%(count)s assignments made.", report.assigned)
        done = counted(request, message, report.assigned, f"/organiser/rounds/{round.id}")
        if report.shortfalls:
            flash(request.session, _("Some applications are short of judges; see the report below."), "warning")
        return done

    @post("/close")
    async def close_round(self, request: AnyRequest, round: ScopedRound) -> Redirect:
        await results.close_round(user=request.user, round_id=round.id)
        flash(request.session, _("The round is closed: scores are final and the ranking is ready."), "success")
        return Redirect(f"/organiser/rounds/{round.id}#ranking")

    @post("/advance")
    async def advance(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        advancement = await results.advance(user=request.user, round_id=round.id, command=forms.advance_command(data))
        count = len(advancement.chosen)
        message = ngettext("%(count)s application advances.", "%(count)s applications advance.", count)
        done = counted(request, message, count, f"/organiser/rounds/{round.id}#ranking")
        for swap in advancement.swaps:
            flash(request.session, swap.explanation.render(_), "info")
        return done

    @post("/publish", opt={"form": "judging/round.html", "form_context": round_context})
    async def publish(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        published = await results.publish_results(
            user=request.user, round_id=round.id, outcome=field(data, "outcome"), message=field(data, "message")
        )
        message = ngettext(
            "Results published; %(count)s team was told.",
            "Results published; %(count)s teams were told.",
            published.told,
        )
        done = counted(request, message, published.told, f"/organiser/rounds/{round.id}")
        for startup, steps in published.steps:
            text = " → ".join(label(s) for s in steps) if steps else _("had this status already")
            flash(request.session, _("%(startup)s: %(steps)s") % {"startup": startup, "steps": text}, "info")
        if published.feedback_mailed:
            flash(
                request.session,
                ngettext(
                    "%(num)s team was mailed its judges' feedback.",
                    "%(num)s teams were mailed their judges' feedback.",
                    published.feedback_mailed,
                )
                % {"num": published.feedback_mailed},
                "info",
            )
        return done

    @post("/step", opt={"form": "judging/round.html", "form_context": round_context})
    async def take_step(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        application = field(data, "application")
        await results.take_step(
            user=request.user,
            round_id=round.id,
            application_id=int(application) if application.isdigit() else 0,
            status=field(data, "status"),
        )
        flash(request.session, _("The status was changed and the team was told."), "success")
        return Redirect(f"/organiser/rounds/{round.id}#publish")

    @get("/judges/{judge_id:int}/release")
    async def release_form(self, request: AnyRequest) -> Template:
        return page("judging/release.html", values={}, errors={}, **await release_context(request))

    @post("/judges/{judge_id:int}/release", opt={"form": "judging/release.html", "form_context": release_context})
    async def release(
        self, request: AnyRequest, round: ScopedRound, judge_id: FromPath[int], data: FormData
    ) -> Redirect:
        done = await releases.release_judge(
            user=request.user, round_id=round.id, judge_id=judge_id, reason=field(data, "reason")
        )
        flash(
            request.session,
            ngettext(
                "%(num)s sheet was released; %(reassigned)s went to other judges.",
                "%(num)s sheets were released; %(reassigned)s went to other judges.",
                done.released,
            )
            % {"num": done.released, "reassigned": done.reassigned},
            "success",
        )
        if done.report.shortfalls:
            flash(request.session, _("Some applications are short of judges; see the report below."), "warning")
        return Redirect(f"/organiser/rounds/{round.id}#judges")

    @post("/projector")
    async def projector(self, request: AnyRequest, round: ScopedRound, data: FormData) -> Redirect:
        released = field(data, "released") == "1"
        await pairwise.release_projector(user=request.user, round_id=round.id, released=released)
        if released:
            flash(request.session, _("The projector page shows the live ranking now."), "success")
        else:
            flash(request.session, _("The projector page no longer shows the ranking."), "success")
        return Redirect(f"/organiser/rounds/{round.id}#projector")

    @get("/scores.csv")
    async def scores_csv(self, round: ScopedRound) -> Response[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        if round.method == RoundMethod.PAIRWISE:
            # A pairwise round has no scores: its votes are what the ranking was replayed from.
            writer.writerow(["judge", "winner", "loser", "outcome", "at"])
            names = await pairwise_queries.startup_names(round.id)
            for answer in await pairwise_queries.answers(round.id):
                writer.writerow(
                    [
                        safe_cell(answer.judge_name),
                        safe_cell(names.get(answer.winner, str(answer.winner))),
                        safe_cell(names.get(answer.loser, str(answer.loser))),
                        "cant_tell" if answer.tie else "win",
                        answer.created_at.isoformat(),
                    ]
                )
            return _csv(out.getvalue(), round.id)
        writer.writerow(["application", "startup", "judge", "status", "total", "normalised"])
        for row in await score_lines(round.id):
            # The normalised column stays empty: normalisation is per ranking, not per sheet.
            writer.writerow(
                [row.application, safe_cell(row.startup_name), safe_cell(row.judge_name), row.status, row.total, ""]
            )
        return _csv(out.getvalue(), round.id)


def _csv(content: str, round_id: int) -> Response[str]:
    return Response(
        content=content,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="round-{round_id}-scores.csv"'},
    )
