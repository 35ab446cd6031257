"""Why an application is left with fewer judges than the round asks for."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from core.rules import N_
from judging.enums import ShortfallReason
from judging.rules.assignment.model import ApplicationToJudge, Judge, Shortfall
from judging.rules.rubrics import Message

# Long lists of names in messages stop here; the structured ids keep them all.
_NAMES_SHOWN = 5


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + ", …" if len(names) > _NAMES_SHOWN else shown


def _why_short(
    application: ApplicationToJudge,
    missing: int,
    *,
    k: int,
    judges: Sequence[Judge],
    panel: Collection[int],
    conflicted: Collection[tuple[int, int]],
    loads: Mapping[int, int],
    limit: Mapping[int, int],
) -> Shortfall:
    """Name the first thing that stands between the application and another judge.

    The plan fills as many places as can be filled, so once there are enough judges without a
    conflict, each of them off the panel is either at their limit or from an organisation the
    panel already has: otherwise they could simply be added.
    """
    ordered = sorted(judges, key=lambda judge: judge.id)
    params = {"startup": application.startup_name, "assigned": len(panel), "needed": k, "missing": missing}

    def shortfall(reason: ShortfallReason, template: str, about: Sequence[Judge] = (), **extra: object) -> Shortfall:
        if about:
            extra["judges"] = _names(judge.name for judge in about)
        return Shortfall(
            application.id, missing, reason, Message(template, params | extra), tuple(judge.id for judge in about)
        )

    if len(judges) < k:
        return shortfall(
            ShortfallReason.TOO_FEW_JUDGES,
            N_("%(startup)s has %(assigned)s of the %(needed)s judges it needs: the round has only %(total)s judges."),
            total=len(judges),
        )
    off_panel = [judge for judge in ordered if judge.id not in panel]
    against = [judge for judge in off_panel if (judge.id, application.id) in conflicted]
    candidates = [judge for judge in off_panel if (judge.id, application.id) not in conflicted]
    if len(panel) + len(candidates) < k:
        return shortfall(
            ShortfallReason.CONFLICTS,
            N_(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: %(conflicted)s of the "
                "%(total)s judges have a conflict with it (%(judges)s)."
            ),
            against,
            conflicted=len(against),
            total=len(judges),
        )
    free = [judge for judge in candidates if loads.get(judge.id, 0) < limit[judge.id]]
    if not free:
        return shortfall(
            ShortfallReason.ALL_FULL,
            N_(
                "%(startup)s has %(assigned)s of the %(needed)s judges it needs: every other judge "
                "without a conflict has reached their limit (%(judges)s)."
            ),
            candidates,
        )
    return shortfall(
        ShortfallReason.SAME_ORGANISATION,
        N_(
            "%(startup)s has %(assigned)s of the %(needed)s judges it needs: the judges with room left "
            "are from organisations already on its panel (%(judges)s)."
        ),
        free,
    )
