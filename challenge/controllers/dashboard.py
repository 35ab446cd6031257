"""The organisers' dashboard of an edition and the CSV export of its problems."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.params import FromPath
from litestar.response import Template

from challenge import dashboard
from challenge.services.editions import load_edition
from core.enums import Role
from core.permissions import requires_role
from core.web import page

# Excel reads a CSV without a byte order mark as the local code page and garbles č, ć, ž, š, đ.
UTF8_BOM = "\ufeff"


class EditionDashboard(Controller):
    path = "/organiser/editions/{edition_id:int}"
    guards = [requires_role(Role.ORGANISER)]
    include_in_schema = False

    @get("/dashboard")
    async def show(self, edition_id: FromPath[int]) -> Template:
        edition = await load_edition(edition_id)
        stats = await dashboard.problem_stats(edition_id)
        return page("challenge/dashboard/edition.html", edition=edition, stats=stats, figures=dashboard.figures(stats))

    @get("/problems.csv")
    async def problems_csv(self, edition_id: FromPath[int]) -> Response[bytes]:
        edition = await load_edition(edition_id)
        body = UTF8_BOM + await dashboard.problems_csv(edition_id)
        return Response(
            content=body.encode("utf-8"),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{dashboard.csv_filename(edition["slug"])}"'},
        )
