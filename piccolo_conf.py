"""Piccolo's configuration: the engine comes from DATABASE_URL (see core.settings)."""

from piccolo.conf.apps import AppRegistry

from core.db import make_engine
from core.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "core.piccolo_app",
        "challenge.piccolo_app",
        "mentoring.piccolo_app",
        "judging.piccolo_app",
        "hackathon.piccolo_app",
        "pilots.piccolo_app",
    ]
)
