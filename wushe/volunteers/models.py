"""Volunteers (志愿者) and their service, kept as 《志愿服务条例》 and 《志愿服务记录与证明出具办法》
ask: a registered volunteer has a platform number (the ID number is never the public
identifier); projects recruit for dated shifts (岗位班次); hours are actual service time,
checked in and out by QR or entered by the organizer, and count once confirmed; a
correction never overwrites, it supersedes the original with a reason; proofs (志愿服务证明)
are numbered and logged. Time-bank credits (时间银行) are a ledger apart from legal hours."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.activities.models import Activity
from wushe.core.pii import EncryptedField


def new_token() -> str:
    """A QR code's secret: 128 random bits, so a shift's code cannot be guessed."""
    return secrets.token_urlsafe(16)


class Availability(models.TextChoices):
    WEEKDAY = "weekday", _("工作日白天")
    EVENING = "evening", _("工作日晚间")
    WEEKEND = "weekend", _("周末")
    ANY = "any", _("时间灵活")


class Volunteer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        LEFT = "left", _("已注销")

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        PUBLIC = "public", _("扫码注册")

    station = models.ForeignKey("core.Station", verbose_name=_("注册站点"), on_delete=models.PROTECT,
                                related_name="volunteers")
    # 志愿者编号: the public identifier, given once the record is saved (ZY + 10 digits).
    number = models.CharField(_("志愿者编号"), max_length=12, unique=True, null=True, editable=False)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = EncryptedField(_("身份证号"), kind="id_number", hash_field="id_number_hash",
                               mask_field="id_number_masked")
    id_number_hash = models.CharField(max_length=64, editable=False, unique=True)
    id_number_masked = models.CharField(max_length=18, blank=True, default="", editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, editable=False)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked")
    mobile_hash = models.CharField(max_length=64, editable=False, db_index=True)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    skills = models.CharField(_("技能特长"), max_length=200, blank=True, help_text=_("如：理发、医护、法律、摄影，用顿号分隔"))
    availability = models.CharField(_("可服务时间"), max_length=10, choices=Availability.choices,
                                    default=Availability.ANY)
    preferences = models.CharField(_("服务意向"), max_length=200, blank=True,
                                   help_text=_("愿意参与的服务类别，如：助老、助学、环境保护"))
    emergency_name = models.CharField(_("紧急联系人"), max_length=40)
    emergency_mobile = EncryptedField(_("紧急联系人电话"), kind="mobile", hash_field="emergency_hash",
                                      mask_field="emergency_masked")
    emergency_hash = models.CharField(max_length=64, editable=False)
    emergency_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    consent_on = models.DateField(_("同意保存信息日期"))
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.STAFF)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer", verbose_name=_("平台账号"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "status"], name="volunteer_station_status")]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Team(models.Model):
    """志愿者队伍: a station's team, led by one or more of its members."""

    station = models.ForeignKey("core.Station", verbose_name=_("所属站点"), on_delete=models.PROTECT,
                                related_name="volunteer_teams")
    name = models.CharField(_("队伍名称"), max_length=60)
    description = models.TextField(_("服务方向"), blank=True)
    members = models.ManyToManyField(Volunteer, through="TeamMember", related_name="teams")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("志愿者队伍")
        verbose_name_plural = _("志愿者队伍")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="team_name_per_station")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:team", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    leader = models.BooleanField(_("队长"), default=False)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-leader", "joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"


