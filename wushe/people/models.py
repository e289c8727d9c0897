"""The people registry (服务对象): residents, households, category tags, needs and visits.

A resident belongs to one station (the one keeping the file) and lives in one community
(村/社区). Scope is the community's division code: a 社工 of 西园街道 sees the residents
of 西园's communities and nobody else's.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wushe.core.divisions import Level
from wushe.core.pii import (
    EncryptedField,
    Protected,
    id_number_birth_date,
    id_number_sex,
    normalize_id_number,
)


def age_on(birth: datetime.date | None, on: datetime.date) -> int | None:
    """Whole years from ``birth`` to ``on``; None when the birth date is unknown."""
    if not birth:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Tag(models.Model):
    """A managed category of people (人员类别): 独居老人, 留守儿童, 低保 …"""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人员类别")
        verbose_name_plural = _("人员类别")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:tags")


class Household(models.Model):
    """户: residents living as one family unit, in one community."""

    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        indexes = [models.Index(fields=["community"], name="household_community")]

    def __str__(self) -> str:
        head = self.members.filter(relation=Resident.Relation.HEAD).first()
        return _("%(name)s户") % {"name": head.name} if head else _("户 #%(id)s") % {"id": self.pk}

    @property
    def scope_code(self) -> str:
        return self.community_id


class Resident(models.Model):
    """A person in the registry (服务对象 / 居民)."""

    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDCHILD = "grandchild", _("孙子女")
        GRANDPARENT = "grandparent", _("祖父母/外祖父母")
        SIBLING = "sibling", _("兄弟姐妹")
        OTHER = "other", _("其他")

    class Living(models.TextChoices):
        ALONE = "alone", _("独居")
        EMPTY_NEST = "empty_nest", _("空巢")
        WITH_CHILDREN = "with_children", _("与子女同住")
        WITH_FAMILY = "with_family", _("与家人同住")
        INSTITUTION = "institution", _("机构养护")
        OTHER = "other", _("其他")

    class Income(models.TextChoices):
        NONE = "", _("无")
        DIBAO = "dibao", _("低保")
        TEKUN = "tekun", _("特困")
        LOW = "low", _("低收入")
        EDGE = "edge", _("低保边缘")

    class Risk(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    class ConsentBy(models.TextChoices):
        NONE = "", _("未取得")
        SELF = "self", _("本人")
        GUARDIAN = "guardian", _("监护人")

    class ConsentMethod(models.TextChoices):
        PAPER = "paper", _("书面签字")
        ONLINE = "online", _("线上确认")
        VERBAL = "verbal", _("口头同意（有记录）")

    station = models.ForeignKey("core.Station", verbose_name=_("建档站点"), on_delete=models.PROTECT,
                                related_name="residents")
    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    name = models.CharField(_("姓名"), max_length=40)
    # Lower-case initials and full pinyin, space separated ("zs zhangsan"): `zs` finds 张三.
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    id_number = EncryptedField(_("身份证号"), kind="id_number", hash_field="id_number_hash",
                               mask_field="id_number_masked", blank=True, default="")
    id_number_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    id_suffix = models.CharField(max_length=4, blank=True, default="", editable=False)
    # The masked forms lists and exports show, kept so they need not decrypt every row.
    id_number_masked = models.CharField(max_length=18, blank=True, default="", editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, blank=True)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked",
                            blank=True, default="")
    mobile_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="members")
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, blank=True)
    living = models.CharField(_("居住情况"), max_length=14, choices=Living.choices, blank=True)
    guardian_name = models.CharField(_("监护人/紧急联系人"), max_length=40, blank=True)
    guardian_phone = EncryptedField(_("监护人/紧急联系人电话"), kind="mobile", hash_field="guardian_phone_hash",
                                    blank=True, default="")
    guardian_phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    disability_type = models.CharField(_("残疾类别"), max_length=20, blank=True)
    disability_grade = models.CharField(_("残疾等级"), max_length=10, blank=True)
    income = models.CharField(_("困难类型"), max_length=6, choices=Income.choices, blank=True, default="")
    risk = models.CharField(_("风险等级"), max_length=6, choices=Risk.choices, default=Risk.LOW)
    tags = models.ManyToManyField(Tag, verbose_name=_("人员类别"), blank=True, related_name="residents")
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访频次（天）"), null=True, blank=True,
        help_text=_("高风险对象（如独居高龄）应定期走访；留空表示不设走访计划。"))
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True, editable=False)
    # Kept by the services whenever the plan or a visit changes, so the overdue list of a
    # district is one indexed range query rather than a scan of every resident.
    visit_due_on = models.DateField(_("下次走访"), null=True, blank=True, editable=False)
    consent_by = models.CharField(_("知情同意人"), max_length=8, choices=ConsentBy.choices, blank=True, default="")
    consent_method = models.CharField(_("同意方式"), max_length=8, choices=ConsentMethod.choices, blank=True)
    consent_on = models.DateField(_("同意日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["name_pinyin"], m2m_fields=[tags])

    # Without consent only a minimal record may be kept (PIPL): these must stay empty.
    CONSENT_FIELDS = ("id_number", "mobile", "address", "disability_type", "disability_grade", "income",
                      "guardian_phone")

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["community_id", "name"]
        indexes = [
            models.Index(fields=["community", "name"], name="resident_community_name"),
            models.Index(fields=["id_suffix"], name="resident_id_suffix"),
            models.Index(fields=["birth_date"], name="resident_birth_date"),
            models.Index(fields=["visit_due_on"], name="resident_visit_due"),
        ]
        constraints = [
            # A person exists once in the whole platform.
            models.UniqueConstraint(fields=["id_number_hash"], condition=~models.Q(id_number_hash=""),
                                    name="resident_id_number_unique",
                                    violation_error_message=_("该身份证号已经登记。")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:resident", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.community_id

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_by)

    def age(self, on: datetime.date | None = None) -> int | None:
        """Age in whole years, computed (never stored)."""
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def is_minor(self) -> bool:
        age = self.age()
        return age is not None and age < 18

    def next_visit_due(self) -> datetime.date | None:
        """When the visit plan asks for the next visit (None without a plan)."""
        if not self.visit_every_days:
            return None
        start = self.last_visit_on or timezone.localdate(self.created_at)
        return start + datetime.timedelta(days=self.visit_every_days)

    def clean(self) -> None:
        if self.id_number:
            try:
                # A Protected value was normalized when it was read or parsed.
                plain = (self.id_number.reveal() if isinstance(self.id_number, Protected)
                         else normalize_id_number(self.id_number))
            except ValidationError as exc:
                raise ValidationError({"id_number": exc.messages}) from exc
            self.birth_date = id_number_birth_date(plain)
            self.sex = id_number_sex(plain)
        errors = self.rule_errors(self, timezone.localdate())
        if errors:
            raise ValidationError(errors)

    @classmethod
    def rule_errors(cls, r, today: datetime.date) -> dict[str, str]:
        """The record's rules, checked on ``r``: a resident, or any object with the same
        attributes (the import checks 100,000 rows without making a model of each)."""
        errors = {}
        if r.community_id and r.community.level != Level.VILLAGE:
            errors["community"] = _("请选择社区或村（村/社区级区划）。")
        if r.station_id and r.community_id and not r.community_id.startswith(r.station.division.prefix):
            errors["community"] = _("该社区不在建档站点的服务范围内。")
        age = age_on(r.birth_date, today)
        if not r.consent_by:
            filled = [str(cls._meta.get_field(f).verbose_name) for f in cls.CONSENT_FIELDS if getattr(r, f)]
            if filled:
                errors["consent_by"] = _("未取得知情同意时只能保留最少信息，请先记录知情同意，或清空：%(f)s。") % {
                    "f": "、".join(filled)}
        else:
            if not r.consent_on:
                errors["consent_on"] = _("请填写知情同意的日期。")
            if not r.consent_method:
                errors["consent_method"] = _("请选择知情同意的方式。")
            if age is not None and age < 14 and r.consent_by != cls.ConsentBy.GUARDIAN:
                errors["consent_by"] = _("未满14周岁的服务对象须由监护人作出知情同意。")
        if r.household_id and r.community_id and r.household.community_id != r.community_id:
            errors["household"] = _("同一户的成员须在同一个社区/村。")
        if age is not None and age < 18 and not r.guardian_name:
            errors["guardian_name"] = _("未成年人须登记监护人。")
        return errors


class Need(models.Model):
    """One item of a needs list (需求清单), with its status flow."""

    class Category(models.TextChoices):
        CARE = "care", _("生活照料")
        COMFORT = "comfort", _("精神慰藉")
        HEALTH = "health", _("医疗康复")
        EDUCATION = "education", _("教育/学业")
        EMPLOYMENT = "employment", _("就业")
        LEGAL = "legal", _("法律")
        PSYCHOLOGY = "psychology", _("心理")
        RELIEF = "relief", _("经济救助")
        SAFETY = "safety", _("安全")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        VISIT = "visit", _("入户走访")
        HOTLINE = "hotline", _("热线")
        SURVEY = "survey", _("问卷")
        REPORTED = "reported", _("居民上报")
        REFERRAL = "referral", _("转介")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("危急")

    class Status(models.TextChoices):
        OPEN = "open", _("待对接")
        MATCHED = "matched", _("已对接")
        IN_SERVICE = "in_service", _("服务中")
        MET = "met", _("已满足")
        CLOSED = "closed", _("已关闭")

    # The status flow: which states may follow which. 已满足/已关闭 end a need.
    FLOW = {
        Status.OPEN: {Status.MATCHED, Status.IN_SERVICE, Status.CLOSED},
        Status.MATCHED: {Status.IN_SERVICE, Status.OPEN, Status.CLOSED},
        Status.IN_SERVICE: {Status.MET, Status.CLOSED},
        Status.MET: set(),
        Status.CLOSED: set(),
    }

    resident = models.ForeignKey(Resident, verbose_name=_("服务对象"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="needs")
    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    category = models.CharField(_("需求类别"), max_length=12, choices=Category.choices)
    description = models.TextField(_("需求描述"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    close_reason = models.CharField(_("关闭原因/满足情况"), max_length=200, blank=True)
    visit = models.ForeignKey("Visit", verbose_name=_("来源走访"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="needs_raised")
    raised_on = models.DateField(_("提出日期"), default=timezone.localdate)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["community", "status"], name="need_community_status")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:30]}"

    @property
    def scope_code(self) -> str:
        return self.community_id

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.MET, self.Status.CLOSED)


class Visit(models.Model):
    """A home or phone visit (走访/探访) and its findings."""

    class Kind(models.TextChoices):
        HOME = "home", _("入户走访")
        PHONE = "phone", _("电话访问")
        CALL = "call", _("探访")

    resident = models.ForeignKey(Resident, verbose_name=_("服务对象"), on_delete=models.CASCADE,
                                 related_name="visits")
    community = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", db_index=False)
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    kind = models.CharField(_("方式"), max_length=6, choices=Kind.choices, default=Kind.HOME)
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("走访人"), related_name="+")
    findings = models.TextField(_("走访情况"))
    risk = models.CharField(_("风险评估"), max_length=6, choices=Resident.Risk.choices, default=Resident.Risk.LOW)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["community", "visited_on"], name="visit_community_date")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def scope_code(self) -> str:
        return self.community_id


class ImportJob(models.Model):
    """One upload of a ledger, planned and then imported by background tasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        PLANNING = "planning", _("检查中")
        READY = "ready", _("待确认")
        CONFIRMED = "confirmed", _("待导入")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("core.Station", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("core.Division", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    consent_on = models.DateField(null=True, blank=True)
    source_name = models.CharField(_("文件名"), max_length=200)
    file_path = models.CharField(max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent of rows read
    rows_read = models.PositiveIntegerField(default=0)
    planned_creates = models.PositiveIntegerField(default=0)
    planned_updates = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)  # [[row, column, reason], …], capped
    all_or_nothing = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name

    def get_absolute_url(self) -> str:
        return reverse("people:import_job", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.PLANNING, self.Status.CONFIRMED,
                               self.Status.IMPORTING)


class TransferRequest(models.Model):
    """A station asks the station keeping a resident's file to hand it over (转移档案), when
    the person has moved into its area, or to share it for reading (共享查看), when both
    serve the same person."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("转移档案")
        SHARE = "share", _("共享查看")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        APPROVED = "approved", _("已同意")
        DECLINED = "declined", _("已拒绝")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="transfer_requests")
    kind = models.CharField(_("申请类型"), max_length=8, choices=Kind.choices, default=Kind.TRANSFER)
    to_station = models.ForeignKey("core.Station", verbose_name=_("申请站点"), on_delete=models.PROTECT,
                                   related_name="+")
    to_community = models.ForeignKey("core.Division", verbose_name=_("迁入社区/村"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("申请理由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("档案转移申请")
        verbose_name_plural = _("档案转移申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "to_station"], condition=models.Q(status="pending"),
                                    name="one_pending_transfer_per_station",
                                    violation_error_message=_("已有一个待处理的转移申请。")),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} → {self.to_station}"

    @property
    def scope_code(self) -> str:
        """The keeping side decides, so the request lives where the file is."""
        return self.resident.community_id


class Survey(models.Model):
    """A needs questionnaire (需求调研问卷) a station runs; answers can raise needs."""

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("问卷标题"), max_length=100)
    intro = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("收集中"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("需求调研问卷")
        verbose_name_plural = _("需求调研问卷")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("people:survey", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        TEXT = "text", _("填空")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("题目"), max_length=200)
    kind = models.CharField(_("题型"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    options = models.TextField(_("选项"), blank=True, help_text=_("每行一个选项；填空题留空。"))
    need_option = models.CharField(_("选择此项时登记需求"), max_length=50, blank=True,
                                   help_text=_("例如“需要”；留空表示此题不产生需求。"))
    need_category = models.CharField(_("产生的需求类别"), max_length=12, choices=Need.Category.choices, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [o.strip() for o in self.options.splitlines() if o.strip()]

    def clean(self) -> None:
        if self.kind != self.Kind.TEXT and len(self.option_list) < 2:
            raise ValidationError({"options": _("选择题至少需要两个选项（每行一个）。")})
        if self.need_option and self.need_option not in self.option_list:
            raise ValidationError({"need_option": _("“%(o)s”不是本题的选项。") % {"o": self.need_option}})
        if bool(self.need_option) != bool(self.need_category):
            raise ValidationError({"need_category": _("登记需求的选项和需求类别须同时填写。")})


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    resident = models.ForeignKey(Resident, verbose_name=_("服务对象"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    community = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"

    @property
    def scope_code(self) -> str:
        return self.community_id


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField()  # chosen options joined by "\n", or the text written

    def __str__(self) -> str:
        return self.value[:30]


class ResidentShare(models.Model):
    """Read access to a file for a station outside its scope, granted by the keeping station."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="shares")
    station = models.ForeignKey("core.Station", on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident", "station"], name="one_share_per_station")]

    def __str__(self) -> str:
        return f"{self.resident_id} ↔ {self.station_id}"
