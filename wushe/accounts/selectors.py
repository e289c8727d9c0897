"""Reads of accounts, always narrowed to what the asking user's scope covers."""

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import PLATFORM_ROLES, Action
from wushe.accounts.scope import may_grant, prefixes_for
from wushe.core.divisions import within_any
from wushe.core.pii import hash_lookup


def _assignments_within(prefixes: list[str]) -> Q:
    if "" in prefixes:
        return Q()
    return within_any("station__division_id", prefixes) | within_any("division_id", prefixes)


def user_list(*, user, search: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """Accounts holding at least one role inside the user's scope (all, for platform admins)."""
    prefixes = prefixes_for(user, Action.USER_VIEW)
    qs = User.objects.all()
    if "" not in prefixes:
        in_scope = RoleAssignment.objects.filter(_assignments_within(prefixes), user=OuterRef("pk"))
        qs = qs.filter(Exists(in_scope)) if prefixes else qs.none()
    if search:
        cond = Q(username__icontains=search) | Q(full_name__icontains=search)
        digits = search.replace(" ", "")
        if digits.isdigit() and len(digits) >= 11:
            with suppress(ValidationError):  # a malformed number simply matches nothing extra
                cond |= Q(mobile_hash=hash_lookup("mobile", digits))
        qs = qs.filter(cond)
    if role:
        has_role = RoleAssignment.objects.filter(user=OuterRef("pk"), role=role)
        if "" not in prefixes:
            has_role = has_role.filter(_assignments_within(prefixes))
        qs = qs.filter(Exists(has_role))
    if active in {"1", "0"}:
        qs = qs.filter(is_active=active == "1")
    return qs.distinct().order_by("username").prefetch_related(
        "assignments__station__division", "assignments__division"
    )


def user_get(*, user, pk: int, action: str = Action.USER_VIEW) -> User:
    """One account, or 404 when it lies outside the user's scope for ``action``.

    To view, one of the account's roles must lie inside the scope; to manage, all of
    them: a street manager cannot reset the password of someone who also works elsewhere.
    """
    prefixes = prefixes_for(user, action)
    target = User.objects.filter(pk=pk).first() if prefixes else None
    if target is None:
        raise Http404
    assignments = list(target.assignments.select_related("station__division", "division"))
    if "" in prefixes:  # the platform's own administrators
        # 三员分立: the 系统管理员 does not manage the accounts of the other administrators
        # (it could otherwise take over the 审计管理员 and read or hide the audit log).
        if action == Action.USER_MANAGE and target.pk != user.pk and any(
            a.role in PLATFORM_ROLES for a in assignments
        ):
            raise Http404
        return target
    if action == Action.USER_MANAGE:
        # To manage an account one must outrank every role it holds, where it holds it:
        # a 站长 cannot reset the password of the street manager above them.
        ok = all(a.scope_prefix and may_grant(user, a.role, a.scope_prefix) for a in assignments)
    else:
        ok = any(a.scope_prefix and any(a.scope_prefix.startswith(p) for p in prefixes)
                 for a in assignments)
    if not assignments or not ok:
        raise Http404
    return target


def assignment_list(*, user, target: User) -> tuple[list[RoleAssignment], int]:
    """The target's roles the viewer may see, and how many others the target holds elsewhere."""
    prefixes = prefixes_for(user, Action.USER_VIEW)
    mine, elsewhere = [], 0
    for a in target.assignments.select_related("station__division", "division", "granted_by"):
        p = a.scope_prefix
        if "" in prefixes or (p and any(p.startswith(q) for q in prefixes)):
            mine.append(a)
        else:
            elsewhere += 1
    return mine, elsewhere
