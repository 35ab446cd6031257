"""Rows for tests, built directly: fast, explicit, and independent of the services under test."""

from __future__ import annotations

import itertools
from typing import Any

from challenge.enums import SettlementKind
from challenge.tables import Edition, Municipality, Startup
from core.auth import hash_password
from core.enums import Role
from core.tables import Membership, User

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)
_sequence = itertools.count(1)


async def make_user(
    *,
    email: str | None = None,
    name: str = "Test Person",
    verified: bool = True,
    role: Role | None = None,
    edition_id: int | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    n = next(_sequence)
    email = email or f"person{n}@example.org"
    user = (
        await User.insert(User(email=email, name=name, password_hash=_HASH, is_verified=verified)).returning(
            *User.all_columns()
        )
    )[0]
    if role is not None:
        await Membership.insert(
            Membership(user=user["id"], role=role, edition_id=edition_id, organisation_id=organisation_id)
        )
    return user


async def make_edition(*, slug: str | None = None, year: int = 2026, name: str = "Test Challenge") -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Edition.insert(Edition(name=name, year=year, slug=slug or f"edition-{n}")).returning(
            *Edition.all_columns()
        )
    )[0]


async def make_municipality(*, name: str | None = None, kind: SettlementKind = SettlementKind.RURAL) -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Municipality.insert(
            Municipality(name=name or f"Selo {n}", region="Zlatibor", population=4_200, kind=kind)
        ).returning(*Municipality.all_columns())
    )[0]


async def make_startup(*, name: str | None = None) -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Startup.insert(Startup(name=name or f"Startup {n}", country="Serbia", city="Niš")).returning(
            *Startup.all_columns()
        )
    )[0]
