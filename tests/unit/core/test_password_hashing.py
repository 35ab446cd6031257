"""The cost of a password hash: production defaults are a published recommendation."""

from __future__ import annotations

from argon2 import profiles

from core.settings import PasswordHashing


def test_the_default_cost_is_rfc_9106s_low_memory_recommendation() -> None:
    recommended = profiles.RFC_9106_LOW_MEMORY

    assert (PasswordHashing().time_cost, PasswordHashing().memory_kib, PasswordHashing().parallelism) == (
        recommended.time_cost,
        recommended.memory_cost,
        recommended.parallelism,
    )
