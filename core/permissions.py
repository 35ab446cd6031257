"""Declarative guards: put `guards=[requires_role(Role.JUDGE)]` on a controller or route.

Anonymous visitors are sent to the login page (pages) or get 401 (API); signed-in users
without the right role get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.auth import CurrentUser
from core.enums import Role
from core.rules import N_

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user: CurrentUser | None = connection.scope.get("user")
    return user


def login_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_user(connection) is None:
        raise NotAuthorizedException(N_("Please sign in to continue."))


def verified_required(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    login_required(connection, handler)
    user = current_user(connection)
    if user is not None and not user.is_verified:
        raise PermissionDeniedException(N_("Please confirm your email address first; we sent you a link."))


def requires_role(*roles: Role) -> Guard:
    """Allow users holding any of `roles`."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        login_required(connection, handler)
        user = current_user(connection)
        if user is None or not (user.roles & set(roles)):
            raise PermissionDeniedException(N_("This page is for another role."))

    guard.__name__ = f"requires_role_{'_'.join(roles)}"
    return guard


def requires_membership(role: Role, *, path_param: str) -> Guard:
    """Allow users acting for the organisation named by `path_param` in `role` (organisers too).

    E.g. `requires_membership(Role.MUNICIPALITY, path_param="municipality_id")` lets only the
    staff of municipality 7 into `/municipalities/7/...`.
    """

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        login_required(connection, handler)
        user = current_user(connection)
        assert user is not None
        if user.is_organiser:
            return
        try:
            organisation_id = int(connection.path_params[path_param])
        except (KeyError, TypeError, ValueError) as exc:
            raise PermissionDeniedException(N_("You do not act for this organisation.")) from exc
        if organisation_id not in user.organisations(role):
            raise PermissionDeniedException(N_("You do not act for this organisation."))

    guard.__name__ = f"requires_membership_{role}_{path_param}"
    return guard
