"""The breakout assignment instance (docs/breakout-instance.md): plain data, parsed and checked.

Two kinds of bad data are told apart. A *malformed* instance (a missing field, a capacity that is
not a whole number) is :class:`InvalidInput`. An instance that is well formed but *inconsistent*
(a preference for a group that does not exist, a pin to one, two participants with one id) can have
no assignment, so it is :class:`Infeasible`, with ``field`` saying where to look.

The JSON format is extended for rotation: ``"previous_groups": {"p1": "wg1"}`` (each participant's
round-1 group, any label) and ``"avoid_repeats": true``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

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
    preferences: tuple[str, ...]  # group ids, best first
    previous_group: str | None = None  # round-1 group, for rotation


@dataclass(frozen=True)
class Instance:
    groups: tuple[Group, ...]
    participants: tuple[Participant, ...]
    max_preferences: int
    pinned: dict[str, str] = field(default_factory=dict)  # participant id -> group id
    max_per_country: int | None = None
    max_per_organisation: int | None = None
    avoid_repeats: bool = False

    @property
    def unranked_cost(self) -> int:
        return (self.max_preferences + 1) ** 2

    def cost(self, participant: Participant, group_id: str) -> int:
        """(k-1)^2 in the participant's k-th preference, (P+1)^2 in a group it did not rank."""
        if group_id in participant.preferences:
            return participant.preferences.index(group_id) ** 2
        return self.unranked_cost


def parse_instance(data: Any) -> Instance:
    """The JSON instance as an :class:`Instance`, checked by :func:`validate`."""
    if not isinstance(data, dict):
        raise InvalidInput("the instance must be a JSON object", field="instance")
    groups = tuple(_group(item, f"groups[{i}]") for i, item in enumerate(_list(data, "groups")))
    previous = _id_map(data, "previous_groups")
    people = tuple(
        _participant(item, f"participants[{i}]", previous) for i, item in enumerate(_list(data, "participants"))
    )
    known = {p.id for p in people}
    stray = next((pid for pid in previous if pid not in known), None)
    if stray is not None:
        raise Infeasible(f"previous group given for unknown participant {stray}", field="previous_groups")
    if "max_preferences" not in data:
        raise InvalidInput("max_preferences is missing", field="max_preferences")
    diversity = data.get("diversity") or {}
    if not isinstance(diversity, dict):
        raise InvalidInput("diversity must be an object", field="diversity")
    avoid_repeats = data.get("avoid_repeats", False)
    if not isinstance(avoid_repeats, bool):
        raise InvalidInput("avoid_repeats must be true or false", field="avoid_repeats")
    instance = Instance(
        groups=groups,
        participants=people,
        max_preferences=data["max_preferences"],
        pinned=_id_map(data, "pinned"),
        max_per_country=diversity.get("max_per_country"),
        max_per_organisation=diversity.get("max_per_organisation"),
        avoid_repeats=avoid_repeats,
    )
    validate(instance)
    return instance


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise InvalidInput(f"{key} must be a list", field=key)
    return value


def _identifier(value: Any, where: str) -> str:
    # JSON writers often emit numeric ids; "3" and 3 name the same group.
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise InvalidInput(f"{where} must be a non-empty string", field=where)
    return str(value)


def _optional_text(item: dict, key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{where}.{key} must be a string or null", field=f"{where}.{key}")
    return value or None


def _group(item: Any, where: str) -> Group:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object", field=where)
    if "capacity" not in item:
        raise InvalidInput(f"{where}.capacity is missing", field=f"{where}.capacity")
    return Group(id=_identifier(item.get("id"), f"{where}.id"), capacity=item["capacity"])


def _participant(item: Any, where: str, previous: dict[str, str]) -> Participant:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object", field=where)
    pid = _identifier(item.get("id"), f"{where}.id")
    preferences = item.get("preferences") or []
    if not isinstance(preferences, list):
        raise InvalidInput(f"{where}.preferences must be a list of group ids", field=f"{where}.preferences")
    return Participant(
        id=pid,
        country=_optional_text(item, "country", where),
        organisation=_optional_text(item, "organisation", where),
        preferences=tuple(_identifier(g, f"{where}.preferences") for g in preferences),
        previous_group=previous.get(pid),
    )


def _id_map(data: dict, key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{key} must be an object of participant id to group id", field=key)
    return {str(pid): _identifier(gid, f"{key}.{pid}") for pid, gid in value.items()}


def _is_whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def validate(instance: Instance) -> None:
    """Refuse a malformed (:class:`InvalidInput`) or inconsistent (:class:`Infeasible`) instance.

    Runs on parsed JSON and on instances built directly from database rows alike."""
    for i, group in enumerate(instance.groups):
        if not _is_whole(group.capacity, 0):
            raise InvalidInput(
                f"group {group.id} capacity must be a whole number >= 0, not {group.capacity!r}",
                field=f"groups[{i}].capacity",
            )
    if not _is_whole(instance.max_preferences, 0):
        raise InvalidInput("max_preferences must be a whole number >= 0", field="max_preferences")
    for name in ("max_per_country", "max_per_organisation"):
        cap = getattr(instance, name)
        if cap is not None and not _is_whole(cap, 1):
            raise InvalidInput(f"{name} must be a whole number >= 1 or null", field=f"diversity.{name}")
    _check_unique("group", [g.id for g in instance.groups], "groups")
    _check_unique("participant", [p.id for p in instance.participants], "participants")
    known = {g.id for g in instance.groups}
    for i, p in enumerate(instance.participants):
        where = f"participants[{i}].preferences"
        if len(p.preferences) > instance.max_preferences:
            raise Infeasible(f"participant {p.id} ranks more than P={instance.max_preferences} groups", field=where)
        unknown = next((g for g in p.preferences if g not in known), None)
        if unknown is not None:
            raise Infeasible(f"participant {p.id} ranks unknown group {unknown}", field=where)
        twice = next((g for g, n in Counter(p.preferences).items() if n > 1), None)
        if twice is not None:
            raise Infeasible(f"participant {p.id} ranks group {twice} twice", field=where)
    people = {p.id for p in instance.participants}
    for pid, gid in instance.pinned.items():
        if pid not in people:
            raise Infeasible(f"pinned participant {pid} is unknown", field="pinned")
        if gid not in known:
            raise Infeasible(f"participant {pid} is pinned to unknown group {gid}", field="pinned")


def _check_unique(kind: str, ids: list[str], where: str) -> None:
    twice = next((i for i, n in Counter(ids).items() if n > 1), None)
    if twice is not None:
        raise Infeasible(f"duplicate {kind} id {twice}", field=where)
