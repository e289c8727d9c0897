"""Community social organizations (社区社会组织): filed with a community or street (备案) or
registered with civil affairs (登记, 社会团体 / 民办非企业单位), with their changes, annual
reports, members and dissolution; and their incubation (孵化) at a station, which moves
意向 → 入孵 → 培育 → 出壳 one step at a time (or 退出 at any stage, with a reason).

What an organization has done is not typed in: community activities and volunteer projects
are linked to it, and its 参与服务活动场次 and 服务群众人数 are counted from those records.
A dissolved organization is kept as it was and can no longer be changed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.pii import EncryptedField


class Category(models.TextChoices):
    CHARITY = "charity", _("公益慈善类")
    LIFE = "life", _("生活服务类")
    AFFAIRS = "affairs", _("社区事务类")
    CULTURE = "culture", _("文体活动类")


class Organization(models.Model):
    class Kind(models.TextChoices):
        FILED = "filed", _("备案")
        REGISTERED = "registered", _("登记")

    class LegalForm(models.TextChoices):
        NONE = "", _("（备案组织不填）")
        SOCIAL_GROUP = "social_group", _("社会团体")
        NON_ENTERPRISE = "non_enterprise", _("民办非企业单位")

    class Status(models.TextChoices):
        ACTIVE = "active", _("活动中")
        DISSOLVED = "dissolved", _("已注销")

    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("管理方式"), max_length=10, choices=Kind.choices, default=Kind.FILED)
    legal_form = models.CharField(_("登记类型"), max_length=16, choices=LegalForm.choices, blank=True, default="")
    category = models.CharField(_("组织类别"), max_length=10, choices=Category.choices)
    # The community (社区/村) or street (街道/乡镇) it is filed with: its scope.
    division = models.ForeignKey("core.Division", verbose_name=_("备案社区/街道"), on_delete=models.PROTECT,
                                 related_name="organizations")
    filing_number = models.CharField(_("备案编号"), max_length=40, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    filed_on = models.DateField(_("备案（登记）日期"))
    responsible_name = models.CharField(_("负责人"), max_length=40)
    responsible_id_number = EncryptedField(_("负责人身份证号"), kind="id_number", hash_field="responsible_id_hash",
                                           mask_field="responsible_id_masked")
    responsible_id_hash = models.CharField(max_length=64, editable=False, db_index=True)
    responsible_id_masked = models.CharField(max_length=18, blank=True, default="", editable=False)
    responsible_mobile = EncryptedField(_("负责人手机号"), kind="mobile", hash_field="responsible_mobile_hash",
                                        mask_field="responsible_mobile_masked")
    responsible_mobile_hash = models.CharField(max_length=64, editable=False, db_index=True)
    responsible_mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    core_members = models.TextField(_("主要成员"), blank=True, help_text=_("骨干成员姓名及分工，每行一人"))
    headcount = models.PositiveIntegerField(_("成员人数"))
    place = models.CharField(_("活动场所"), max_length=200)
    business_scope = models.TextField(_("业务范围"))
    charter = models.TextField(_("章程"), blank=True, help_text=_("可直接填写章程正文，或上传章程扫描件"))
    guidance = models.TextField(_("指导意见"), blank=True, help_text=_("社区党组织、居（村）委会的审核或指导意见"))
    uses_membership = models.BooleanField(_("实行会员制"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    dissolved_on = models.DateField(_("注销日期"), null=True, blank=True)
    dissolution_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社区社会组织")
        verbose_name_plural = _("社区社会组织")
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["division", "status"], name="organization_division_status")]
        constraints = [
            models.UniqueConstraint(fields=["filing_number"], condition=~Q(filing_number=""),
                                    name="organization_filing_number_unique"),
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="organization_credit_code_unique"),
            models.CheckConstraint(condition=Q(status="active") | Q(dissolved_on__isnull=False),
                                   name="organization_dissolved_has_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.division_id

    @property
    def dissolved(self) -> bool:
        return self.status == self.Status.DISSOLVED

    @property
    def attachments_locked(self) -> bool:
        return self.dissolved

    @property
    def number(self) -> str:
        """The number it is known by: the filing number, or a registered one's credit code."""
        return self.filing_number or self.credit_code


