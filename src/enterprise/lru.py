"""The one bounded map behind every per-process cache (answers, documents, passages, facts,
vectors, tables): least recently used out first, each entry weighed by its own size.

The caches differ only in key, in what an entry weighs (an answer counts one, a filing's book
its facts, a document's matrix its vectors) and in how their callers check an entry is still
current (a document's last change). `cachetools.LRUCache` keeps the order and the weights; this
adds the lock (API threads share each cache) and makes "too heavy to keep" a no-op rather than
an error: a value heavier than the whole bound is still answered, only not kept, and a bound of
0 keeps nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one(_: object) -> int:
    return 1


class BoundedLRU(Generic[K, V]):
    def __init__(self, bound: int, weigh: Callable[[V], int] = _one) -> None:
        self.bound = max(0, bound)
        self._entries: LRUCache[K, V] = LRUCache(maxsize=self.bound, getsizeof=weigh)
        self._weigh = weigh
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for `key`, now the most recently used; None when not kept."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        """Keep `value` as the most recently used, dropping the least recently used until the
        whole weighs at most the bound. A value heavier than the bound replaces nothing."""
        if self._weigh(value) > self.bound:
            return
        with self._lock:
            self._entries[key] = value

    def pop(self, key: K) -> V | None:
        with self._lock:
            return self._entries.pop(key, None)

    @property
    def weight(self) -> int:
        """What the kept values weigh together."""
        with self._lock:
            return int(self._entries.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
