"""Guards decide from the connection alone: who is signed in, with which roles, for whom."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from core.auth import CurrentUser, Grant
from core.enums import Role
from core.permissions import login_required, requires_membership, requires_role, verified_required

STAFF_OF_7 = CurrentUser(
    id=1,
    email="jelena@ivanjica.rs",
    name="Jelena",
    locale="sr_Latn",
    is_verified=True,
    grants=(Grant(Role.MUNICIPALITY, edition_id=3, organisation_id=7),),
)
ORGANISER = CurrentUser(
    id=2,
    email="ana@example.org",
    name="Ana",
    locale="en",
    is_verified=True,
    grants=(Grant(Role.ORGANISER, None, None),),
)
UNVERIFIED = CurrentUser(id=3, email="new@example.org", name="New", locale="en", is_verified=False)


def connection(user: CurrentUser | None, **path_params: Any) -> ASGIConnection:
    scope = {"type": "http", "user": user, "path_params": path_params, "headers": [], "state": {}}
    return ASGIConnection(scope=scope)  # type: ignore[arg-type]


def test_login_required_refuses_anonymous() -> None:
    with pytest.raises(NotAuthorizedException):
        login_required(connection(None), None)  # type: ignore[arg-type]


def test_verified_required_refuses_unconfirmed_addresses() -> None:
    with pytest.raises(PermissionDeniedException, match="confirm your email address"):
        verified_required(connection(UNVERIFIED), None)  # type: ignore[arg-type]


def test_requires_role_accepts_any_listed_role() -> None:
    guard = requires_role(Role.JUDGE, Role.MUNICIPALITY)

    guard(connection(STAFF_OF_7), None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedException):
        requires_role(Role.JUDGE)(connection(STAFF_OF_7), None)  # type: ignore[arg-type]


def test_requires_membership_checks_the_organisation_in_the_path() -> None:
    guard = requires_membership(Role.MUNICIPALITY, path_param="municipality_id")

    guard(connection(STAFF_OF_7, municipality_id=7), None)  # type: ignore[arg-type]
    guard(connection(ORGANISER, municipality_id=8), None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedException, match="You do not act for this organisation"):
        guard(connection(STAFF_OF_7, municipality_id=8), None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedException):
        guard(connection(STAFF_OF_7, municipality_id="not-a-number"), None)  # type: ignore[arg-type]
    with pytest.raises(NotAuthorizedException):
        guard(connection(None, municipality_id=7), None)  # type: ignore[arg-type]
