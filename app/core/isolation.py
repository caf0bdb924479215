"""Work that may take too long or too much memory (rendering a report, badges, an organiser's template)
runs in a child process with a deadline and an address-space limit, never in the server process.

The children are forked from a *fork server* (``multiprocessing``'s ``forkserver``): one clean
process, started on the first use, that has already imported the modules the children need
(WeasyPrint and the renderers take seconds to import). Each job is a fresh fork of it: a few
milliseconds, a clean memory, no thread or database connection inherited from the server, and
nothing left behind once it is killed. Only the first job of a process pays for the fork server's
start. The function and its arguments travel pickled, so they must be plain data and a function
importable by name.

A module whose functions run in children names itself (and its heavy libraries) with
:func:`preload` when it is imported, which is before any job can start; a module named after
the fork server started is imported by each child instead (slower, still correct).
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from collections.abc import Callable
from typing import TypeVar

from app.core.errors import AppError

T = TypeVar("T")

SECONDS = 120.0
MEMORY_BYTES = 1536 * 1024 * 1024
_CONTEXT = multiprocessing.get_context("forkserver")
_guard = threading.Lock()
_preload: set[str] = set()
_started = False


class RenderStopped(AppError):
    """The work went past its time or memory limit and its process was stopped."""

    status = 503
    title = "Rendering stopped"


def preload(*modules: str) -> None:
    """Have the fork server import ``modules`` (names) before forking any child."""
    with _guard:
        _preload.update(modules)


def _start_once() -> None:
    global _started
    with _guard:
        if not _started:
            _CONTEXT.set_forkserver_preload(sorted(_preload))
            _started = True


def _child(function: Callable, args: tuple, memory: int, connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        outcome = ("ok", function(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as error:  # the caller gets the exception itself, to handle as if raised in process
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except Exception as error:  # an exception that does not pickle still reaches the caller, as text
        connection.send(("error", RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({error})")))
    finally:
        connection.close()


def run_isolated(
    function: Callable[..., T],
    *args,
    seconds: float | None = None,
    memory: int | None = None,
    what: str = "the rendering",
) -> T:
    """``function(*args)`` in a forked child limited to ``seconds`` and ``memory`` bytes; its result,
    or its exception raised here. Past a limit the child is killed and :class:`RenderStopped` says
    which limit (``what`` names the work in that message)."""
    seconds, memory = seconds or SECONDS, memory or MEMORY_BYTES
    _start_once()
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(function, args, memory, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise RenderStopped(f"{what} took longer than {seconds:g} s and was stopped")
        status, value = receiver.recv()
    except EOFError:  # the child died without a word: killed by the kernel, or out of memory in C code
        raise RenderStopped(f"{what} used more than {memory // 2**20} MB of memory and was stopped") from None
    finally:
        receiver.close()
        process.kill()
        process.join()
    if status == "memory":
        raise RenderStopped(f"{what} used more than {memory // 2**20} MB of memory and was stopped")
    if status == "error":
        raise value
    return value
