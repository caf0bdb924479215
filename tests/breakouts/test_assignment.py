"""The solver's contract: the JSON in and out, the refusals and their messages, rotation, the exact fallback."""

from __future__ import annotations

import copy

import pytest

import app.breakouts.assignment as assignment_module
from app.breakouts.assignment import Group, Instance, Participant, parse_instance, solve
from app.core.errors import Infeasible, InvalidInput

WORKSHOP = {
    "groups": [{"id": "wg1", "capacity": 2}, {"id": "wg2", "capacity": 2}, {"id": "wg3", "capacity": 1}],
    "participants": [
        {"id": "p1", "country": "BE", "organisation": "Flanders", "preferences": ["wg1"]},
        {"id": "p2", "country": "BE", "organisation": "Flanders", "preferences": ["wg1", "wg3"]},
        {"id": "p3", "country": "FR", "organisation": "Inria", "preferences": ["wg1"]},
        {"id": "p4", "country": "FR", "organisation": None, "preferences": []},
    ],
    "max_preferences": 2,
    "pinned": {"p4": "wg2"},
    "diversity": {"max_per_country": 2, "max_per_organisation": 1},
}


def workshop(**changes) -> dict:
    data = copy.deepcopy(WORKSHOP)
    data.update(changes)
    return data


def test_the_result_json_has_the_documented_shape_and_figures():
    result = solve(parse_instance(workshop())).to_json()
    assert set(result) == {"status", "objective", "assignment", "metrics", "seconds"}
    assert result["status"] == "optimal"
    # Flanders may send one person to wg1: p2, who has a second choice, takes wg3 (cost 1); p4 is
    # pinned outside any ranking (cost (P+1)^2 = 9).
    assert result["assignment"] == {"p1": "wg1", "p2": "wg3", "p3": "wg1", "p4": "wg2"}
    assert result["objective"] == 10
    assert result["metrics"] == {
        "first_choice_share": 0.5,
        "top3_share": 0.75,
        "unranked": 1,
        "group_sizes": {"wg1": 2, "wg2": 1, "wg3": 1},
    }
    assert isinstance(result["seconds"], float)


def test_the_dataclasses_work_without_the_json():
    instance = Instance(
        groups=(Group("a", 1), Group("b", 1)),
        participants=(Participant("x", None, None, ("a",)), Participant("y", None, None, ("a", "b"))),
        max_preferences=2,
        pinned={},
        max_per_country=None,
        max_per_organisation=None,
    )
    assert solve(instance).assignment == {"x": "a", "y": "b"}


def test_no_participants_is_a_trivial_optimum():
    result = solve(parse_instance(workshop(participants=[], pinned={})))
    assert result.assignment == {} and result.objective == 0 and result.metrics["first_choice_share"] == 0.0


def groups(*capacities: int) -> list[dict]:
    return [{"id": f"wg{i + 1}", "capacity": capacity} for i, capacity in enumerate(capacities)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": groups(1, 1, 1)}, "total capacity 3 < 4 participants"),
        ({"pinned": {"p1": "wg3", "p3": "wg3"}}, "group wg3 is pinned 2 people but holds 1"),
        (
            {"pinned": {"p1": "wg1", "p2": "wg1"}},
            "group wg1 is pinned 2 participants from Flanders but max_per_organisation is 1",
        ),
        (
            {
                "diversity": {"max_per_country": 1},
                "groups": groups(5),
                "pinned": {},
                "participants": [{"id": f"b{i}", "country": "BE"} for i in range(2)],
            },
            "country cap 1 cannot hold: 2 participants from BE but only 1 group",
        ),
        (
            {"diversity": {"max_per_country": 1}, "groups": groups(4, 1, 0)},
            "country cap 1 cannot hold: 2 participants from BE but the groups can take only 1 of them",
        ),
        ({"pinned": {"p9": "wg1"}}, "pinned participant p9 is unknown"),
        ({"pinned": {"p1": "wg9"}}, "participant p1 is pinned to unknown group wg9"),
    ],
)
def test_counting_names_the_cause_before_solving(changes, message):
    with pytest.raises(Infeasible) as refused:
        solve(parse_instance(workshop(**changes)))
    assert message in refused.value.detail


def test_a_cap_that_only_conflicts_with_the_capacities_is_reported_with_the_caps():
    # Each country alone fits, but wg2 must take three people and may take one per country.
    data = workshop(groups=groups(1, 3, 0), pinned={}, diversity={"max_per_country": 1})
    with pytest.raises(Infeasible, match="^no assignment satisfies the capacities with max_per_country=1$"):
        solve(parse_instance(data))


