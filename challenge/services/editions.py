"""Editions and their phase timeline."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from challenge.enums import Phase
from challenge.records import EditionRow, MunicipalityChoice, as_changes, convert_row, convert_rows
from challenge.rules.editions import check_edition
from challenge.rules.phases import (
    Override,
    Timeline,
    TimelineError,
    current_phase,
    local_to_utc,
    make_timeline,
    phases_between,
)
from challenge.schemas import EditionIn
from challenge.tables import Edition, EditionPhase, Municipality
from core import audit, db
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, ValidationFailed
from core.i18n import gettext as _
from core.i18n import label
from core.mail import queue_mail
from core.rules import N_
from core.scopes import Scope
from core.tables import Membership, User

log = logging.getLogger(__name__)
SLUG_TAKEN = N_("Another edition uses this address already.")


@dataclass(frozen=True)
class EditionState:
    edition: EditionRow
    timeline: Timeline
    phase: Phase | None


def _override(edition: EditionRow) -> Override | None:
    if edition.manual_phase and edition.manual_phase_at:
        return Override(Phase(edition.manual_phase), edition.manual_phase_at)
    return None


def as_edition(edition: EditionRow | Mapping[str, Any]) -> EditionRow:
    """An edition as its typed value (other domains may still hand over a stored row)."""
    if isinstance(edition, EditionRow):
        return edition
    row = dict(edition)
    if isinstance(row.get("tracks"), str):  # a row read without load_json
        row["tracks"] = json.loads(row["tracks"])
    return convert_row(row, EditionRow)


def timeline_from_rows(rows: list[dict[str, Any]]) -> Timeline:
    return make_timeline({Phase(row["phase"]): row["starts_at"] for row in rows})


async def edition_state(edition: EditionRow | Mapping[str, Any], *, now: datetime | None = None) -> EditionState:
    edition = as_edition(edition)
    rows = await EditionPhase.select(EditionPhase.phase, EditionPhase.starts_at).where(
        EditionPhase.edition == edition.id
    )
    timeline = timeline_from_rows(rows)
    phase = current_phase(timeline, now=now or utc_now(), override=_override(edition))
    return EditionState(edition=edition, timeline=timeline, phase=phase)


async def load_edition(edition_id: int) -> EditionRow:
    edition = await Edition.select().where(Edition.id == edition_id).first().output(load_json=True)
    if edition is None:
        raise NotFound(N_("This edition does not exist."))
    return convert_row(edition, EditionRow)


async def all_editions() -> list[EditionRow]:
    """Every edition, newest first (what the phase job and the open-edition lists go through)."""
    rows = await Edition.select().order_by(Edition.year, ascending=False).output(load_json=True)
    return convert_rows(rows, EditionRow)


# The organiser's pages of one edition: the guard loads it once, the handler gets `edition`.
edition_scope: Scope[EditionRow] = Scope("edition", load=lambda params: load_edition(int(params["edition_id"])))


def _checked(edition: EditionIn, grace_minutes: int | None) -> tuple[dict[str, Any], dict[Phase, datetime]]:
    """The columns to store and the phase starts (UTC), or ValidationFailed naming each field."""
    draft = edition.draft()
    starts, errors = check_edition(draft)
    if errors:
        raise ValidationFailed(errors)
    fields: dict[str, Any] = {
        "name": draft.name,
        "slug": draft.slug,
        "timezone": draft.timezone,
        "year": draft.year,
        "tracks": list(draft.tracks),
        **draft.texts,
        "translated_name": draft.translated_name,
        "language": draft.language,
    }
    if grace_minutes is not None:  # an API caller leaves it out and keeps the edition's
        fields["application_grace_minutes"] = grace_minutes
    return fields, starts


async def _replace_timeline(edition_id: int, starts: dict[Phase, datetime]) -> None:
    await EditionPhase.delete().where(EditionPhase.edition == edition_id)
    for phase, moment in starts.items():
        await EditionPhase.insert(EditionPhase(edition=edition_id, phase=phase, starts_at=moment))


async def create_edition(*, organiser_id: int, edition: EditionIn, grace_minutes: int | None = None) -> int:
    """A new edition with its timeline; `grace_minutes` after the deadline (None: the default)."""
    fields, starts = _checked(edition, grace_minutes)
    try:
        return await _insert_edition(organiser_id=organiser_id, fields=fields, starts=starts)
    except Exception as exc:
        if db.is_unique_violation(exc):  # the same form sent twice at once
            raise ValidationFailed({"slug": SLUG_TAKEN}) from exc
        raise


async def _insert_edition(*, organiser_id: int, fields: dict[str, Any], starts: dict[Phase, datetime]) -> int:
    async with db.transaction():
        if await Edition.exists().where(Edition.slug == fields["slug"]):
            raise ValidationFailed({"slug": SLUG_TAKEN})
        edition_id: int = (await Edition.insert(Edition(**fields)).returning(Edition.id))[0]["id"]
        await _replace_timeline(edition_id, starts)
        await audit.record(
            actor_id=organiser_id,
            action="edition.created",
            entity="edition",
            entity_id=edition_id,
            after={**fields, "timeline": {p.value: t.isoformat() for p, t in starts.items()}},
        )
    return edition_id


async def update_edition(
    *, organiser_id: int, edition_id: int, edition: EditionIn, grace_minutes: int | None = None
) -> None:
    """Replace an edition's fields and timeline; `grace_minutes` None keeps the edition's grace."""
    fields, starts = _checked(edition, grace_minutes)
    async with db.transaction():
        before = await load_edition(edition_id)
        if await Edition.exists().where(Edition.slug == fields["slug"], Edition.id != edition_id):
            raise ValidationFailed({"slug": SLUG_TAKEN})
        old_timeline = await EditionPhase.select(EditionPhase.phase, EditionPhase.starts_at).where(
            EditionPhase.edition == edition_id
        )
        await Edition.update(as_changes(fields)).where(Edition.id == edition_id)
        await _replace_timeline(edition_id, starts)
        await audit.record(
            actor_id=organiser_id,
            action="edition.updated",
            entity="edition",
            entity_id=edition_id,
            before={
                **{k: getattr(before, k) for k in fields},
                "timeline": {r["phase"]: r["starts_at"].isoformat() for r in old_timeline},
            },
            after={**fields, "timeline": {p.value: t.isoformat() for p, t in starts.items()}},
        )


async def move_phase(*, organiser_id: int, edition_id: int, phase: str) -> None:
    """Put the edition in `phase` by hand until the next scheduled phase start."""
    if phase not in {p.value for p in Phase}:
        raise ValidationFailed({"phase": N_("Choose one of the options.")})
    async with db.transaction():
        edition = await load_edition(edition_id)
        state = await edition_state(edition)
        now = utc_now()
        await Edition.update({Edition.manual_phase: phase, Edition.manual_phase_at: now}).where(
            Edition.id == edition_id
        )
        await audit.record(
            actor_id=organiser_id,
            action="edition.phase_moved",
            entity="edition",
            entity_id=edition_id,
            before={"phase": state.phase},
            after={"phase": phase},
        )
    await apply_phase_changes(edition_id=edition_id)


async def copy_edition(*, organiser_id: int, edition_id: int) -> int:
    """Next year's edition: same tracks and texts, the timeline shifted by one year."""
    source = await load_edition(edition_id)
    rows = await EditionPhase.select(EditionPhase.phase, EditionPhase.starts_at).where(
        EditionPhase.edition == edition_id
    )
    year = source.year + 1
    slug = re.sub(r"\d{4}", str(year), source.slug) if re.search(r"\d{4}", source.slug) else f"{source.slug}-{year}"
    async with db.transaction():
        if await Edition.exists().where(Edition.slug == slug):
            raise ValidationFailed({"slug": _("The edition %(slug)s exists already.") % {"slug": slug}})
        fields: dict[str, Any] = {
            "name": source.name,
            "year": year,
            "slug": slug,
            "timezone": source.timezone,
            "tracks": source.tracks,
            "description": source.description,
            "language": source.language,
            "translated_name": source.translated_name,
            "translated_description": source.translated_description,
            "prize_text": source.prize_text,
            "programme_text": source.programme_text,
            "application_grace_minutes": source.application_grace_minutes,
        }
        new_id: int = (await Edition.insert(Edition(**fields)).returning(Edition.id))[0]["id"]
        zone = ZoneInfo(source.timezone)
        starts: dict[Phase, datetime] = {}
        for row in rows:
            local = row["starts_at"].astimezone(zone).replace(tzinfo=None)
            # Same wall-clock time next year (29 February becomes 28 February).
            shifted = local.replace(year=local.year + 1, day=min(local.day, 28 if local.month == 2 else local.day))
            starts[Phase(row["phase"])] = local_to_utc(shifted, source.timezone)
        try:
            make_timeline(starts)
        except TimelineError as exc:  # two starts on 28 and 29 February meet on the same day
            raise ValidationFailed(
                {"timeline": N_("Next year's dates collide (29 February); copy by hand and set the dates.")}
            ) from exc
        await _replace_timeline(new_id, starts)
        await audit.record(
            actor_id=organiser_id,
            action="edition.copied",
            entity="edition",
            entity_id=new_id,
            after={"from_edition": edition_id, **fields},
        )
    return new_id


