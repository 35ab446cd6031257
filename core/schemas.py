"""What the JSON API reads: one base for every request body."""

from __future__ import annotations

import msgspec


class JsonInput(msgspec.Struct, forbid_unknown_fields=True):
    """The base of every JSON request body (and of the objects nested in one).

    A field the API does not know is refused with a 422 naming it, never dropped in silence:
    a typo such as `problem_ids` for `problems` would otherwise save an application with its
    problems cleared. tests/integration/core/test_json_input.py holds every body to this base.
    """
