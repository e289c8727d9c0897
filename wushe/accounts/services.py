"""Writes on accounts: each in a transaction, each leaving an audit entry."""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.models import ApiToken, PasswordHistory, RoleAssignment, User
from wushe.accounts.roles import PLATFORM_ROLES, Role
from wushe.accounts.scope import assignments_of, forget, may_grant
from wushe.core import audit
from wushe.core.divisions import full_code
from wushe.core.models import AuditEntry

API_TOKEN_LIFETIME = timedelta(hours=12)


def password_set(*, user: User, password: str, actor: User | None = None, forced_change: bool = False,
                 request=None) -> None:
    """Set a password after the policy check; keep the old hash for the reuse rule.

    ``forced_change`` marks a password set by an administrator: the user must change it
    at next sign-in.
    """
    validate_password(password, user)
    with transaction.atomic():
        if user.password:
            PasswordHistory.objects.create(user=user, password=user.password)
        user.set_password(password)
        user.must_change_password = forced_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        # A new password ends every API session opened with the old one.
        user.api_tokens.all().delete()
        audit.record(AuditEntry.Action.PASSWORD_CHANGED, request=request, actor=actor or user,
                     object_type="accounts.user", object_id=str(user.pk), object_label=user.username,
                     detail={"by_admin": forced_change})


def role_grant(*, actor: User, user: User, role: str, division=None, station=None, request=None) -> RoleAssignment:
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能给自己授予角色。"))
    assignment = RoleAssignment(user=user, role=role, division=division, station=station, granted_by=actor)
    # Permission first: someone who may not grant here learns nothing about the account.
    place = assignment.scope_prefix
    if place is not None and not may_grant(actor, role, place):
        raise PermissionDenied(_("您无权在该范围内授予“%(role)s”角色。") % {"role": Role(role).label})
    assignment.full_clean()
    if station is not None and not station.is_open:
        raise ValidationError({"station": _("该站点已撤销，不能再授予角色。")})
    held = set(user.assignments.values_list("role", flat=True))
    # 三员分立: an account is either a platform administrator or works in the network, never
    # both, so no administrator can also read residents' files through a second role.
    if held and (role in PLATFORM_ROLES) != bool(held & PLATFORM_ROLES):
        raise ValidationError({"role": _("平台管理角色不能与其他角色授予同一账号。")})
    with transaction.atomic():
        assignment.save()
        audit.record(AuditEntry.Action.ROLE_GRANTED, request=request, actor=actor,
                     object_type="accounts.user", object_id=str(user.pk), object_label=user.username,
                     division_code=full_code(place) if place else "",
                     detail={"role": role, "place": assignment.place_name})
    forget(user)
    return assignment


def role_revoke(*, actor: User, assignment: RoleAssignment, request=None) -> None:
    place = assignment.scope_prefix
    if not may_grant(actor, assignment.role, place or ""):
        raise PermissionDenied(_("您无权撤销该角色。"))
    with transaction.atomic():
        user = assignment.user
        detail = {"role": assignment.role, "place": assignment.place_name}
        assignment.delete()
        audit.record(AuditEntry.Action.ROLE_REVOKED, request=request, actor=actor,
                     object_type="accounts.user", object_id=str(user.pk), object_label=user.username,
                     division_code=full_code(place) if place else "", detail=detail)
    forget(user)


def user_create(*, actor: User, username: str, full_name: str, mobile: str = "", password: str,
                role: str | None = None, division=None, station=None, request=None) -> User:
    """Create an account with a temporary password it must change at first sign-in.

    A manager who is not the 系统管理员 must give the account a role inside their scope
    at once, so no account exists that nobody in the hierarchy can see.
    """
    with transaction.atomic():
        user = User(username=username, full_name=full_name, mobile=mobile)
        user.full_clean(exclude=["password"])
        user.save()
        password_set(user=user, password=password, actor=actor, forced_change=True, request=request)
        audit.record(AuditEntry.Action.USER_CREATED, request=request, actor=actor, obj=user,
                     object_label=username)
        if role:
            role_grant(actor=actor, user=user, role=role, division=division, station=station,
                       request=request)
        elif not any(a.role == Role.SYSADMIN for a in assignments_of(actor)):
            raise ValidationError({"role": _("请为新账号选择一个角色和所属范围。")})
    return user


def user_update(*, actor: User, user: User, full_name: str, mobile: str, is_active: bool,
                request=None) -> User:
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": _("不能停用自己的账号。")})
    changed = {}
    for field, value in (("full_name", full_name), ("mobile", mobile), ("is_active", is_active)):
        if getattr(user, field) != value:
            changed[field] = "***" if field == "mobile" else value
            setattr(user, field, value)
    if changed:
        with transaction.atomic():
            user.full_clean(exclude=["password"])
            user.save()
            if not user.is_active:
                user.api_tokens.all().delete()
            audit.record(AuditEntry.Action.USER_CHANGED, request=request, actor=actor, obj=user,
                         object_label=user.username, detail=changed)
    return user


def temporary_password(user: User | None = None) -> str:
    """A one-time password for an administrator to hand over; drawn again until it passes
    the policy for ``user`` (a short username can turn up inside a random string)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(10))
        password = f"{core}-{secrets.randbelow(90) + 10}"
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def needs_second_factor(user: User) -> bool:
    """Whether this sign-in must pass TOTP: the roles that require it, except demo accounts
    on a demo install."""
    from django.conf import settings

    from wushe.accounts.scope import needs_otp

    return needs_otp(user) and not (settings.WUSHE_DEMO and user.is_demo)


def verify_totp(user: User, token: str) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = token.strip()
    if not token.isdigit():
        return False
    return any(d.verify_token(token) for d in TOTPDevice.objects.filter(user=user, confirmed=True))


def api_token_issue(*, user: User, request=None) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), expires_at=timezone.now() + API_TOKEN_LIFETIME
    )
    audit.record(AuditEntry.Action.API_TOKEN, request=request, actor=user)
    return key, token


def api_token_user(key: str) -> User | None:
    """The active user behind a bearer token that has not expired, else None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if not token.last_used_at or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
