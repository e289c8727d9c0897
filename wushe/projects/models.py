"""Service projects (服务项目: 政府购买服务, 公益创投, 示范项目): who funds them, who carries them
out, at which stations, what they must deliver (output targets on the indicators of
``projects.indicators``, counted from the records linked to the project, never typed), their
lifecycle from 申报 to 归档, evaluations on a scoring sheet, and the budget with its spending."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServiceProject(models.Model):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("政府购买服务")
        VENTURE = "venture", _("公益创投")
        DEMONSTRATION = "demonstration", _("示范项目")

    class Stage(models.TextChoices):
        APPLIED = "applied", _("申报")
        REVIEW = "review", _("评审")
        APPROVED = "approved", _("立项")
        RUNNING = "running", _("实施")
        MIDTERM = "midterm", _("中期评估")
        FINAL = "final", _("结项评估")
        ARCHIVED = "archived", _("归档")
        REJECTED = "rejected", _("未立项")

    # The lifecycle, one step at a time; 评审 may end in 未立项.
    ORDER = [Stage.APPLIED, Stage.REVIEW, Stage.APPROVED, Stage.RUNNING, Stage.MIDTERM, Stage.FINAL, Stage.ARCHIVED]

    title = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("项目类型"), max_length=14, choices=Kind.choices)
    # The funder's level (a street, a district, a city): its officials manage the project.
    division = models.ForeignKey("core.Division", verbose_name=_("立项单位所在区划"), on_delete=models.PROTECT,
                                 related_name="+")
    funder = models.CharField(_("出资方"), max_length=100, help_text=_("如：西园街道办事处、蜀山区民政局、市财政"))
    funding_source = models.CharField(_("资金来源"), max_length=100, blank=True,
                                      help_text=_("如：福彩公益金、财政专项、慈善资金"))
    contractor = models.ForeignKey("core.Agency", verbose_name=_("承接机构"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="projects")
    budget = models.DecimalField(_("项目预算（元）"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    stations = models.ManyToManyField("core.Station", verbose_name=_("服务站点"), related_name="service_projects")
    target_groups = models.CharField(_("服务对象"), max_length=200, help_text=_("如：独居老人、困境儿童"))
    summary = models.TextField(_("项目简介"), blank=True)
    outcomes = models.TextField(_("成效目标"), blank=True, help_text=_("服务成效方面的目标，评估时对照"))
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default=Stage.APPLIED)
    stage_note = models.CharField(_("阶段说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="project_period_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.division_id

    @property
    def archived(self) -> bool:
        return self.stage in (self.Stage.ARCHIVED, self.Stage.REJECTED)

    @property
    def attachments_locked(self) -> bool:
        return self.archived


class Target(models.Model):
    """An output target (产出指标) on one indicator: e.g. 社区活动场次 ≥ 25."""

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("指标"), max_length=30)
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "indicator"], name="one_target_per_indicator")]

    def __str__(self) -> str:
        return f"{self.project} · {self.indicator} {self.value}"


class Link(models.Model):
    """A record counted for the project: a case, a group, a community activity or a volunteer
    project of one of its stations."""

    class Kind(models.TextChoices):
        CASE = "case", _("个案")
        GROUP = "group", _("小组")
        ACTIVITY = "activity", _("社区活动")
        VOLUNTEER_PROJECT = "volunteer_project", _("志愿服务项目")

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "kind", "object_id"], name="one_link_per_record")]

    def __str__(self) -> str:
        return f"{self.project} · {self.kind} {self.object_id}"


class ScoringSheet(models.Model):
    """A configurable evaluation sheet (评估指标体系), following the national guide's dimensions."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评估指标体系")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    class Dimension(models.TextChoices):
        MANAGEMENT = "management", _("项目管理")
        OUTPUT = "output", _("服务产出")
        OUTCOME = "outcome", _("服务成效")
        SATISFACTION = "satisfaction", _("服务对象满意度")
        PROFESSIONAL = "professional", _("专业性")

    sheet = models.ForeignKey(ScoringSheet, on_delete=models.CASCADE, related_name="criteria")
    dimension = models.CharField(_("维度"), max_length=14, choices=Dimension.choices)
    item = models.CharField(_("评估内容"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.item


class Evaluation(models.Model):
    """评估: a mid-term or final evaluation by a third party, scored on a sheet."""

    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("中期评估")
        FINAL = "final", _("结项评估")

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("评估类型"), max_length=8, choices=Kind.choices)
    sheet = models.ForeignKey(ScoringSheet, verbose_name=_("评估指标体系"), on_delete=models.PROTECT,
                              related_name="+")
    evaluator = models.CharField(_("评估机构（第三方）"), max_length=100)
    evaluated_on = models.DateField(_("评估日期"))
    findings = models.TextField(_("评估发现"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("项目评估")
        ordering = ["evaluated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_evaluation_per_kind")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.score}"


class Rectification(models.Model):
    """整改事项 found by an evaluation; the project is archived only when all are done."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="rectifications")
    item = models.CharField(_("整改事项"), max_length=200)
    due_on = models.DateField(_("整改期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.CharField(_("整改情况"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.item


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("人员费用")
        SERVICE = "service", _("服务活动费用")
        ADMIN = "admin", _("管理费用")
        OTHER = "other", _("其他")

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("类别"), max_length=8, choices=Category.choices)
    name = models.CharField(_("预算科目"), max_length=100)
    amount = models.DecimalField(_("预算金额（元）"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Expenditure(models.Model):
    """A spending on one budget line; never more than the line has left."""

    line = models.ForeignKey(BudgetLine, verbose_name=_("预算科目"), on_delete=models.PROTECT,
                             related_name="expenditures")
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0.01)])
    description = models.CharField(_("用途"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.line} · {self.amount}"
