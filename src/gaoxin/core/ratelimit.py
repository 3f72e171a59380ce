"""Per-client rate limits: who the client is (its IP address) and a fixed-window counter in Django's cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from . import clock


def client_ip(request) -> str:
    """The client's IP address. Behind GAOXIN_TRUSTED_PROXIES reverse proxies, the address the nearest
    of them saw (from the right of X-Forwarded-For); otherwise the peer address of the connection."""
    if request is None:  # a service called from the command line
        return "local"
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    hops = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if hops:
        forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops][:45]
    return remote[:45] or "unknown"


def hit(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one request of `key` in the current `window` seconds; False once it is over `limit`."""
    if limit <= 0:
        return True
    slot = int(clock.now().timestamp()) // window
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"ratelimit:{scope}:{digest}:{slot}"
    cache.add(name, 0, timeout=window + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 5)
        count = 1
    return count <= limit
