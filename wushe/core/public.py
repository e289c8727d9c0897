"""What the public phone pages share: a rate limit per address and a question a script must
answer. There is no SMS on the platform, so these stand in front of every public form."""

import random

from django.core import signing
from django.core.cache import cache

POSTS_PER_HOUR = 30  # per address and page: enough for a family, not for a script
_SALT = "public-form-question"


def too_many(request, scope: str) -> bool:
    """Count a POST from this address to ``scope``; True once over the hourly limit."""
    key = f"public-post:{scope}:{request.META.get('REMOTE_ADDR', '')}"
    count = cache.get_or_set(key, 0, 3600)
    cache.incr(key)
    return count >= POSTS_PER_HOUR


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
