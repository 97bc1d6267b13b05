"""A small time-bounded LRU cache for reference answers (code pages).

A code page is the same for the same code, date, language and locality until
the store changes; the web shell keeps recent pages (and their rendered HTML)
for a few minutes so a page that many coders open costs one build. A data
import shows up within ``ttl`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    def __init__(self, maxsize: int = 512, ttl: float = 300.0) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None and time.monotonic() - found[0] < self.ttl:
                self._items.move_to_end(key)
                return found[1]
        return None

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._items.move_to_end(key)
                return found[1]
        value = make()  # outside the lock: two makers of one key just both work
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
