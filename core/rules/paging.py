"""Pages of a list: the page a requested number stands for, whatever number is asked for."""

from __future__ import annotations

# Ids are 32-bit integers in the database: no list is longer than this.
MAX_ROWS = 2**31 - 1


def page_within(page: int, page_size: int) -> int:
    """At least the first page, and at most the first page past every possible row (empty).

    A page number from a URL has no bound of its own; multiplied into an OFFSET it could exceed
    the database's integers (PostgreSQL: "bigint out of range", a 500) where it should simply
    show an empty page.
    """
    return min(max(page, 1), MAX_ROWS // page_size + 2)
