from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T12:03:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed the expertise vocabulary"

DEFAULT_TAGS = [
    ("go_to_market", "Go-to-market"), ("public_procurement", "Public procurement"), ("iot", "IoT"),
    ("mobility", "Mobility"), ("e_health", "e-Health"), ("agritech", "Agritech"), ("energy", "Energy"),
    ("data", "Data"), ("ux", "UX"), ("legal", "Legal"), ("fundraising", "Fundraising"),
]  # fmt: skip


class ExpertiseTagSeed(Table, tablename="expertise_tag"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def seed():
        # The starting vocabulary; organisers rename, retire and add tags from then on.
        for slug, name in DEFAULT_TAGS:
            await ExpertiseTagSeed.raw(
                "INSERT INTO expertise_tag (slug, name, active, created_at) VALUES ({}, {}, {}, CURRENT_TIMESTAMP)",
                slug, name, True,
            )

    manager.add_raw(seed)
    return manager
