"""Supervision (督导): a pool of supervisors (专家库) and the sessions they hold with a
station's social workers, individual or in a group, linked to the cases and groups discussed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Supervisor(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("内部督导")
        EXTERNAL = "external", _("外聘专家")

    name = models.CharField(_("姓名"), max_length=40)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("平台账号"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="supervisor_profiles",
                             help_text=_("内部督导在平台上有账号时关联，便于其查看督导记录。"))
    organization = models.CharField(_("所在单位"), max_length=100, blank=True)
    qualification = models.CharField(_("资质"), max_length=100,
                                     help_text=_("如：高级社会工作师、督导人才培养项目结业"))
    specialties = models.CharField(_("擅长领域"), max_length=200, blank=True)
    # The area the supervisor serves: stations under it may invite them.
    division = models.ForeignKey("core.Division", verbose_name=_("服务区域"), on_delete=models.PROTECT,
                                 related_name="+")
    active = models.BooleanField(_("在库"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督导")
        verbose_name_plural = _("督导专家库")
        ordering = ["-active", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def scope_code(self) -> str:
        return self.division_id


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个别督导")
        GROUP = "group", _("团体督导")

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT,
                                related_name="supervision_sessions")
    supervisor = models.ForeignKey(Supervisor, verbose_name=_("督导"), on_delete=models.PROTECT,
                                   related_name="sessions")
    kind = models.CharField(_("督导形式"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    minutes = models.PositiveIntegerField(_("时长（分钟）"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参加社工"),
                                       related_name="supervision_sessions")
    topics = models.CharField(_("督导主题"), max_length=200)
    record = models.TextField(_("督导内容记录"))
    actions = models.TextField(_("跟进事项"), blank=True)
    cases = models.ManyToManyField("casework.Case", verbose_name=_("讨论的个案"), blank=True, related_name="+")
    groups = models.ManyToManyField("groupwork.Group", verbose_name=_("讨论的小组"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["station", "held_on"], name="supervision_station_day")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()} · {self.topics}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:session", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id
