"""core.scopes through a real app: who may enter a scope, and the object its guard loads once.

The routes below are registered on a fresh app (the real middleware: sessions, sign-in, CSRF,
error pages), so each check runs the way a domain's pages run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Controller, Litestar, Request, get, post

from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, ValidationFailed
from core.scopes import Scope, Scoped
from tests.web import WebClient

MISSING = 404


@dataclass(frozen=True)
class Thing:
    id: int
    name: str


# Every call of the loader, in order: the guard must not call it for a visitor it turns away.
loads: list[int] = []
# What the form's context factory read through `scope.of(request)`.
seen_by_form: list[Thing] = []


async def load_thing(params: Mapping[str, Any]) -> Thing:
    thing_id = int(params["thing_id"])
    loads.append(thing_id)
    if thing_id == MISSING:
        raise NotFound("There is no such thing.")
    return Thing(id=thing_id, name=f"thing {thing_id}")


thing_scope: Scope[Thing] = Scope("thing", load=load_thing)
# Judges may enter only the even things: `allow` decides once the object is loaded.
judged_scope: Scope[Thing] = Scope(
    "thing", load=load_thing, roles=(Role.JUDGE,), allow=lambda user, thing: thing.id % 2 == 0
)


async def _form_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    thing = thing_scope.of(request)
    seen_by_form.append(thing)
    return {"message": f"Edit {thing.name}", "status_code": 422, "back": ""}


class ThingPages(Controller):
    path = "/test-scopes/{thing_id:int}"
    guards = [thing_scope.guard]
    dependencies = thing_scope.dependencies()

    @get("/")
    async def show(self, request: Request[Any, Any, Any], thing: Scoped[Thing]) -> dict[str, Any]:
        return {"id": thing.id, "name": thing.name, "same_object": thing_scope.of(request) is thing}

    @post("/", opt={"form": "errors/generic.html", "form_context": _form_context})
    async def save(self, thing: Scoped[Thing]) -> None:
        raise ValidationFailed({"name": "Too short."}, "Please correct the form.")


class ThingApi(Controller):
    path = "/api/v1/test-scopes/{thing_id:int}"
    guards = [thing_scope.guard]
    dependencies = thing_scope.dependencies()

    @get("/")
    async def show(self, thing: Scoped[Thing]) -> dict[str, Any]:
        return {"id": thing.id}


class JudgedPages(Controller):
    path = "/test-scopes/judged/{thing_id:int}"
    guards = [judged_scope.guard]
    dependencies = judged_scope.dependencies()

    @get("/")
    async def show(self, thing: Scoped[Thing], request: Request[Any, Any, Any]) -> dict[str, Any]:
        user: CurrentUser = request.user
        return {"id": thing.id, "judge": user.id}


@pytest.fixture(scope="module")
def app(database: None) -> Litestar:
    """The real app, with the routes of this module added."""
    from core.app import create_app

    built = create_app(run_scheduler=False)
    for controller in (ThingPages, ThingApi, JudgedPages):
        built.register(controller)
    return built


@pytest.fixture(autouse=True)
def _forget_loads() -> None:
    loads.clear()
    seen_by_form.clear()


async def test_anonymous_page_visitors_are_sent_to_sign_in_before_anything_loads(client: WebClient) -> None:
    response = await client.get("/test-scopes/7")

    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/test-scopes/7"
    assert loads == []


async def test_anonymous_api_calls_get_401_before_anything_loads(client: WebClient) -> None:
    response = await client.get("/api/v1/test-scopes/7")

    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Sign in first."}
    assert loads == []


@pytest.mark.parametrize("role", [None, Role.JUDGE, Role.MENTOR, Role.MUNICIPALITY, Role.STARTUP])
async def test_another_role_gets_403_and_the_loader_never_runs(logged_in, role: Role | None) -> None:
    client: WebClient = await logged_in(role)

    page = await client.get("/test-scopes/7")
    api = await client.get("/api/v1/test-scopes/7")

    assert (page.status_code, api.status_code) == (403, 403)
    assert loads == []


async def test_another_role_learns_nothing_about_a_missing_object(logged_in) -> None:
    client: WebClient = await logged_in(Role.JUDGE)

    response = await client.get(f"/test-scopes/{MISSING}")

    assert response.status_code == 403
    assert loads == []


async def test_a_missing_object_is_404(logged_in) -> None:
    client: WebClient = await logged_in(Role.ORGANISER)

    page = await client.get(f"/test-scopes/{MISSING}")
    api = await client.get(f"/api/v1/test-scopes/{MISSING}")

    assert (page.status_code, api.status_code) == (404, 404)
    assert "There is no such thing." in page.text
    assert api.json()["detail"] == "There is no such thing."


async def test_the_handler_receives_the_object_loaded_once(logged_in) -> None:
    client: WebClient = await logged_in(Role.ORGANISER)

    response = await client.get("/test-scopes/7")

    assert response.status_code == 200
    assert response.json() == {"id": 7, "name": "thing 7", "same_object": True}
    assert loads == [7]


async def test_each_request_loads_its_own_object(logged_in) -> None:
    client: WebClient = await logged_in(Role.ORGANISER)

    first = await client.get("/test-scopes/7")
    second = await client.get("/api/v1/test-scopes/8")

    assert (first.json()["id"], second.json()) == (7, {"id": 8})
    assert loads == [7, 8]


async def test_a_form_context_factory_reads_the_scope_object(logged_in) -> None:
    client: WebClient = await logged_in(Role.ORGANISER)

    response = await client.post_form("/test-scopes/7", {"name": "x"})

    assert response.status_code == 422
    assert "Edit thing 7" in response.text
    assert seen_by_form == [Thing(id=7, name="thing 7")]
    assert loads == [7]


async def test_allow_decides_once_the_object_is_loaded(logged_in) -> None:
    client: WebClient = await logged_in(Role.JUDGE)

    allowed = await client.get("/test-scopes/judged/8")
    refused = await client.get("/test-scopes/judged/7")

    assert (allowed.status_code, refused.status_code) == (200, 403)
    assert allowed.json() == {"id": 8, "judge": client.user["id"]}  # type: ignore[attr-defined]
    assert loads == [8, 7]


async def test_organisers_do_not_pass_a_scope_for_other_roles(logged_in) -> None:
    client: WebClient = await logged_in(Role.ORGANISER)

    response = await client.get("/test-scopes/judged/8")

    assert response.status_code == 403
    assert loads == []
