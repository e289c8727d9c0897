"""Deny by default: every view states who may reach it, or the guard refuses it.

Mark a view with one of
  ``@public``               anyone, signed in or not (login page, health check)
  ``@signed_in``            any signed-in user (home, own password, second factor)
  ``@requires(action)``     a signed-in user holding ``action`` somewhere in their scope;
                            the view's selector then narrows to the object (404 outside)
A view with no mark answers 403 and leaves an audit entry, so a new page cannot leak
by forgetting a check. Menus are built from the same ``may`` test.
"""


from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

ATTR = "wushe_access"
PUBLIC = "public"
SIGNED_IN = "signed_in"
# Views a user may still reach while a password change or second factor is pending.
ALLOW_PENDING = "wushe_allow_pending"


def _mark(view, rule):
    setattr(view, ATTR, rule)
    return view


def public(view):
    return _mark(view, PUBLIC)


def signed_in(view):
    return _mark(view, SIGNED_IN)


def requires(action: str):
    def decorate(view):
        return _mark(view, action)

    return decorate


def allow_pending(view):
    """Reachable before the forced password change / second factor is done."""
    setattr(view, ALLOW_PENDING, True)
    return view


def rule_of(view_func):
    """The access rule of a view function or class-based view (``as_view()`` result)."""
    rule = getattr(view_func, ATTR, None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, ATTR, None)
    return rule


def _flag(view_func, name):
    return getattr(view_func, name, False) or getattr(getattr(view_func, "view_class", None), name, False)


class AccessGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = "/api/"

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The API authenticates by bearer token; each operation states its action (api/urls.py).
        # path_info, not path: the app may be served under a sub-path (SCRIPT_NAME).
        if request.path_info.startswith(self.api_prefix):
            return None
        rule = rule_of(view_func)
        if rule is None:
            from wushe.core import audit
            from wushe.core.models import AuditEntry

            audit.record(AuditEntry.Action.DENIED, request=request,
                         detail={"path": request.path, "reason": "view not marked"})
            raise PermissionDenied("view has no access rule")
        if rule == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        pending = self._pending_step(request, user)
        if pending and not _flag(view_func, ALLOW_PENDING):
            return redirect(f"{reverse(pending)}?{urlencode({'next': request.get_full_path()})}")
        if rule == SIGNED_IN:
            return None
        from wushe.accounts.scope import may

        if not may(user, rule):
            from wushe.core import audit
            from wushe.core.models import AuditEntry

            audit.record(AuditEntry.Action.DENIED, request=request,
                         detail={"path": request.path, "needs": rule})
            raise PermissionDenied
        return None

    @staticmethod
    def _pending_step(request, user) -> str | None:
        """The page a user must visit first: the second factor, then a forced password change.

        The second factor comes first so that a leaked password alone cannot be used to
        set a new one.
        """
        from wushe.accounts.services import needs_second_factor

        if needs_second_factor(user) and not user.is_verified():
            return "accounts:otp"
        if user.must_change_password or user.password_expired:
            return "accounts:password_change"
        return None
