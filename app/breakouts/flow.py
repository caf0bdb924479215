"""Exact assignment as a min-cost flow, when the caps form a hierarchy.

Each participant enters, for group g, the innermost capped layer it belongs to:
    participant -> (g, organisation) -> (g, country) -> g -> sink
with the organisation cap on the first arcs, the country cap on the second and the capacity on the
last. That chain is only a tree (and so only a flow) when every organisation sits in one country,
which is what real workshops look like; ``laminar_classes`` returns None otherwise and the caller
falls back to the integer program. Without caps, and with rotation, the middle layer is instead
(g, previous group) with convex arc costs 0, 1, 2, ... which sum to the pairs of round-1 mates met
again.

Unranked choices go through one pool node per class of interchangeable participants rather than
an arc from every participant to every group (PERFORMANCE.md: that is what keeps the graph small).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from app.breakouts.instance import Instance


@dataclass(frozen=True)
class Classes:
    """Per participant, the class key whose members are interchangeable for the caps."""

    org: np.ndarray         # organisation index, or -1 when not capped / unknown
    country: np.ndarray     # country index, or -1
    org_country: np.ndarray  # the country index of each organisation, or -1
    n_org: int
    n_country: int


def laminar_classes(instance: Instance) -> Classes | None:
    cap_org, cap_country = instance.max_per_organisation, instance.max_per_country
    orgs: dict[str, int] = {}
    countries: dict[str, int] = {}
    org_index, country_index = [], []
    for p in instance.participants:
        c = countries.setdefault(p.country, len(countries)) if (cap_country and p.country) else -1
        o = orgs.setdefault(p.organisation, len(orgs)) if (cap_org and p.organisation) else -1
        org_index.append(o)
        country_index.append(c)
    org = np.array(org_index, dtype=np.int64)
    country = np.array(country_index, dtype=np.int64)
    org_country = np.full(len(orgs), -2, dtype=np.int64)
    for o, c in zip(org_index, country_index):
        if o < 0:
            continue
        if org_country[o] == -2:
            org_country[o] = c
        elif org_country[o] != c:
            return None  # an organisation spread over countries: the caps cross, not a tree
    return Classes(org, country, org_country, len(orgs), len(countries))


@dataclass(frozen=True)
class FlowSolution:
    groups: np.ndarray  # group index per participant
    cost: int


def solve_flow(instance: Instance, classes: Classes, *, weight: int = 1) -> FlowSolution | None:
    """The optimal assignment, or None when no assignment satisfies the constraints."""
    n, m = len(instance.participants), len(instance.groups)
    gid = {g.id: i for i, g in enumerate(instance.groups)}
    P = instance.max_preferences
    unranked_cost = (P + 1) ** 2 * weight
    capacity = np.array([g.capacity for g in instance.groups], dtype=np.int64)
    rotation = instance.avoid_repeats and classes.n_org == 0 and classes.n_country == 0
    previous: dict[str, int] = {}
    prev = np.array([previous.setdefault(p.previous_group, len(previous)) if (rotation and p.previous_group) else -1
                     for p in instance.participants], dtype=np.int64)
    n_prev = len(previous)

    group_node = n + np.arange(m)
    sink = n + m
    base_country = sink + 1
    base_org = base_country + m * classes.n_country
    base_prev = base_org + m * classes.n_org
    base_pool = base_prev + m * n_prev

    # The class of each participant: its innermost layer (org, else country, else previous group, else none).
    kind = np.where(classes.org >= 0, 0, np.where(classes.country >= 0, 1, np.where(prev >= 0, 2, 3)))
    key = np.where(kind == 0, classes.org, np.where(kind == 1, classes.country, np.where(kind == 2, prev, 0)))
    class_ids, class_of = np.unique(np.stack([kind, key], axis=1), axis=0, return_inverse=True)
    class_of = class_of.reshape(-1)

    def entry(kinds, keys, groups):
        return np.select(
            [kinds == 0, kinds == 1, kinds == 2],
            [base_org + groups * max(classes.n_org, 1) + keys, base_country + groups * max(classes.n_country, 1) + keys,
             base_prev + groups * max(n_prev, 1) + keys],
            default=n + groups,
        )

    tails, heads, caps, costs = [], [], [], []

    def arcs(t, h, c, w):
        tails.append(np.asarray(t, dtype=np.int64)); heads.append(np.asarray(h, dtype=np.int64))
        caps.append(np.broadcast_to(np.asarray(c, dtype=np.int64), np.shape(t)).copy())
        costs.append(np.broadcast_to(np.asarray(w, dtype=np.int64), np.shape(t)).copy())

    pinned = np.full(n, -1, dtype=np.int64)
    for i, p in enumerate(instance.participants):
        if p.id in instance.pinned:
            pinned[i] = gid[instance.pinned[p.id]]
    # Ranked choices (not for pinned participants: they have exactly one arc, to their group).
    pref = np.full((n, max(P, 1)), -1, dtype=np.int64)
    for i, p in enumerate(instance.participants):
        pref[i, :len(p.preferences)] = [gid[g] for g in p.preferences]
    rows, ranks = np.nonzero((pref >= 0) & (pinned[:, None] < 0))
    groups = pref[rows, ranks]
    ranked_arcs = (rows, groups)
    arcs(rows, entry(kind[rows], key[rows], groups), 1, ranks.astype(np.int64) ** 2 * weight)
    # Pins.
    pin_rows = np.nonzero(pinned >= 0)[0]
    pin_cost = [instance.cost(instance.participants[i], instance.groups[pinned[i]].id) * weight for i in pin_rows]
    arcs(pin_rows, entry(kind[pin_rows], key[pin_rows], pinned[pin_rows]), 1, pin_cost)
    # Unranked: participant -> its class pool -> the class's entry in every group.
    free = np.nonzero(pinned < 0)[0]
    arcs(free, base_pool + class_of[free], 1, unranked_cost)
    n_class = len(class_ids)
    pool_tail = np.repeat(base_pool + np.arange(n_class), m)
    pool_group = np.tile(np.arange(m), n_class)
    arcs(pool_tail, entry(np.repeat(class_ids[:, 0], m), np.repeat(class_ids[:, 1], m), pool_group), n, 0)
    # The cap layers.
    if classes.n_org:
        g, o = np.divmod(np.arange(m * classes.n_org), classes.n_org)
        parent_country = classes.org_country[o]
        parent = np.where(parent_country >= 0, base_country + g * max(classes.n_country, 1) + parent_country, n + g)
        arcs(base_org + g * classes.n_org + o, parent, instance.max_per_organisation, 0)
    if classes.n_country:
        g, c = np.divmod(np.arange(m * classes.n_country), classes.n_country)
        arcs(base_country + g * classes.n_country + c, n + g, instance.max_per_country, 0)
    if n_prev:
        # Unit arcs of cost 0, 1, 2, ...: the k-th person of one round-1 group meets k-1 old mates.
        for g in range(m):
            for k in range(int(capacity[g])):
                arcs(base_prev + g * n_prev + np.arange(n_prev), np.full(n_prev, n + g), 1, k)
    arcs(group_node, np.full(m, sink), capacity, 0)

    flow = min_cost_flow.SimpleMinCostFlow()
    all_tails = np.concatenate(tails)
    flow.add_arcs_with_capacity_and_unit_cost(all_tails, np.concatenate(heads), np.concatenate(caps), np.concatenate(costs))
    supplies = np.zeros(base_pool + n_class, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    return FlowSolution(_read_groups(flow, instance, ranked_arcs, pin_rows, pinned, free, class_of, n_class, m),
                        int(flow.optimal_cost()))


def _read_groups(flow, instance, ranked_arcs, pin_rows, pinned, free, class_of, n_class, m) -> np.ndarray:
    n = len(instance.participants)
    result = np.full(n, -1, dtype=np.int64)
    rows, groups = ranked_arcs
    count = len(rows)
    used = flow.flows(np.arange(count)) > 0
    result[rows[used]] = groups[used]
    result[pin_rows] = pinned[pin_rows]
    start = count + len(pin_rows)
    unranked = flow.flows(np.arange(start, start + len(free))) > 0
    start += len(free)
    pool_flow = flow.flows(np.arange(start, start + n_class * m)).reshape(n_class, m)
    # Members of one class are interchangeable: hand the class's seats out in input order.
    for i in free[unranked]:
        c = class_of[i]
        g = int(np.argmax(pool_flow[c] > 0))
        pool_flow[c, g] -= 1
        result[i] = g
    return result
