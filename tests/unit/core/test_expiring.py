"""Answers kept for a while: fresh for their ttl, the least recently used dropped first."""

from __future__ import annotations

from cafta.core.expiring import ExpiringCache


def test_an_answer_is_kept_for_its_ttl_from_when_it_was_asked() -> None:
    clock = [100.0]
    cache: ExpiringCache[str, int] = ExpiringCache(30, 10, lambda: clock[0])
    asked = cache.now()
    clock[0] = 105.0  # the source took five seconds to answer
    cache.put("a", 1, asked)
    clock[0] = 129.9
    assert cache.get("a") == 1
    clock[0] = 130.0
    assert cache.get("a") is None


def test_the_least_recently_used_goes_first_beyond_the_size() -> None:
    cache: ExpiringCache[str, int] = ExpiringCache(30, 2, lambda: 0.0)
    cache.put("a", 1, 0.0)
    cache.put("b", 2, 0.0)
    assert cache.get("a") == 1  # a is now the more recent
    cache.put("c", 3, 0.0)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_answers_are_dropped_by_key_by_value_or_all() -> None:
    cache: ExpiringCache[str, int] = ExpiringCache(30, 10, lambda: 0.0)
    for n, key in enumerate("abcd"):
        cache.put(key, n, 0.0)
    cache.drop("a")
    cache.drop("missing")
    cache.drop_where(lambda value: value % 2 == 1)  # b (1) and d (3)
    assert [cache.get(k) for k in "abcd"] == [None, None, 2, None]
    cache.clear()
    assert cache.get("c") is None