class Change(models.Model):
    """One entry of an organization's change log (变更记录): what changed, when, by whom.
    ``changes`` is a list of [field label, before, after]; ID and mobile numbers masked."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="changes")
    summary = models.CharField(_("事项"), max_length=40)
    changes = models.JSONField(_("变更内容"), default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.summary}"


class AnnualReport(models.Model):
    """年报: one per organization and year."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    members = models.PositiveIntegerField(_("年末成员人数"))
    activities_held = models.PositiveIntegerField(_("全年开展活动（场）"))
    income = models.DecimalField(_("全年收入（元）"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    expenditure = models.DecimalField(_("全年支出（元）"), max_digits=12, decimal_places=2,
                                      validators=[MinValueValidator(0)])
    finance_note = models.TextField(_("收支情况说明"), blank=True, help_text=_("主要收入来源与支出用途"))
    summary = models.TextField(_("年度工作总结"), blank=True)
    submitted_on = models.DateField(_("报送日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("年报")
        verbose_name_plural = _("年报")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_annual_report_per_year")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}"

    def get_absolute_url(self) -> str:
        return self.organization.get_absolute_url() + "#reports"

    @property
    def balance(self):
        return self.income - self.expenditure


class Stage(models.TextChoices):
    INTENT = "intent", _("意向")
    INCUBATING = "incubating", _("入孵")
    CULTIVATING = "cultivating", _("培育")
    GRADUATED = "graduated", _("出壳")
    WITHDRAWN = "withdrawn", _("退出")


# The way forward, one step at a time; 退出 can end it from any open stage.
FLOW = [Stage.INTENT, Stage.INCUBATING, Stage.CULTIVATING, Stage.GRADUATED]
OPEN_STAGES = [Stage.INTENT, Stage.INCUBATING, Stage.CULTIVATING]


class Incubation(models.Model):
    """孵化: an organization's incubation at a station, at one stage; its stage history,
    mentoring, capacity assessments and trainings hang off it."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="incubations")
    station = models.ForeignKey("core.Station", verbose_name=_("孵化站点"), on_delete=models.PROTECT,
                                related_name="incubations")
    mentor = models.CharField(_("导师"), max_length=60, help_text=_("负责辅导的社工或专家"))
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.INTENT)
    stage_on = models.DateField(_("本阶段开始日期"))
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("孵化")
        verbose_name_plural = _("孵化")
        ordering = ["-started_on", "-id"]
        constraints = [
            # One open incubation per organization; a new one after 出壳 or 退出.
            models.UniqueConstraint(fields=["organization"], condition=Q(stage__in=OPEN_STAGES),
                                    name="one_open_incubation"),
            models.CheckConstraint(condition=Q(stage_on__gte=F("started_on")), name="incubation_stage_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return self.organization.get_absolute_url() + f"#incubation-{self.pk}"

    @property
    def scope_code(self) -> str:
        return self.organization.division_id

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def next_stage(self) -> str | None:
        if not self.is_open:
            return None
        return FLOW[FLOW.index(self.stage) + 1]


class StageEntry(models.Model):
    """One step of an incubation's stage history: the stage, the date it began, and for 退出 why."""

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices)
    on = models.DateField(_("开始日期"))
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.on}"


class Mentoring(models.Model):
    """辅导记录: one mentoring session of an incubated organization."""

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="mentoring")
    on = models.DateField(_("辅导日期"))
    mentor = models.CharField(_("辅导导师"), max_length=60)
    content = models.TextField(_("辅导内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("辅导记录")
        verbose_name_plural = _("辅导记录")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} · {self.mentor}"


_SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class CapacityAssessment(models.Model):
    """能力评估: scores 1–5 on four dimensions, taken again over the incubation to see growth."""

    DIMENSIONS = ("governance", "finance", "services", "volunteers")

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="assessments")
    on = models.DateField(_("评估日期"))
    governance = models.PositiveSmallIntegerField(_("治理"), validators=_SCORE)
    finance = models.PositiveSmallIntegerField(_("财务"), validators=_SCORE)
    services = models.PositiveSmallIntegerField(_("服务"), validators=_SCORE)
    volunteers = models.PositiveSmallIntegerField(_("志愿者"), validators=_SCORE)
    note = models.TextField(_("评估说明"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("能力评估")
        verbose_name_plural = _("能力评估")
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(governance__range=(1, 5), finance__range=(1, 5), services__range=(1, 5),
                        volunteers__range=(1, 5)), name="assessment_scores_1_to_5")]

    def __str__(self) -> str:
        return f"{self.on} · {self.total}"

    @property
    def total(self) -> int:
        return sum(getattr(self, d) for d in self.DIMENSIONS)


class TrainingRecord(models.Model):
    """A training the incubated organization's people attended (参加培训)."""

    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="trainings")
    on = models.DateField(_("培训日期"))
    course = models.CharField(_("课程"), max_length=100)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0.5)])
    attendees = models.CharField(_("参训人员"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.on} · {self.course}"


class Member(models.Model):
    """A member (会员) of an organization that uses membership: a name only, no ID."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=40)
    joined_on = models.DateField(_("入会日期"))
    fee_year = models.PositiveSmallIntegerField(_("会费已缴至年度"), null=True, blank=True)
    left_on = models.DateField(_("退会日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["left_on", "joined_on", "id"]

    def __str__(self) -> str:
        return self.name


class OrganizationActivity(models.Model):
    """A community activity the organization took part in (组织参与的社区活动)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey("activities.Activity", verbose_name=_("社区活动"), on_delete=models.CASCADE,
                                 related_name="organization_links")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "activity"], name="one_link_per_activity")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.activity}"


class OrganizationProject(models.Model):
    """A volunteer project the organization took part in (组织参与的志愿服务项目)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="project_links")
    project = models.ForeignKey("volunteers.Project", verbose_name=_("志愿服务项目"), on_delete=models.CASCADE,
                                related_name="organization_links")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "project"], name="one_link_per_project")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.project}"
