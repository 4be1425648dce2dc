"""A simple limit on how often one address may use the pages open without signing in.

Counts live in Django's cache under a hash of the address, so the cache never
holds an address itself. With several server processes each counts its own;
the limit is still far below what guessing a receipt code would need.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# (requests, seconds) per address, by what the address is doing.
LIMITS = {
    "intake": (5, 60 * 60),
    "receipt": (20, 10 * 60),
}


def allowed(request: HttpRequest, action: str) -> bool:
    """Counts this request; False once the address has used up its allowance."""
    limit, window = LIMITS[action]
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"vigil-complaints:{action}:{digest}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
