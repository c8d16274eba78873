"""Order operations: by phase (see ops.Phase), then by subject, so plans are deterministic."""

from __future__ import annotations

from collections.abc import Iterable

from pgwright.ops import Operation


def order_operations(operations: Iterable[Operation]) -> list[Operation]:
    return sorted(operations, key=lambda operation: operation.sort_key)
