"""Breakout assignment, solved to optimality. Pure: plain data in, plain data out, no database.

The public API: ``parse_instance``, ``solve`` and :class:`Result` (plus the instance dataclasses).
``solve`` picks the exact method that fits the constraints:

- capacities, pins, and caps that nest (organisations within countries): a min-cost flow
  (:mod:`app.breakouts.flow`), which is integral and optimal by construction, and fast;
- caps that cross, or caps together with rotation: an integer program (:mod:`app.breakouts.milp`).

Rotation (``avoid_repeats``): the preference cost is minimised first; among the assignments with
that minimal cost, the one with the fewest pairs of round-1 group mates together again is chosen
(the repeat count is added with a weight below one unit of preference cost).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass


from app.breakouts.flow import laminar_classes, solve_flow
from app.breakouts.instance import Group, Instance, Participant, check, parse_instance
from app.breakouts.milp import solve_milp
from app.core.errors import Infeasible

__all__ = ["Group", "Instance", "Participant", "Result", "parse_instance", "repeat_pairs", "solve"]


@dataclass(frozen=True)
class Result:
    objective: int
    assignment: dict[str, str]
    metrics: dict
    seconds: float

    def to_json(self) -> dict:
        return {"status": "optimal", "objective": self.objective, "assignment": self.assignment,
                "metrics": self.metrics, "seconds": round(self.seconds, 4)}


def solve(instance: Instance) -> Result:
    """The optimal assignment; raises :class:`Infeasible` naming the cause when there is none."""
    started = time.perf_counter()
    check(instance)
    weight = _rotation_weight(instance)
    classes = laminar_classes(instance)
    rotating_with_caps = instance.avoid_repeats and (instance.max_per_country or instance.max_per_organisation)
    if classes is not None and not rotating_with_caps:
        solution = solve_flow(instance, classes, weight=weight)
        chosen = None if solution is None else solution.groups
    else:
        found = solve_milp(instance, weight=weight)
        chosen = None if found is None else found[0]
    if chosen is None:
        raise Infeasible(_no_solution_message(instance))
    assignment = {p.id: instance.groups[int(g)].id for p, g in zip(instance.participants, chosen)}
    objective = sum(instance.cost(p, assignment[p.id]) for p in instance.participants)
    return Result(objective, assignment, metrics(instance, assignment), time.perf_counter() - started)


def _rotation_weight(instance: Instance) -> int:
    """Preference cost units worth more than every possible repeat pair (so preferences come first)."""
    if not instance.avoid_repeats:
        return 1
    sizes = Counter(p.previous_group for p in instance.participants if p.previous_group)
    return 1 + sum(size * (size - 1) // 2 for size in sizes.values())


def _no_solution_message(instance: Instance) -> str:
    caps = [f"{name}={value}" for name, value in (("max_per_country", instance.max_per_country),
                                                  ("max_per_organisation", instance.max_per_organisation)) if value]
    pins = f" and {len(instance.pinned)} pinned participants" if instance.pinned else ""
    if caps:
        return f"no assignment satisfies the group capacities with {' and '.join(caps)}{pins}"
    return f"no assignment satisfies the group capacities{pins}"


def repeat_pairs(instance: Instance, assignment: dict[str, str]) -> int:
    """Pairs of participants who shared a round-1 group and share a group again."""
    together = Counter((assignment[p.id], p.previous_group) for p in instance.participants if p.previous_group)
    return sum(k * (k - 1) // 2 for k in together.values())


def metrics(instance: Instance, assignment: dict[str, str]) -> dict:
    n = len(instance.participants) or 1
    ranks = [p.preferences.index(assignment[p.id]) + 1 if assignment[p.id] in p.preferences else None
             for p in instance.participants]
    sizes = Counter(assignment.values())
    result = {
        "first_choice_share": round(sum(r == 1 for r in ranks) / n, 4),
        "top3_share": round(sum(r is not None and r <= 3 for r in ranks) / n, 4),
        "unranked": sum(r is None for r in ranks),
        "group_sizes": {g.id: sizes.get(g.id, 0) for g in instance.groups},
    }
    if any(p.previous_group for p in instance.participants):
        result["repeat_pairs"] = repeat_pairs(instance, assignment)
    return result
