"""Mentor matching on small random instances, against brute force."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.flow import load_cost
from mentoring.rules.matching import (
    Application,
    Mentor,
    PairRef,
    Weights,
    candidate_fits,
    check_pairs,
    match_mentors,
)
from tests.unit.mentoring.matching_cases import MONDAY, window

# --- properties on small random instances -----------------------------------------------------

LANGUAGES = ("Serbian", "English", "Hungarian")
TAGS = ("IoT", "GIS", "law")
ORGANISATIONS = ("", "Telekom", "NIS")


@st.composite
def instances(draw: st.DrawFn) -> dict:
    mentor_count = draw(st.integers(0, 3))
    team_count = draw(st.integers(1, 3))
    mentors = [
        Mentor(
            id=m,
            name=f"Mentor {m}",
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            expertise=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
            sectors=tuple(draw(st.sets(st.sampled_from(("water", "energy")), max_size=1))),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
            capacity=draw(st.integers(0, 2)),
            availability=tuple(window(d, 9, 9 + draw(st.integers(1, 4))) for d in draw(st.sets(st.integers(0, 2)))),
            conflict_startups=frozenset(draw(st.sets(st.sampled_from(range(100, 100 + team_count)), max_size=1))),
        )
        for m in range(mentor_count)
    ]
    teams = [
        Application(
            id=t,
            startup_id=100 + t,
            startup_name=f"Startup {t}",
            support_needed=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
            sector=draw(st.sampled_from(("", "water", "energy"))),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
            availability=tuple(window(d, 10, 12) for d in draw(st.sets(st.integers(0, 2)))),
            mentors_wanted=draw(st.integers(1, 2)),
        )
        for t in range(team_count)
    ]
    every_pair = [(m.id, t.id) for m in mentors for t in teams]
    locked = [PairRef(m, t) for m, t in every_pair if draw(st.integers(0, 6)) == 0]
    return {"mentors": mentors, "teams": teams, "locked": locked}


def allowed(mentor: Mentor, team: Application) -> bool:
    """The hard rules, restated independently of the module."""
    return (
        bool(set(mentor.languages) & set(team.languages))
        and (not team.support_needed or bool(set(mentor.expertise) & set(team.support_needed)))
        and team.startup_id not in mentor.conflict_startups
    )


def best_by_brute_force(instance: dict, scores: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(mentors placed, fit less load cost) of the best plan, trying every plan there is."""
    mentors = {m.id: m for m in instance["mentors"]}
    locks = {(lock.mentor_id, lock.application_id) for lock in instance["locked"]}
    balance = Weights().balance
    choices = []
    for team in instance["teams"]:
        own = {m for m, t in locks if t == team.id}
        room = max(0, team.mentors_wanted - len(own))
        free = [m.id for m in instance["mentors"] if m.id not in own and allowed(m, team)]
        options = []
        for size in range(room + 1):
            for extra in itertools.combinations(free, size):
                groups = [mentors[m].organisation for m in extra if mentors[m].organisation]
                taken = {mentors[m].organisation for m in own if mentors[m].organisation}
                if len(groups) == len(set(groups)) and not set(groups) & taken:
                    options.append(extra)
        choices.append([(team.id, extra) for extra in options])
    best = None
    for plan in itertools.product(*choices):
        load = {m: sum(1 for lm, _ in locks if lm == m) for m in mentors}
        extra_load = dict.fromkeys(mentors, 0)
        score = 0
        for team_id, extra in plan:
            for m in extra:
                extra_load[m] += 1
                score += scores[m, team_id]
        if any(extra_load[m] > max(0, mentors[m].capacity - load[m]) for m in mentors):
            continue
        placed = sum(len(extra) for _, extra in plan)
        value = score - sum(load_cost(load[m] + extra_load[m], balance) for m in mentors)
        if best is None or (placed, value) > best:
            best = (placed, value)
    assert best is not None
    return best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_plan_is_as_good_as_brute_force(instance: dict) -> None:
    result = match_mentors(instance["mentors"], instance["teams"], reference_date=MONDAY, locked=instance["locked"])
    fits = candidate_fits(instance["mentors"], instance["teams"], reference_date=MONDAY)
    scores = {(fit.mentor_id, fit.application_id): fit.score for fit in fits}
    locked_pairs = [pair for pair in result.pairs if pair.locked]

    placed, value = best_by_brute_force(instance, scores)

    assert set(scores) == {(m.id, t.id) for m in instance["mentors"] for t in instance["teams"] if allowed(m, t)}
    assert (len(result.pairs), result.objective) == (
        len(locked_pairs) + placed,
        sum(pair.score for pair in locked_pairs) + value,
    )


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_plan_keeps_the_rules(instance: dict) -> None:
    result = match_mentors(instance["mentors"], instance["teams"], reference_date=MONDAY, locked=instance["locked"])
    mentors = {m.id: m for m in instance["mentors"]}
    teams = {t.id: t for t in instance["teams"]}
    locks = {(lock.mentor_id, lock.application_id) for lock in instance["locked"]}
    chosen = {(pair.mentor_id, pair.application_id) for pair in result.pairs}

    assert locks <= chosen
    assert {(p.mentor_id, p.application_id) for p in result.pairs if p.locked} == locks
    for m, t in chosen - locks:
        assert allowed(mentors[m], teams[t])
    for m in mentors.values():
        own_locks = sum(1 for lm, _ in locks if lm == m.id)
        assert sum(1 for cm, _ in chosen if cm == m.id) <= max(m.capacity, own_locks)
    for t in teams.values():
        organisations = [mentors[m].organisation for m, ct in chosen - locks if ct == t.id and mentors[m].organisation]
        locked_organisations = {mentors[m].organisation for m, ct in locks if ct == t.id}
        assert len(organisations) == len(set(organisations))
        assert not set(organisations) & locked_organisations
        # Everyone short of mentors is in the report, with the number missing.
        placed = sum(1 for _, ct in chosen if ct == t.id)
        missing = {u.application_id: u.missing for u in result.unmatched}.get(t.id, 0)
        assert placed + missing == max(t.mentors_wanted, sum(1 for _, lt in locks if lt == t.id))
    # Locks that break a rule are reported, clean ones are not.
    assert (result.warnings == ()) == (check_pairs(instance["mentors"], instance["teams"], instance["locked"]) == ())