@pytest.mark.parametrize(
    ("participant", "message", "field"),
    [
        ({"id": "p9", "preferences": ["wg9"]}, "participant p9 ranks unknown group wg9", "participants[4].preferences"),
        (
            {"id": "p9", "preferences": ["wg1", "wg2", "wg3"]},
            "participant p9 ranks more than P=2 groups",
            "participants[4].preferences",
        ),
        (
            {"id": "p9", "preferences": ["wg1", "wg1"]},
            "participant p9 ranks group wg1 twice",
            "participants[4].preferences",
        ),
        ({"id": "p1"}, "duplicate participant id p1", "participants"),
    ],
)
def test_inconsistent_participants_are_infeasible_with_the_field(participant, message, field):
    data = workshop()
    data["participants"].append(participant)
    with pytest.raises(Infeasible) as refused:
        parse_instance(data)
    assert refused.value.detail == message and refused.value.field == field


def test_a_directly_built_instance_is_checked_too():
    instance = Instance((Group("a", 2), Group("a", 2)), (), 1)
    with pytest.raises(Infeasible, match="duplicate group id a"):
        solve(instance)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "instance"),
        ({"participants": []}, "groups"),
        ({"groups": [{"id": "a"}], "participants": [], "max_preferences": 1}, "groups[0].capacity"),
        ({"groups": [{"id": "a", "capacity": -1}], "participants": [], "max_preferences": 1}, "groups[0].capacity"),
        ({"groups": [{"id": "a", "capacity": True}], "participants": [], "max_preferences": 1}, "groups[0].capacity"),
        (
            {"groups": [], "participants": [{"id": "p", "preferences": "a"}], "max_preferences": 1},
            "participants[0].preferences",
        ),
        ({"groups": [], "participants": [{"country": "BE"}], "max_preferences": 1}, "participants[0].id"),
        ({"groups": [], "participants": []}, "max_preferences"),
        (
            {"groups": [], "participants": [], "max_preferences": 1, "diversity": {"max_per_country": 0}},
            "diversity.max_per_country",
        ),
        ({"groups": [], "participants": [], "max_preferences": 1, "pinned": ["p1"]}, "pinned"),
        ({"groups": [], "participants": [], "max_preferences": 1, "avoid_repeats": "yes"}, "avoid_repeats"),
    ],
)
def test_malformed_instances_are_invalid_input_naming_the_field(data, field):
    with pytest.raises(InvalidInput) as refused:
        parse_instance(data)
    assert refused.value.field == field


def rotation_round(*, avoid_repeats: bool, preferences: list[str]) -> dict:
    """Round 2 of eight people who sat as two groups of four (x and y) in round 1."""
    return {
        "groups": [{"id": "a", "capacity": 4}, {"id": "b", "capacity": 4}],
        "participants": [{"id": f"p{i}", "preferences": preferences} for i in range(8)],
        "max_preferences": 2,
        "previous_groups": {f"p{i}": "x" if i < 4 else "y" for i in range(8)},
        "avoid_repeats": avoid_repeats,
    }


def test_rotation_meets_no_old_mate_again_when_that_is_possible():
    # Zero repeats is impossible here (four round-1 mates, two groups), so use eight round-1 groups of one pair.
    data = rotation_round(avoid_repeats=True, preferences=[])
    data["previous_groups"] = {f"p{i}": f"r{i // 2}" for i in range(8)}
    assert solve(parse_instance(data)).metrics["repeat_pairs"] == 0
    data["avoid_repeats"] = False
    assert solve(parse_instance(data)).metrics["repeat_pairs"] > 0


def test_rotation_spreads_round_one_groups_at_no_preference_cost():
    plain = solve(parse_instance(rotation_round(avoid_repeats=False, preferences=["a", "b"])))
    rotated = solve(parse_instance(rotation_round(avoid_repeats=True, preferences=["a", "b"])))
    assert rotated.metrics["repeat_pairs"] == 4 <= plain.metrics["repeat_pairs"]  # two of x, two of y per group
    assert rotated.objective == plain.objective == 4


def test_repeat_pairs_are_reported_only_when_round_one_groups_are_known():
    assert "repeat_pairs" not in solve(parse_instance(workshop())).metrics


def test_when_the_unranked_cannot_be_seated_the_full_model_still_proves_the_optimum(monkeypatch):
    # The ranked program puts p1 and p2 in A and p4 in B; unranked p3 (FR, o2) then fits nowhere:
    # A is full and B already holds o2. The optimum instead moves p1 out of A.
    instance = Instance(
        groups=(Group("A", 2), Group("B", 2)),
        participants=(
            Participant("p1", "FR", "o1", ("A",)),
            Participant("p2", "DE", "o4", ("A",)),
            Participant("p3", "FR", "o2", ()),
            Participant("p4", "IT", "o2", ("B",)),
        ),
        max_preferences=1,
        max_per_country=1,
        max_per_organisation=1,
    )
    calls = []
    real = assignment_module.solve_milp

    def spy(problem, *, unranked):
        found = real(problem, unranked=unranked)
        calls.append((unranked, problem.n, found is not None))
        return found

    monkeypatch.setattr(assignment_module, "solve_milp", spy)
    result = solve(instance)
    assert calls == [("relaxed", 4, True), ("placed", 1, False), ("placed", 4, True)]
    assert result.objective == 2 * 4
    assert result.assignment == {"p1": "B", "p2": "A", "p3": "A", "p4": "B"}
