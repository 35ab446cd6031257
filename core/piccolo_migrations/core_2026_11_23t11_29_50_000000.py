from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T11:29:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outbox: once_key is unique"


class OutboxMessage(Table, tablename="outbox_message"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def unique_once_key():
        # SQLite refuses ADD COLUMN ... UNIQUE; a unique index works on both engines (NULLs repeat).
        await OutboxMessage.raw("CREATE UNIQUE INDEX IF NOT EXISTS outbox_message_once_key ON outbox_message (once_key)")

    manager.add_raw(unique_once_key)
    return manager
