"""Users, their role assignments (the scope they work in), password history, API tokens."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wushe.accounts.roles import PLATFORM_ROLES, STATION_ROLES, Role
from wushe.core.pii import EncryptedField


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    # 手机号 is personal data: stored encrypted, looked up by keyed hash (sign-in by mobile).
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", blank=True, default="")
    mobile_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Demo accounts skip the second factor when WUSHE_DEMO=1, and only then.
    is_demo = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "mobile"])

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_hash"], condition=~models.Q(mobile_hash=""),
                name="user_mobile_unique", violation_error_message=_("该手机号已被其他账号使用。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @property
    def password_expired(self) -> bool:
        days = settings.WUSHE_PASSWORD_EXPIRY_DAYS
        if not days or not self.password_changed_at:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=days)


class RoleAssignment(models.Model):
    """A role held by a user, bound to a station or division (角色授权): their scope."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    division = models.ForeignKey(
        "core.Division", verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    station = models.ForeignKey(
        "core.Station", verbose_name=_("站点"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role"]
        # Three constraints, not one over all four columns: NULLs never compare equal,
        # so a single constraint would let the same station role be granted twice.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "station"], condition=models.Q(station__isnull=False),
                name="assignment_unique_station", violation_error_message=_("该账号已有相同的角色授权。")),
            models.UniqueConstraint(
                fields=["user", "role", "division"],
                condition=models.Q(station__isnull=True, division__isnull=False),
                name="assignment_unique_division", violation_error_message=_("该账号已有相同的角色授权。")),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(station__isnull=True, division__isnull=True),
                name="assignment_unique_platform", violation_error_message=_("该账号已有相同的角色授权。")),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.place_name}"

    @property
    def place_name(self) -> str:
        if self.station_id:
            return self.station.name
        if self.division_id:
            return self.division.name
        return str(_("全平台"))

    @property
    def scope_prefix(self) -> str:
        """The division code prefix this assignment covers; "" is the whole platform."""
        if self.role in PLATFORM_ROLES:
            return ""
        if self.station_id:
            return self.station.division.prefix
        return self.division.prefix if self.division_id else None

    def clean(self) -> None:
        if self.role in PLATFORM_ROLES:
            if self.division_id or self.station_id:
                raise ValidationError(_("平台管理角色不绑定区划或站点。"))
        elif self.role in STATION_ROLES:
            if not self.station_id:
                raise ValidationError({"station": _("“%(role)s”须绑定一个站点。") % {"role": self.get_role_display()}})
            self.division_id = None
        elif not self.division_id:
            raise ValidationError({"division": _("“%(role)s”须绑定一个区划。") % {"role": self.get_role_display()}})
        else:
            self.station = None


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so the last five are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
