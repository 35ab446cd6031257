"""Fixtures of the challenge's integration tests."""

from tests.integration.challenge.catalogue_world import catalogue

__all__ = ["catalogue"]
