"""Capacitated assignment solved optimally as a minimum-cost flow.

Shared by mentor matching and judge assignment: agents (mentors, judges) with a load limit
take items (applications) that each need a number of agents. The network is

    source -> agent -> [item, group] -> item        plus  source -> item ("unserved")

with one source -> agent arc per load unit so each further unit costs more (convex, hence the
solver always fills the cheap units first and spreads the load), no agent -> item arc for a
forbidden pair, and an (item, group) node of capacity 1 when at most one agent of a group may
serve an item. Locked pairs are taken out before solving: they use their agent's first load
units and their item's demand, so the rest is optimised around them.

The "unserved" arcs make every instance feasible; with the default penalty on them the solver
returns the largest assignment there is, and the demand it could not meet is reported per item
instead of an opaque failure.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

# The ids of agents and of items: any hashable value, the same kind throughout one problem, so
# the pairs that come back carry the caller's own id types.
AgentId = TypeVar("AgentId", bound=Hashable)
ItemId = TypeVar("ItemId", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Agent(Generic[AgentId]):
    """Someone who takes items, at most `capacity` of them.

    Agents that share a `group` (an organisation, say) count as one when the problem allows at
    most one agent per group on an item; None means the agent belongs to no group.
    """

    id: AgentId
    capacity: int
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Item(Generic[ItemId]):
    """Something that needs `demand` different agents."""

    id: ItemId
    demand: int = 1


@dataclass(frozen=True, slots=True)
class Edge(Generic[AgentId, ItemId]):
    """A pair that may be assigned, at a cost: lower is better, so a benefit is negative."""

    agent: AgentId
    item: ItemId
    cost: int = 0


@dataclass(frozen=True, slots=True)
class Pair(Generic[AgentId, ItemId]):
    """An agent on an item; `cost` is its edge's (0 for a lock without an edge)."""

    agent: AgentId
    item: ItemId
    cost: int
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Shortfall(Generic[ItemId]):
    """An item that got `missing` agents fewer than it needs."""

    item: ItemId
    missing: int


@dataclass(frozen=True, slots=True)
class Assignment(Generic[AgentId, ItemId]):
    """An optimal assignment and what it costs, part by part.

    `cost` is the objective that was minimised: the edges' costs, each agent's load cost and the
    unserved penalty per missing unit (`unserved_cost`, the value actually used). Pairs are in
    item then agent order, `loads` (every agent, locks included) and `shortfalls` (only items
    short of agents) in id order.
    """

    pairs: tuple[Pair[AgentId, ItemId], ...]
    shortfalls: tuple[Shortfall[ItemId], ...]
    loads: tuple[tuple[AgentId, int], ...]
    pair_cost: int
    balance_cost: int
    unserved_cost: int

    @property
    def served(self) -> int:
        return len(self.pairs)

    @property
    def missing(self) -> int:
        return sum(shortfall.missing for shortfall in self.shortfalls)

    @property
    def cost(self) -> int:
        return self.pair_cost + self.balance_cost + self.missing * self.unserved_cost


class SolverFailed(RuntimeError):
    """OR-Tools refused the instance, in practice because the costs are too large to scale."""


def load_cost(load: int, balance: int) -> int:
    """Total balance cost of an agent carrying `load` units: the n-th unit costs balance * (n - 1)."""
    return balance * load * (load - 1) // 2


def _key(value: Hashable) -> tuple[str, Hashable]:
    # Ids of one kind sort naturally; mixing kinds (int and str) still gives one fixed order.
    return (type(value).__name__, value)


