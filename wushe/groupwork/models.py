"""Group work (小组) following MZ/T 095-2017: 筹备期 → 形成期 → 转折期 → 成熟期 → 结束期.

A group belongs to the station that runs it and is in scope where that station is. Its
members come from the people registry; each session (节) is held in a booked room, and
attendance is what 组员人次 counts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Group(models.Model):
    class Kind(models.TextChoices):
        THERAPY = "therapy", _("治疗小组")
        SUPPORT = "support", _("支持小组")
        GROWTH = "growth", _("成长小组")
        EDUCATION = "education", _("教育小组")
        INTEREST = "interest", _("兴趣小组")
        TASK = "task", _("任务小组")

    class Stage(models.TextChoices):
        PREPARING = "preparing", _("筹备期")
        FORMING = "forming", _("形成期")
        TRANSITION = "transition", _("转折期")
        MATURE = "mature", _("成熟期")
        ENDING = "ending", _("结束期")
        CLOSED = "closed", _("已结束")

    ORDER = [Stage.PREPARING, Stage.FORMING, Stage.TRANSITION, Stage.MATURE, Stage.ENDING, Stage.CLOSED]

    station = models.ForeignKey("core.Station", verbose_name=_("承办站点"), on_delete=models.PROTECT,
                                related_name="groups")
    name = models.CharField(_("小组名称"), max_length=100)
    kind = models.CharField(_("小组类型"), max_length=12, choices=Kind.choices)
    aims = models.TextField(_("小组目标"))
    target = models.CharField(_("招募对象"), max_length=200)
    sessions_planned = models.PositiveSmallIntegerField(_("计划节数"), default=6)
    capacity = models.PositiveSmallIntegerField(_("组员名额"), default=12)
    room = models.ForeignKey("core.Room", verbose_name=_("常用活动室"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    budget = models.DecimalField(_("预算（元）"), max_digits=10, decimal_places=2, default=0)
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("带领者"), related_name="led_groups")
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.PREPARING)
    summary = models.TextField(_("小组总结"), blank=True)
    starts_on = models.DateField(_("计划开始日期"), default=timezone.localdate)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小组")
        verbose_name_plural = _("小组")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["station", "stage"], name="group_station_stage")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("groupwork:group", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED


class Member(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey("people.Resident", verbose_name=_("组员"), on_delete=models.PROTECT,
                                 related_name="group_memberships")
    joined_on = models.DateField(_("入组日期"), default=timezone.localdate)
    pre_assessment = models.TextField(_("组前评估"), blank=True)
    pre_score = models.PositiveSmallIntegerField(_("前测得分"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("后测得分"), null=True, blank=True)
    feedback = models.TextField(_("组员反馈"), blank=True)
    left_on = models.DateField(_("退组日期"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "resident"], name="one_membership_per_group")]

    def __str__(self) -> str:
        return f"{self.group} · {self.resident_id}"


class Session(models.Model):
    """One 节 of the group, held in a booked room."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("节次"))
    held_on = models.DateField(_("日期"))
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    room = models.ForeignKey("core.Room", verbose_name=_("活动室"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    place = models.CharField(_("其他地点"), max_length=100, blank=True, help_text=_("不在本站功能室时填写"))
    booking = models.OneToOneField("core.RoomBooking", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    theme = models.CharField(_("本节主题"), max_length=100)
    stage = models.CharField(_("所处阶段"), max_length=12, choices=Group.Stage.choices)
    content = models.TextField(_("活动内容"), blank=True)
    observations = models.TextField(_("组员表现与小组动力观察"), blank=True)
    reflection = models.TextField(_("带领者反思"), blank=True)
    recorded = models.BooleanField(default=False)  # the record is written (attendance taken)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="one_session_per_number")]

    def __str__(self) -> str:
        return f"{self.group} 第{self.number}节"

    @property
    def minutes(self) -> int:
        return (self.ends.hour * 60 + self.ends.minute) - (self.starts.hour * 60 + self.starts.minute)


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("出席"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.session} · {self.member_id}"
