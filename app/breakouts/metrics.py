"""What an assignment gives the participants: its cost and the figures reported beside it."""

from __future__ import annotations

from collections import Counter

from app.breakouts.instance import Instance


def total_cost(instance: Instance, assignment: dict[str, str]) -> int:
    return sum(instance.cost(p, assignment[p.id]) for p in instance.participants)


def repeat_pairs(instance: Instance, assignment: dict[str, str]) -> int:
    """Unordered pairs of participants who shared a round-1 group and share a group again."""
    together = Counter((assignment[p.id], p.previous_group) for p in instance.participants if p.previous_group)
    return sum(k * (k - 1) // 2 for k in together.values())


def metrics(instance: Instance, assignment: dict[str, str]) -> dict:
    """Shares are of all participants, rounded to 4 places (0.0 with no participants).

    - ``first_choice_share``: placed in their first preference;
    - ``top3_share``: placed in one of their first three preferences;
    - ``unranked``: how many are placed in a group they did not rank, including those who ranked none;
    - ``group_sizes``: every group, in input order;
    - ``repeat_pairs``: only when round-1 groups are known (see :func:`repeat_pairs`).
    """
    ranks = Counter(
        p.preferences.index(assignment[p.id]) if assignment[p.id] in p.preferences else None
        for p in instance.participants
    )
    n = len(instance.participants)
    sizes = Counter(assignment.values())
    result = {
        "first_choice_share": round(ranks[0] / n, 4) if n else 0.0,
        "top3_share": round((ranks[0] + ranks[1] + ranks[2]) / n, 4) if n else 0.0,
        "unranked": ranks[None],
        "group_sizes": {g.id: sizes[g.id] for g in instance.groups},
    }
    if any(p.previous_group for p in instance.participants):
        result["repeat_pairs"] = repeat_pairs(instance, assignment)
    return result
