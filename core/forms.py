"""Reading what people submit in HTML form posts."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


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
