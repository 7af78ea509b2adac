"""Real threads against the real database, for races: each thread has its own database connection (and closes it), and
`meet_before` holds every thread at a point inside the code under test until all have reached it, so a missing lock
shows every time instead of once in a while."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from unittest import mock

from django.db import connection


def run_together(*functions: Callable[[], object], timeout: float = 60) -> list[object]:
    """Run each function in its own thread, all released at once; their results (or the exception each raised)."""
    start = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def run(i: int, function: Callable[[], object]) -> None:
        try:
            start.wait(timeout)
            results[i] = function()
        except BaseException as exc:  # handed back to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f), daemon=True) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread did not finish (deadlock?)"
    return results


@contextlib.contextmanager
def meet_before(target: object, attribute: str, parties: int, wait: float = 2.0) -> Iterator[None]:
    """Patch `target.attribute` (a method) so that each caller waits until `parties` callers have arrived, or `wait`
    seconds have passed. Without a lock all racing threads arrive and go on together; with a lock only one arrives,
    waits `wait` seconds, and goes on alone."""
    barrier = threading.Barrier(parties)
    original = getattr(target, attribute)

    def waiting(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(wait)
        return original(*args, **kwargs)

    with mock.patch.object(target, attribute, waiting):
        yield
