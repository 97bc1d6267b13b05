"""Whether a process still runs (a stale temporary file's writer, a scrub job's server)."""

from __future__ import annotations

import os


def process_running(pid: int) -> bool:
    """True while ``pid`` runs (or belongs to another user, so cannot be signalled)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
