"""The part of an instance left to solve, as arrays: the common input of the flow and the integer program.

Pinned participants are settled before solving: they use up seats of their group's capacity and
caps, and their cost is a constant. The *free* participants remain, described by their ranked
choices (arcs participant -> group with cost (k-1)^2) and by *partitions*: an attribute whose
members of one kind are limited (a country or organisation cap) or charged (previous groups under
rotation) when they share a group.

A kind that can never bind is dropped (label -1): a country with no more participants than the cap
cannot break it, and a round-1 group with a single member has no pair to repeat. Its members need
no cap row, node or class of their own, which keeps both models small.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from app.breakouts.instance import Instance

# Under rotation, each pair of round-1 group mates placed together again costs as much as moving
# one participant from their first to their second choice.
REPEAT_PAIR_COST = 1


@dataclass(frozen=True)
class Partition:
    label: np.ndarray  # the kind of each free participant, -1 where it cannot bind
    pinned: np.ndarray  # (groups, kinds): pinned participants of each kind in each group
    cap: int | None  # the most of one kind per group; None: charge REPEAT_PAIR_COST per pair

    @property
    def kinds(self) -> int:
        return self.pinned.shape[1]

    def room(self) -> np.ndarray:
        """(groups, kinds): how many more free participants of each kind each group may take."""
        return self.cap - self.pinned

    def increments(self, most: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pair charge as unit steps: (cell g*kinds+k, cost) for the 1st, 2nd... free member of kind
        k in group g, up to ``most[cell]`` of them. The j-th meets the pinned ones and j-1 others, so
        the steps cost more and more: filling them cheapest first (which any min-cost solver does)
        sums to the pairs formed."""
        cell = np.repeat(np.arange(most.size), most)
        before = np.arange(cell.size) - np.repeat(np.cumsum(most) - most, most)
        return cell, REPEAT_PAIR_COST * (self.pinned.ravel()[cell] + before)

    def pairs(self, groups: np.ndarray) -> int:
        """Pairs of one kind sharing a group, pinned included, given the free participants' groups (-1: none yet)."""
        together = self.pinned.copy()
        seated = (groups >= 0) & (self.label >= 0)
        np.add.at(together, (groups[seated], self.label[seated]), 1)
        return int((together * (together - 1) // 2).sum())


@dataclass(frozen=True)
class Problem:
    free: np.ndarray  # participant indices (input order) of the free participants
    pinned_group: np.ndarray  # group index of every participant of the instance, -1 when free
    arc_person: np.ndarray  # ranked choices: index into ``free``...
    arc_group: np.ndarray  # ...the group...
    arc_cost: np.ndarray  # ...and (k-1)^2
    room: np.ndarray  # per group: capacity minus pinned
    unranked_cost: int
    partitions: tuple[Partition, ...]

    @property
    def n(self) -> int:
        return len(self.free)

    @property
    def m(self) -> int:
        return len(self.room)

    def seating(self, groups: np.ndarray) -> Problem:
        """What is left when the free participants with a group (>= 0) keep it: seating the rest,
        with no ranked choices, in the room and caps those seats leave."""
        placed = groups >= 0
        waiting = np.flatnonzero(~placed)
        partitions = []
        for partition in self.partitions:
            held = placed & (partition.label >= 0)
            taken = partition.pinned.copy()
            np.add.at(taken, (groups[held], partition.label[held]), 1)
            partitions.append(replace(partition, label=partition.label[waiting], pinned=taken))
        no_arcs = np.empty(0, dtype=np.int64)
        return Problem(
            self.free[waiting],
            self.pinned_group,
            no_arcs,
            no_arcs,
            no_arcs,
            self.room - np.bincount(groups[placed], minlength=self.m),
            self.unranked_cost,
            tuple(partitions),
        )


def build_problem(instance: Instance) -> Problem:
    group_index = {g.id: i for i, g in enumerate(instance.groups)}
    people = instance.participants
    pinned_group = np.array(
        [group_index[instance.pinned[p.id]] if p.id in instance.pinned else -1 for p in people], dtype=np.int64
    )
    free = np.flatnonzero(pinned_group < 0)
    chosen = [people[i].preferences for i in free]
    lengths = np.fromiter((len(c) for c in chosen), dtype=np.int64, count=len(chosen))
    arc_group = np.fromiter((group_index[g] for c in chosen for g in c), dtype=np.int64, count=int(lengths.sum()))
    arc_person = np.repeat(np.arange(len(free)), lengths)
    rank = np.arange(len(arc_group)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    capacity = np.array([g.capacity for g in instance.groups], dtype=np.int64)
    room = capacity - np.bincount(pinned_group[pinned_group >= 0], minlength=len(capacity))
    wanted: list[tuple[str, int | None]] = [
        (attribute, cap)
        for attribute, cap in (("country", instance.max_per_country), ("organisation", instance.max_per_organisation))
        if cap is not None
    ]
    if instance.avoid_repeats:
        wanted.append(("previous_group", None))
    partitions = []
    for attribute, cap in wanted:
        partition = _partition([getattr(p, attribute) for p in people], cap, pinned_group, free, len(capacity))
        if partition is not None:
            partitions.append(partition)
    return Problem(free, pinned_group, arc_person, arc_group, rank**2, room, instance.unranked_cost, tuple(partitions))


def _partition(
    values: list[str | None], cap: int | None, pinned_group: np.ndarray, free: np.ndarray, m: int
) -> Partition | None:
    """The partition by ``values``, restricted to the kinds that can bind; None if none can."""
    index: dict[str, int] = {}
    label = np.array([index.setdefault(v, len(index)) if v else -1 for v in values], dtype=np.int64)
    counts = np.bincount(label[label >= 0], minlength=len(index))
    free_counts = np.bincount(label[free][label[free] >= 0], minlength=len(index))
    binding = (counts > (cap if cap is not None else 1)) & (free_counts > 0)
    if not binding.any():
        return None
    compact = np.full(len(index) + 1, -1, dtype=np.int64)  # the last slot maps label -1 to -1
    compact[np.flatnonzero(binding)] = np.arange(int(binding.sum()))
    label = compact[label]
    pinned = np.zeros((m, int(binding.sum())), dtype=np.int64)
    held = (pinned_group >= 0) & (label >= 0)
    np.add.at(pinned, (pinned_group[held], label[held]), 1)
    return Partition(label[free], pinned, cap)


def hand_out(pool: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Seats counted per (pool, group) handed to the pools' members, each pool in input order.

    ``pool`` gives each member's pool (members listed in input order); ``counts`` is (pools, groups)
    and its row sums equal the pool sizes. Returns the group of each member. Members of one pool are
    interchangeable for the constraints, so any hand-out is as good; input order keeps it stable."""
    order = np.argsort(pool, kind="stable")
    groups = np.repeat(np.tile(np.arange(counts.shape[1]), counts.shape[0]), counts.ravel())
    result = np.empty(len(pool), dtype=np.int64)
    result[order] = groups
    return result
