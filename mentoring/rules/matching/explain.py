"""Why an application is left with fewer mentors than it wanted.

The rules are walked one at a time, in the order `_Instance.fits` applies them through
indexes, and the first that stands between the application and another mentor is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.rules import N_
from mentoring.rules.matching.fit import (
    _ApplicationView,
    _conflict_message,
    _has_expertise,
    _Instance,
    _MentorView,
    _shares_language,
)
from mentoring.rules.matching.model import Unmatched, UnmatchedReason, _names


def _why_unmatched(
    instance: _Instance,
    application: _ApplicationView,
    missing: int,
    loads: Mapping[int, int],
    paired: set[int],
) -> Unmatched:
    """Name the first thing that stands between the application and another mentor."""
    app = application.application
    base = {"startup": app.startup_name, "missing": missing, "wanted": app.mentors_wanted}

    def unmatched(
        reason: UnmatchedReason, message: str, mentors: Sequence[_MentorView] = (), **params: object
    ) -> Unmatched:
        if mentors:
            params["mentors"] = _names(view.mentor.name for view in mentors)
        return Unmatched(app.id, missing, reason, message, base | params, tuple(view.mentor.id for view in mentors))

    everyone = list(instance.mentors.values())
    if not everyone:
        return unmatched(UnmatchedReason.NO_MENTORS, N_("There are no mentors yet."))
    if not application.languages:
        return unmatched(
            UnmatchedReason.NO_LANGUAGE_GIVEN, N_("%(startup)s has not said which languages the team speaks.")
        )
    languages = ", ".join(application.languages.values())
    speakers = [view for view in everyone if _shares_language(view, application)]
    if not speakers:
        return unmatched(UnmatchedReason.NO_SHARED_LANGUAGE, N_("No mentor speaks %(languages)s."), languages=languages)
    skilled = [view for view in speakers if _has_expertise(view, application, instance.weights)]
    if not skilled:
        return unmatched(
            UnmatchedReason.NO_EXPERTISE,
            N_("No mentor who speaks %(languages)s offers %(tags)s."),
            languages=languages,
            tags=", ".join(application.requested.values()),
        )
    free = [view for view in skilled if _conflict_message(view, application) is None]
    if not free:
        return unmatched(
            UnmatchedReason.ALL_CONFLICTED,
            N_("Every mentor who could help has a conflict with %(startup)s: %(mentors)s."),
            skilled,
        )
    present = [view for view in free if not view.away]
    if not present:
        return unmatched(
            UnmatchedReason.ALL_AWAY, N_("Every mentor who could help is away for the whole period: %(mentors)s."), free
        )
    others = [view for view in present if view.mentor.id not in paired]
    if not others:
        return unmatched(
            UnmatchedReason.TOO_FEW_MENTORS,
            N_("Every mentor who could help %(startup)s already does: %(mentors)s."),
            present,
        )
    open_ = [view for view in others if loads.get(view.mentor.id, 0) < view.mentor.capacity]
    if not open_:
        return unmatched(
            UnmatchedReason.ALL_FULL, N_("Every mentor who could help is fully booked: %(mentors)s."), others
        )
    # The plan serves as many as it can, so a mentor with room left is held back by the rule
    # of one mentor per organisation.
    return unmatched(
        UnmatchedReason.SAME_ORGANISATION,
        N_("The mentors still free are from organisations already mentoring %(startup)s: %(mentors)s."),
        open_,
    )


def still_short(unmatched: Iterable[Mapping[str, Any]], paired: Mapping[int, int]) -> list[Mapping[str, Any]]:
    """The last run's "left without a mentor" entries (as stored: `application_id`, `params` with
    `wanted`) that the pairs as they stand now, `paired` per application, have not filled: a
    startup paired by hand since the run is no longer listed as short."""
    return [
        entry
        for entry in unmatched
        if paired.get(int(entry["application_id"]), 0) < int(entry.get("params", {}).get("wanted", 1))
    ]
