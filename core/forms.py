"""Reading what people submit: HTML form posts, and the checks every submitted name passes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body

from core.errors import ValidationFailed
from core.rules.text import direction_control_errors

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def field(data: dict[str, Any], name: str) -> str:
    """One text value of a form; repeated keys keep the last, absent keys give ''."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never let `?next=` send someone to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _json_fields(document: Any) -> Iterator[tuple[str, Any]]:
    """Every value of a JSON document with its path as Litestar names it (`rooms[1].name`);
    iterative, so a deeply nested document cannot exhaust the stack."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        else:
            yield path, value


async def refuse_direction_controls(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Every name and title submitted in a URL-encoded form or a JSON body, before any handler:
    one with an invisible text-direction character becomes a field error (the form shown again).
    Multipart forms are checked as they stream (core.uploads.receive_form)."""
    if not isinstance(connection, Request) or connection.method in _SAFE_METHODS:
        return
    content_type = connection.content_type[0]
    if content_type == "application/x-www-form-urlencoded":
        fields: Any = (await connection.form()).multi_items()
    elif content_type == "application/json":
        try:
            fields = _json_fields(await connection.json())
        except Exception:  # an unreadable body is refused by the handler's own parsing
            return
    else:
        return
    if errors := direction_control_errors(fields):
        raise ValidationFailed(errors)
