"""How a station runs itself: its annual and weekly work plans (工作计划) with tasks and their
completion, and its rules (场地管理, 财务管理, 档案管理, 保密制度, 志愿者管理 …) kept as documents
whose every version stays."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度计划")
        WEEKLY = "weekly", _("周计划")

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_period_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("operations:plan", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    what = models.CharField(_("任务"), max_length=200)
    owner = models.CharField(_("负责人"), max_length=40)
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.CharField(_("完成情况"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.what

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class Document(models.Model):
    """A station rule (制度); its text lives in its versions, newest current."""

    class Kind(models.TextChoices):
        PREMISES = "premises", _("场地管理")
        FINANCE = "finance", _("财务管理")
        ARCHIVES = "archives", _("档案管理")
        CONFIDENTIALITY = "confidentiality", _("保密制度")
        VOLUNTEERS = "volunteers", _("志愿者管理")
        SERVICE = "service", _("服务规范")
        OTHER = "other", _("其他")

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT,
                                related_name="documents")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("制度名称"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("站点制度")
        verbose_name_plural = _("站点制度")
        ordering = ["kind", "title"]
        constraints = [models.UniqueConstraint(fields=["station", "title"], name="document_title_per_station")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("operations:document", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("正文"))
    effective_on = models.DateField(_("施行日期"))
    change_note = models.CharField(_("修订说明"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
