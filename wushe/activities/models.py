"""Community activities (社区活动): planned by a station, registered for by staff or by
residents on the public page (capacity never exceeded, a waiting list promoted in order),
and signed in to by scanning the activity's QR code. 直接参与 counts come from sign-ins;
间接惠及 is an estimate entered with its basis."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.pii import EncryptedField


def new_token() -> str:
    """The QR code's secret: 128 random bits, one per activity, so it cannot be guessed and a
    code from one activity signs nobody in to another."""
    return secrets.token_urlsafe(16)


class Activity(models.Model):
    class Category(models.TextChoices):
        # 济南 DB3701/T 36's service categories
        POLICY = "policy", _("政策宣传")
        RELIEF = "relief", _("社会救助")
        COMFORT = "comfort", _("精神慰藉")
        SKILLS = "skills", _("能力提升")
        SUPPORT = "support", _("社会支持")
        CRISIS = "crisis", _("危机干预")
        RIGHTS = "rights", _("权益维护")
        INCLUSION = "inclusion", _("社会融入")
        PARTICIPATION = "participation", _("社区参与")
        HEALTH = "health", _("文体健康")
        ENVIRONMENT = "environment", _("环境保护")

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CANCELLED = "cancelled", _("已取消")
        DONE = "done", _("已结束")

    station = models.ForeignKey("core.Station", verbose_name=_("主办站点"), on_delete=models.PROTECT,
                                related_name="activities")
    title = models.CharField(_("活动名称"), max_length=100)
    category = models.CharField(_("服务类别"), max_length=14, choices=Category.choices)
    description = models.TextField(_("活动介绍"), blank=True)
    target_tags = models.ManyToManyField("people.Tag", verbose_name=_("服务人群"), blank=True, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    room = models.ForeignKey("core.Room", verbose_name=_("功能室"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    place = models.CharField(_("户外/其他地点"), max_length=100, blank=True)
    booking = models.OneToOneField("core.RoomBooking", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    capacity = models.PositiveIntegerField(_("名额"), help_text=_("报名人数上限；满额后进入候补。"))
    needs_approval = models.BooleanField(_("报名需审核"), default=False)
    public = models.BooleanField(_("在站点公开页展示并开放报名"), default=True)
    partners = models.CharField(_("合作方"), max_length=200, blank=True)
    budget = models.DecimalField(_("预算（元）"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("活动总结"), blank=True)
    indirect_reach = models.PositiveIntegerField(_("间接惠及人数（估算）"), default=0)
    indirect_basis = models.CharField(_("估算依据"), max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    needs = models.ManyToManyField("people.Need", verbose_name=_("对接的需求"), blank=True, related_name="activities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社区活动")
        verbose_name_plural = _("社区活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["station", "starts_at"], name="activity_station_start")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="activity_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("activities:activity", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def where(self) -> str:
        return self.room.name if self.room_id else self.place


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITING = "waiting", _("候补")
        PENDING = "pending", _("待审核")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员登记")
        PUBLIC = "public", _("扫码报名")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    resident = models.ForeignKey("people.Resident", verbose_name=_("服务对象"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="activity_registrations")
    name = models.CharField(_("姓名"), max_length=40)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked")
    mobile_hash = models.CharField(max_length=64, editable=False)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "mobile_hash"], condition=~Q(status="cancelled"),
                                               name="one_live_registration_per_mobile")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.mobile_masked}"


class SignIn(models.Model):
    """签到: one per person per activity, by scanning the QR code or checked in by staff."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_ins")
    registration = models.OneToOneField(Registration, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="sign_in")
    resident = models.ForeignKey("people.Resident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="activity_sign_ins")
    name = models.CharField(_("姓名"), max_length=40)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked")
    mobile_hash = models.CharField(max_length=64, editable=False)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    walk_in = models.BooleanField(_("现场参加（未报名）"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")  # staff who checked them in; empty for a QR scan
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "mobile_hash"], name="one_sign_in_per_person")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.mobile_masked}"


class Feedback(models.Model):
    """活动反馈: one per person who signed in, given on the phone page after taking part."""

    class Rating(models.IntegerChoices):
        VERY_POOR = 1, _("很不满意")
        POOR = 2, _("不满意")
        FAIR = 3, _("一般")
        GOOD = 4, _("满意")
        VERY_GOOD = 5, _("非常满意")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    sign_in = models.OneToOneField(SignIn, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("满意度"), choices=Rating.choices)
    comment = models.CharField(_("意见和建议"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("活动反馈")
        verbose_name_plural = _("活动反馈")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.rating}"
