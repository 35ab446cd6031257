from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T02:21:26:784929"
VERSION = "1.38.0"
DESCRIPTION = "Outbox keeps the secret-bearing body apart; failure counters remember their latest hit; sign-in links"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="RateCounter",
        tablename="rate_counter",
        column_name="last_hit_at",
        db_column_name="last_hit_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="OutboxMessage",
        tablename="outbox_message",
        column_name="body_with_secrets",
        db_column_name="body_with_secrets",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Token",
        tablename="token",
        column_name="purpose",
        db_column_name="purpose",
        params={
            "choices": Enum(
                "TokenPurpose",
                {
                    "VERIFY_EMAIL": "verify_email",
                    "RESET_PASSWORD": "reset_password",
                    "INVITE": "invite",
                    "SIGN_IN": "sign_in",
                },
            )
        },
        old_params={
            "choices": Enum(
                "TokenPurpose",
                {
                    "VERIFY_EMAIL": "verify_email",
                    "RESET_PASSWORD": "reset_password",
                    "INVITE": "invite",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
