"""The one permission function: may this user do this action on this object?

A user's scope is the set of division-code prefixes their role assignments cover.
Selectors filter every read by ``prefixes_for(user, action)``; single objects are
checked with ``can``. Nothing else in the code base decides access.
"""

from django.http import Http404

from wushe.accounts.roles import CAPABILITIES, GRANTABLE, OTP_REQUIRED_ROLES
from wushe.core.divisions import collapse_prefixes, full_code

_CACHE_ATTR = "_wushe_assignments"


def assignments_of(user) -> list:
    """The user's role assignments, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.assignments.select_related("station__division", "division").order_by("id")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the cached assignments after they change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> set[str]:
    return {a.role for a in assignments_of(user)}


def prefixes_for(user, action: str) -> list[str]:
    """Division prefixes under which ``user`` may do ``action``; [] means nowhere."""
    return collapse_prefixes(
        a.scope_prefix
        for a in assignments_of(user)
        if action in CAPABILITIES[a.role] and a.scope_prefix is not None
    )


def may(user, action: str) -> bool:
    """Whether the user may do ``action`` anywhere at all (menus, view guards)."""
    return bool(prefixes_for(user, action))


def code_of(obj) -> str:
    """The 12-digit division code an object lives under."""
    for attr in ("scope_code", "division_id", "code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return full_code(value)
    raise TypeError(f"{type(obj).__name__} has no division code to check scope against")


def can(user, action: str, obj=None) -> bool:
    """May ``user`` do ``action`` on ``obj`` (or anywhere, when obj is None)?"""
    prefixes = prefixes_for(user, action)
    if obj is None:
        return bool(prefixes)
    code = code_of(obj)
    return any(code.startswith(p) for p in prefixes)


def check(user, action: str, obj) -> None:
    """Raise 404 unless ``user`` may do ``action`` on ``obj``: outside scope, it does not exist."""
    if not can(user, action, obj):
        raise Http404


def may_grant(actor, role: str, place_prefix: str) -> bool:
    """A manager grants only the roles their own role allows, and only inside their scope."""
    for a in assignments_of(actor):
        mine = a.scope_prefix
        if role in GRANTABLE.get(a.role, ()) and mine is not None and place_prefix.startswith(mine):
            return True
    return False


def needs_otp(user) -> bool:
    return bool(roles_of(user) & OTP_REQUIRED_ROLES)
