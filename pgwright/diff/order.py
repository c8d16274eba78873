"""Order operations: one topological sort over what each operation uses and provides.

Two things decide where an operation goes:

- **Its kind and action give the reading order**, the one a reviewer expects: data checks
  first; then the shared kinds (schemas, extensions, types, functions) are made; renames;
  the parts of tables are dropped, last kind first; the parts of tables are made and changed,
  first kind first; and the shared kinds are dropped at the end, once nothing uses them.
  Within a kind, operations go by name, and those about one object in the order their
  comparator made them.
- **Object keys say what must come first** (see ops.Operation.uses/provides/removes/
  releases): an operation comes after those that provide what it uses, before those that
  remove what it releases, and after those that remove a name it provides again. Where a key
  asks for another order than the reading order (a function taking the row type of a new
  table, a generated column computed from a column whose type changes), the key wins.

Two properties of an operation place it elsewhere than its kind: a shared object dropped only
to be made again (``replaced``) is dropped with the parts of tables, so it is back before
they are; and an object made again around another change (``restores``) comes back right
after the column changes, before any statement that commits on its own.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from enum import IntEnum

from pgwright.errors import PlanError
from pgwright.kinds import KINDS
from pgwright.ops import Action, Operation

# The kinds in the order their objects are made (the registry's): what a kind's objects
# rest on comes first.
SHARED_KINDS = tuple(kind.name for kind in KINDS if kind.shared)
TABLE_KINDS = tuple(kind.name for kind in KINDS if not kind.shared)
KIND_NAMES = tuple(kind.name for kind in KINDS)


class Stage(IntEnum):
    CHECK = 0          # reads rows, before any change
    MAKE_SHARED = 1    # shared kinds made or changed
    RENAME = 2
    DROP = 3           # parts of tables dropped, last kind first
    MAKE = 4           # parts of tables made or changed
    DROP_SHARED = 5    # shared kinds dropped, last kind first


def _position(operation: Operation) -> tuple[int, int, int]:
    """(stage, place of the kind in it, restores) of an operation's reading order."""
    kind, action = operation.kind, operation.action
    if action is Action.CHECK:
        return (Stage.CHECK, 0, 0)
    if action is Action.RENAME:
        return (Stage.RENAME, KIND_NAMES.index(kind), 0)
    shared = kind in SHARED_KINDS
    if action is Action.DROP:
        if shared and not operation.replaced:
            return (Stage.DROP_SHARED, -SHARED_KINDS.index(kind), 0)
        # A shared object dropped to be made again goes after the parts of tables that use
        # it (the last of the drops); what it is made again by is then free to go.
        return (Stage.DROP, -KIND_NAMES.index(kind), 0)
    if shared:
        return (Stage.MAKE_SHARED, SHARED_KINDS.index(kind), 0)
    if operation.restores:
        return (Stage.MAKE, TABLE_KINDS.index("column"), 1)
    return (Stage.MAKE, TABLE_KINDS.index(kind), 0)


def _reading_order(operation: Operation) -> tuple:
    return (*_position(operation), operation.order_within_kind)


def order_operations(operations: Iterable[Operation]) -> list[Operation]:
    """``operations`` in an order PostgreSQL can run them in, and a reviewer can read.

    Raises PlanError when the keys ask for a cycle (a programming error: no plan of today's
    kinds has one).
    """
    operations = list(operations)
    providers: dict[tuple, list[int]] = defaultdict(list)
    removers: dict[tuple, list[int]] = defaultdict(list)
    for number, operation in enumerate(operations):
        for key in operation.provides:
            providers[key].append(number)
        for key in operation.removes:
            removers[key].append(number)
    successors: list[set[int]] = [set() for _ in operations]
    for number, operation in enumerate(operations):
        for key in operation.uses:
            for first in providers.get(key, ()):
                successors[first].add(number)
        for key in operation.releases:
            for then in removers.get(key, ()):
                successors[number].add(then)
        for key in operation.provides:
            for first in removers.get(key, ()):
                successors[first].add(number)
    # Each operation's place in the reading order, as one number; the keys only move an
    # operation later than that, and most plans need no move at all.
    reading = sorted(range(len(operations)), key=lambda n: _reading_order(operations[n]))
    rank = [0] * len(operations)
    for place, number in enumerate(reading):
        rank[number] = place
    waiting_for = [0] * len(operations)
    in_reading_order = True
    for number, after in enumerate(successors):
        after.discard(number)
        for then in after:
            waiting_for[then] += 1
            in_reading_order = in_reading_order and rank[number] < rank[then]
    if in_reading_order:
        return [operations[number] for number in reading]
    ready = [rank[number] for number, count in enumerate(waiting_for) if count == 0]
    heapq.heapify(ready)
    ordered: list[Operation] = []
    while ready:
        number = reading[heapq.heappop(ready)]
        ordered.append(operations[number])
        for then in successors[number]:
            waiting_for[then] -= 1
            if waiting_for[then] == 0:
                heapq.heappush(ready, rank[then])
    if len(ordered) < len(operations):
        stuck = sorted(operations[n].subject for n, count in enumerate(waiting_for) if count)
        raise PlanError("pgwright cannot order these changes, each waits for another: "
                        + ", ".join(stuck[:10]))
    return ordered


__all__ = ["Stage", "order_operations"]
