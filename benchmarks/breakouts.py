"""Breakout assignment: the exact solver beside a greedy first-come-first-served baseline.

Seeded instances: Zipf-skewed group popularity, total capacity about 1.1 x participants, 30 countries
and n/8 organisations (each in one country), P=5. Prints the time to build the instance and to solve it, the
objective, first-choice and top-3 shares, peak memory, and the greedy cost beside the optimum.

    uv run python benchmarks/breakouts.py [--quick]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import Counter

import numpy as np

from app.breakouts.assignment import Group, Instance, Participant, metrics, solve

CASES = [
    ("10,000 x 333, no caps", 10_000, 333, None, None),
    ("10,000 x 333, country cap", 10_000, 333, 40, None),
    ("10,000 x 333, country + organisation caps", 10_000, 333, 40, 4),
    ("50,000 x 1,666, no caps", 50_000, 1_666, None, None),
]
QUICK = [("2,000 x 67, both caps", 2_000, 67, 10, 3), ("10,000 x 333, no caps", 10_000, 333, None, None)]


def build(n: int, m: int, country_cap: int | None, org_cap: int | None, seed: int = 2026) -> Instance:
    rng = np.random.default_rng(seed)
    popularity = 1 / np.arange(1, m + 1) ** 1.1
    popularity /= popularity.sum()
    n_country, n_org = 30, max(1, n // 8)
    country_weight = 1 / np.arange(1, n_country + 1)
    home = rng.choice(n_country, size=n_org, p=country_weight / country_weight.sum())
    org_weight = 1 / np.arange(1, n_org + 1) ** 0.8
    orgs = rng.choice(n_org, size=n, p=org_weight / org_weight.sum())
    capacity = int(np.ceil(1.1 * n / m))
    people = tuple(
        Participant(f"p{i}", f"C{home[orgs[i]]}", f"O{orgs[i]}",
                    tuple(f"g{g}" for g in rng.choice(m, size=5, replace=False, p=popularity)))
        for i in range(n)
    )
    groups = tuple(Group(f"g{g}", capacity) for g in range(m))
    return Instance(groups, people, 5, {}, country_cap, org_cap)


def greedy(instance: Instance) -> dict[str, str]:
    """In arrival order, each takes their best ranked group with room within the caps, else any such group."""
    room = {g.id: g.capacity for g in instance.groups}
    by_country, by_org = Counter(), Counter()

    def fits(p: Participant, g: str) -> bool:
        return (room[g] > 0
                and (instance.max_per_country is None or by_country[g, p.country] < instance.max_per_country)
                and (instance.max_per_organisation is None or by_org[g, p.organisation] < instance.max_per_organisation))

    assignment = {}
    for p in instance.participants:
        choice = next((g for g in p.preferences if fits(p, g)), None) or next(g.id for g in instance.groups if fits(p, g.id))
        assignment[p.id] = choice
        room[choice] -= 1
        by_country[choice, p.country] += 1
        by_org[choice, p.organisation] += 1
    return assignment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small instances only")
    cases = QUICK if parser.parse_args().quick else CASES
    print(f"{'instance':44} {'build s':>7} {'solve s':>7} {'objective':>10} {'1st':>6} {'top3':>6} {'greedy/opt':>10} {'peak MB':>8}")
    for label, n, m, country_cap, org_cap in cases:
        started = time.perf_counter()
        instance = build(n, m, country_cap, org_cap)
        built = time.perf_counter()
        result = solve(instance)
        solved = time.perf_counter()
        baseline = greedy(instance)
        greedy_cost = sum(instance.cost(p, baseline[p.id]) for p in instance.participants)
        greedy_metrics = metrics(instance, baseline)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{label:44} {built - started:7.2f} {solved - built:7.2f} {result.objective:10d} {result.metrics['first_choice_share']:6.3f} "
              f"{result.metrics['top3_share']:6.3f} {greedy_cost / max(result.objective, 1):10.2f} {peak:8.0f}")
        print(f"{'  greedy baseline':44} {'':7} {'':7} {greedy_cost:10d} {greedy_metrics['first_choice_share']:6.3f} "
              f"{greedy_metrics['top3_share']:6.3f}")


if __name__ == "__main__":
    main()
