"""Exact assignment as a min-cost flow (OR-Tools' C++ ``SimpleMinCostFlow``), for at most one partition.

    participant --ranked, (k-1)^2--> entry(g) --> group g --capacity--> sink
    participant --(P+1)^2--> pool of its kind --> entry(g) for every g

``entry(g)`` is the group itself, or, for a participant whose kind binds, the cell (g, kind) whose
arc to g carries the cap (one arc, capacity = cap minus pinned) or the rotation charge (unit arcs
of rising cost, see ``Partition.increments``). The unranked choice goes through one pool node per
kind rather than an arc from every participant to every group: that keeps the graph at about
(P+1) arcs per participant instead of one per participant and group, and flow integrality makes the result exact.

An unranked participant never lands, through its pool, in a group it ranked: the direct arc would
carry it there more cheaply, so an optimal flow does not do that.
"""

from __future__ import annotations

import numpy as np

from app.breakouts.problem import Problem, hand_out


class _Arcs:
    """Arcs collected as numpy blocks, each block remembering where it starts."""

    def __init__(self) -> None:
        self.blocks: list[tuple[np.ndarray, ...]] = []
        self.count = 0

    def add(self, tails, heads, capacities, costs) -> int:
        tails = np.asarray(tails, dtype=np.int64)
        shape = tails.shape
        self.blocks.append(
            (
                tails,
                np.broadcast_to(np.asarray(heads, dtype=np.int64), shape),
                np.broadcast_to(np.asarray(capacities, dtype=np.int64), shape),
                np.broadcast_to(np.asarray(costs, dtype=np.int64), shape),
            )
        )
        start, self.count = self.count, self.count + tails.size
        return start

    def columns(self) -> list[np.ndarray]:
        return [np.concatenate(column) for column in zip(*self.blocks, strict=True)]


def solve_flow(problem: Problem) -> np.ndarray | None:
    """The group of each free participant in an optimal assignment; None when there is none."""
    assert len(problem.partitions) <= 1, "a flow models one partition; use the integer program"
    from ortools.graph.python import min_cost_flow  # heavy: loaded on first use (fast start-up)

    n, m = problem.n, problem.m
    partition = problem.partitions[0] if problem.partitions else None
    kinds = partition.kinds if partition else 0
    label = partition.label if partition else np.full(n, -1, dtype=np.int64)
    group_node, sink = n + np.arange(m), n + m
    pool_base = sink + 1  # pools 0..kinds-1 by kind; pool `kinds` for the rest
    cell_base = pool_base + kinds + 1  # cell (g, k) at cell_base + g*kinds + k
    pool = np.where(label >= 0, label, kinds)

    def entry(kind, group):
        return np.where(kind >= 0, cell_base + group * kinds + kind, n + group)

    arcs = _Arcs()
    person = problem.arc_person
    ranked = arcs.add(person, entry(label[person], problem.arc_group), 1, problem.arc_cost)
    unranked = arcs.add(np.arange(n), pool_base + pool, 1, problem.unranked_cost)
    used_pools = np.flatnonzero(np.bincount(pool, minlength=kinds + 1))
    pool_kind = np.repeat(np.where(used_pools < kinds, used_pools, -1), m)
    pool_group = np.tile(np.arange(m), len(used_pools))
    from_pools = arcs.add(pool_base + np.repeat(used_pools, m), entry(pool_kind, pool_group), n, 0)
    if partition is not None:
        if partition.cap is not None:
            cells = np.arange(m * kinds)
            arcs.add(cell_base + cells, n + cells // kinds, partition.room().ravel(), 0)
        else:
            members = np.bincount(label[label >= 0], minlength=kinds)
            cells, costs = partition.increments(np.minimum(problem.room[:, None], members[None, :]).ravel())
            arcs.add(cell_base + cells, n + cells // kinds, 1, costs)
    arcs.add(group_node, sink, problem.room, 0)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(*arcs.columns())
    supplies = np.zeros(cell_base + m * kinds, dtype=np.int64)
    supplies[:n], supplies[sink] = 1, -n
    flow.set_nodes_supplies(np.arange(supplies.size), supplies)
    status = flow.solve()
    if status in (flow.INFEASIBLE, flow.UNBALANCED):
        return None
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")

    groups = np.full(n, -1, dtype=np.int64)
    taken = flow.flows(np.arange(ranked, ranked + len(person))) > 0
    groups[person[taken]] = problem.arc_group[taken]
    left = np.flatnonzero(flow.flows(np.arange(unranked, unranked + n)) > 0)
    seats = np.zeros((kinds + 1, m), dtype=np.int64)
    seats[used_pools] = flow.flows(np.arange(from_pools, from_pools + len(pool_group))).reshape(-1, m)
    groups[left] = hand_out(pool[left], seats)
    return groups
