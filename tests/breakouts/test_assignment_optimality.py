"""The solver against brute force on small instances, and every constraint on large seeded ones."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pytest

from app.breakouts.assignment import Group, Instance, Participant, solve
from app.breakouts.metrics import repeat_pairs
from app.breakouts.problem import REPEAT_PAIR_COST
from app.core.errors import Infeasible


def violations(instance: Instance, assignment: dict[str, str]) -> list[str]:
    """Every broken constraint, in words (empty when the assignment is feasible)."""
    broken = []
    if list(assignment) != [p.id for p in instance.participants]:
        broken.append("not every participant exactly once, in input order")
    sizes = Counter(assignment.values())
    broken += [f"{g.id} over capacity" for g in instance.groups if sizes[g.id] > g.capacity]
    broken += [f"{pid} not in pinned {gid}" for pid, gid in instance.pinned.items() if assignment[pid] != gid]
    for attribute, cap in (("country", instance.max_per_country), ("organisation", instance.max_per_organisation)):
        if cap is not None:
            together = Counter(
                (assignment[p.id], getattr(p, attribute)) for p in instance.participants if getattr(p, attribute)
            )
            broken += [f"{cell} over the {attribute} cap" for cell, count in together.items() if count > cap]
    return broken


def objective_minimised(instance: Instance, assignment: dict[str, str]) -> int:
    cost = sum(instance.cost(p, assignment[p.id]) for p in instance.participants)
    return cost + (REPEAT_PAIR_COST * repeat_pairs(instance, assignment) if instance.avoid_repeats else 0)


def brute_force_minimum(instance: Instance) -> int | None:
    """The least objective over every feasible assignment (None if there is none), vectorised."""
    people, group_ids = instance.participants, [g.id for g in instance.groups]
    m = len(group_ids)
    every = np.array(list(itertools.product(range(m), repeat=len(people))), dtype=np.int64).reshape(-1, len(people))
    ok = np.ones(len(every), dtype=bool)
    per_group = np.stack([(every == g).sum(axis=1) for g in range(m)], axis=1)
    ok &= (per_group <= [g.capacity for g in instance.groups]).all(axis=1)
    column = {p.id: i for i, p in enumerate(people)}
    for pid, gid in instance.pinned.items():
        ok &= every[:, column[pid]] == group_ids.index(gid)
    pairs = np.zeros(len(every), dtype=np.int64)
    for attribute, cap in (
        ("country", instance.max_per_country),
        ("organisation", instance.max_per_organisation),
        ("previous_group", None),
    ):
        for kind in {getattr(p, attribute) for p in people} - {None}:
            members = every[:, [getattr(p, attribute) == kind for p in people]]
            counts = np.stack([(members == g).sum(axis=1) for g in range(m)], axis=1)
            if cap is not None:
                ok &= (counts <= cap).all(axis=1)
            elif attribute == "previous_group":
                pairs += (counts * (counts - 1) // 2).sum(axis=1)
    costs = np.array([[instance.cost(p, g) for g in group_ids] for p in people]).reshape(len(people), m)
    total = costs[np.arange(len(people)), every].sum(axis=1)
    if instance.avoid_repeats:
        total = total + REPEAT_PAIR_COST * pairs
    return int(total[ok].min()) if ok.any() else None


def small_instance(seed: int) -> Instance:
    """Up to 7 participants in 2 or 3 groups; caps, pins and rotation drawn at random, caps crossing."""
    rng = random.Random(seed)
    groups = tuple(Group(f"g{i}", rng.randint(1, 4)) for i in range(rng.choice([2, 3, 3])))
    P = rng.randint(0, len(groups))
    people = tuple(
        Participant(
            f"p{i}",
            rng.choice(["BE", "FR", "DE", None]),
            rng.choice(["a", "b", "c", None]),
            tuple(rng.sample([g.id for g in groups], rng.randint(0, P))),
            rng.choice(["x", "y", "z", None]),
        )
        for i in range(rng.randint(3, 7))
    )
    pinned = {p.id: rng.choice(groups).id for p in rng.sample(people, rng.choice([0, 0, 1, 2]))}
    return Instance(
        groups, people, P, pinned, rng.choice([None, 1, 2]), rng.choice([None, 1, 2]), avoid_repeats=rng.random() < 0.3
    )


@pytest.mark.parametrize("seed", range(300))
def test_the_solver_matches_brute_force_on_small_instances(seed):
    instance = small_instance(seed)
    best = brute_force_minimum(instance)
    if best is None:
        with pytest.raises(Infeasible):
            solve(instance)
        return
    result = solve(instance)
    assert violations(instance, result.assignment) == []
    assert objective_minimised(instance, result.assignment) == best
    assert result.objective == sum(instance.cost(p, result.assignment[p.id]) for p in instance.participants)


def large_instance(n: int, m: int, *, seed: int = 7, country_cap=12, organisation_cap=2, rotation=False) -> Instance:
    """Skewed popularity, about 10% spare seats, organisations that span countries, two pins."""
    rng = random.Random(seed)
    popularity = [1 / (k + 1) for k in range(m)]
    organisations = rng.choices(range(n // 8), [1 / (k + 1) ** 0.6 for k in range(n // 8)], k=n)
    people = []
    for i in range(n):
        prefs = []
        while len(prefs) < 3:
            group = f"g{rng.choices(range(m), popularity)[0]}"
            if group not in prefs:
                prefs.append(group)
        people.append(
            Participant(
                f"p{i}",
                f"C{min(rng.randrange(20), rng.randrange(20))}",
                f"org{organisations[i]}",
                tuple(prefs[: rng.choice([0, 3, 3, 3])]),
                f"r{rng.randrange(m)}" if rotation else None,
            )
        )
    groups = tuple(Group(f"g{k}", -(-11 * n // (10 * m))) for k in range(m))
    return Instance(
        groups, tuple(people), 3, {"p0": "g5", "p1": "g5"}, country_cap, organisation_cap, avoid_repeats=rotation
    )


@pytest.mark.parametrize(("country_cap", "organisation_cap"), [(12, 2), (12, None), (None, None)])
def test_large_instances_hold_every_constraint_and_are_deterministic(country_cap, organisation_cap):
    instance = large_instance(2000, 60, country_cap=country_cap, organisation_cap=organisation_cap)
    first, second = solve(instance), solve(instance)
    assert violations(instance, first.assignment) == []
    assert first.assignment == second.assignment
    assert first.metrics["group_sizes"] == {g.id: Counter(first.assignment.values())[g.id] for g in instance.groups}


def test_caps_only_raise_the_optimal_cost():
    free = solve(large_instance(2000, 60, country_cap=None, organisation_cap=None)).objective
    country = solve(large_instance(2000, 60, country_cap=12, organisation_cap=None)).objective
    both = solve(large_instance(2000, 60)).objective
    assert free <= country <= both


@pytest.mark.parametrize(("country_cap", "organisation_cap"), [(None, None), (8, 3)])
def test_rotation_never_meets_more_round_one_mates(country_cap, organisation_cap):
    rotating = large_instance(
        240, 12, seed=3, country_cap=country_cap, organisation_cap=organisation_cap, rotation=True
    )
    ignoring = Instance(
        rotating.groups,
        rotating.participants,
        rotating.max_preferences,
        rotating.pinned,
        rotating.max_per_country,
        rotating.max_per_organisation,
        avoid_repeats=False,
    )
    with_rotation, without = solve(rotating), solve(ignoring)
    assert violations(rotating, with_rotation.assignment) == []
    assert with_rotation.metrics["repeat_pairs"] < without.metrics["repeat_pairs"]
    # The trade is priced: preferences give way only where that removes more repeat pairs than it costs.
    assert with_rotation.objective - without.objective <= REPEAT_PAIR_COST * (
        without.metrics["repeat_pairs"] - with_rotation.metrics["repeat_pairs"]
    )
