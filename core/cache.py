"""The cache: Redis, and this process's memory while Redis is unreachable.

Rate limits (allauth's, django-ratelimit's) keep their counts and locks in the cache.
A backend that raises on a lost connection turns every log-in into a 500; one that
ignores the error makes allauth's lock fail and refuses every log-in (429). So while
Redis is down, the common operations go to a local-memory cache instead: limits are
counted per process for the outage (a milder limit, never a refusal of everyone),
and Redis is not asked again for RETRY_AFTER seconds, so pages do not wait on it."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 15.0
_OPERATIONS = ("get", "set", "add", "delete", "get_many", "set_many", "delete_many", "incr", "decr", "has_key", "touch")


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache("fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError):
                logger.warning("Redis unreachable: using this process's memory for %.0f s", RETRY_AFTER)
                self._down_until = time.monotonic() + RETRY_AFTER
        return getattr(self._local, name)(*args, **kwargs)


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _OPERATIONS:
    setattr(FallbackRedisCache, _name, _delegate(_name))
