"""One writer at a time: an import holds the store's write lock while it runs.

SQLite lets one connection write at a time; a second import started beside a
first would otherwise fail half way with "database is locked". Instead it waits
for the first one, says so on stderr, and gives up with a clear error after a
timeout (``$CLEARCLAIM_LOCK_TIMEOUT`` seconds, 600 by default). The lock is a
file beside the store (``<store>.lock``), released by the operating system even
when the process holding it is killed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from clearclaim.errors import StoreError

LOCK_TIMEOUT_ENV = "CLEARCLAIM_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 600.0
POLL_SECONDS = 0.2

#: the locks each thread holds (a file lock is not re-entrant across open files)
_HELD = threading.local()


def lock_timeout() -> float:
    value = os.environ.get(LOCK_TIMEOUT_ENV)
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def _say(message: str) -> None:
    print(f"clearclaim: {message}", file=sys.stderr)


@contextmanager
def write_lock(
    location: str, *, timeout: float | None = None, on_wait: Callable[[str], None] = _say
) -> Iterator[None]:
    """Hold the store's write lock; wait up to ``timeout`` seconds for another writer."""
    if "://" in location:  # a server database locks on its own
        yield
        return
    try:
        import fcntl
    except ImportError:  # no POSIX file locks: SQLite's own busy timeout still applies
        yield
        return
    key = str(Path(location).resolve())
    held: dict[str, int] = _HELD.__dict__.setdefault("locks", {})
    if held.get(key):  # this thread holds it already (a build that imports)
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    limit = lock_timeout() if timeout is None else timeout
    path = Path(f"{location}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        started = time.monotonic()
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= limit:
                    raise StoreError(
                        f"another import is writing to the store {location}; waited "
                        f"{waited:.0f} s for it to finish",
                        hint=f"try again when it is done, or raise {LOCK_TIMEOUT_ENV} (seconds)",
                    ) from None
                if not announced:
                    on_wait(
                        f"another import is writing to the store; waiting for it to finish "
                        f"(up to {limit:.0f} s)"
                    )
                    announced = True
                time.sleep(POLL_SECONDS)
        held[key] = 1
        try:
            yield
        finally:
            held.pop(key, None)
            fcntl.flock(handle, fcntl.LOCK_UN)