class Project(models.Model):
    """志愿服务项目: a recruitment with positions and dated shifts."""

    class Status(models.TextChoices):
        RECRUITING = "recruiting", _("招募中")
        CLOSED = "closed", _("已结束")

    station = models.ForeignKey("core.Station", verbose_name=_("组织站点"), on_delete=models.PROTECT,
                                related_name="volunteer_projects")
    title = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("服务类别"), max_length=14, choices=Activity.Category.choices)
    description = models.TextField(_("服务内容"), blank=True)
    requirements = models.CharField(_("报名要求"), max_length=200, blank=True, help_text=_("如：熟悉智能手机操作、会说方言"))
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=16)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), default=70)
    risky = models.BooleanField(_("有一定风险（如登高、水上、交通疏导）"), default=False)
    insurance = models.CharField(_("保险说明"), max_length=200, blank=True,
                                 help_text=_("有风险的项目须写明为志愿者投保的险种与保单号"))
    activity = models.ForeignKey(Activity, verbose_name=_("关联社区活动"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="volunteer_projects")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
                                  related_name="+")
    public = models.BooleanField(_("在站点公开页招募"), default=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECRUITING)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("志愿服务项目")
        verbose_name_plural = _("志愿服务项目")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(max_age__gte=F("min_age")), name="project_age_range")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:project", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Shift(models.Model):
    """岗位班次: one position on one date and time; its QR code checks volunteers in and out."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shifts")
    position = models.CharField(_("岗位"), max_length=60)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=100)
    needed = models.PositiveSmallIntegerField(_("需要人数"), validators=[MinValueValidator(1)])
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("岗位班次")
        verbose_name_plural = _("岗位班次")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
                       models.CheckConstraint(condition=Q(needed__gte=1), name="shift_needs_someone")]

    def __str__(self) -> str:
        return f"{self.project} · {self.position} · {timezone.localtime(self.starts_at):%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:shift", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.project.station.division_id


class Registration(models.Model):
    """报名: a volunteer's sign-up for a shift, confirmed by the organizer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        PUBLIC = "public", _("扫码报名")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="registrations")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], condition=~Q(status="cancelled"),
                                               name="one_live_shift_registration")]

    def __str__(self) -> str:
        return f"{self.shift} · {self.volunteer}"


class ServiceHours(models.Model):
    """志愿服务时长: one stretch of actual service (travel excluded). Counted once confirmed and
    while nothing supersedes it; a correction is a new entry pointing back at this one."""

    class Status(models.TextChoices):
        ON_DUTY = "on_duty", _("服务中（已签到）")
        RECORDED = "recorded", _("待确认")
        CONFIRMED = "confirmed", _("已确认")

    class Source(models.TextChoices):
        QR = "qr", _("扫码签到签退")
        ORGANIZER = "organizer", _("组织者录入")
        CORRECTION = "correction", _("更正")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
    project = models.ForeignKey(Project, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="hours")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="hours")
    content = models.CharField(_("服务内容"), max_length=200)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("实际服务时长（分钟）"), default=0)
    # The QR scans as they happened; started/ended hold the time served on the shift.
    scanned_in_at = models.DateTimeField(_("扫码签到"), null=True, blank=True)
    scanned_out_at = models.DateTimeField(_("扫码签退"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="corrected_by")
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("志愿服务时长")
        verbose_name_plural = _("志愿服务时长")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "started_at"], name="hours_volunteer_start"),
                   models.Index(fields=["project", "status"], name="hours_project_status")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                                   name="hours_end_after_start"),
            # One open check-in per volunteer and shift: a second scan checks out.
            models.UniqueConstraint(fields=["volunteer", "shift"], condition=Q(status="on_duty"),
                                    name="one_open_check_in"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer.name} · {self.project} · {self.minutes}"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def live(self) -> bool:
        """Still the record of this service: not replaced by a correction."""
        return not hasattr(self, "corrected_by")


class RecordEntry(models.Model):
    """The rest of the record the national rules ask for: training, commendations, evaluations."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("培训")
        COMMENDATION = "commendation", _("表彰奖励")
        EVALUATION = "evaluation", _("服务评价")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="record_entries")
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    on = models.DateField(_("日期"))
    content = models.CharField(_("内容"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.content}"


class Proof(models.Model):
    """志愿服务证明: what was certified, as issued; the PDF is drawn from this record."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="proofs")
    station = models.ForeignKey("core.Station", verbose_name=_("出具站点"), on_delete=models.PROTECT,
                                related_name="+")
    number = models.CharField(_("证明编号"), max_length=24, unique=True)
    period_from = models.DateField(_("起始日期"))
    period_to = models.DateField(_("截止日期"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"))
    entries = models.ManyToManyField(ServiceHours, related_name="+")
    person_in_charge = models.CharField(_("负责人"), max_length=40)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")
        ordering = ["-issued_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(period_to__gte=F("period_from")),
                                              name="proof_period_order")]

    def __str__(self) -> str:
        return self.number

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


class TimeBankEntry(models.Model):
    """时间银行: credits earned by service and spent on help received, a ledger of its own that
    never changes the legal hours."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="time_bank")
    credits = models.DecimalField(_("时间币"), max_digits=8, decimal_places=1)  # + earned, − spent
    reason = models.CharField(_("事由"), max_length=200)
    hours = models.OneToOneField(ServiceHours, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="time_bank_entry")
    balance = models.DecimalField(_("余额"), max_digits=9, decimal_places=1)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="time_bank_never_negative")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.credits}"
