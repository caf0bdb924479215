"""Small functions for the isolation tests to run in children: importable by name, importing nothing heavy."""

from __future__ import annotations

import time


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def fail() -> None:
    raise LookupError("the child's own error")
