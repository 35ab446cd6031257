"""The expertise vocabulary organisers curate: startups ask for it, mentors offer it."""

from __future__ import annotations

import re
import unicodedata

from challenge.tables import ExpertiseTag
from core import audit, db
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.rules import N_, TOO_LONG


async def vocabulary(*, include_retired: bool = False) -> dict[str, str]:
    """Slug -> name, in name order. Names of the default tags are msgids, translated where shown."""
    query = ExpertiseTag.select(ExpertiseTag.slug, ExpertiseTag.name).order_by(ExpertiseTag.name)
    if not include_retired:
        query = query.where(ExpertiseTag.active.eq(True))
    return {row["slug"]: row["name"] for row in await query}


async def tags() -> list[dict[str, object]]:
    return await ExpertiseTag.select().order_by(ExpertiseTag.active, ascending=False).order_by(ExpertiseTag.name)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:40]


async def add_tag(*, user: CurrentUser, name: str) -> str:
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers curate the vocabulary."))
    name = " ".join(name.split())
    slug = _slug(name)
    if not name or not slug:
        raise ValidationFailed({"name": N_("Give the tag a name with at least one letter or digit.")})
    if len(name) > 80:
        raise ValidationFailed({"name": TOO_LONG})
    async with db.transaction():
        if await ExpertiseTag.exists().where(ExpertiseTag.slug == slug):
            raise ValidationFailed({"name": N_("This tag exists already.")})
        await ExpertiseTag.insert(ExpertiseTag(slug=slug, name=name))
        await audit.record(
            actor_id=user.id, action="expertise_tag.added", entity="expertise_tag", entity_id=slug, after={"name": name}
        )
    return slug


async def update_tag(*, user: CurrentUser, slug: str, name: str, active: bool) -> None:
    """Rename or retire a tag. The slug stays: applications, profiles and matches refer to it."""
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers curate the vocabulary."))
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise ValidationFailed({"name": N_("Give the tag a name (up to 80 characters).")})
    async with db.transaction():
        before = await ExpertiseTag.select().where(ExpertiseTag.slug == slug).first()
        if before is None:
            raise NotFound(N_("This tag does not exist."))
        await ExpertiseTag.update({ExpertiseTag.name: name, ExpertiseTag.active: active}).where(
            ExpertiseTag.slug == slug
        )
        await audit.record(
            actor_id=user.id,
            action="expertise_tag.updated",
            entity="expertise_tag",
            entity_id=slug,
            before={"name": before["name"], "active": before["active"]},
            after={"name": name, "active": active},
        )
