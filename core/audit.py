"""The audit trail: who changed what, from what, to what."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from core import pagecache
from core.tables import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


async def record(
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    edition_id: int | None = None,
) -> None:
    """Record one change. Call it inside the transaction that makes the change; give the edition
    the changed thing belongs to when it belongs to one (only that edition's cached parts go)."""
    await AuditEvent.insert(
        AuditEvent(
            actor=actor_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=_jsonable(before),
            after=_jsonable(after),
        )
    )
    # Every change that matters is audited, so this is the one place public pages learn of them.
    if entity == "edition" and edition_id is None and isinstance(entity_id, int):
        edition_id = entity_id
    await pagecache.changed(entity, edition_id=edition_id)
