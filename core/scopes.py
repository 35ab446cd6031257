"""One guard per kind of scope: who may enter an edition's, a hackathon's or a round's pages.

A domain declares its scope once, next to the service that loads the object:

    edition_scope = Scope("edition", load=lambda params: load_edition(int(params["edition_id"])))

and a controller puts it on the routes it covers:

    class EditionPages(Controller):
        path = "/organiser/editions/{edition_id:int}"
        guards = [edition_scope.guard]
        dependencies = edition_scope.dependencies()

        @get("/")
        async def show(self, edition: Scoped[EditionRow]) -> Template: ...

The guard checks the role before anything is loaded (a visitor without the role learns
nothing, not even whether the object exists), then loads the object once per request; the
handler receives it as a parameter named after the scope, and a form's context factory reads
the same object with `scope.of(request)`. Services keep their own checks as well
(`require_organiser`): a service called from a job or the API is guarded too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeAlias, TypeVar

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Dependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.auth import CurrentUser
from core.enums import Role
from core.errors import PermissionDenied
from core.permissions import current_user, login_required
from core.rules import N_

T = TypeVar("T")

ANOTHER_ROLE = N_("This page is for another role.")

Scoped: TypeAlias = Annotated[T, Dependency(kind="named")]
"""A handler parameter filled by a scope's dependency (`edition: Scoped[EditionRow]`): named, not
inferred, as Litestar 3 requires; the same marker as `litestar.di.NamedDependency`."""


def require_organiser(user: CurrentUser, message: str = N_("Only organisers may do this.")) -> None:
    """The one organiser check services make, whoever calls them (a page, the API, a job)."""
    if not user.is_organiser:
        raise PermissionDenied(message)


def _organisers_only(user: CurrentUser, _: object) -> bool:
    return user.is_organiser


@dataclass(frozen=True)
class Scope(Generic[T]):
    """A kind of scope: its name, how its object is loaded from the path, and who may enter.

    Attributes:
        name: The handler parameter that receives the object ("edition", "hackathon", "round").
        load: Loads the object from the route's path parameters; raises `NotFound` when it is
            missing or does not belong to the enclosing scope (a hackathon of another edition).
        roles: Who may enter at all; checked before the object is loaded.
        allow: Whether this user may enter this object (e.g. a judge only the rounds of the
            editions they judge); organisers-only by default.
    """

    name: str
    load: Callable[[Mapping[str, Any]], Awaitable[T]]
    roles: tuple[Role, ...] = (Role.ORGANISER,)
    allow: Callable[[CurrentUser, T], bool] = _organisers_only

    @property
    def _key(self) -> str:
        return f"scope_{self.name}"

    async def guard(self, connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        login_required(connection, handler)
        user = current_user(connection)
        if user is None or not (user.roles & set(self.roles)):
            raise PermissionDeniedException(ANOTHER_ROLE)
        if self._key in connection.state:
            # A form's guards run once before its body is read (core.request_bodies) and again
            # before the handler: the object was loaded and allowed the first time.
            return
        loaded = await self.load(connection.path_params)
        if not self.allow(user, loaded):
            raise PermissionDeniedException(ANOTHER_ROLE)
        connection.state[self._key] = loaded

    def of(self, connection: ASGIConnection[Any, Any, Any, Any]) -> T:
        """The object this request's guard loaded (for form context factories and the like)."""
        try:
            loaded: T = connection.state[self._key]
        except KeyError as exc:
            raise RuntimeError(f"the {self.name} scope's guard is not on this route") from exc
        return loaded

    def dependencies(self) -> dict[str, Provide]:
        """The handler parameter named after the scope, filled with the guard's object."""

        def provide(request: Request[Any, Any, Any]) -> T:
            return self.of(request)

        return {self.name: Provide(provide, sync_to_thread=False)}
