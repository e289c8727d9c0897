"""What the public phone pages share: a rate limit per address and a question a script must
answer. There is no SMS on the platform, so these stand in front of every public form."""

import random

from django.core import signing
from django.core.cache import cache

POSTS_PER_HOUR = 30  # per address and page: enough for a family, not for a script
# Signing in on site (an activity's or a shift's QR code): a whole hall scans at once, often
# through one Wi-Fi or one carrier address, so the allowance is a crowd's, not a family's.
CROWD_POSTS_PER_HOUR = 3000
_SALT = "public-form-question"


def too_many(request, scope: str, *, per_hour: int | None = None) -> bool:
    """Count a POST from this address to ``scope``; True once over the hourly limit. The
    count lives in the shared cache, so every worker process sees the same number."""
    from wushe.core.audit import client_ip

    key = f"public-post:{scope}:{client_ip(request) or ''}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count > (per_hour or POSTS_PER_HOUR)


def question() -> tuple[str, str]:
    """A sum of two small numbers, and its answer signed for the form's hidden field."""
    a, b = random.randint(1, 9), random.randint(1, 9)  # noqa: S311 - a speed bump, not a secret
    return f"{a} + {b} = ?", signing.dumps(a + b, salt=_SALT)


def answered(request, answer) -> bool:
    try:
        expected = signing.loads(request.POST.get("challenge", ""), salt=_SALT, max_age=3600)
    except signing.BadSignature:
        return False
    return answer == expected
