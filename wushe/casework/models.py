"""Case work (个案) following MZ/T 094-2017: 接案 → 预估 → 计划 → 介入 → 评估 → 结案.

A case belongs to the station that took it (承接站点) and is in scope where that station
is; usually that covers the client's community, but a case taken on referral from another
street need not. Who may read its content is narrower than scope: see
``wushe.casework.access``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CasePolicy(models.Model):
    """Which steps of a station's cases wait for approval by the supervisor or 站长."""

    station = models.OneToOneField("core.Station", on_delete=models.CASCADE, related_name="case_policy")
    approve_assessment = models.BooleanField(_("预估须审批"), default=True)
    approve_plan = models.BooleanField(_("服务计划须审批"), default=True)
    approve_closure = models.BooleanField(_("结案须审批"), default=True)

    class Meta:
        verbose_name = _("个案审批设置")
        verbose_name_plural = _("个案审批设置")

    def __str__(self) -> str:
        return f"{self.station}"

    def requires(self, step: str) -> bool:
        return getattr(self, f"approve_{step}")


class Case(models.Model):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("接案")
        ASSESSMENT = "assessment", _("预估")
        PLANNING = "planning", _("计划")
        INTERVENTION = "intervention", _("介入")
        EVALUATION = "evaluation", _("评估")
        CLOSED = "closed", _("已结案")
        DECLINED = "declined", _("未接案")

    # The working stages in order; 已结案 and 未接案 end a case.
    ORDER = [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING, Stage.INTERVENTION, Stage.EVALUATION, Stage.CLOSED]

    class Source(models.TextChoices):
        SELF = "self", _("主动求助")
        OUTREACH = "outreach", _("外展发现")
        REFERRAL = "referral", _("转介")
        VISIT = "visit", _("走访发现")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("危急")

    class Risk(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    class ConsentBy(models.TextChoices):
        SELF = "self", _("本人")
        GUARDIAN = "guardian", _("监护人")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("目标达成")
        CLIENT_REQUEST = "client_request", _("服务对象要求")
        REFERRED = "referred", _("转介")
        LOST = "lost", _("失联")
        MOVED = "moved", _("迁出")
        DIED = "died", _("死亡")

    # Reasons a case may end before its evaluation: the client is gone or served elsewhere.
    EARLY_CLOSURE = {ClosureReason.REFERRED, ClosureReason.LOST, ClosureReason.MOVED, ClosureReason.DIED}
    # Reasons after which the client is followed up (跟进回访) 1 and 3 months later.
    FOLLOWED_UP = {ClosureReason.GOALS_MET, ClosureReason.CLIENT_REQUEST, ClosureReason.REFERRED}

    number = models.CharField(_("个案编号"), max_length=40, unique=True)
    station = models.ForeignKey("core.Station", verbose_name=_("承接站点"), on_delete=models.PROTECT,
                                related_name="cases")
    resident = models.ForeignKey("people.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT,
                                 related_name="cases")
    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    source = models.CharField(_("个案来源"), max_length=10, choices=Source.choices)
    presenting_problem = models.TextField(_("求助问题/主诉"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    risk = models.CharField(_("风险筛查"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    risk_note = models.TextField(_("风险说明"), blank=True)
    needs = models.ManyToManyField("people.Need", verbose_name=_("关联需求"), blank=True, related_name="cases")
    consent_by = models.CharField(_("知情同意人"), max_length=10, choices=ConsentBy.choices, blank=True)
    consent_on = models.DateField(_("签署服务协议日期"), null=True, blank=True)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.INTAKE)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任社工"), on_delete=models.PROTECT,
                             related_name="led_cases")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("个案团队"), blank=True,
                                  related_name="case_teams")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督导"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="supervised_cases")
    managed = models.BooleanField(_("个案管理（多重问题，多方协同）"), default=False)
    partners = models.TextField(_("协同机构及其服务"), blank=True)
    sensitive = models.BooleanField(_("敏感个案（团队以外隐藏服务对象姓名）"), default=False)
    opened_on = models.DateField(_("接案日期"), default=timezone.localdate)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decline_reason = models.TextField(_("不予接案原因/转介去向"), blank=True)
    closure_reason = models.CharField(_("结案原因"), max_length=16, choices=ClosureReason.choices, blank=True)
    closure_summary = models.TextField(_("结案小结"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("个案")
        verbose_name_plural = _("个案")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["station", "stage"], name="case_station_stage"),
            models.Index(fields=["community", "stage"], name="case_community_stage"),
            models.Index(fields=["lead", "stage"], name="case_lead_stage"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("casework:case", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def is_open(self) -> bool:
        return self.stage not in (self.Stage.CLOSED, self.Stage.DECLINED)

    def next_stage(self) -> str | None:
        if self.stage not in self.ORDER or self.stage == self.Stage.CLOSED:
            return None
        return self.ORDER[self.ORDER.index(self.stage) + 1]

    def current_plan(self):
        return self.plans.order_by("-version").first()

    def pending_approval(self):
        return self.approvals.filter(status=Approval.Status.PENDING).first()


class Approval(models.Model):
    """A step the worker submitted and the supervisor or 站长 approves or returns."""

    class Step(models.TextChoices):
        ASSESSMENT = "assessment", _("预估")
        PLAN = "plan", _("服务计划")
        CLOSURE = "closure", _("结案")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(_("审批事项"), max_length=12, choices=Step.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="pending"),
                                               name="one_pending_approval_per_case")]

    def __str__(self) -> str:
        return f"{self.case}·{self.get_step_display()}·{self.get_status_display()}"


class Assessment(models.Model):
    """预估: the person, family and community systems; may be repeated."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("预估日期"), default=timezone.localdate)
    person = models.TextField(_("个人系统（身心状况、能力、认知与情绪）"))
    family = models.TextField(_("家庭系统（结构、关系、支持）"), blank=True)
    environment = models.TextField(_("社区与社会支持系统"), blank=True)
    strengths = models.TextField(_("优势与资源"), blank=True)
    risks = models.TextField(_("风险评估"), blank=True)
    summary = models.TextField(_("问题摘要"))
    need_analysis = models.TextField(_("需求分析"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case}·预估 {self.assessed_on}"


class Plan(models.Model):
    """One version of the service plan (服务计划); a revision is a new version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("版本"))
    aim = models.TextField(_("总目标"))
    sessions_planned = models.PositiveIntegerField(_("计划服务次数"), default=6)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="one_plan_per_version")]

    def __str__(self) -> str:
        return f"{self.case}·服务计划第{self.version}版"


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(_("具体目标"), max_length=300)
    indicator = models.CharField(_("可测量指标"), max_length=300)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField(_("任务"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
                              related_name="case_tasks")
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.text


class Session(models.Model):
    """介入: one service contact with the client, counted as 个案服务人次 and hours."""

    class Method(models.TextChoices):
        INTERVIEW = "interview", _("面谈")
        HOME = "home", _("家访")
        PHONE = "phone", _("电话/视频")
        ESCORT = "escort", _("陪同/转介跟进")
        LINKAGE = "linkage", _("资源链接")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("服务日期"))
    minutes = models.PositiveIntegerField(_("时长（分钟）"))
    place = models.CharField(_("地点"), max_length=100)
    method = models.CharField(_("服务方式"), max_length=10, choices=Method.choices)
    approach = models.CharField(_("运用的理论/模式"), max_length=100, blank=True)
    content = models.TextField(_("服务内容"))
    progress = models.TextField(_("目标进展"), blank=True)
    next_step = models.TextField(_("下一步计划"), blank=True)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("服务社工"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case}·{self.held_on}"