def assign(
    agents: Sequence[Agent[AgentId]],
    items: Sequence[Item[ItemId]],
    edges: Iterable[Edge[AgentId, ItemId]],
    *,
    locked: Iterable[tuple[AgentId, ItemId]] = (),
    balance: int = 0,
    one_per_group: bool = False,
    unserved_cost: int | None = None,
) -> Assignment[AgentId, ItemId]:
    """Assign agents to items at minimum total cost.

    Args:
        agents: who can take items, each with a capacity (load limit).
        items: what needs agents, each with a demand; an agent serves an item at most once.
        edges: the allowed pairs and their costs; a pair without an edge is never assigned.
        locked: pairs that must be in the result whatever they cost and even without an edge
            (a lock is the organiser's decision); each uses one unit of its agent's capacity and
            of its item's demand. A lock over capacity or demand is kept, never dropped.
        balance: the n-th unit of an agent's load costs `balance * (n - 1)`, so loads are
            spread rather than piled on the cheapest agent. Must not be negative.
        one_per_group: at most one agent of a group per item (locked pairs excepted).
        unserved_cost: what each unit of unmet demand costs. None (the default) picks a value
            larger than any change in the other costs can make up for, so the assignment
            serves as much demand as possible and, among those, is the cheapest.

    The result is the same for the same input, whatever the order of the sequences.

    Raises:
        ValueError: on a duplicate or unknown id, a duplicate edge or lock, a negative capacity,
            demand or balance, or a non-positive unserved cost.
        SolverFailed: when OR-Tools cannot solve the instance (costs too large to scale).
    """
    ordered_agents = sorted(agents, key=lambda agent: _key(agent.id))
    ordered_items = sorted(items, key=lambda item: _key(item.id))
    # Everything below works on positions in these sorted lists: node numbers, arc order and
    # tie-breaking all follow from them, so the result does not depend on the input order.
    agent_index = {agent.id: a for a, agent in enumerate(ordered_agents)}
    item_index = {item.id: i for i, item in enumerate(ordered_items)}
    _validate(ordered_agents, ordered_items, agent_index, item_index, balance=balance, unserved_cost=unserved_cost)

    # A pair is one integer, item position * width + agent position, so pairs sort by item then
    # agent, and a million edges fit in flat arrays instead of a million tuples.
    width = max(len(ordered_agents), 1)
    keys, edge_costs = _edge_keys(edges, agent_index, item_index, width)
    locks = _lock_keys(locked, agent_index, item_index, width)
    lock_costs = {key: cost for key, cost in zip(keys, edge_costs, strict=True) if key in locks} if locks else {}
    left = _Remaining.after_locks(ordered_agents, ordered_items, locks, width, one_per_group=one_per_group)
    open_keys, open_costs = _open_edges(keys, edge_costs, locks, left, ordered_agents, ordered_items, width)
    del keys, edge_costs

    network = _network(
        left, open_keys, open_costs, width, balance=balance, one_per_group=one_per_group, unserved_cost=unserved_cost
    )
    solver = network.solve()
    return _assignment(
        solver, network, ordered_agents, ordered_items, locks, lock_costs, open_keys, open_costs, width, balance
    )


def _validate(
    agents: Sequence[Agent[AgentId]],
    items: Sequence[Item[ItemId]],
    agent_index: Mapping[AgentId, int],
    item_index: Mapping[ItemId, int],
    *,
    balance: int,
    unserved_cost: int | None,
) -> None:
    if len(agent_index) != len(agents) or len(item_index) != len(items):
        raise ValueError("agent and item ids must be unique")
    if any(agent.capacity < 0 for agent in agents) or any(item.demand < 0 for item in items):
        raise ValueError("capacities and demands must not be negative")
    if balance < 0:
        raise ValueError("balance must not be negative: a falling load cost would pile items on one agent")
    if unserved_cost is not None and unserved_cost <= 0:
        raise ValueError("unserved_cost must be positive")


def _edge_keys(
    edges: Iterable[Edge[AgentId, ItemId]],
    agent_index: Mapping[AgentId, int],
    item_index: Mapping[ItemId, int],
    width: int,
) -> tuple[array[int], array[int]]:
    """The edges as pair keys and their costs, in the caller's order."""
    keys = array("q")
    edge_costs = array("q")
    for edge in edges:
        a, i = agent_index.get(edge.agent), item_index.get(edge.item)
        if a is None or i is None:
            raise ValueError(f"edge {edge.agent!r} -> {edge.item!r} names an unknown agent or item")
        keys.append(i * width + a)
        edge_costs.append(edge.cost)
    return keys, edge_costs


def _lock_keys(
    locked: Iterable[tuple[AgentId, ItemId]],
    agent_index: Mapping[AgentId, int],
    item_index: Mapping[ItemId, int],
    width: int,
) -> set[int]:
    locks: set[int] = set()
    for agent_id, item_id in locked:
        a, i = agent_index.get(agent_id), item_index.get(item_id)
        if a is None or i is None:
            raise ValueError(f"locked pair {agent_id!r} -> {item_id!r} names an unknown agent or item")
        if i * width + a in locks:
            raise ValueError(f"duplicate locked pair {agent_id!r} -> {item_id!r}")
        locks.add(i * width + a)
    return locks