async def _people_to_notify(edition_id: int) -> list[dict[str, Any]]:
    """Organisers, plus everyone holding a role in this edition or in all editions."""
    user_ids = await Membership.select(Membership.user).where(
        (Membership.role == Role.ORGANISER)
        | (Membership.edition_id == edition_id)
        | (Membership.edition_id.is_null() & (Membership.role == Role.MUNICIPALITY))
    )
    ids = sorted({row["user"] for row in user_ids})
    if not ids:
        return []
    return await User.select(User.email, User.name).where(User.id.is_in(ids), User.is_active == True)  # noqa: E712


async def apply_phase_changes(*, edition_id: int | None = None) -> list[tuple[int, Phase]]:
    """Carry out phase starts that are due: audit and mail each once, whatever runs this.

    Idempotent: the conditional UPDATE on `applied_phase` lets exactly one caller record a
    change. A change missed while no server ran is carried out on the next call, with every
    phase skipped meanwhile audited and only the phase now in force announced.
    """
    query = Edition.select().output(load_json=True)
    if edition_id is not None:
        query = query.where(Edition.id == edition_id)
    applied: list[tuple[int, Phase]] = []
    now = utc_now()
    for edition in convert_rows(await query, EditionRow):
        try:
            state = await edition_state(edition, now=now)
        except TimelineError:
            # One edition's broken timeline must not stop every other edition's phases.
            log.exception("edition %s has an unusable timeline; skipped", edition.id)
            continue
        old = Phase(edition.applied_phase) if edition.applied_phase else None
        if state.phase is None or state.phase == old:
            continue
        async with db.transaction():
            condition = Edition.applied_phase.is_null() if old is None else Edition.applied_phase == old
            won = (
                await Edition.update({Edition.applied_phase: state.phase})
                .where(Edition.id == edition.id, condition)
                .returning(Edition.id)
            )
            if not won:
                continue
            entered = phases_between(old, state.phase) if state.phase != edition.manual_phase else [state.phase]
            for phase in entered:
                await audit.record(
                    actor_id=None,
                    action="edition.phase_changed",
                    entity="edition",
                    entity_id=edition.id,
                    before={"phase": old},
                    after={"phase": phase},
                )
            for person in await _people_to_notify(edition.id):
                await queue_mail(
                    to=person["email"],
                    subject=_("%(edition)s: the %(phase)s phase has started")
                    % {"edition": edition.name, "phase": label(state.phase)},
                    template="phase_changed",
                    name=person["name"],
                    edition=edition,
                    phase=label(state.phase),
                )
        applied.append((edition.id, state.phase))
    return applied


async def municipality_options() -> list[MunicipalityChoice]:
    rows = await Municipality.select(Municipality.id, Municipality.name).order_by(Municipality.name)
    return convert_rows(rows, MunicipalityChoice)
