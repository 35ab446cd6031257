"""Every API struct of the kernel: the base of every request body, and what core's endpoints answer."""

from __future__ import annotations

import msgspec


class JsonInput(msgspec.Struct, forbid_unknown_fields=True):
    """The base of every JSON request body (and of the objects nested in one).

    A field the API does not know is refused with a 422 naming it, never dropped in silence:
    a typo such as `problem_ids` for `problems` would otherwise save an application with its
    problems cleared. tests/integration/core/test_json_input.py holds every body to this base.
    """


class GrantOut(msgspec.Struct):
    """A role the signed-in user holds, and where (`GET /api/v1/me`)."""

    role: str
    edition_id: int | None
    organisation_id: int | None


class MeOut(msgspec.Struct):
    """The signed-in user (`GET /api/v1/me`)."""

    id: int
    email: str
    name: str
    locale: str
    is_verified: bool
    grants: list[GrantOut]


class FileOut(msgspec.Struct):
    """An uploaded file, as `POST /api/v1/files` and `GET /api/v1/files/{id}` describe it."""

    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class ApiError(msgspec.Struct):
    """The body of every error answer of the JSON API."""

    status_code: int
    detail: str
    # Field by field, what is wrong (422): `name`, `rooms[1].name`, `form`...
    errors: dict[str, str] = msgspec.field(default_factory=dict)
