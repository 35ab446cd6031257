"""Every JSON body refuses fields it does not know, and says which."""

from __future__ import annotations

import typing

import msgspec
from litestar import Litestar
from litestar.enums import RequestEncodingType

from core.enums import Role
from core.schemas import JsonInput
from tests.factories import make_edition_taking_applications


def _structs_within(annotation: typing.Any) -> set[type[msgspec.Struct]]:
    """The Struct types a body annotation reads, nested ones included."""
    found: set[type[msgspec.Struct]] = set()
    pending = [annotation]
    while pending:
        current = pending.pop()
        if isinstance(current, type) and issubclass(current, msgspec.Struct):
            if current in found:
                continue
            found.add(current)
            pending.extend(typing.get_type_hints(current).values())
        else:
            pending.extend(typing.get_args(current))
    return found


def _json_bodies(app: Litestar) -> dict[str, set[type[msgspec.Struct]]]:
    bodies: dict[str, set[type[msgspec.Struct]]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            media_type = data.kwarg_definition.media_type if data is not None and data.kwarg_definition else None
            if data is not None and media_type in (None, RequestEncodingType.JSON):
                key = f"{'/'.join(sorted(handler.http_methods))} {route.path}"
                bodies[key] = _structs_within(data.annotation)
    return bodies


def test_every_json_body_forbids_unknown_fields(app: Litestar) -> None:
    bodies = _json_bodies(app)
    lax = {
        route: sorted(s.__name__ for s in structs if not s.__struct_config__.forbid_unknown_fields)
        for route, structs in bodies.items()
    }

    assert len(bodies) >= 15  # the walk found the API's bodies (a broken walk would pass vacuously)
    assert all(structs for structs in bodies.values()), "a JSON body that is not a Struct escapes the check"
    assert {route: names for route, names in lax.items() if names} == {}
    assert all(issubclass(s, JsonInput) for structs in bodies.values() for s in structs)


async def test_an_application_update_with_a_misspelt_field_is_refused_naming_it(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder = await logged_in(None)
    await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": "AgroSense", "country": "Serbia", "city": "Niš"}
    )
    created = await founder.post_json(
        "/api/v1/startup/applications", {"edition_id": edition["id"], "track": "smart_rural"}
    )

    response = await founder.http.put(
        f"/api/v1/startup/applications/{created.json()['id']}",
        json={"solution": "Sensors.", "problem_ids": [1]},
        headers={"x-csrftoken": await founder.csrf_token()},
    )

    assert response.status_code == 422
    assert response.json() == {
        "status_code": 422,
        "detail": "The request is not valid.",
        "errors": {"problem_ids": "This field is not part of this request; remove it."},
    }


async def test_an_edition_with_an_unknown_field_is_refused_naming_it(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_json(
        "/api/v1/editions", {"name": "2027", "year": 2027, "slug": "2027", "tracks": ["smart_city"], "colour": "red"}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"colour": "This field is not part of this request; remove it."}
