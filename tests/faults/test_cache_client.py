"""The Redis cache keeps one client per pool (leanops.base.cache), on a real redis-server:
values round-trip, every call shares the client, and a Redis stopped and started again
is reached again through the same client (the pool reconnects)."""

import pytest
import redis

from leanops.base.cache import RedisCache

pytestmark = pytest.mark.faults


def _cache(url: str) -> RedisCache:
    return RedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})


def test_the_cache_keeps_one_client_and_round_trips_values(redis_server):
    cache = _cache(redis_server.url(3))

    cache.set("place:7", {"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5]}, 60)
    cache.set_many({"a": 1, "b": 2}, 60)

    assert cache.get("place:7") == {"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5]}
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("another key") is client


def test_a_restarted_redis_is_reached_again_through_the_kept_client(redis_server):
    cache = _cache(redis_server.url(4))
    cache.set("version", "v1", None)
    client = cache._cache.get_client()

    redis_server.stop()
    try:
        with pytest.raises(redis.ConnectionError):
            cache.get("version")
    finally:
        redis_server.start()

    # No persistence: the restarted server is empty, and the same client reaches it.
    assert cache.get("version") is None
    cache.set("version", "v2", None)
    assert cache.get("version") == "v2"
    assert cache._cache.get_client() is client
