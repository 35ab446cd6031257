from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T02:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Decks and problem attachments attached through the API take the purpose of what holds them"


class StoredFileRows(Table, tablename="stored_file"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def give_attached_files_their_purpose():
        # Files uploaded through POST /api/v1/files and attached by id kept "general", which only
        # their owner and the organisers may read; attaching now sets the purpose, and so must this.
        await StoredFileRows.raw(
            "UPDATE stored_file SET purpose = 'pitch_deck' WHERE purpose = 'general' AND id IN "
            "(SELECT pitch_deck FROM application WHERE pitch_deck IS NOT NULL)"
        )
        await StoredFileRows.raw(
            "UPDATE stored_file SET purpose = 'problem_attachment' WHERE purpose = 'general' AND id IN "
            '(SELECT "file" FROM problem_attachment)'
        )

    manager.add_raw(give_attached_files_their_purpose)
    return manager
