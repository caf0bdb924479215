"""Causes of infeasibility that counting can name before any solver runs.

Each check is a necessary condition: if it fails there is no assignment, and the message says which
constraint breaks. If every check passes and the solver still finds no assignment, the constraints
only conflict in combination; :func:`no_solution_message` then names the ones in force.
"""

from __future__ import annotations

from collections import Counter

from app.breakouts.instance import Instance, Participant
from app.core.errors import Infeasible

CAPS = (("country", "max_per_country"), ("organisation", "max_per_organisation"))


def check_counts(instance: Instance) -> None:
    """Raise :class:`Infeasible` naming the first counting argument that rules out every assignment."""
    total = sum(g.capacity for g in instance.groups)
    if total < len(instance.participants):
        raise Infeasible(f"total capacity {total} < {len(instance.participants)} participants")
    capacity = {g.id: g.capacity for g in instance.groups}
    pins = Counter(instance.pinned.values())
    for group in instance.groups:
        if pins[group.id] > group.capacity:
            raise Infeasible(
                f"group {group.id} is pinned {pins[group.id]} people but holds {group.capacity}", field="pinned"
            )
    by_id = {p.id: p for p in instance.participants}
    for attribute, cap_name in CAPS:
        cap = getattr(instance, cap_name)
        if cap is not None:
            _check_cap(instance, attribute, cap_name, cap, capacity, pins, by_id)


def _check_cap(
    instance: Instance,
    attribute: str,
    cap_name: str,
    cap: int,
    capacity: dict[str, int],
    pins: Counter,
    by_id: dict[str, Participant],
) -> None:
    pinned_kind = Counter(
        (gid, getattr(by_id[pid], attribute)) for pid, gid in instance.pinned.items() if getattr(by_id[pid], attribute)
    )
    for (gid, kind), count in pinned_kind.items():
        if count > cap:
            raise Infeasible(
                f"group {gid} is pinned {count} participants from {kind} but {cap_name} is {cap}", field="pinned"
            )
    counts = Counter(getattr(p, attribute) for p in instance.participants if getattr(p, attribute))
    m = len(instance.groups)
    for kind, count in counts.items():
        if count <= cap:
            continue
        prefix = f"{attribute} cap {cap} cannot hold: {count} participants from {kind}"
        if count > cap * m:
            raise Infeasible(f"{prefix} but only {m} group{'s' if m != 1 else ''}", field=f"diversity.{cap_name}")
        # Seats pinned to other kinds are taken; each group takes at most `cap` of this kind.
        seats = sum(min(cap, capacity[g.id] - pins[g.id] + pinned_kind[g.id, kind]) for g in instance.groups)
        if count > seats:
            raise Infeasible(f"{prefix} but the groups can take only {seats} of them", field=f"diversity.{cap_name}")


def no_solution_message(instance: Instance) -> str:
    """For a solver's proof of infeasibility that no single count explains: the constraints in force."""
    message = "no assignment satisfies the capacities"
    if instance.pinned:
        message += f" and {len(instance.pinned)} pins"
    caps = [f"{name}={getattr(instance, name)}" for _, name in CAPS if getattr(instance, name) is not None]
    return f"{message} with {' and '.join(caps)}" if caps else message
