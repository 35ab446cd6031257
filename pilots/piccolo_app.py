import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="pilots",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["pilots.tables"], exclude_imported=True),
    migration_dependencies=["judging.piccolo_app"],
    commands=[],
)