@dataclass(slots=True)
class _Remaining:
    """What the locks leave to optimise: each agent's room and item's need, by position."""

    group_of: list[str | None]
    room: list[int]
    need: list[int]
    locked_load: list[int]
    # (item, group) pairs a lock already serves, when one agent per group is the rule
    taken: set[tuple[int, str]]

    @classmethod
    def after_locks(
        cls,
        agents: Sequence[Agent[AgentId]],
        items: Sequence[Item[ItemId]],
        locks: Iterable[int],
        width: int,
        *,
        one_per_group: bool,
    ) -> _Remaining:
        left = cls(
            group_of=[agent.group if one_per_group else None for agent in agents],
            room=[agent.capacity for agent in agents],
            need=[item.demand for item in items],
            locked_load=[0] * len(agents),
            taken=set(),
        )
        for key in locks:
            i, a = divmod(key, width)
            left.room[a] = max(0, left.room[a] - 1)
            left.need[i] = max(0, left.need[i] - 1)
            left.locked_load[a] += 1
            group = left.group_of[a]
            if group is not None:
                left.taken.add((i, group))
        return left


def _open_edges(
    keys: array[int],
    edge_costs: array[int],
    locks: set[int],
    left: _Remaining,
    agents: Sequence[Agent[AgentId]],
    items: Sequence[Item[ItemId]],
    width: int,
) -> tuple[array[int], array[int]]:
    """The edges that can still carry flow, in key order; a duplicate edge is refused here.

    Only these become arcs: this keeps the network small when many agents are full or items are
    already served by their locks.
    """
    open_keys = array("q")
    open_costs = array("q")
    previous = -1
    for n in sorted(range(len(keys)), key=keys.__getitem__):
        key = keys[n]
        i, a = divmod(key, width)
        if key == previous:
            raise ValueError(f"duplicate edge {agents[a].id!r} -> {items[i].id!r}")
        previous = key
        group = left.group_of[a]
        if left.room[a] and left.need[i] and key not in locks and (group is None or (i, group) not in left.taken):
            open_keys.append(key)
            open_costs.append(edge_costs[n])
    return open_keys, open_costs


@dataclass(slots=True)
class _Network:
    """The flow network as parallel arc arrays, with where each kind of arc starts."""

    tails: array[int]
    heads: array[int]
    capacities: array[int]
    costs: array[int]
    supplies: list[int]
    first_pair_arc: int
    first_unserved_arc: int
    short_items: list[int]
    unserved_cost: int

    def solve(self) -> SimpleMinCostFlow:
        solver = SimpleMinCostFlow()
        if self.tails:
            solver.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, self.capacities, self.costs)
        solver.set_nodes_supplies(list(range(len(self.supplies))), self.supplies)
        status = solver.solve()
        if status != SimpleMinCostFlow.OPTIMAL:
            raise SolverFailed(f"min-cost flow ended with status {status.name}")
        return solver


def _group_nodes(left: _Remaining, open_keys: array[int], width: int, next_node: int) -> dict[tuple[int, str], int]:
    """Node numbers for the (item, group) nodes, in sorted order from `next_node`.

    One is needed only where the rule can bind: an item that still needs two or more agents and
    two or more agents of the group that could serve it.
    """
    candidates: dict[tuple[int, str], int] = defaultdict(int)
    for key in open_keys:
        i, a = divmod(key, width)
        group = left.group_of[a]
        if group is not None and left.need[i] >= 2:
            candidates[i, group] += 1
    group_node: dict[tuple[int, str], int] = {}
    for pair in sorted(pair for pair, count in candidates.items() if count >= 2):
        group_node[pair] = next_node
        next_node += 1
    return group_node


def _load_ladders(
    left: _Remaining, open_keys: array[int], width: int, *, source: int, balance: int
) -> tuple[array[int], array[int], array[int], array[int]]:
    """The source -> agent arcs (tails, heads, capacities, costs): one per load unit when loads cost."""
    usable_edges = [0] * len(left.room)
    for key in open_keys:
        usable_edges[key % width] += 1
    tails = array("i")
    heads = array("i")
    capacities = array("q")
    costs = array("q")
    for a in range(len(left.room)):
        # An agent never takes more units than it has usable edges, so longer ladders are waste.
        units = min(left.room[a], usable_edges[a])
        if units and balance == 0:
            tails.append(source)
            heads.append(1 + a)
            capacities.append(units)
            costs.append(0)
        elif units:
            first = left.locked_load[a] + 1
            tails.extend([source] * units)
            heads.extend([1 + a] * units)
            capacities.extend([1] * units)
            costs.extend(balance * (n - 1) for n in range(first, first + units))
    return tails, heads, capacities, costs


