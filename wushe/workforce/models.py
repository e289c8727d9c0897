"""The social work workforce (社工人才队伍): each social worker's professional profile (Worker)
with their qualifications, exams and grade; training courses with sessions and attendance;
and the standards a street or district sets (staffing per station, training per month,
continuing education and qualification subsidies). Every count shown is computed from
these records: 持证社工 are workers holding a current qualification, continuing-education
hours are the hours of the sessions they attended, a subsidy is the rate for their
highest current qualification."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.models import Station
from wushe.core.pii import EncryptedField


class Level(models.IntegerChoices):
    """社会工作者职业资格: the number orders them, so the highest one is the largest."""

    ASSISTANT = 1, _("助理社会工作师")
    SOCIAL = 2, _("社会工作师")
    SENIOR = 3, _("高级社会工作师")


# The national exam's subjects, by level: a level is passed when all of its subjects are.
SUBJECTS = {
    Level.ASSISTANT: [("comprehensive_1", _("社会工作综合能力（初级）")), ("practice_1", _("社会工作实务（初级）"))],
    Level.SOCIAL: [("comprehensive_2", _("社会工作综合能力（中级）")), ("practice_2", _("社会工作实务（中级）")),
                   ("law_2", _("社会工作法规与政策（中级）"))],
    Level.SENIOR: [("practice_3", _("高级社会工作实务")), ("review_3", _("高级社会工作师评审"))],
}
SUBJECT_LABELS = {code: label for subjects in SUBJECTS.values() for code, label in subjects}


class Ladder(models.Model):
    """职级体系: posts × grades a worker's pay grade sits on (default 三岗七级). A ladder with
    a division applies to stations under it; without one, everywhere."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    division = models.ForeignKey("core.Division", verbose_name=_("适用区划"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("职级体系")
        verbose_name_plural = _("职级体系")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.division.prefix if self.division_id else ""


