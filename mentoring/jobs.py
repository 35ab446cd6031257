"""Timed jobs and kernel hooks of the mentoring domain: thin entry points into services."""

from __future__ import annotations

from core.settings import Settings


def register(settings: Settings) -> None:
    """Called once by the composition root."""
