"""Breakout assignment: the exact solver beside a greedy first-come-first-served baseline.

Seeded instances: Zipf-skewed group popularity (a few groups are wanted far more than the rest),
equal groups with about 1.1 seats per participant, P=5 preferences each, 30 countries and n/8
organisations drawn Zipf-skewed and independently (so organisations span countries). Each case
runs in a fresh process, so its peak memory (ru_maxrss) is its own.

    uv run python benchmarks/breakouts.py [--quick]

Columns: build = making the Instance from the generated data (as a service would from rows);
solve = ``solve()``; wall = both; peak MB = the process's maximum resident memory, including the
generated data; greedy/opt = the baseline's cost over the optimal cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

from app.breakouts.assignment import Group, Instance, Participant, solve
from app.breakouts.metrics import metrics, total_cost

P = 5
COUNTRY_CAP, ORGANISATION_CAP = 10, 2
CASES = {
    "10,000 x 333, no caps": (10_000, 333, None, None),
    "10,000 x 333, country cap": (10_000, 333, COUNTRY_CAP, None),
    "10,000 x 333, both caps": (10_000, 333, COUNTRY_CAP, ORGANISATION_CAP),
    "50,000 x 1,666, no caps": (50_000, 1_666, None, None),
}
QUICK = {
    "2,000 x 67, no caps": (2_000, 67, None, None),
    "2,000 x 67, country cap": (2_000, 67, COUNTRY_CAP, None),
    "2,000 x 67, both caps": (2_000, 67, COUNTRY_CAP, ORGANISATION_CAP + 1),  # fewer, larger organisations
    "10,000 x 333, no caps": (10_000, 333, None, None),
}


def zipf(k: int, exponent: float) -> np.ndarray:
    weights = 1 / np.arange(1, k + 1) ** exponent
    return weights / weights.sum()


def ranked_choices(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """(n, P) distinct groups per participant, drawn by popularity without replacement.

    Gumbel top-k: adding Gumbel noise to log-weights and keeping the P largest samples without
    replacement; done in blocks to bound memory."""
    log_popularity = np.log(zipf(m, 1.0))[rng.permutation(m)]
    choices = np.empty((n, P), dtype=np.int64)
    for start in range(0, n, 4_000):
        keys = log_popularity + rng.gumbel(size=(min(n, start + 4_000) - start, m))
        top = np.argpartition(-keys, P, axis=1)[:, :P]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1)
        choices[start : start + len(top)] = np.take_along_axis(top, order, axis=1)
    return choices


def generate(n: int, m: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random data: each participant's ranked groups, country and organisation (indices)."""
    rng = np.random.default_rng(seed)
    choices = ranked_choices(rng, n, m)
    countries = rng.choice(30, size=n, p=zipf(30, 1.0))
    organisations = rng.choice(max(1, n // 8), size=n, p=zipf(max(1, n // 8), 0.8))
    return choices, countries, organisations


def build(data, m: int, country_cap: int | None, organisation_cap: int | None) -> Instance:
    """The Instance, as a service would build it from rows."""
    choices, countries, organisations = data
    group_ids = [f"g{g}" for g in range(m)]
    rows = zip(countries.tolist(), organisations.tolist(), choices.tolist(), strict=True)
    people = tuple(
        Participant(f"p{i}", f"C{c}", f"O{o}", tuple(group_ids[g] for g in row)) for i, (c, o, row) in enumerate(rows)
    )
    groups = tuple(Group(gid, int(np.ceil(1.1 * len(people) / m))) for gid in group_ids)
    return Instance(groups, people, P, {}, country_cap, organisation_cap)


def greedy(instance: Instance) -> dict[str, str]:
    """In input order, each takes their best ranked group with room within the caps, else the group
    with most room within the caps, else the group with most room."""
    room = {g.id: g.capacity for g in instance.groups}
    together: dict[tuple, int] = {}
    caps = (("country", instance.max_per_country), ("organisation", instance.max_per_organisation))

    def fits(p: Participant, gid: str) -> bool:
        return room[gid] > 0 and all(
            cap is None or together.get((gid, name, getattr(p, name)), 0) < cap for name, cap in caps
        )

    assignment = {}
    for p in instance.participants:
        choice = next((gid for gid in p.preferences if fits(p, gid)), None)
        if choice is None:
            allowed = [gid for gid in room if fits(p, gid)] or [gid for gid in room if room[gid] > 0]
            choice = max(allowed, key=room.__getitem__)
        assignment[p.id] = choice
        room[choice] -= 1
        for name, _ in caps:
            together[choice, name, getattr(p, name)] = together.get((choice, name, getattr(p, name)), 0) + 1
    return assignment


def run_case(label: str, n: int, m: int, country_cap: int | None, organisation_cap: int | None) -> dict:
    data = generate(n, m)
    started = time.perf_counter()
    instance = build(data, m, country_cap, organisation_cap)
    built = time.perf_counter()
    result = solve(instance)
    solved = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline = greedy(instance)
    shares = metrics(instance, baseline)
    return {
        "label": label,
        "build": built - started,
        "solve": solved - built,
        "wall": solved - started,
        "objective": result.objective,
        "first": result.metrics["first_choice_share"],
        "top3": result.metrics["top3_share"],
        "peak_mb": peak_mb,
        "greedy": total_cost(instance, baseline),
        "greedy_first": shares["first_choice_share"],
        "greedy_top3": shares["top3_share"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, run in a child process
    args = parser.parse_args()
    cases = QUICK if args.quick else CASES
    if args.case:
        print(json.dumps(run_case(args.case, *cases[args.case])))
        return
    header = (
        f"{'instance':28} {'build s':>7} {'solve s':>7} {'wall s':>7} {'peak MB':>7} {'optimum':>8} "
        f"{'1st':>6} {'top3':>6} | {'greedy':>8} {'1st':>6} {'top3':>6} {'greedy/opt':>10}"
    )
    print(header)
    print("-" * len(header))
    for label in cases:
        child = subprocess.run(
            [sys.executable, __file__, "--case", label, *(["--quick"] if args.quick else [])],
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            print(f"{label:28} failed: {child.stderr.strip().splitlines()[-1]}")
            continue
        row = json.loads(child.stdout)
        print(
            f"{label:28} {row['build']:7.2f} {row['solve']:7.2f} {row['wall']:7.2f} {row['peak_mb']:7.0f} "
            f"{row['objective']:8d} {row['first']:6.3f} {row['top3']:6.3f} | {row['greedy']:8d} "
            f"{row['greedy_first']:6.3f} {row['greedy_top3']:6.3f} {row['greedy'] / max(row['objective'], 1):10.2f}"
        )


if __name__ == "__main__":
    main()