class Grade(models.Model):
    """One step of a ladder: a post (岗) and a grade (级) on it."""

    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="grades")
    post = models.CharField(_("岗位"), max_length=20)
    level = models.PositiveSmallIntegerField(_("级别"), validators=[MinValueValidator(1), MaxValueValidator(30)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("职级")
        verbose_name_plural = _("职级")
        ordering = ["ladder_id", "order", "level"]
        constraints = [models.UniqueConstraint(fields=["ladder", "post", "level"], name="one_grade_per_post_level")]

    def __str__(self) -> str:
        return f"{self.post}{LEVEL_WORDS.get(self.level, self.level)}级"


LEVEL_WORDS = dict(enumerate("零一二三四五六七八九十", start=0))


class Worker(models.Model):
    """社会工作者: one social worker's professional profile. ``station`` is where they serve
    (the scope); staff of a contracted agency name it as their employer."""

    class Post(models.TextChoices):
        FULL_TIME = "full_time", _("专职")
        PART_TIME = "part_time", _("兼职")
        COMMUNITY = "community", _("社区工作者")
        PURCHASED = "purchased", _("购买岗位")

    class Education(models.TextChoices):
        SECONDARY = "secondary", _("高中/中专及以下")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        MASTER = "master", _("硕士研究生")
        DOCTOR = "doctor", _("博士研究生")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        LEFT = "left", _("离岗")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("平台账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="worker")
    name = models.CharField(_("姓名"), max_length=40)
    station = models.ForeignKey("core.Station", verbose_name=_("服务站点"), on_delete=models.PROTECT,
                                related_name="workers")
    agency = models.ForeignKey("core.Agency", verbose_name=_("聘用机构"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="workers",
                               help_text=_("由社工机构聘用、派驻站点的填写；站点直接聘用的留空"))
    post = models.CharField(_("岗位类型"), max_length=10, choices=Post.choices)
    grade = models.ForeignKey(Grade, verbose_name=_("职级"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="workers")
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices)
    major = models.CharField(_("所学专业"), max_length=60, blank=True)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked",
                            blank=True, default="")
    mobile_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    joined_on = models.DateField(_("入职日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社会工作者")
        verbose_name_plural = _("社会工作者")
        ordering = ["station_id", "name", "id"]
        indexes = [models.Index(fields=["station", "status", "post"], name="worker_station_status_post")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workforce:worker", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def employer(self):
        return self.agency or self.station


def current_q(today=None, prefix: str = "") -> Q:
    """Qualifications in force on ``today``: obtained by then and not ended."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}obtained_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": today}))


class Qualification(models.Model):
    """职业资格: a certificate held from ``obtained_on``; a certificate that lapses or is
    revoked is ended, never deleted, so the history of what someone held stays."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="qualifications")
    level = models.PositiveSmallIntegerField(_("资格等级"), choices=Level.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=40, unique=True)
    obtained_on = models.DateField(_("取得日期"))
    ended_on = models.DateField(_("失效日期"), null=True, blank=True)
    end_reason = models.CharField(_("失效原因"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("职业资格")
        verbose_name_plural = _("职业资格")
        ordering = ["-level", "-obtained_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F(
            "obtained_on")), name="qualification_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}（{self.certificate_number}）"

    @property
    def scope_code(self) -> str:
        return self.worker.station.division_id

    def current_on(self, day) -> bool:
        return self.obtained_on <= day and (self.ended_on is None or self.ended_on > day)

    @property
    def is_current(self) -> bool:
        return self.current_on(timezone.localdate())


class Exam(models.Model):
    """A registration for the national social work exam (全国社会工作者职业水平考试) of one
    year and level, and the subjects passed once results are out."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="exams")
    year = models.PositiveSmallIntegerField(_("考试年度"), validators=[MinValueValidator(2008),
                                                                   MaxValueValidator(2100)])
    level = models.PositiveSmallIntegerField(_("报考级别"), choices=Level.choices)
    results_in = models.BooleanField(_("已出成绩"), default=False)
    subjects_passed = models.JSONField(_("通过科目"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考试报名")
        verbose_name_plural = _("考试报名")
        ordering = ["-year", "-level", "-id"]
        constraints = [models.UniqueConstraint(fields=["worker", "year", "level"], name="one_exam_per_year_level")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()}"

    @property
    def scope_code(self) -> str:
        return self.worker.station.division_id

    @property
    def subjects(self) -> list[tuple[str, str]]:
        return SUBJECTS[Level(self.level)]

    @property
    def passed_labels(self) -> list[str]:
        return [str(SUBJECT_LABELS[c]) for c in self.subjects_passed if c in SUBJECT_LABELS]

    @property
    def passed(self) -> bool:
        """All subjects of the level passed this year."""
        return self.results_in and {c for c, _label in self.subjects} <= set(self.subjects_passed)

    @property
    def result_label(self) -> str:
        if not self.results_in:
            return _("已报名，待出成绩")
        if self.passed:
            return _("全部通过")
        return _("通过 %(n)s / %(t)s 科") % {"n": len(self.passed_labels), "t": len(self.subjects)}


class Training(models.Model):
    """培训: a course organized by a station, or by a street or district (``station`` empty).
    ``division`` is always where it is organized: a station's course is its station's."""

    class Kind(models.TextChoices):
        EXAM_PREP = "exam_prep", _("考前培训")
        CONTINUING = "continuing", _("继续教育")
        ORG_LEAD = "org_lead", _("社区社会组织负责人培训")
        PROJECT = "project", _("服务项目参与人培训")
        RESIDENT = "resident", _("居民培训")

    # Courses whose attendees are social workers with a profile; the others may list anyone by name.
    PROFILE_ONLY = (Kind.EXAM_PREP, Kind.CONTINUING)

    kind = models.CharField(_("培训类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("培训名称"), max_length=100)
    station = models.ForeignKey("core.Station", verbose_name=_("主办站点"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="trainings")
    division = models.ForeignKey("core.Division", verbose_name=_("主办区划"), on_delete=models.PROTECT,
                                 related_name="+")
    audience = models.CharField(_("培训对象"), max_length=200, blank=True)
    description = models.TextField(_("培训内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["division", "kind"], name="training_division_kind")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workforce:training", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.division_id

    @property
    def organizer(self) -> str:
        return self.station.name if self.station_id else self.division.name

    @property
    def profile_only(self) -> bool:
        return self.kind in self.PROFILE_ONLY


class TrainingSession(models.Model):
    """One dated session (课次) of a course: its hours are what attending it earns."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))])
    topic = models.CharField(_("主题"), max_length=100, blank=True)
    trainer = models.CharField(_("授课人"), max_length=60)
    place = models.CharField(_("地点"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering = ["held_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive")]

    def __str__(self) -> str:
        return f"{self.training} · {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:session", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.training.division_id


class Attendance(models.Model):
    """One person at one session: a worker (their hours count as continuing education) or,
    for organization, project and resident trainings, someone named."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances")
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    unit = models.CharField(_("所在组织/单位"), max_length=100, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], condition=Q(worker__isnull=False),
                                    name="one_attendance_per_worker"),
            models.CheckConstraint(condition=Q(worker__isnull=False) | ~Q(name=""), name="attendance_names_someone"),
        ]

    def __str__(self) -> str:
        return self.worker.name if self.worker_id else self.name


# --- standards ---------------------------------------------------------------------------------

class _Rule(models.Model):
    """A standard set for a division and everything under it; where several apply, the most
    specific one (the longest division prefix) wins."""

    division = models.ForeignKey("core.Division", verbose_name=_("适用区划"), on_delete=models.PROTECT,
                                 related_name="+")
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str:
        return self.division_id

    @property
    def prefix(self) -> str:
        return self.division.prefix


class StaffingRule(_Rule):
    """配备标准: at least ``minimum`` certified (持证) full-time (专职) workers at each station
    of ``tier`` under the division; ``kind`` narrows a room rule to urban communities or
    rural villages."""

    class Kind(models.TextChoices):
        ANY = "", _("城乡不限")
        URBAN = "urban", _("城镇社区")
        RURAL = "rural", _("农村（村）")

    tier = models.CharField(_("站点层级"), max_length=10, choices=Station.Tier.choices)
    kind = models.CharField(_("城乡"), max_length=5, choices=Kind.choices, blank=True, default="")
    minimum = models.PositiveSmallIntegerField(_("持证专职社工不少于（人）"), validators=[MaxValueValidator(99)])

    class Meta:
        verbose_name = _("配备标准")
        verbose_name_plural = _("配备标准")
        ordering = ["division_id", "tier", "kind"]
        constraints = [models.UniqueConstraint(fields=["division", "tier", "kind"], name="one_staffing_rule")]

    def __str__(self) -> str:
        return f"{self.division} · {self.get_tier_display()}{'·' + self.get_kind_display() if self.kind else ''} ≥ {self.minimum}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:standards")


class TrainingRule(_Rule):
    """培训频次标准: each station of ``tier`` under the division holds at least ``minimum``
    training sessions a month (of one kind, or of any kind)."""

    tier = models.CharField(_("站点层级"), max_length=10, choices=Station.Tier.choices,
                            default=Station.Tier.STATION)
    kind = models.CharField(_("计入的培训类别"), max_length=12, choices=Training.Kind.choices, blank=True,
                            help_text=_("留空则各类培训都计入"))
    minimum = models.PositiveSmallIntegerField(_("每月培训不少于（次）"), validators=[MinValueValidator(1),
                                                                              MaxValueValidator(60)])

    class Meta:
        verbose_name = _("培训频次标准")
        verbose_name_plural = _("培训频次标准")
        ordering = ["division_id", "tier"]
        constraints = [models.UniqueConstraint(fields=["division", "tier"], name="one_training_rule")]

    def __str__(self) -> str:
        return f"{self.division} · {self.get_tier_display()} ≥ {self.minimum}/月"

    def get_absolute_url(self) -> str:
        return reverse("workforce:standards")


class Policy(_Rule):
    """人才政策: continuing-education hours required (per period of years) and the monthly
    subsidy for each qualification level, for workers at stations under the division."""

    ce_hours = models.DecimalField(_("继续教育学时要求"), max_digits=5, decimal_places=1,
                                   validators=[MinValueValidator(Decimal("0"))], default=Decimal("72"))
    ce_years = models.PositiveSmallIntegerField(_("学时考核周期（年）"), default=3,
                                                validators=[MinValueValidator(1), MaxValueValidator(5)],
                                                help_text=_("如“每3年不少于72学时”填 72 和 3；按年考核填 1"))
    subsidy_assistant = models.DecimalField(_("助理社会工作师补贴（元/月）"), max_digits=8, decimal_places=2,
                                            default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    subsidy_social = models.DecimalField(_("社会工作师补贴（元/月）"), max_digits=8, decimal_places=2,
                                         default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    subsidy_senior = models.DecimalField(_("高级社会工作师补贴（元/月）"), max_digits=8, decimal_places=2,
                                         default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    full_time_only = models.BooleanField(_("补贴仅发给专职社工"), default=True)

    class Meta:
        verbose_name = _("人才政策")
        verbose_name_plural = _("人才政策")
        ordering = ["division_id"]
        constraints = [models.UniqueConstraint(fields=["division"], name="one_policy_per_division")]

    def __str__(self) -> str:
        return f"{self.division} · {_('人才政策')}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:standards")

    def subsidy_for(self, level: int | None) -> Decimal:
        return {Level.ASSISTANT: self.subsidy_assistant, Level.SOCIAL: self.subsidy_social,
                Level.SENIOR: self.subsidy_senior}.get(level, Decimal("0"))
