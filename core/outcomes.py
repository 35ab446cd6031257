"""What an organiser's button press ends with: a counted message, then back to the page.

Many handlers end the same way ("%(count)s pairs published", "the round is open with %(count)s
applications"): the message is chosen by `ngettext` at the call site, so the catalogue keeps
seeing both forms, and this fills in the count, queues it and redirects.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect

from core.sessions import flash


def counted(
    request: Request[Any, Any, Any],
    message: str,
    count: int,
    to: str,
    *,
    name: str = "count",
    category: str = "success",
) -> Redirect:
    """Flash `message` with its `%(name)s` filled in by `count`, and redirect to `to`."""
    flash(request.session, message % {name: count}, category)
    return Redirect(to)
