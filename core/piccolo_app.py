import os

from piccolo.conf.apps import AppConfig

from core.tables import (
    AuditEvent,
    CalendarFeed,
    ContentVersion,
    JobRun,
    JobState,
    Membership,
    OutboxMessage,
    RateCounter,
    SessionRecord,
    StoredFile,
    Token,
    User,
)

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        User,
        Membership,
        Token,
        SessionRecord,
        RateCounter,
        AuditEvent,
        OutboxMessage,
        StoredFile,
        ContentVersion,
        JobState,
        CalendarFeed,
        JobRun,
    ],
    migration_dependencies=[],
    commands=[],
)
