"""Human names of the mentoring domain's stored values, for templates (`value|label`)."""

from core.i18n import register_labels
from core.rules import N_
from mentoring.enums import MatchStatus, RunStatus


def register() -> None:
    """Name mentoring's stored values; `core.app.register_domain_labels` calls this at start."""
    register_labels(
        {MatchStatus.PROPOSED: N_("proposed"), RunStatus.RUNNING: N_("running"), RunStatus.DONE: N_("done")}
    )
