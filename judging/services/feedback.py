"""The judges' feedback goes to each team by mail when a round's results are published."""

from __future__ import annotations

from challenge.records import EditionRow
from challenge.services.applications.access import team_members
from challenge.tables import Application
from core.i18n import gettext as _
from core.mail import queue_mail
from judging.queries.feedback import round_feedback
from judging.records import RoundRow


async def mail_feedback(*, round_: RoundRow, edition: EditionRow) -> int:
    """Queue each scored team's feedback to its members; call inside the publishing transaction.

    Returns how many teams were mailed. Once per round: a round is published once.
    """
    shared = {a: f for a, f in (await round_feedback(round_)).items() if not f.empty}
    if not shared:
        return 0
    startups = {
        r["id"]: r["startup"]
        for r in await Application.select(Application.id, Application.startup).where(Application.id.is_in(list(shared)))
    }
    for application_id, feedback in shared.items():
        for member in await team_members(startups[application_id], edition.id):
            await queue_mail(
                to=member["email"],
                subject=_("Judges' feedback: %(round)s") % {"round": round_.name},
                template="judging_feedback",
                once_key=f"feedback:{round_.id}:{application_id}:{member['id']}",
                name=member["name"],
                round=round_,
                edition=edition,
                feedback=feedback,
                link=f"/startup/applications/{application_id}#feedback",
            )
    return len(shared)
