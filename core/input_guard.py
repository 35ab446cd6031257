"""Input no database column can hold, refused before any handler sees it.

PostgreSQL cannot store a NUL character in text and its ids are 32-bit; SQLite takes both. So a
NUL pasted into a form, or an id of 99999999999, would be a 500 on one engine and pass on the
other. Here both are refused the same way on every engine: beside the field (422) for text and
JSON numbers, and as "not found" for a number too large to be any row's id.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import NotFoundException

from core.errors import DomainError, ValidationFailed
from core.rules import N_
from core.web import handle_not_found, handle_server_error

NUL_IN_TEXT = N_("Remove the invisible NUL character from this text.")
NUMBER_TOO_LARGE = N_("This number is too large.")
# Every id and count is a 32-bit integer in the database.
MAX_NUMBER = 2**31 - 1


class UnreadableBody(DomainError):
    """A JSON body that is not UTF-8, or nested deeper than any request of ours."""


def json_problems(document: Any) -> dict[str, str]:
    """Each NUL-bearing string and out-of-range whole number, by its path as Litestar names it
    (`answers.3`, `sdgs[1]`); iterative, so a deeply nested document cannot exhaust the stack."""
    problems: dict[str, str] = {}
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    problems[path or "body"] = NUL_IN_TEXT
                pending.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            problems[path or "body"] = NUL_IN_TEXT
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            problems[path or "body"] = NUMBER_TOO_LARGE
    return problems


async def refuse_unstorable_query(request: Request[Any, Any, Any]) -> None:
    """Before every handler: NUL characters in the query string become field errors. Bodies are
    checked where they are read (`core.request_bodies`), and only by routes that take one."""
    if problems := {name: NUL_IN_TEXT for name, value in request.query_params.multi_items() if "\x00" in name + value}:
        raise ValidationFailed(problems)


def _is_query_argument_overflow(exc: Exception) -> bool:
    if isinstance(exc, asyncpg.DataError):  # "invalid input for query argument $1: ... (out of int32 range)"
        return isinstance(exc.__cause__, OverflowError)
    return isinstance(exc, OverflowError) and "SQLite INTEGER" in str(exc)


def handle_number_out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A whole number too large for an id column (PostgreSQL: 32 bits, SQLite: 64) names no row.

    Path, query and form values reach the query as numbers. Any other overflow (a date beyond
    the calendar, say) or data error is a bug, and stays a logged 500."""
    if _is_query_argument_overflow(exc):
        return handle_not_found(request, NotFoundException())
    return handle_server_error(request, exc)


INPUT_EXCEPTION_HANDLERS: dict[Any, Any] = {
    OverflowError: handle_number_out_of_range,
    asyncpg.DataError: handle_number_out_of_range,
}
