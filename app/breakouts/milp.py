"""Exact assignment as an integer program (HiGHS through scipy), for what a flow cannot model:
organisation and country caps that cross (an organisation in several countries), or caps together
with rotation. Every participant x group pair is a variable, so this is for workshop sizes."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from app.breakouts.instance import Instance


class _Rows:
    """Sparse constraint rows: low <= sum(coefficient * variable) <= high."""

    def __init__(self) -> None:
        self.rows, self.cols, self.values, self.low, self.high = [], [], [], [], []

    def add(self, terms: list[tuple[int, float]], low: float, high: float) -> None:
        row = len(self.low)
        for column, value in terms:
            self.rows.append(row); self.cols.append(column); self.values.append(value)
        self.low.append(low); self.high.append(high)

    def constraint(self, n_columns: int) -> LinearConstraint:
        matrix = csr_matrix((self.values, (self.rows, self.cols)), shape=(len(self.low), n_columns))
        return LinearConstraint(matrix, self.low, self.high)


def solve_milp(instance: Instance, *, weight: int = 1) -> tuple[np.ndarray, int] | None:
    """(group index per participant, objective) or None when infeasible."""
    people, groups = instance.participants, instance.groups
    n, m = len(people), len(groups)
    gid = {g.id: i for i, g in enumerate(groups)}
    x = lambda i, g: i * m + g  # noqa: E731 - the variable of participant i in group g
    cost = [float(instance.cost(p, g.id) * weight) for p in people for g in groups]
    lower, upper = [0.0] * (n * m), [1.0] * (n * m)
    for i, p in enumerate(people):
        if p.id in instance.pinned:
            pinned = gid[instance.pinned[p.id]]
            for g in range(m):
                lower[x(i, g)] = upper[x(i, g)] = 1.0 if g == pinned else 0.0
    rows = _Rows()
    for i in range(n):
        rows.add([(x(i, g), 1) for g in range(m)], 1, 1)
    for g, group in enumerate(groups):
        rows.add([(x(i, g), 1) for i in range(n)], 0, group.capacity)
    for members, cap in ((_members(people, "country"), instance.max_per_country),
                         (_members(people, "organisation"), instance.max_per_organisation)):
        if cap is None:
            continue
        for indices in members:
            if len(indices) > cap:
                for g in range(m):
                    rows.add([(x(i, g), 1) for i in indices], 0, cap)
    integral = [1] * (n * m)
    if instance.avoid_repeats:
        # r[g, previous group] >= k*size - k(k+1)/2 for every k: at integers the largest of these
        # tangents is size*(size-1)/2, the pairs of round-1 mates who meet again in g.
        for indices in _members(people, "previous_group"):
            for g, group in enumerate(groups):
                r = len(cost)
                cost.append(1.0); lower.append(0.0); upper.append(np.inf); integral.append(0)
                for k in range(1, min(len(indices), group.capacity)):
                    rows.add([(x(i, g), k) for i in indices] + [(r, -1)], -np.inf, k * (k + 1) / 2)
    result = milp(np.array(cost), integrality=np.array(integral), bounds=Bounds(lower, upper),
                  constraints=rows.constraint(len(cost)))
    if result.status != 0 or result.x is None:
        return None
    chosen = np.rint(result.x[:n * m]).reshape(n, m).argmax(axis=1)
    return chosen, int(round(result.fun))


def _members(people, attribute: str) -> list[list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        value = getattr(p, attribute)
        if value:
            groups[value].append(i)
    return list(groups.values())
