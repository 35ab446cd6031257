"""Every rule a set of pairs breaks: the organiser's check of locks and of pairs made by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from core.rules import N_
from mentoring.rules.matching.fit import _ApplicationView, _conflict_message, _Instance, _MentorView, _shares_language
from mentoring.rules.matching.model import Application, Mentor, PairRef, PairWarning, Period, WarningKind, Weights


def check_pairs(
    mentors: Sequence[Mentor],
    applications: Sequence[Application],
    pairs: Sequence[PairRef],
    *,
    period: Period | None = None,
) -> tuple[PairWarning, ...]:
    """Every rule a hand-made set of pairs breaks: the organiser's check before saving.

    Warns about unknown ids, a pair given twice, a conflict, no shared language, a mentor away
    for the whole `period`, a mentor over capacity, two mentors of one organisation on a
    startup, and a startup with more mentors than it asked for. Missing expertise is a matter
    of fit, not a rule, and is not warned about.
    """
    if len({m.id for m in mentors}) != len(mentors) or len({a.id for a in applications}) != len(applications):
        raise ValueError("mentor and application ids must be unique")
    # Only those the pairs name are prepared: an edition's 300 mentors cost more than the rules on a few pairs.
    mentor_ids = {pair.mentor_id for pair in pairs}
    application_ids = {pair.application_id for pair in pairs}
    # The reference date only matters for availability, which no rule here looks at.
    instance = _Instance(
        [m for m in mentors if m.id in mentor_ids],
        [a for a in applications if a.id in application_ids],
        reference_date=date(2001, 1, 1),
        period=period,
        weights=Weights(),
    )
    return _check(instance, pairs)


def _check(instance: _Instance, pairs: Sequence[PairRef]) -> tuple[PairWarning, ...]:
    warnings: list[PairWarning] = []
    seen: set[tuple[int, int]] = set()
    by_mentor: dict[int, list[int]] = defaultdict(list)
    by_application: dict[int, list[int]] = defaultdict(list)
    for pair in sorted(pairs, key=lambda pair: (pair.application_id, pair.mentor_id)):
        mentor = instance.mentors.get(pair.mentor_id)
        application = instance.applications.get(pair.application_id)
        warnings += _unknown_warnings(pair, mentor, application)
        if mentor is None or application is None:
            continue
        key = (pair.mentor_id, pair.application_id)
        if key in seen:
            warnings.append(
                _pair_warning(
                    WarningKind.DUPLICATE, mentor, application, N_("%(mentor)s is paired with %(startup)s twice.")
                )
            )
            continue
        seen.add(key)
        by_mentor[pair.mentor_id].append(pair.application_id)
        by_application[pair.application_id].append(pair.mentor_id)
        warnings += _rule_warnings(mentor, application)
    warnings += _capacity_warnings(instance, by_mentor)
    for application_id, mentor_ids in sorted(by_application.items()):
        warnings += _mentor_count_warnings(instance, application_id, mentor_ids)
    return tuple(warnings)


def _unknown_warnings(
    pair: PairRef, mentor: _MentorView | None, application: _ApplicationView | None
) -> list[PairWarning]:
    """A pair naming a mentor or an application that does not exist."""
    warnings = []
    if mentor is None:
        warnings.append(
            PairWarning(
                WarningKind.UNKNOWN_MENTOR,
                pair.mentor_id,
                pair.application_id,
                N_("There is no mentor %(mentor_id)s."),
                {"mentor_id": pair.mentor_id},
            )
        )
    if application is None:
        warnings.append(
            PairWarning(
                WarningKind.UNKNOWN_APPLICATION,
                pair.mentor_id,
                pair.application_id,
                N_("There is no application %(application_id)s."),
                {"application_id": pair.application_id},
            )
        )
    return warnings


def _rule_warnings(mentor: _MentorView, application: _ApplicationView) -> list[PairWarning]:
    """The hard rules one pair breaks: a conflict, no shared language, a mentor away throughout."""
    warnings = []
    conflict = _conflict_message(mentor, application)
    if conflict is not None:
        warnings.append(_pair_warning(WarningKind.CONFLICT, mentor, application, conflict))
    if not _shares_language(mentor, application):
        spoken = ", ".join(mentor.mentor.languages) or "—"
        said = (
            N_("%(mentor)s speaks %(mentor_languages)s; the team of %(startup)s speaks %(startup_languages)s.")
            if application.languages
            else N_("%(mentor)s speaks %(mentor_languages)s; %(startup)s has not said which languages the team speaks.")
        )
        params = {"startup_languages": ", ".join(application.languages.values())} if application.languages else {}
        warnings.append(
            _pair_warning(WarningKind.NO_SHARED_LANGUAGE, mentor, application, said, mentor_languages=spoken, **params)
        )
    if mentor.away:
        warnings.append(
            _pair_warning(
                WarningKind.AWAY, mentor, application, N_("%(mentor)s is away for the whole mentoring period.")
            )
        )
    return warnings


def _capacity_warnings(instance: _Instance, by_mentor: Mapping[int, list[int]]) -> list[PairWarning]:
    """Mentors given more startups than they take."""
    warnings = []
    for mentor_id, application_ids in sorted(by_mentor.items()):
        mentor = instance.mentors[mentor_id].mentor
        if len(application_ids) > mentor.capacity:
            warnings.append(
                PairWarning(
                    WarningKind.OVER_CAPACITY,
                    mentor_id,
                    None,
                    N_("%(mentor)s has %(count)s startups but takes at most %(capacity)s."),
                    {"mentor": mentor.name, "count": len(application_ids), "capacity": mentor.capacity},
                )
            )
    return warnings


def _mentor_count_warnings(instance: _Instance, application_id: int, mentor_ids: list[int]) -> list[PairWarning]:
    """A startup with two mentors of one organisation, or with more mentors than it asked for."""
    warnings = []
    application = instance.applications[application_id].application
    by_group: dict[str, list[_MentorView]] = defaultdict(list)
    for mentor_id in mentor_ids:
        view = instance.mentors[mentor_id]
        if view.group is not None:
            by_group[view.group].append(view)
    for views in sorted(by_group.values(), key=lambda views: views[0].group or ""):
        if len(views) > 1:
            warnings.append(
                PairWarning(
                    WarningKind.SAME_ORGANISATION,
                    None,
                    application_id,
                    N_("%(startup)s has %(count)s mentors from %(organisation)s; one per organisation is the rule."),
                    {
                        "startup": application.startup_name,
                        "count": len(views),
                        "organisation": views[0].mentor.organisation.strip(),
                    },
                )
            )
    if len(mentor_ids) > application.mentors_wanted:
        warnings.append(
            PairWarning(
                WarningKind.TOO_MANY_MENTORS,
                None,
                application_id,
                N_("%(startup)s has %(count)s mentors but asked for %(wanted)s."),
                {
                    "startup": application.startup_name,
                    "count": len(mentor_ids),
                    "wanted": application.mentors_wanted,
                },
            )
        )
    return warnings


def _pair_warning(
    kind: WarningKind, mentor: _MentorView, application: _ApplicationView, message: str, **params: object
) -> PairWarning:
    names = {"mentor": mentor.mentor.name, "startup": application.application.startup_name}
    return PairWarning(kind, mentor.mentor.id, application.application.id, message, names | params)
