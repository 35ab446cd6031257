"""`/readyz`: the database answers and every migration this code knows of has been applied."""

from __future__ import annotations

import asyncio
import logging

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration

from core import db

log = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 2.0


def known_migrations() -> set[tuple[str, str]]:
    """(app, migration id) of every migration module of every app in piccolo_conf's registry,
    found as `piccolo migrations forwards all` (what `python -m core migrate` runs) finds them."""
    manager = BaseMigrationManager()
    known: set[tuple[str, str]] = set()
    for app_module in manager.get_app_modules():
        config = app_module.APP_CONFIG
        modules = manager.get_migration_modules(config.resolved_migrations_folder_path)
        known.update((config.app_name, migration_id) for migration_id in manager.get_migration_ids(modules))
    return known


class Readiness:
    """One per app. Once every migration was seen applied it stays so: migrations only get added
    by a new release, which starts new processes."""

    def __init__(self) -> None:
        self.migrated = False
        self._known: set[tuple[str, str]] | None = None

    async def problem(self) -> str | None:
        """Why this process should not get traffic yet, or None when it is ready."""
        try:
            await asyncio.wait_for(db.engine().run_ddl("SELECT 1"), PROBE_TIMEOUT_SECONDS)
        except Exception as exc:
            log.warning("not ready: the database does not answer: %s: %s", type(exc).__name__, exc)
            return "database unavailable"
        if self.migrated:
            return None
        if self._known is None:
            # Imports every migration module: not on the event loop, which goes on serving meanwhile.
            self._known = await asyncio.to_thread(known_migrations)
        try:
            rows = await asyncio.wait_for(Migration.select(Migration.app_name, Migration.name), PROBE_TIMEOUT_SECONDS)
        except Exception as exc:  # no migration table at all: nothing was migrated
            log.warning("not ready: migrations unreadable: %s: %s", type(exc).__name__, exc)
            return "migrations not applied"
        missing = self._known - {(row["app_name"], row["name"]) for row in rows}
        if missing:
            return f"migrations not applied: {len(missing)}"
        self.migrated = True
        return None
