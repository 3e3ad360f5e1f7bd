"""The bounded map behind the per-process caches: least recently used out first, by weight."""

from __future__ import annotations

import threading

import pytest

from enterprise.lru import BoundedLRU

pytestmark = pytest.mark.pure


def test_the_least_recently_used_goes_first_by_weight() -> None:
    kept: BoundedLRU[str, list[int]] = BoundedLRU(5, len)
    kept.put("a", [1, 2])
    kept.put("b", [1, 2, 3])
    assert kept.get("a") == [1, 2]  # "a" is now the most recently used
    kept.put("c", [1, 2])
    assert kept.get("b") is None  # "b" went: the least recently used
    assert (kept.get("a"), kept.get("c"), kept.weight, len(kept)) == ([1, 2], [1, 2], 4, 2)
    kept.put("a", [9])  # replaced: weighed anew
    assert kept.weight == 3


def test_a_value_heavier_than_the_bound_is_not_kept_and_replaces_nothing() -> None:
    kept: BoundedLRU[str, list[int]] = BoundedLRU(3, len)
    kept.put("small", [1])
    kept.put("large", [1, 2, 3, 4])
    assert (kept.get("large"), kept.get("small"), kept.weight) == (None, [1], 1)
    nothing: BoundedLRU[str, int] = BoundedLRU(0)
    nothing.put("one", 1)
    assert (nothing.get("one"), len(nothing)) == (None, 0)
    assert BoundedLRU(-5).bound == 0


def test_threads_sharing_it_keep_it_within_its_bound() -> None:
    kept: BoundedLRU[int, int] = BoundedLRU(100)

    def use(offset: int) -> None:
        for n in range(5000):
            kept.put(offset + n % 300, n)
            kept.get(offset + (n * 7) % 300)

    threads = [threading.Thread(target=use, args=(t * 1000,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == kept.weight == 100
