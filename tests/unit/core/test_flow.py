"""The capacitated assignment solver: exact answers on small cases, brute force on random ones."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.flow import Agent, Assignment, Edge, Item, Pair, Shortfall, assign, load_cost


def pairs_of(assignment: Assignment) -> list[tuple[object, object]]:
    return [(pair.agent, pair.item) for pair in assignment.pairs]


def test_the_cheapest_assignment_is_chosen() -> None:
    result = assign(
        [Agent("ana", 1), Agent("bojan", 1)],
        [Item(1), Item(2)],
        [Edge("ana", 1, -10), Edge("ana", 2, -8), Edge("bojan", 1, -9), Edge("bojan", 2, -1)],
    )

    # Greedy would give ana item 1 (-10) and bojan item 2 (-1): -11. The optimum is -17.
    assert result.pairs == (Pair("bojan", 1, -9), Pair("ana", 2, -8))
    assert (result.pair_cost, result.balance_cost, result.missing, result.cost) == (-17, 0, 0, -17)


def test_balance_spreads_the_load_over_agents() -> None:
    agents = [Agent("ana", 2), Agent("bojan", 2)]
    items = [Item(1), Item(2)]
    # Ana is better for both; without balance she takes both.
    edges = [Edge("ana", 1, -10), Edge("ana", 2, -10), Edge("bojan", 1, -9), Edge("bojan", 2, -5)]

    piled = assign(agents, items, edges)
    spread = assign(agents, items, edges, balance=5)

    assert pairs_of(piled) == [("ana", 1), ("ana", 2)]
    assert pairs_of(spread) == [("bojan", 1), ("ana", 2)]
    assert (spread.pair_cost, spread.balance_cost) == (-19, 0)
    assert spread.loads == (("ana", 1), ("bojan", 1))


def test_the_marginal_load_cost_rises_with_each_unit() -> None:
    assert [load_cost(load, 3) for load in range(5)] == [0, 0, 3, 9, 18]


def test_one_agent_per_group_sends_the_second_agent_from_another_group() -> None:
    agents = [Agent("ana", 1, group="telekom"), Agent("bojan", 1, group="telekom"), Agent("cveta", 1, group="nis")]
    edges = [Edge("ana", 1, -10), Edge("bojan", 1, -9), Edge("cveta", 1, -1)]

    free = assign(agents, [Item(1, demand=2)], edges)
    grouped = assign(agents, [Item(1, demand=2)], edges, one_per_group=True)

    assert pairs_of(free) == [("ana", 1), ("bojan", 1)]
    assert pairs_of(grouped) == [("ana", 1), ("cveta", 1)]


def test_a_lock_is_kept_whatever_it_costs_and_uses_capacity() -> None:
    result = assign(
        [Agent("ana", 1), Agent("bojan", 1)],
        [Item(1), Item(2)],
        [Edge("ana", 1, 50), Edge("ana", 2, -10), Edge("bojan", 2, -1)],
        locked=[("ana", 1)],
    )

    assert result.pairs == (Pair("ana", 1, 50, locked=True), Pair("bojan", 2, -1))


def test_a_lock_without_an_edge_over_capacity_is_kept() -> None:
    result = assign([Agent("ana", 1)], [Item(1), Item(2)], [Edge("ana", 2, -5)], locked=[("ana", 1), ("ana", 2)])

    assert result.pairs == (Pair("ana", 1, 0, locked=True), Pair("ana", 2, -5, locked=True))
    assert result.loads == (("ana", 2),)


def test_locked_load_counts_towards_the_balance() -> None:
    # Ana already carries a locked item, so a second one costs her the balance; Bojan is free.
    result = assign(
        [Agent("ana", 3), Agent("bojan", 3)],
        [Item(1), Item(2)],
        [Edge("ana", 2, -10), Edge("bojan", 2, -8)],
        locked=[("ana", 1)],
        balance=5,
    )

    assert pairs_of(result) == [("ana", 1), ("bojan", 2)]
    assert (result.pair_cost, result.balance_cost) == (-8, 0)


def test_a_locked_agent_blocks_its_group_on_the_item() -> None:
    agents = [Agent("ana", 1, group="telekom"), Agent("bojan", 1, group="telekom"), Agent("cveta", 1)]
    edges = [Edge("bojan", 1, -10), Edge("cveta", 1, -1)]

    result = assign(agents, [Item(1, demand=2)], edges, locked=[("ana", 1)], one_per_group=True)

    assert pairs_of(result) == [("ana", 1), ("cveta", 1)]


def test_unmet_demand_is_reported_per_item() -> None:
    result = assign([Agent("ana", 2)], [Item(1, demand=2), Item(2), Item(3)], [Edge("ana", 1, 0), Edge("ana", 3, 0)])

    assert pairs_of(result) == [("ana", 1), ("ana", 3)]
    assert result.shortfalls == (Shortfall(1, 1), Shortfall(2, 1))
    assert result.missing == 2


def test_as_much_demand_as_possible_is_served_even_at_a_high_cost() -> None:
    # Serving item 2 costs a great deal but leaving it unserved is never preferred.
    result = assign(
        [Agent("ana", 1), Agent("bojan", 1)],
        [Item(1), Item(2)],
        [Edge("ana", 1, -1), Edge("ana", 2, 900), Edge("bojan", 1, -1000)],
    )

    assert pairs_of(result) == [("bojan", 1), ("ana", 2)]


def test_a_small_unserved_cost_leaves_expensive_demand_unmet() -> None:
    result = assign([Agent("ana", 1)], [Item(1)], [Edge("ana", 1, 30)], unserved_cost=20)

    assert result.pairs == ()
    assert (result.shortfalls, result.cost) == ((Shortfall(1, 1),), 20)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"edges": [Edge("nobody", 1)]}, "unknown agent or item"),
        ({"edges": [Edge("ana", 1), Edge("ana", 1, 3)]}, "duplicate edge"),
        ({"edges": [], "locked": [("ana", 1), ("ana", 1)]}, "duplicate locked pair"),
        ({"edges": [], "locked": [("ana", 7)]}, "unknown agent or item"),
        ({"edges": [], "balance": -1}, "balance must not be negative"),
        ({"edges": [], "unserved_cost": 0}, "unserved_cost must be positive"),
    ],
)
def test_invalid_input_is_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assign([Agent("ana", 1)], [Item(1)], **kwargs)


def test_the_same_input_in_any_order_gives_the_same_assignment() -> None:
    rng = random.Random(5)
    agents = [Agent(f"a{n}", rng.randint(1, 3), group=rng.choice([None, "x", "y"])) for n in range(8)]
    items = [Item(n, rng.randint(1, 3)) for n in range(12)]
    # Many equal costs: ties are where an unstable solver would wander.
    edges = [
        Edge(agent.id, item.id, rng.choice([-2, -1, 0])) for agent in agents for item in items if rng.random() < 0.6
    ]

    first = assign(agents, items, edges, balance=1, one_per_group=True)
    for _ in range(5):
        rng.shuffle(agents)
        rng.shuffle(items)
        rng.shuffle(edges)
        assert assign(agents, items, edges, balance=1, one_per_group=True) == first


@st.composite
def instances(draw: st.DrawFn) -> dict:
    agent_ids = range(draw(st.integers(1, 3)))
    item_ids = range(draw(st.integers(1, 3)))
    agents = [Agent(f"a{a}", draw(st.integers(0, 3)), draw(st.sampled_from([None, "g", "h"]))) for a in agent_ids]
    items = [Item(i, draw(st.integers(0, 3))) for i in item_ids]
    every_pair = [(f"a{a}", i) for a in agent_ids for i in item_ids]
    edges = [Edge(a, i, draw(st.integers(-20, 20))) for a, i in every_pair if draw(st.booleans())]
    locked = [pair for pair in every_pair if draw(st.integers(0, 5)) == 0]
    return {
        "agents": agents,
        "items": items,
        "edges": edges,
        "locked": locked,
        "balance": draw(st.integers(0, 6)),
        "one_per_group": draw(st.booleans()),
        "unserved_cost": draw(st.one_of(st.none(), st.integers(1, 40))),
    }


def brute_force(instance: dict) -> tuple[int, int, int]:
    """(units served, cost without the unserved penalty, cost with it) of the best assignment.

    Enumerates every subset of the edges that are not locked; without an explicit unserved cost
    "best" means most units served, then cheapest.
    """
    agents = {agent.id: agent for agent in instance["agents"]}
    items = {item.id: item for item in instance["items"]}
    locked = instance["locked"]
    cost_of = {(edge.agent, edge.item): edge.cost for edge in instance["edges"]}
    free = [pair for pair in cost_of if pair not in locked]
    best: tuple | None = None
    for size in range(len(free) + 1):
        for chosen in itertools.combinations(free, size):
            load = {agent_id: sum(1 for a, _ in locked if a == agent_id) for agent_id in agents}
            served = {item_id: sum(1 for _, i in locked if i == item_id) for item_id in items}
            room_ok = all(
                sum(1 for a, _ in chosen if a == agent_id) <= max(0, agents[agent_id].capacity - load[agent_id])
                for agent_id in agents
            )
            need_ok = all(
                sum(1 for _, i in chosen if i == item_id) <= max(0, items[item_id].demand - served[item_id])
                for item_id in items
            )
            if not (room_ok and need_ok):
                continue
            if instance["one_per_group"]:
                groups_ok = True
                for item_id in items:
                    taken = [agents[a].group for a, i in locked if i == item_id]
                    added = [agents[a].group for a, i in chosen if i == item_id and agents[a].group is not None]
                    if len(set(added)) != len(added) or set(added) & set(taken):
                        groups_ok = False
                if not groups_ok:
                    continue
            for a, i in chosen:
                load[a] += 1
                served[i] += 1
            pair_cost = sum(cost_of.get(pair, 0) for pair in (*locked, *chosen))
            balance_cost = sum(load_cost(n, instance["balance"]) for n in load.values())
            missing = sum(max(0, items[i].demand - served[i]) for i in items)
            units = sum(served.values())
            plain = pair_cost + balance_cost
            penalty = instance["unserved_cost"]
            key = (plain + missing * penalty,) if penalty is not None else (-units, plain)
            if best is None or key < best[0]:
                best = (key, units, plain, missing)
    assert best is not None
    _, units, plain, missing = best
    return units, plain, missing


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_assignment_is_as_good_as_brute_force(instance: dict) -> None:
    result = assign(**instance)
    units, plain, missing = brute_force(instance)

    if instance["unserved_cost"] is None:
        assert (result.served, result.pair_cost + result.balance_cost) == (units, plain)
    else:
        assert result.cost == plain + missing * instance["unserved_cost"]


@settings(max_examples=200, deadline=None)
@given(instances())
def test_every_assignment_keeps_the_rules(instance: dict) -> None:
    result = assign(**instance)
    agents = {agent.id: agent for agent in instance["agents"]}
    edges = {(edge.agent, edge.item) for edge in instance["edges"]}
    locked = set(instance["locked"])
    chosen = {(pair.agent, pair.item) for pair in result.pairs}

    assert locked <= chosen
    assert chosen - locked <= edges
    assert {(pair.agent, pair.item) for pair in result.pairs if pair.locked} == locked
    for agent in instance["agents"]:
        locks = sum(1 for a, _ in locked if a == agent.id)
        assert sum(1 for a, _ in chosen if a == agent.id) <= max(agent.capacity, locks)
    for item in instance["items"]:
        locks = sum(1 for _, i in locked if i == item.id)
        served = sum(1 for _, i in chosen if i == item.id)
        missing = dict((shortfall.item, shortfall.missing) for shortfall in result.shortfalls).get(item.id, 0)
        assert served + missing == max(item.demand, locks)
        if instance["one_per_group"]:
            groups = [agents[a].group for a, i in chosen - locked if i == item.id and agents[a].group]
            taken = [agents[a].group for a, i in locked if i == item.id]
            assert len(groups) == len(set(groups))
            assert not set(groups) & set(taken)
