"""The pure solver: optimal against brute force, constraints on large instances, clear refusals."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from app.breakouts.assignment import Group, Instance, Participant, parse_instance, repeat_pairs, solve
from app.core.errors import Infeasible, InvalidInput


def feasible(instance: Instance, assignment: dict[str, str]) -> bool:
    capacity = {g.id: g.capacity for g in instance.groups}
    if set(assignment) != {p.id for p in instance.participants}:
        return False
    if any(count > capacity[g] for g, count in Counter(assignment.values()).items()):
        return False
    if any(assignment[p] != g for p, g in instance.pinned.items()):
        return False
    for attribute, cap in (("country", instance.max_per_country), ("organisation", instance.max_per_organisation)):
        if cap:
            together = Counter((assignment[p.id], getattr(p, attribute)) for p in instance.participants if getattr(p, attribute))
            if any(count > cap for count in together.values()):
                return False
    return True


def brute_force(instance: Instance) -> tuple[int, int] | None:
    """(cost, repeat pairs) of the best feasible assignment, by enumerating every one."""
    ids = [p.id for p in instance.participants]
    best = None
    for combo in itertools.product([g.id for g in instance.groups], repeat=len(ids)):
        assignment = dict(zip(ids, combo))
        if not feasible(instance, assignment):
            continue
        cost = sum(instance.cost(p, assignment[p.id]) for p in instance.participants)
        key = (cost, repeat_pairs(instance, assignment) if instance.avoid_repeats else 0)
        best = key if best is None or key < best else best
    return best


def random_instance(seed: int) -> Instance:
    rng = random.Random(seed)
    groups = tuple(Group(f"g{i}", rng.randint(1, 4)) for i in range(rng.choice([2, 3])))
    P = rng.randint(0, len(groups))
    home = {"a": "BE", "b": "FR", "c": "DE", "d": "BE"}
    people = []
    for i in range(rng.randint(3, 7)):
        org = rng.choice([*home, None])
        # Even seeds keep organisations inside one country (a flow); odd seeds cross them (the MILP).
        country = home[org] if org and seed % 2 == 0 else rng.choice(["BE", "FR", "DE", None])
        prefs = tuple(rng.sample([g.id for g in groups], rng.randint(0, P)))
        people.append(Participant(f"p{i}", country, org, prefs, previous_group=rng.choice(["x", "y", None])))
    return Instance(groups, tuple(people), P, {"p0": "g0"} if rng.random() < 0.3 else {},
                    rng.choice([None, 1, 2]), rng.choice([None, 1, 2]), avoid_repeats=rng.random() < 0.3)


@pytest.mark.parametrize("seed", range(120))
def test_solver_matches_brute_force_on_small_instances(seed):
    instance = random_instance(seed)
    best = brute_force(instance)
    if best is None:
        with pytest.raises(Infeasible):
            solve(instance)
        return
    result = solve(instance)
    assert feasible(instance, result.assignment)
    got = (result.objective, result.metrics.get("repeat_pairs", 0) if instance.avoid_repeats else 0)
    assert got == best


def large_instance(n: int, m: int, seed: int = 7) -> Instance:
    rng = random.Random(seed)
    weights = [1 / (k + 1) for k in range(m)]
    orgs = [(f"org{k}", f"C{rng.randrange(20)}") for k in range(n // 8)]
    people = []
    for i in range(n):
        org, country = rng.choice(orgs)
        prefs = []
        while len(prefs) < 3:
            g = f"g{rng.choices(range(m), weights)[0]}"
            if g not in prefs:
                prefs.append(g)
        people.append(Participant(f"p{i}", country, org, tuple(prefs)))
    groups = tuple(Group(f"g{k}", -(-11 * n // (10 * m))) for k in range(m))
    return Instance(groups, tuple(people), 3, {"p0": "g5", "p1": "g5"}, max_per_country=12, max_per_organisation=3)


def test_large_instance_with_both_caps_holds_every_constraint_and_is_deterministic():
    instance = large_instance(2000, 60)
    first, second = solve(instance), solve(instance)
    assert feasible(instance, first.assignment)
    assert first.assignment == second.assignment
    assert first.metrics["group_sizes"] == dict(Counter(first.assignment.values())) | {
        g.id: 0 for g in instance.groups if g.id not in first.assignment.values()}


def test_crossing_caps_on_a_large_instance_still_hold():
    instance = large_instance(600, 20)
    crossed = Instance(instance.groups, tuple(
        Participant(p.id, f"C{i % 7}", p.organisation, p.preferences) for i, p in enumerate(instance.participants)
    ), 3, {}, max_per_country=5, max_per_organisation=2)
    assert feasible(crossed, solve(crossed).assignment)


def instance_json(**overrides) -> dict:
    data = {
        "groups": [{"id": "wg1", "capacity": 2}, {"id": "wg2", "capacity": 2}],
        "participants": [
            {"id": f"p{i}", "country": "BE" if i < 2 else "FR", "organisation": f"o{i}", "preferences": ["wg1", "wg2"]}
            for i in range(4)
        ],
        "max_preferences": 2,
    }
    data.update(overrides)
    return data


def test_result_json_has_the_documented_shape():
    result = solve(parse_instance(instance_json())).to_json()
    assert result["status"] == "optimal" and result["objective"] == 2
    assert set(result["metrics"]) >= {"first_choice_share", "top3_share", "unranked", "group_sizes"}
    assert result["metrics"]["first_choice_share"] == 0.5 and result["metrics"]["top3_share"] == 1.0


@pytest.mark.parametrize(("overrides", "message"), [
    ({"groups": [{"id": "wg1", "capacity": 1}, {"id": "wg2", "capacity": 2}]}, "total capacity 3 < 4 participants"),
    ({"pinned": {"p0": "wg1", "p1": "wg1", "p2": "wg1"}}, "group wg1 has 3 pinned participants but holds 2"),
    ({"diversity": {"max_per_country": 1}, "groups": [{"id": "wg1", "capacity": 4}, {"id": "wg2", "capacity": 0}]},
     "no assignment satisfies the group capacities with max_per_country=1"),
    ({"pinned": {"p9": "wg1"}}, "pinned participant 'p9'"),
    ({"pinned": {"p0": "wg9"}}, "unknown group 'wg9'"),
])
def test_infeasible_data_names_the_cause(overrides, message):
    with pytest.raises(Infeasible) as error:
        solve(parse_instance(instance_json(**overrides)))
    assert message in error.value.detail


def test_a_preference_for_an_unknown_group_is_refused():
    data = instance_json()
    data["participants"][0]["preferences"] = ["wg7"]
    with pytest.raises(Infeasible, match="participant p0 ranks unknown group 'wg7'"):
        parse_instance(data)


def test_caps_that_cannot_hold_together_are_reported_with_the_caps():
    data = instance_json(diversity={"max_per_country": 1, "max_per_organisation": 1})
    for person in data["participants"]:
        person["country"] = "BE" if person["id"] in ("p0", "p1", "p2") else "FR"
    data["groups"] = [{"id": "wg1", "capacity": 2}, {"id": "wg2", "capacity": 2}, {"id": "wg3", "capacity": 0}]
    with pytest.raises(Infeasible, match="country cap 1 cannot hold|max_per_country=1"):
        solve(parse_instance(data))


@pytest.mark.parametrize("data", [[], {"groups": []}, {"groups": [{"id": "a"}], "participants": []},
                                  {"groups": [{"id": "a", "capacity": -1}], "participants": []}])
def test_malformed_instances_are_invalid_input(data):
    with pytest.raises(InvalidInput):
        parse_instance(data)


def test_rotation_keeps_the_preference_cost_and_meets_fewer_old_mates():
    people = [{"id": f"p{i}", "preferences": [], "country": None, "organisation": None} for i in range(8)]
    data = {"groups": [{"id": "a", "capacity": 4}, {"id": "b", "capacity": 4}], "participants": people,
            "max_preferences": 1, "previous_groups": {f"p{i}": "x" if i < 4 else "y" for i in range(8)}}
    plain = solve(parse_instance(data))
    rotated = solve(parse_instance({**data, "avoid_repeats": True}))
    assert rotated.objective == plain.objective
    assert rotated.metrics["repeat_pairs"] == 4 <= plain.metrics["repeat_pairs"]
