"""Breakout assignment, solved to proven optimality. Pure: plain data in, plain data out, no database.

The problem (docs/breakout-instance.md): every participant in exactly one group, capacities held,
pinned participants in their group, at most ``max_per_country`` people of one country and
``max_per_organisation`` of one organisation per group; minimise the total cost, (k-1)^2 for a
participant in its k-th preference and (P+1)^2 in a group it did not rank.

Rotation (``avoid_repeats``, with each participant's ``previous_group``): what is minimised is

    preference cost + REPEAT_PAIR_COST x (pairs of round-1 group mates who share a group again)

with ``REPEAT_PAIR_COST`` = 1: meeting one old mate again weighs as much as one person's move from
first to second choice, so people are spread out where it costs preferences little, and nobody is
pushed into a group they did not rank (cost (P+1)^2) to avoid a few repeats. The result's
``objective`` stays the preference cost; ``metrics.repeat_pairs`` reports the pairs. Since the
preference-only optimum is one of the candidates, rotation never yields more repeat pairs than
solving without it.

``solve`` fixes the pinned participants and drops the caps that cannot bind. Each of country cap,
organisation cap and rotation is then a *partition* of the participants (see
:mod:`app.breakouts.problem`), and the method depends on how many are in force:

- at most one: a min-cost flow (:mod:`app.breakouts.flow`), exact by flow integrality (the pair
  charge is convex, so it fits a flow as unit arcs of rising cost);
- two or three: an integer program on the ranked choices only (:mod:`app.breakouts.milp`), in
  which the unranked take no seat and only pairs among ranked placements are charged. It is a
  relaxation, so its optimum is a lower bound. The participants it leaves unranked are then seated
  in the room and caps left by a small exact program over just them (``Problem.seating``); if that
  succeeds without forming a new pair, the bound is met and the result is optimal. Otherwise the
  full model (the unranked seated as counts per class of interchangeable participants) is solved:
  exact too, but far slower at scale (minutes at 10,000 participants against about 2 s).

Equal-cost optima are broken deterministically: the same instance gives the same assignment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from app.breakouts.feasibility import check_counts, no_solution_message
from app.breakouts.flow import solve_flow
from app.breakouts.instance import Group, Instance, Participant, parse_instance, validate
from app.breakouts.metrics import metrics, total_cost
from app.breakouts.milp import solve_milp
from app.breakouts.problem import Problem, build_problem
from app.core.errors import Infeasible

__all__ = ["Group", "Instance", "Participant", "Result", "parse_instance", "solve"]


@dataclass(frozen=True)
class Result:
    objective: int
    assignment: dict[str, str]  # participant id -> group id, in input order
    metrics: dict
    seconds: float

    def to_json(self) -> dict:
        return {
            "status": "optimal",
            "objective": self.objective,
            "assignment": self.assignment,
            "metrics": self.metrics,
            "seconds": round(self.seconds, 4),
        }


def solve(instance: Instance) -> Result:
    """The optimal assignment; :class:`Infeasible` naming the cause when there is none."""
    started = time.perf_counter()
    validate(instance)
    check_counts(instance)
    problem = build_problem(instance)
    free_groups = _optimal_groups(problem)
    if free_groups is None:
        raise Infeasible(no_solution_message(instance))
    chosen = problem.pinned_group.copy()
    chosen[problem.free] = free_groups
    assignment = {p.id: instance.groups[g].id for p, g in zip(instance.participants, chosen.tolist(), strict=True)}
    return Result(
        total_cost(instance, assignment), assignment, metrics(instance, assignment), time.perf_counter() - started
    )


def _optimal_groups(problem: Problem) -> np.ndarray | None:
    if problem.n == 0:
        return np.empty(0, dtype=np.int64)
    if len(problem.partitions) <= 1:
        return solve_flow(problem)
    ranked = solve_milp(problem, unranked="relaxed")  # never infeasible: anyone may stay unranked
    assert ranked is not None, "the relaxed problem is always feasible"
    waiting = ranked < 0
    if not waiting.any():
        return ranked
    seats = solve_milp(problem.seating(ranked), unranked="placed")
    if seats is None:
        return solve_milp(problem, unranked="placed")
    completed = ranked.copy()
    completed[waiting] = seats
    # Under rotation the relaxation charged only the pairs among ranked placements: the bound is
    # met, and the result proven optimal, only if seating the rest formed no new pair.
    if any(p.cap is None and p.pairs(completed) > p.pairs(ranked) for p in problem.partitions):
        return solve_milp(problem, unranked="placed")
    return completed
