"""Derived tables for the dashboard: rollups (汇总) of the indicators, and the reports kept.

A rollup row is a sum of records, never typed: ``wushe.stats.rollups`` writes them from the
records (rebuilt from scratch by ``wushe rebuild_rollups``, refreshed per station as records
change), and nothing else writes them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    """How fine a rollup row is: a station's own rows, and their sums per street and per county,
    so that a city's figures add up a few thousand rows, not a million."""

    STATION = "s", "站点"
    TOWN = "t", "街道"
    COUNTY = "c", "区县"


# The division prefix length each coarser grain sums to.
GRAIN_LENGTH = {Grain.TOWN: 9, Grain.COUNTY: 6}


class _Rollup(models.Model):
    grain = models.CharField(max_length=1, choices=Grain.choices, default=Grain.STATION)
    key = models.CharField(max_length=24)  # the indicator (wushe.stats.indicators)
    # The 12-digit division the records belong to (the station's, or a community's for
    # records kept by community), so a scope is a range on one column.
    division = models.CharField(max_length=12)
    station = models.ForeignKey("core.Station", null=True, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    # A breakdown (服务类别, 服务人群 …), or "": as long as a 人员类别's name may be.
    part = models.CharField(max_length=30, blank=True, default="")
    # Integers in the indicator's base unit (records, minutes, 分): sums stay exact.
    value = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key} {self.division} {self.part} = {self.value}"


class DayRollup(_Rollup):
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["grain", "key", "day", "division"], name="dayrollup_grain_key_day_div"),
                   models.Index(fields=["station", "key"], name="dayrollup_station_key"),
                   models.Index(fields=["division", "key"], name="dayrollup_div_key")]


class MonthRollup(_Rollup):
    month = models.DateField()  # the first day of the month

    class Meta:
        indexes = [models.Index(fields=["grain", "key", "month", "division"], name="monthrollup_grain_key_month"),
                   models.Index(fields=["station", "key"], name="monthrollup_station_key"),
                   models.Index(fields=["division", "key"], name="monthrollup_div_key")]


class Report(models.Model):
    """工作简报 / 统计报表: one period of one division's figures, as xlsx and PDF, generated in
    the background and kept."""

    class Kind(models.TextChoices):
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")
        YEAR = "year", _("年报")
        CUSTOM = "custom", _("自定义时段")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    division = models.ForeignKey("core.Division", verbose_name=_("范围"), on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.CharField(max_length=300, blank=True)
    xlsx = models.FileField(upload_to="reports/", blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.division.name} {self.get_kind_display()} {self.start}–{self.end}"

    def get_absolute_url(self) -> str:
        return reverse("stats:report", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.division_id
