"""The 五社 network: divisions, agencies, stations and their rooms, and the audit log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wushe.core.divisions import PREFIX_LENGTH, Level


class Division(models.Model):
    """A node of the national division tree (行政区划), keyed by its 12-digit code."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("城镇")
        RURAL = "rural", _("乡村")
        UNKNOWN = "", _("未区分")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # 城乡: a community (社区居委会) is urban, a village (村民委员会) rural.
    kind = models.CharField(_("城乡"), max_length=5, choices=Kind.choices, blank=True, default="")

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[Level(self.level)]]

    @property
    def short_name(self) -> str:
        """多福巷社区居委会 → 多福巷社区, 大王村民委员会 → 大王村: how staff say it."""
        for suffix in ("居民委员会", "居委会"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        for suffix in ("村民委员会", "村委会"):
            if self.name.endswith(suffix):
                stem = self.name[: -len(suffix)]
                return stem if stem.endswith("村") else stem + "村"
        return self.name

    def ancestors(self) -> list["Division"]:
        """From the province down to this division's parent (one query)."""
        from wushe.core.divisions import full_code

        codes = [full_code(self.code[:n]) for lvl, n in PREFIX_LENGTH.items() if lvl < self.level]
        by_code = Division.objects.in_bulk(codes)
        return [by_code[c] for c in codes if c in by_code]


class Agency(models.Model):
    """A social work service organization (社工机构) contracted to run stations."""

    name = models.CharField(_("机构名称"), max_length=120, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("机构电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("社工机构")
        verbose_name_plural = _("社工机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:agency", args=[self.pk])


class Station(models.Model):
    """A service point (社工站 / 社工室 / 指导中心), tied to the division it serves."""

    class Tier(models.TextChoices):
        # The tier follows the division: a 指导中心 serves a county, a 社工站 a street
        # or town, a 社工室 a community or village.
        CENTER = "center", _("区级社会工作指导中心")
        STATION = "station", _("街道/乡镇社工站")
        ROOM = "room", _("社区/村社工室")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹建中")
        ACTIVE = "active", _("运营中")
        SUSPENDED = "suspended", _("暂停")
        CLOSED = "closed", _("已撤销")

    TIER_LEVEL = {Tier.CENTER: Level.COUNTY, Tier.STATION: Level.TOWN, Tier.ROOM: Level.VILLAGE}

    name = models.CharField(_("名称"), max_length=120)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices, db_index=True)
    division = models.ForeignKey(
        Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations",
        db_index=False,  # served by station_division_name below
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("运营机构"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="stations",
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    closed_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("站点")
        verbose_name_plural = _("站点")
        ordering = ["division_id", "name"]
        indexes = [
            # Scope is a range on division_id and lists are sorted by (division, name): one
            # index lets a page of the list be read in order without sorting the whole scope.
            models.Index(fields=["division", "name"], name="station_division_name"),
        ]
        constraints = [
            # One running station per division and tier: two 社工室 in one community would
            # count its coverage twice.
            models.UniqueConstraint(
                fields=["division", "tier"],
                condition=~models.Q(status="closed"),
                name="one_open_station_per_division_tier",
                violation_error_message=_("该区划已有同一层级的站点（未撤销）。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:station", args=[self.pk])

    @property
    def scope_prefix(self) -> str:
        return self.division.prefix

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def clean(self) -> None:
        expected = self.TIER_LEVEL.get(self.tier)
        if self.division_id and expected and self.division.level != expected:
            raise ValidationError(
                {"division": _("%(tier)s 必须设在“%(level)s”级区划。")
                 % {"tier": self.get_tier_display(), "level": Level(expected).label}}
            )
        if self.status == self.Status.CLOSED and not self.closed_on:
            raise ValidationError({"closed_on": _("撤销站点须填写撤销日期。")})


class Room(models.Model):
    """A functional room (功能室) of a station."""

    class Kind(models.TextChoices):
        CASEWORK = "casework", _("个案工作室")
        GROUP = "group", _("小组活动室")
        COUNSELING = "counseling", _("心理咨询室")
        ACTIVITY = "activity", _("多功能活动室")
        MEETING = "meeting", _("议事室")
        ARCHIVE = "archive", _("档案室")
        OFFICE = "office", _("办公室")
        OTHER = "other", _("其他")

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("容纳人数"), null=True, blank=True)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True)
    active = models.BooleanField(_("可使用"), default=True)

    class Meta:
        verbose_name = _("功能室")
        verbose_name_plural = _("功能室")
        ordering = ["station_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="room_name_unique_in_station",
                                    violation_error_message=_("本站点已有同名功能室。")),
        ]

    def __str__(self) -> str:
        return f"{self.station.name} · {self.name}"


class RoomBooking(models.Model):
    """A room held for a time (a group session, an activity …); two bookings of one room never
    overlap. ``purpose`` says what for; ``source`` names the record that holds it."""

    room = models.ForeignKey(Room, verbose_name=_("功能室"), on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途"), max_length=120)
    source = models.CharField(max_length=60, blank=True, db_index=True)  # e.g. "groupwork.session:12"
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("功能室预约")
        verbose_name_plural = _("功能室预约")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["room", "starts_at"], name="booking_room_start")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="booking_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.room.name} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} {self.purpose}"


class AuditHead(models.Model):
    """The single row holding the newest audit hash; locked while an entry is appended so
    that concurrent writers extend the chain one after another."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class AuditEntry(models.Model):
    """One append-only audit record (审计日志), chained to the one before by hash.

    ``hash`` (an HMAC under a key derived from SECRET_KEY) covers this entry's fields and
    the previous entry's hash, so editing or deleting any entry breaks the chain from there
    on; `wushe verify_audit` finds it.
    Written only through ``wushe.core.audit.record``.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        IDLE_LOGOUT = "idle_logout", _("超时退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        OTP = "otp", _("二次验证")
        DENIED = "denied", _("拒绝访问")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        USER_CREATED = "user_created", _("创建账号")
        USER_CHANGED = "user_changed", _("修改账号")
        POLICY_CHANGED = "policy_changed", _("修改策略")
        VIEWED = "viewed", _("查看个人信息")
        REVEALED = "revealed", _("显示完整个人信息")
        EXPORTED = "exported", _("导出")
        CREATED = "created", _("新建")
        CHANGED = "changed", _("修改")
        CLOSED = "closed", _("撤销/关闭")
        API_TOKEN = "api_token", _("签发接口令牌")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        # DO_NOTHING: deleting a user must not rewrite actor_id, which the hash covers.
        on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    # Where the object lives, so managers can read the entries of their own scope.
    division_code = models.CharField(_("区划"), max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审计日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计日志只能追加，不能删除。"))


def _attachment_path(instance, filename: str) -> str:
    # A random name: the original (often a resident's name) stays in the row, not the path.
    import uuid

    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.'):]}"


class Attachment(models.Model):
    """照片/附件 on a record (an activity, a home visit, a resident's request). Kept under
    MEDIA_ROOT, never served as static files: only through a view that first opens the
    record the way its own page does (scope, 404 outside)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        PDF = "pdf", _("PDF")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    kind = models.CharField(_("类型"), max_length=5, choices=Kind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # empty: a resident on a public page
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:attachment", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id
