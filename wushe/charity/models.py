"""Charity resources (慈善资源), the fifth 社 of 五社联动: the donors and partners a station
works with, what they give (cash or goods), the community funds (社区基金) that hold money
for the community under a charity organization's name, charity projects, donation points and
the resources a station links to needs and cases.

A community fund has no bank account of its own: it is a named sub-account of its host, a
charity organization (慈善会/慈善协会) that also issues the donation receipts (捐赠票据). The
platform keeps the fund's ledger: a cash donation into the fund is an income line; spending
is requested, approved by someone else who holds ``fund.approve``, and never takes the
balance below zero. The balance is always computed from the ledger, never stored."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.pii import EncryptedField

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = MinValueValidator(0.01)


class Donor(models.Model):
    """捐赠方: an enterprise, a person, a foundation or a unit (a bank, a hospital …) that
    gives or lends resources. Kept by one station; named in public only with consent."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("爱心企业")
        INDIVIDUAL = "individual", _("个人")
        FOUNDATION = "foundation", _("基金会")
        UNIT = "unit", _("单位")

    station = models.ForeignKey("core.Station", verbose_name=_("登记站点"), on_delete=models.PROTECT,
                                related_name="donors")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称/姓名"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    mobile = EncryptedField(_("联系电话"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked",
                            blank=True, default="")
    mobile_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    named_publicly = models.BooleanField(_("同意公开署名"), default=False,
                                         help_text=_("勾选后，公示页显示其名称；否则显示为“爱心人士”或“爱心企业”。"))
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("捐赠方")
        verbose_name_plural = _("捐赠方")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["station", "kind"], name="donor_station_kind")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("charity:donor", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def public_label(self) -> str:
        """How the public pages name the donor: the name only with their consent."""
        if self.named_publicly:
            return self.name
        return str(_("爱心人士") if self.kind == self.Kind.INDIVIDUAL else _("爱心企业")
                   if self.kind == self.Kind.ENTERPRISE else _("爱心单位"))


class Fund(models.Model):
    """社区基金: money for one community (or street), held by a charity organization as a
    named sub-account and governed by a management committee (管理委员会)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        ACTIVE = "active", _("运行中")
        CLOSED = "closed", _("已终止")

    station = models.ForeignKey("core.Station", verbose_name=_("管理站点"), on_delete=models.PROTECT,
                                related_name="funds")
    name = models.CharField(_("基金名称"), max_length=100)
    host_name = models.CharField(_("托管慈善组织"), max_length=100, help_text=_("如：合肥市蜀山区慈善协会。"
                                                                           "基金不单独开设银行账户，资金由托管组织代管。"))
    sub_account = models.CharField(_("专项基金编号/子账户"), max_length=60,
                                   help_text=_("托管组织为本基金设立的专项基金编号或子账户号"))
    serves = models.ForeignKey("core.Division", verbose_name=_("服务区域"), on_delete=models.PROTECT,
                               related_name="+", help_text=_("基金服务的街道或社区/村"))
    purpose = models.TextField(_("宗旨与资助方向"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    opened_on = models.DateField(_("成立日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社区基金")
        verbose_name_plural = _("社区基金")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="fund_name_per_station")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("charity:fund", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class CommitteeMember(models.Model):
    """A member of a fund's management committee (管理委员会)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        MEMBER = "member", _("委员")
        SUPERVISOR = "supervisor", _("监事")

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="committee")
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("身份/单位"), max_length=100, blank=True,
                                   help_text=_("如：社区党委书记、居民代表、爱心企业代表"))
    joined_on = models.DateField(_("任职日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("管理委员会成员")
        verbose_name_plural = _("管理委员会成员")
        ordering = ["role", "joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["fund"], condition=Q(role="chair"), name="one_chair_per_fund")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class CharityProject(models.Model):
    """慈善项目 (社区慈善项目, 慈善幸福家园): a target to raise, a period, beneficiaries."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结项")

    station = models.ForeignKey("core.Station", verbose_name=_("实施站点"), on_delete=models.PROTECT,
                                related_name="charity_projects")
    title = models.CharField(_("项目名称"), max_length=100)
    target_amount = models.DecimalField(_("筹款目标（元）"), validators=[MinValueValidator(0)], **MONEY)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("项目内容"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    beneficiaries = models.ManyToManyField("people.Resident", through="Beneficiary", related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("慈善项目")
        verbose_name_plural = _("慈善项目")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="charity_project_period_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("charity:project", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Beneficiary(models.Model):
    """A resident a charity project helps: listed to staff who may see the resident's file,
    only counted everywhere else."""

    project = models.ForeignKey(CharityProject, on_delete=models.CASCADE, related_name="beneficiary_links")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(_("受助日期"), default=timezone.localdate)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["added_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "resident"], name="one_beneficiary_per_project")]

    def __str__(self) -> str:
        return f"{self.project} · {self.resident_id}"


class Donation(models.Model):
    """捐赠: a gift of cash or goods to a fund, a charity project or one need. Goods are
    valued line by line and the donation's amount is their sum, set by the service."""

    class Kind(models.TextChoices):
        CASH = "cash", _("现金")
        GOODS = "goods", _("物资")

    station = models.ForeignKey("core.Station", verbose_name=_("登记站点"), on_delete=models.PROTECT,
                                related_name="donations")
    donor = models.ForeignKey(Donor, verbose_name=_("捐赠方"), on_delete=models.PROTECT, related_name="donations")
    kind = models.CharField(_("捐赠形式"), max_length=6, choices=Kind.choices)
    # Cash: as given. Goods: the sum of the lines' valuations (computed, never typed).
    amount = models.DecimalField(_("金额/估值（元）"), validators=[CENT], **MONEY)
    received_on = models.DateField(_("捐赠日期"))
    purpose = models.CharField(_("用途"), max_length=200)
    restricted = models.BooleanField(_("定向捐赠"), default=False, help_text=_("捐赠方指定了具体用途"))
    fund = models.ForeignKey(Fund, verbose_name=_("捐入社区基金"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="donations")
    project = models.ForeignKey(CharityProject, verbose_name=_("捐给慈善项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="donations")
    need = models.ForeignKey("people.Need", verbose_name=_("对接需求"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    receipt_number = models.CharField(_("捐赠票据号"), max_length=60, blank=True,
                                      help_text=_("由托管慈善组织开具，平台不开具票据"))
    receipt_on = models.DateField(_("票据开具日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("捐赠")
        verbose_name_plural = _("捐赠")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["station", "received_on"], name="donation_station_day")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            # Exactly one destination.
            models.CheckConstraint(
                condition=(Q(fund__isnull=False, project__isnull=True, need__isnull=True)
                           | Q(fund__isnull=True, project__isnull=False, need__isnull=True)
                           | Q(fund__isnull=True, project__isnull=True, need__isnull=False)),
                name="donation_one_destination"),
            # Goods are not money in a fund's ledger.
            models.CheckConstraint(condition=~Q(kind="goods", fund__isnull=False), name="donation_goods_not_to_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.donor} · {self.get_kind_display()} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("charity:donation", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class DonationItem(models.Model):
    """One line of goods: what, how many, and what it is worth in all (估值)."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("物品"), max_length=100)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2, validators=[CENT])
    unit = models.CharField(_("单位"), max_length=10, help_text=_("如：件、箱、套"))
    valuation = models.DecimalField(_("估值（元）"), validators=[CENT], **MONEY)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(valuation__gt=0),
                                              name="donation_item_positive")]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}{self.unit}"


class FundEntry(models.Model):
    """基金收支: one line of a fund's ledger. Income comes from a cash donation and counts at
    once; an expenditure is requested, then approved or rejected by someone else."""

    class Kind(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已入账")
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("收支"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), validators=[CENT], **MONEY)
    on = models.DateField(_("日期"))
    purpose = models.CharField(_("摘要/用途"), max_length=200)
    payee = models.CharField(_("收款方"), max_length=100, blank=True)
    donation = models.OneToOneField(Donation, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="fund_entry")
    need = models.ForeignKey("people.Need", verbose_name=_("对应需求"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(CharityProject, verbose_name=_("对应慈善项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="expenses")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("驳回理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("基金收支")
        verbose_name_plural = _("基金收支")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["fund", "kind", "status"], name="fund_entry_kind_status")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="income", status="confirmed")
                | Q(kind="expense", status__in=["pending", "approved", "rejected"]),
                name="fund_entry_status_fits_kind"),
            # The one who asked to spend is never the one who approves it.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                                   name="fund_entry_four_eyes"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.get_kind_display()} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("charity:fund", args=[self.fund_id])

    @property
    def attachments_locked(self) -> bool:
        """A decided payment's receipts are part of the ledger."""
        return self.status != self.Status.PENDING

    @property
    def scope_code(self) -> str:
        return self.fund.station.division_id


class DonationPoint(models.Model):
    """慈善捐赠点: where people can bring gifts (often the station itself)."""

    station = models.ForeignKey("core.Station", verbose_name=_("所属站点"), on_delete=models.PROTECT,
                                related_name="donation_points")
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("开放时间"), max_length=100, help_text=_("如：工作日 9:00-17:00"))
    accepts = models.CharField(_("接收物品"), max_length=200, help_text=_("如：衣物、书籍、米面油、学习用品"))
    active = models.BooleanField(_("开放中"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("慈善捐赠点")
        verbose_name_plural = _("慈善捐赠点")
        ordering = ["-active", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("charity:points")

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class ResourceLink(models.Model):
    """资源链接: a resource a station brought in for a need or a case, from a donor on file or
    from a provider named in words. Distinct providers are what "链接各界社会资源N家" counts."""

    class Kind(models.TextChoices):
        FUNDS = "funds", _("资金")
        GOODS = "goods", _("物资")
        SERVICE = "service", _("服务")
        VENUE = "venue", _("场地")
        VOLUNTEER = "volunteer", _("志愿")

    station = models.ForeignKey("core.Station", verbose_name=_("链接站点"), on_delete=models.PROTECT,
                                related_name="resource_links")
    kind = models.CharField(_("资源类型"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("资源内容"), max_length=200)
    donor = models.ForeignKey(Donor, verbose_name=_("提供方（已登记的捐赠方）"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="links")
    provider_name = models.CharField(_("提供方（其他）"), max_length=100, blank=True,
                                     help_text=_("未登记为捐赠方的单位或个人，如：区人民医院、某律师事务所"))
    need = models.ForeignKey("people.Need", verbose_name=_("对接需求"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("casework.Case", verbose_name=_("对接个案"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    linked_on = models.DateField(_("链接日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("资源链接")
        verbose_name_plural = _("资源链接")
        ordering = ["-linked_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(donor__isnull=False) | ~Q(provider_name=""),
                                   name="resource_link_has_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("charity:link_edit", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id

    @property
    def provider(self) -> str:
        return self.donor.name if self.donor_id else self.provider_name
