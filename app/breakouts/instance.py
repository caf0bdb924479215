"""The breakout assignment instance (../shared/breakout-instance.md): plain data, parsed and checked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.core.errors import Infeasible, InvalidInput


@dataclass(frozen=True)
class Group:
    id: str
    capacity: int


@dataclass(frozen=True)
class Participant:
    id: str
    country: str | None
    organisation: str | None
    preferences: tuple[str, ...]
    previous_group: str | None = None


@dataclass(frozen=True)
class Instance:
    groups: tuple[Group, ...]
    participants: tuple[Participant, ...]
    max_preferences: int
    pinned: dict[str, str] = field(default_factory=dict)
    max_per_country: int | None = None
    max_per_organisation: int | None = None
    avoid_repeats: bool = False

    def cost(self, participant: Participant, group_id: str) -> int:
        """(k-1)^2 for the k-th preference, (P+1)^2 for a group the participant did not rank."""
        if group_id in participant.preferences:
            return participant.preferences.index(group_id) ** 2
        return (self.max_preferences + 1) ** 2


def _cap(value, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(f"{name} must be a positive whole number or null", field=f"diversity.{name}")
    return value


def parse_instance(data: dict) -> Instance:
    """The JSON instance as an :class:`Instance`; malformed data is an ``InvalidInput`` naming the field."""
    if not isinstance(data, dict):
        raise InvalidInput("the instance must be a JSON object", field="instance")
    try:
        groups = tuple(Group(id=str(g["id"]), capacity=g["capacity"]) for g in data["groups"])
        P = data.get("max_preferences", max((len(p.get("preferences", [])) for p in data["participants"]), default=0))
        previous = data.get("previous_groups") or {}
        participants = tuple(
            Participant(
                id=str(p["id"]), country=p.get("country"), organisation=p.get("organisation"),
                preferences=tuple(str(g) for g in p.get("preferences", [])),
                previous_group=previous.get(str(p["id"]), p.get("previous_group")),
            )
            for p in data["participants"]
        )
    except (KeyError, TypeError) as error:
        raise InvalidInput(f"malformed instance: missing or wrong field {error}", field="instance") from None
    diversity = data.get("diversity") or {}
    instance = Instance(
        groups=groups, participants=participants, max_preferences=P,
        pinned={str(k): str(v) for k, v in (data.get("pinned") or {}).items()},
        max_per_country=_cap(diversity.get("max_per_country"), "max_per_country"),
        max_per_organisation=_cap(diversity.get("max_per_organisation"), "max_per_organisation"),
        avoid_repeats=bool(data.get("avoid_repeats", False)),
    )
    check(instance)
    return instance


def check(instance: Instance) -> None:
    """Refuse malformed data, then name any cause of infeasibility that can be seen without solving."""
    group_ids = [g.id for g in instance.groups]
    if not group_ids:
        raise InvalidInput("there are no groups", field="groups")
    duplicates = [gid for gid, n in Counter(group_ids).items() if n > 1]
    if duplicates:
        raise InvalidInput(f"group id {duplicates[0]!r} appears twice", field="groups")
    for group in instance.groups:
        if not isinstance(group.capacity, int) or isinstance(group.capacity, bool) or group.capacity < 0:
            raise InvalidInput(f"group {group.id} has an invalid capacity {group.capacity!r}", field="groups")
    if not isinstance(instance.max_preferences, int) or instance.max_preferences < 0:
        raise InvalidInput("max_preferences must be a whole number >= 0", field="max_preferences")
    known = set(group_ids)
    seen: set[str] = set()
    for p in instance.participants:
        if p.id in seen:
            raise InvalidInput(f"participant id {p.id!r} appears twice", field="participants")
        seen.add(p.id)
        if len(p.preferences) > instance.max_preferences:
            raise InvalidInput(f"participant {p.id} ranks {len(p.preferences)} groups, more than P={instance.max_preferences}",
                               field="participants")
        if len(set(p.preferences)) != len(p.preferences):
            raise InvalidInput(f"participant {p.id} ranks a group twice", field="participants")
        unknown = [g for g in p.preferences if g not in known]
        if unknown:
            raise Infeasible(f"participant {p.id} ranks unknown group {unknown[0]!r}", field="participants")
    for pid, gid in instance.pinned.items():
        if pid not in seen:
            raise Infeasible(f"pinned participant {pid!r} is not among the participants", field="pinned")
        if gid not in known:
            raise Infeasible(f"participant {pid} is pinned to unknown group {gid!r}", field="pinned")
    _check_counts(instance)


def _check_counts(instance: Instance) -> None:
    n, m = len(instance.participants), len(instance.groups)
    total = sum(g.capacity for g in instance.groups)
    if total < n:
        raise Infeasible(f"total capacity {total} < {n} participants")
    capacity = {g.id: g.capacity for g in instance.groups}
    by_id = {p.id: p for p in instance.participants}
    pins = Counter(instance.pinned.values())
    for gid, count in pins.items():
        if count > capacity[gid]:
            raise Infeasible(f"group {gid} has {count} pinned participants but holds {capacity[gid]}")
    for attribute, cap, label in (("country", instance.max_per_country, "country"),
                                  ("organisation", instance.max_per_organisation, "organisation")):
        if cap is None:
            continue
        counts = Counter(getattr(p, attribute) for p in instance.participants if getattr(p, attribute))
        for value, count in counts.items():
            if count > cap * m:
                raise Infeasible(f"{label} cap {cap} cannot hold: {count} participants from {value} but only {m} groups")
        pinned_together = Counter((gid, getattr(by_id[pid], attribute)) for pid, gid in instance.pinned.items()
                                  if getattr(by_id[pid], attribute))
        for (gid, value), count in pinned_together.items():
            if count > cap:
                raise Infeasible(f"{label} cap {cap} cannot hold: {count} participants from {value} are pinned to group {gid}")