class Evaluation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("评估日期"), default=timezone.localdate)
    client_feedback = models.TextField(_("服务对象反馈"))
    reflection = models.TextField(_("社工反思"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case}·评估 {self.evaluated_on}"


class GoalRating(models.Model):
    class Attainment(models.IntegerChoices):
        NONE = 0, _("未达成")
        PARTLY = 1, _("部分达成")
        MOSTLY = 2, _("基本达成")
        FULLY = 3, _("完全达成")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    attainment = models.PositiveSmallIntegerField(_("达成程度"), choices=Attainment.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "goal"], name="one_rating_per_goal")]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_attainment_display()}"


class FollowUp(models.Model):
    """跟进回访 after closure, scheduled when the case closes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("计划回访日期"))
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    notes = models.TextField(_("回访情况"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.case}·回访 {self.due_on}"


class Grant(models.Model):
    """Someone outside the team explicitly allowed to read a case (e.g. a covering worker)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("授权查看人"), on_delete=models.CASCADE,
                             related_name="case_grants")
    reason = models.CharField(_("授权原因"), max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_grant_per_user")]

    def __str__(self) -> str:
        return f"{self.case}→{self.user}"


class Referral(models.Model):
    """转介: a client referred from a case or a need to another station on the platform (which
    accepts or declines) or to an agency outside it (whose outcome is recorded)."""

    class AgencyKind(models.TextChoices):
        CIVIL = "civil", _("民政部门")
        DISABILITY = "disability", _("残联")
        WOMEN = "women", _("妇联")
        JUSTICE = "justice", _("司法所")
        HOSPITAL = "hospital", _("医院/卫生服务中心")
        SCHOOL = "school", _("学校")
        ORGANIZATION = "organization", _("社会组织")
        OTHER = "other", _("其他")

    class Consent(models.TextChoices):
        AGREED = "agreed", _("同意转介")
        REFUSED = "refused", _("不同意")

    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("已拒绝")
        SENT = "sent", _("已转出（平台外）")
        DONE = "done", _("已反馈结果")

    resident = models.ForeignKey("people.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT,
                                 related_name="referrals")
    case = models.ForeignKey(Case, verbose_name=_("来源个案"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="referrals")
    need = models.ForeignKey("people.Need", verbose_name=_("来源需求"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="referrals")
    from_station = models.ForeignKey("core.Station", verbose_name=_("转出站点"), on_delete=models.PROTECT,
                                     related_name="referrals_out")
    to_station = models.ForeignKey("core.Station", verbose_name=_("接收站点"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="referrals_in")
    to_agency = models.CharField(_("接收机构（平台外）"), max_length=100, blank=True)
    to_kind = models.CharField(_("机构类别"), max_length=12, choices=AgencyKind.choices, blank=True)
    reason = models.TextField(_("转介原因"))
    shared_info = models.TextField(_("提供给接收方的信息"), help_text=_("只写服务对象同意提供的内容。"))
    consent = models.CharField(_("服务对象意见"), max_length=8, choices=Consent.choices)
    consent_on = models.DateField(_("征询日期"), default=timezone.localdate)
    override_reason = models.TextField(_("未获同意仍转介的理由"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    response_note = models.TextField(_("接收方意见"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("转介结果"), blank=True)
    received_case = models.ForeignKey(Case, verbose_name=_("接收方个案"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="received_from")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"转介 #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("casework:referral", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.from_station.division_id

    @property
    def internal(self) -> bool:
        return self.to_station_id is not None

    @property
    def destination(self) -> str:
        return self.to_station.name if self.to_station_id else f"{self.to_agency}（{self.get_to_kind_display()}）"
