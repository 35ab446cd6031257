"""The organisers' dashboard of an edition and the CSV export of its problems."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.response import Template

from challenge.queries import dashboard
from challenge.records import EditionRow
from challenge.services.editions import edition_scope
from core.scopes import Scoped
from core.web import page

# Excel reads a CSV without a byte order mark as the local code page and garbles č, ć, ž, š, đ.
UTF8_BOM = "\ufeff"


class EditionDashboard(Controller):
    path = "/organiser/editions/{edition_id:int}"
    guards = [edition_scope.guard]
    dependencies = edition_scope.dependencies()
    include_in_schema = False

    @get("/dashboard")
    async def show(self, edition: Scoped[EditionRow]) -> Template:
        stats = await dashboard.problem_stats(edition.id)
        return page("challenge/dashboard/edition.html", edition=edition, stats=stats, figures=dashboard.figures(stats))

    @get("/problems.csv")
    async def problems_csv(self, edition: Scoped[EditionRow]) -> Response[bytes]:
        body = UTF8_BOM + await dashboard.problems_csv(edition.id)
        return Response(
            content=body.encode("utf-8"),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{dashboard.csv_filename(edition.slug)}"'},
        )
