"""Blind rounds as every judge-facing channel shows them: one place to ask "what may this judge see".

Pages, the judges' API, the deck download, hackathon feeds and mails to judges all call these
helpers, so a blind round's pseudonym and its redactions are the same everywhere. The real
identities are only read here to be scrubbed out (and by conflict detection, which never shows
them to the judge). Organisers' pages do not use this module: they see everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from challenge.records import ApplicationRow
from challenge.tables import Application, StartupMember
from core.i18n import gettext as _
from core.i18n import label
from core.settings import get_settings
from judging.enums import DeckPolicy
from judging.queries.rounds import load_round
from judging.records import RoundRow
from judging.rules import redaction
from judging.rules.redaction import BlindSettings, Identity, ShownField
from judging.tables import JudgeAssignment, Round, RoundApplication

# The application texts a judge's sheet shows, in its order.
SHEET_FIELDS = ("solution", "why_us", "traction", "pilot_plan", "impact")


def blind_round_choices() -> dict[str, Any]:
    """What the round form's blind fieldset offers, translated."""
    return {
        "redactable_options": [(name, _(redaction.REDACTABLE_LABELS[name])) for name in redaction.REDACTABLE_FIELDS],
        "deck_policy_options": [(p.value, label(p)) for p in DeckPolicy],
        "always_hidden": [_(text) for text in redaction.ALWAYS_HIDDEN],
    }


def settings_of(round_: RoundRow) -> BlindSettings:
    return BlindSettings(blind=round_.blind, redacted_fields=frozenset(round_.redacted_fields))


def placeholder() -> str:
    """What stands in free text where the team was named."""
    return _("[hidden]")


async def identity_of(application_id: int) -> Identity:
    """Who is behind the application: its startup's name and website, its members and their emails."""
    row = (
        await Application.select(
            Application.edition,
            Application.startup,
            Application.startup._.name.as_alias("name"),
            Application.startup._.website.as_alias("website"),
        )
        .where(Application.id == application_id)
        .first()
    )
    if row is None:
        return Identity(startup_name="")
    members = await StartupMember.select(
        StartupMember.user._.name.as_alias("name"), StartupMember.user._.email.as_alias("email")
    ).where(StartupMember.startup == row["startup"], StartupMember.edition == row["edition"])
    return Identity(
        startup_name=row["name"],
        member_names=tuple(m["name"] for m in members if m["name"]),
        emails=tuple(m["email"] for m in members if m["email"]),
        website=row["website"] or "",
    )


async def _round_entries(round_id: int) -> list[int]:
    """Every application of the round (its entries and anything assigned in it): the set
    pseudonyms are made unique in, fixed once the round opens."""
    entered = await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_id)
    assigned = await JudgeAssignment.select(JudgeAssignment.application).where(JudgeAssignment.round == round_id)
    return sorted({r["application"] for r in entered} | {r["application"] for r in assigned})


async def codes(round_id: int, application_ids: Iterable[int] = ()) -> dict[int, str]:
    """The pseudonym codes of a round's applications (e.g. {12: "7F3K"})."""
    ids = set(await _round_entries(round_id)) | set(application_ids)
    return redaction.pseudonyms(get_settings().secret_key, round_id, ids)


def entry_label(code: str) -> str:
    return _("Entry %(code)s") % {"code": code}


async def entry_names(round_: RoundRow, application_ids: Iterable[int]) -> dict[int, str]:
    """What the round's judges call each application: the startup's name, or in a blind round
    its pseudonym ("Entry 7F3K")."""
    ids = sorted(set(application_ids))
    if round_.blind:
        found = await codes(round_.id, ids)
        return {i: entry_label(found[i]) for i in ids}
    rows = await Application.select(Application.id, Application.startup._.name.as_alias("name")).where(
        Application.id.is_in(ids or [0])
    )
    return {r["id"]: r["name"] for r in rows}


async def judge_facing_name(round_id: int, application_id: int) -> str:
    """The application's name as a judge of the round may read it, e.g. in a mail to the judge."""
    round_ = await load_round(round_id)
    return (await entry_names(round_, [application_id]))[application_id]


async def judge_facing_text(round_id: int, application_id: int, text: str) -> str:
    """`text` (a mail's line, a schedule item's title) with the team scrubbed out when the round is blind."""
    round_ = await load_round(round_id)
    if not round_.blind:
        return text
    return redaction.scrub(text, await identity_of(application_id), placeholder=placeholder())


async def shown_texts(round_: RoundRow, application_id: int, fields: Mapping[str, str]) -> dict[str, ShownField]:
    """An application's texts (by field name, see judging.rules.redaction.REDACTABLE_FIELDS) as
    the round's judges see them."""
    if not round_.blind:
        return redaction.redact(fields, Identity(startup_name=""), settings_of(round_), placeholder="")
    identity = await identity_of(application_id)
    return redaction.redact(fields, identity, settings_of(round_), placeholder=placeholder())


async def shown_fields(round_: RoundRow, application: ApplicationRow, names: Iterable[str]) -> dict[str, ShownField]:
    """The application's texts `names` as the round's judges see them."""
    fields = {name: str(getattr(application, name, "") or "") for name in names}
    return await shown_texts(round_, application.id, fields)


async def blind_rounds_judged(judge_id: int, application_ids: Iterable[int]) -> dict[int, RoundRow]:
    """For each of `application_ids` the judge has in a blind round, one such round (the one
    assigned first): what hackathon feeds and mails consult before naming a team to a judge."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = (
        await JudgeAssignment.select(JudgeAssignment.application, JudgeAssignment.round)
        .where(
            JudgeAssignment.judge == judge_id,
            JudgeAssignment.application.is_in(ids),
            JudgeAssignment.round.is_in(Round.select(Round.id).where(Round.blind == True)),  # noqa: E712
        )
        .order_by(JudgeAssignment.id)
    )
    found: dict[int, RoundRow] = {}
    for row in rows:
        if row["application"] not in found:
            found[row["application"]] = await load_round(row["round"])
    return found


async def names_for_judge(judge_id: int, application_ids: list[int], names: list[str]) -> list[str]:
    """`names` (one per application, e.g. a schedule item's teams) as the judge may read them: the
    pseudonym of each application the judge has in a blind round."""
    blind = await blind_rounds_judged(judge_id, application_ids)
    shown = list(names)
    for index, application_id in enumerate(application_ids):
        if application_id in blind:
            shown[index] = (await entry_names(blind[application_id], [application_id]))[application_id]
    return shown


async def text_for_judge(judge_id: int, application_ids: list[int], text: str) -> str:
    """`text` (a schedule item's title, a mail's subject) scrubbed of every team among
    `application_ids` the judge has in a blind round."""
    for application_id, round_ in (await blind_rounds_judged(judge_id, application_ids)).items():
        text = await judge_facing_text(round_.id, application_id, text)
    return text
