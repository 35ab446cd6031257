"""Conflicts of interest between judges and applications, found from plain facts.

A judge has a conflict with an application, for each reason that applies (`ConflictReason`):

- DECLARED: the judge said so.
- SAME_ORGANISATION: the judge's organisation is the startup's name or the startup's
  organisation. Compared ignoring case and every space ("Smart City" is "smartcity"), because
  people type company names in many ways and a missed conflict costs more than a false alarm,
  which an organiser can dismiss.
- SAME_EMAIL_DOMAIN: the judge's email address is at the same domain as a team member's, unless
  that domain is a public mail service (`PUBLIC_EMAIL_DOMAINS`), where sharing says nothing.
- MENTORS_STARTUP: the judge is a published mentor of the startup; a mentor never judges it.
- MUNICIPALITY_STAFF: the judge works for a municipality whose problem the application addresses.

The result is data for the assignment (`conflicted_pairs` gives the pairs it must avoid) and, with
each conflict's `Message`, for the organiser's list of conflicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from core.rules import N_
from judging.enums import ConflictReason
from judging.rules.rubrics import Message

# Domains anyone can get an address at: two people sharing one are not colleagues.
PUBLIC_EMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mac.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "yandex.com",
        "yandex.ru",
        "zoho.com",
    }
)


@dataclass(frozen=True, slots=True)
class JudgeFacts:
    """What is known about a judge that could make them partial."""

    judge_id: int
    name: str
    email: str = ""
    organisation: str = ""
    # Municipalities the judge works for.
    municipality_ids: frozenset[int] = frozenset()
    # Startups the judge is a published mentor of.
    mentored_startup_ids: frozenset[int] = frozenset()
    # Applications the judge declared a conflict with.
    declared_application_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """What is known about an application's people and purpose."""

    application_id: int
    startup_id: int
    startup_name: str
    member_emails: tuple[str, ...] = ()
    # Municipalities whose problem the application addresses.
    municipality_ids: frozenset[int] = frozenset()
    # The startup's legal or parent organisation, when it differs from its name.
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """One reason why `judge_id` may not score `application_id`."""

    judge_id: int
    application_id: int
    reason: ConflictReason
    message: Message


def organisation_key(name: str) -> str:
    """An organisation's name as compared: case and spaces ignored; "" for no organisation."""
    return "".join(name.split()).casefold()


def email_domain(email: str) -> str:
    """The domain of an address in lower case, "" when there is none to speak of."""
    _, at, domain = email.strip().rpartition("@")
    return domain.strip().rstrip(".").casefold() if at else ""


def detect_conflicts(
    judges: Sequence[JudgeFacts],
    applications: Sequence[ApplicationFacts],
    *,
    public_email_domains: Collection[str] = PUBLIC_EMAIL_DOMAINS,
) -> tuple[Conflict, ...]:
    """Every conflict between the judges and the applications, with its reason.

    A pair with several reasons has one `Conflict` per reason. Ordered by judge id, application
    id, then reason in the order of `ConflictReason`, whatever the order of the input.

    Raises:
        ValueError: when two judges or two applications share an id.
    """
    if len({judge.judge_id for judge in judges}) != len(judges):
        raise ValueError("judge ids must be unique")
    if len({application.application_id for application in applications}) != len(applications):
        raise ValueError("application ids must be unique")
    public = {domain.casefold() for domain in public_email_domains}
    index = _Index.of(applications, public)
    order = {reason: position for position, reason in enumerate(ConflictReason)}
    found: list[tuple[int, int, int, Conflict]] = []
    for judge in judges:
        for reason, application_ids, template, params in _judge_reasons(judge, index, public):
            for application_id in application_ids:
                application = index.by_id.get(application_id)
                if application is None:
                    continue  # a declaration about an application outside this round
                message = Message(template, {"judge": judge.name, "startup": application.startup_name, **params})
                conflict = Conflict(judge.judge_id, application_id, reason, message)
                found.append((judge.judge_id, application_id, order[reason], conflict))
    found.sort(key=lambda entry: entry[:3])
    return tuple(entry[3] for entry in found)


@dataclass(frozen=True, slots=True)
class _Index:
    """Each application fact indexed by the value a judge is compared on.

    So the work grows with the number of conflicts found rather than with judges x applications.
    """

    by_id: Mapping[int, ApplicationFacts]
    by_organisation: Mapping[str, set[int]]
    by_domain: Mapping[str, set[int]]
    by_startup: Mapping[int, set[int]]
    by_municipality: Mapping[int, set[int]]

    @classmethod
    def of(cls, applications: Sequence[ApplicationFacts], public: Collection[str]) -> _Index:
        by_organisation: dict[str, set[int]] = defaultdict(set)
        by_domain: dict[str, set[int]] = defaultdict(set)
        by_startup: dict[int, set[int]] = defaultdict(set)
        by_municipality: dict[int, set[int]] = defaultdict(set)
        for application in applications:
            for name in (application.startup_name, application.organisation):
                if key := organisation_key(name):
                    by_organisation[key].add(application.application_id)
            for email in application.member_emails:
                if (domain := email_domain(email)) and domain not in public:
                    by_domain[domain].add(application.application_id)
            by_startup[application.startup_id].add(application.application_id)
            for municipality_id in application.municipality_ids:
                by_municipality[municipality_id].add(application.application_id)
        return cls(
            by_id={application.application_id: application for application in applications},
            by_organisation=by_organisation,
            by_domain=by_domain,
            by_startup=by_startup,
            by_municipality=by_municipality,
        )


def _judge_reasons(
    judge: JudgeFacts, index: _Index, public: Collection[str]
) -> Iterator[tuple[ConflictReason, Iterable[int], str, dict[str, object]]]:
    """Per reason, the applications the judge may be in conflict with, the message and its values."""
    yield (
        ConflictReason.DECLARED,
        judge.declared_application_ids,
        N_("%(judge)s declared a conflict of interest with %(startup)s."),
        {},
    )
    if key := organisation_key(judge.organisation):
        yield (
            ConflictReason.SAME_ORGANISATION,
            index.by_organisation.get(key, ()),
            N_("%(judge)s works for %(organisation)s, the organisation of %(startup)s."),
            {"organisation": " ".join(judge.organisation.split())},
        )
    if (domain := email_domain(judge.email)) and domain not in public:
        yield (
            ConflictReason.SAME_EMAIL_DOMAIN,
            index.by_domain.get(domain, ()),
            N_("%(judge)s and a member of the team of %(startup)s have email addresses at %(domain)s."),
            {"domain": domain},
        )
    yield (
        ConflictReason.MENTORS_STARTUP,
        sorted({a for startup_id in judge.mentored_startup_ids for a in index.by_startup.get(startup_id, ())}),
        N_("%(judge)s mentors %(startup)s."),
        {},
    )
    yield (
        ConflictReason.MUNICIPALITY_STAFF,
        sorted({a for m in judge.municipality_ids for a in index.by_municipality.get(m, ())}),
        N_("%(judge)s works for a municipality whose problem %(startup)s addresses."),
        {},
    )


def conflicted_pairs(conflicts: Iterable[Conflict]) -> frozenset[tuple[int, int]]:
    """The (judge id, application id) pairs with at least one conflict: what assignment avoids."""
    return frozenset((conflict.judge_id, conflict.application_id) for conflict in conflicts)