def _network(
    left: _Remaining,
    open_keys: array[int],
    open_costs: array[int],
    width: int,
    *,
    balance: int,
    one_per_group: bool,
    unserved_cost: int | None,
) -> _Network:
    agent_count, item_count = len(left.room), len(left.need)
    # Stable node numbering: source, agents, items, then (item, group) nodes in sorted order.
    source = 0
    first_item_node = 1 + agent_count
    group_node = _group_nodes(left, open_keys, width, first_item_node + item_count) if one_per_group else {}
    next_node = first_item_node + item_count + len(group_node)

    tails, heads, capacities, costs = _load_ladders(left, open_keys, width, source=source, balance=balance)
    first_pair_arc = len(tails)
    for key in open_keys:
        i, a = divmod(key, width)
        group = left.group_of[a]
        target = first_item_node + i
        if group is not None:
            target = group_node.get((i, group), target)
        tails.append(1 + a)
        heads.append(target)
    capacities.extend([1] * len(open_keys))
    costs.extend(open_costs)
    for (i, _), node in group_node.items():
        tails.append(node)
        heads.append(first_item_node + i)
        capacities.append(1)
        costs.append(0)

    largest = max(max(costs, default=0), -min(costs, default=0))
    if unserved_cost is None:
        # Any cheaper way to serve one more unit is a simple cycle through the source that uses
        # at most one arc per node, so it costs at most nodes * largest: a larger penalty makes
        # leaving demand unmet never pay.
        unserved_cost = next_node * max(largest, 1) + 1
    first_unserved_arc = len(tails)
    short_items = [i for i in range(item_count) if left.need[i]]
    tails.extend([source] * len(short_items))
    heads.extend(first_item_node + i for i in short_items)
    capacities.extend(left.need[i] for i in short_items)
    costs.extend([unserved_cost] * len(short_items))

    supplies = [0] * next_node
    supplies[source] = sum(left.need)
    supplies[first_item_node : first_item_node + item_count] = [-n for n in left.need]
    return _Network(
        tails=tails,
        heads=heads,
        capacities=capacities,
        costs=costs,
        supplies=supplies,
        first_pair_arc=first_pair_arc,
        first_unserved_arc=first_unserved_arc,
        short_items=short_items,
        unserved_cost=unserved_cost,
    )


def _assignment(
    solver: SimpleMinCostFlow,
    network: _Network,
    agents: Sequence[Agent[AgentId]],
    items: Sequence[Item[ItemId]],
    locks: Iterable[int],
    lock_costs: Mapping[int, int],
    open_keys: array[int],
    open_costs: array[int],
    width: int,
    balance: int,
) -> Assignment[AgentId, ItemId]:
    """The solved flow read back as pairs, shortfalls and loads."""
    chosen = [(key, lock_costs.get(key, 0), True) for key in locks]
    if open_keys:
        first = network.first_pair_arc
        pair_flows = solver.flows(range(first, first + len(open_keys))).tolist()
        chosen += [
            (key, cost, False) for key, cost, flow in zip(open_keys, open_costs, pair_flows, strict=True) if flow
        ]
    chosen.sort()
    short_items = network.short_items
    unserved_flows = solver.flows(range(network.first_unserved_arc, len(network.tails))).tolist() if short_items else []
    load = [0] * len(agents)
    for key, _, _ in chosen:
        load[key % width] += 1
    return Assignment(
        pairs=tuple(Pair(agents[key % width].id, items[key // width].id, cost, locked) for key, cost, locked in chosen),
        shortfalls=tuple(
            Shortfall(items[i].id, flow) for i, flow in zip(short_items, unserved_flows, strict=True) if flow
        ),
        loads=tuple((agent.id, count) for agent, count in zip(agents, load, strict=True)),
        pair_cost=sum(cost for _, cost, _ in chosen),
        balance_cost=sum(load_cost(count, balance) for count in load),
        unserved_cost=network.unserved_cost,
    )
