"""Writes of charity resources. The rules that matter most are the fund's: a fund opens only
under a committee that can govern it (at least 5 members, an odd number, a 监事); a cash
donation into a fund is its income line in the same transaction; spending is approved by
someone other than the one who asked, holding ``fund.approve``, with the fund row locked and
its balance recomputed from the ledger, so two approvals at once can never overdraw it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.casework.access import may_read
from wushe.charity.models import (
    Beneficiary,
    CharityProject,
    CommitteeMember,
    Donation,
    DonationItem,
    DonationPoint,
    Donor,
    Fund,
    FundEntry,
    ResourceLink,
)
from wushe.charity.selectors import balance_of, committee_problems
from wushe.core import audit
from wushe.core.attachments import attach
from wushe.core.models import AuditEntry
from wushe.core.pii import Protected, normalize_mobile


def _errors_if_any(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _under(station, code: str) -> bool:
    """Whether a division code lies in the station's own area."""
    return code.startswith(station.division.prefix)


def _not_future(errors: dict, field: str, day) -> None:
    if day and day > timezone.localdate():
        errors[field] = _("日期不能晚于今天。")


# --- donors -----------------------------------------------------------------------------------

def donor_save(*, actor, station, data: dict, donor: Donor | None = None, request=None) -> Donor:
    """Register a donor or partner at ``station`` (``donor`` None), or change one."""
    creating = donor is None
    donor = donor or Donor(station=station, created_by=actor)
    for field, value in data.items():
        setattr(donor, field, value)
    check(actor, Action.CHARITY_MANAGE, donor)
    errors = {}
    raw = donor.mobile.reveal() if isinstance(donor.mobile, Protected) else (donor.mobile or "")
    if raw.strip():
        try:
            donor.mobile = normalize_mobile(raw)
        except ValidationError as exc:
            errors["mobile"] = exc.messages[0]
    else:
        donor.mobile = ""
    donor.name = (donor.name or "").strip()
    if not donor.name:
        errors["name"] = _("请填写捐赠方名称或姓名。")
    donor.credit_code = (donor.credit_code or "").strip().upper()
    if donor.credit_code and (donor.kind == Donor.Kind.INDIVIDUAL or len(donor.credit_code) != 18
                              or not donor.credit_code.isalnum()):
        errors["credit_code"] = _("统一社会信用代码应为18位字母或数字（个人无需填写）。")
    _errors_if_any(errors)
    donor.full_clean(exclude=["mobile", "created_by", "station"])
    with transaction.atomic():
        donor.save()
        audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                     actor=actor, obj=donor)
    return donor


# --- funds and their committees ---------------------------------------------------------------

def fund_save(*, actor, station, data: dict, fund: Fund | None = None, request=None) -> Fund:
    creating = fund is None
    fund = fund or Fund(station=station, created_by=actor)
    for field, value in data.items():
        setattr(fund, field, value)
    check(actor, Action.CHARITY_MANAGE, fund)
    errors = {}
    if fund.serves_id and not _under(fund.station, fund.serves_id):
        errors["serves"] = _("服务区域须在管理站点的辖区内。")
    if Fund.objects.filter(station=fund.station, name=fund.name).exclude(pk=fund.pk).exists():
        errors["name"] = _("本站点已有同名的社区基金。")
    _errors_if_any(errors)
    fund.full_clean(exclude=["created_by", "station"])
    fund.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=fund)
    return fund


def committee_add(*, actor, fund: Fund, data: dict, request=None) -> CommitteeMember:
    check(actor, Action.CHARITY_MANAGE, fund)
    if fund.status == Fund.Status.CLOSED:
        raise ValidationError(_("该基金已终止。"))
    member = CommitteeMember(fund=fund, **data)
    member.name = (member.name or "").strip()
    if member.role == CommitteeMember.Role.CHAIR and fund.committee.filter(role=CommitteeMember.Role.CHAIR).exists():
        raise ValidationError({"role": _("管理委员会已有主任，一个基金只设一名主任。")})
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=fund,
                         detail={"committee_added": member.name, "role": member.role})
    except IntegrityError as exc:
        raise ValidationError({"role": _("管理委员会已有主任，一个基金只设一名主任。")}) from exc
    return member


def committee_remove(*, actor, fund: Fund, member: CommitteeMember, request=None) -> None:
    """Take a member off; a fund in operation keeps a committee that satisfies the rule."""
    check(actor, Action.CHARITY_MANAGE, fund)
    if member.fund_id != fund.pk:
        raise ValidationError(_("该成员不属于这个基金。"))
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        if locked.status == Fund.Status.ACTIVE:
            # A fund in operation never drops below the floor (5 members, a 监事); an even
            # number in passing (one joins before another leaves) is shown on the fund's page.
            rest = list(locked.committee.exclude(pk=member.pk))
            if len(rest) < 5:
                raise ValidationError(_("基金运行中，管理委员会不能少于5名成员，请先增补成员再移除。"))
            if not any(m.role == CommitteeMember.Role.SUPERVISOR for m in rest):
                raise ValidationError(_("基金运行中，管理委员会至少要有1名监事，请先增补监事再移除。"))
        member.delete()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=fund,
                     detail={"committee_removed": member.name, "role": member.role})


def fund_open(*, actor, fund: Fund, request=None) -> Fund:
    """成立: the fund takes donations and spends from now on, once its committee can govern it."""
    check(actor, Action.CHARITY_MANAGE, fund)
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        if locked.status != Fund.Status.DRAFT:
            raise ValidationError(_("只有筹备中的基金可以成立。"))
        problems = committee_problems(locked.committee.all())
        if problems:
            raise ValidationError(problems)
        locked.status, locked.opened_on = Fund.Status.ACTIVE, timezone.localdate()
        locked.save(update_fields=["status", "opened_on"])
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=locked, detail={"opened": True})
    fund.status, fund.opened_on = locked.status, locked.opened_on
    return locked


# --- donations --------------------------------------------------------------------------------

def _clean_items(items) -> tuple[list[DonationItem], dict]:
    lines, errors = [], {}
    for n, row in enumerate(items, start=1):
        name, unit = (row.get("item") or "").strip(), (row.get("unit") or "").strip()
        quantity, valuation = row.get("quantity"), row.get("valuation")
        missing = [label for label, v in ((_("物品"), name), (_("数量"), quantity), (_("单位"), unit),
                                          (_("估值"), valuation)) if v in (None, "")]
        if missing:
            errors.setdefault("items", []).append(_("第%(n)s行：请填写%(f)s。") % {"n": n, "f": "、".join(missing)})
            continue
        if quantity <= 0 or valuation <= 0:
            errors.setdefault("items", []).append(_("第%(n)s行：数量和估值须大于0。") % {"n": n})
            continue
        lines.append(DonationItem(item=name, quantity=quantity, unit=unit, valuation=valuation))
    return lines, errors


def donation_record(*, actor, station, data: dict, items=(), request=None) -> Donation:
    """Record a gift. Cash has its amount; goods are the item lines and the amount is their
    summed valuation. Cash into a fund is the fund's income line, in the same transaction."""
    data = dict(data)
    donation = Donation(station=station, created_by=actor, **data)
    check(actor, Action.CHARITY_MANAGE, donation)
    if donation.donor_id:
        check(actor, Action.CHARITY_MANAGE, donation.donor)
    errors = {}
    destinations = [f for f in ("fund", "project", "need") if getattr(donation, f"{f}_id")]
    if len(destinations) != 1:
        errors["fund"] = _("请选择一个去向：社区基金、慈善项目或需求，只选一项。")
    if donation.fund_id:
        check(actor, Action.CHARITY_MANAGE, donation.fund)
        if donation.fund.station_id != station.pk:
            errors["fund"] = _("请选择本站点的社区基金。")
        elif donation.kind == Donation.Kind.GOODS:
            errors["fund"] = _("物资不进入基金账目，请把物资捐赠记到慈善项目或需求。")
    if donation.project_id:
        check(actor, Action.CHARITY_MANAGE, donation.project)
        if donation.project.station_id != station.pk:
            errors["project"] = _("请选择本站点的慈善项目。")
        elif donation.project.status != CharityProject.Status.ACTIVE:
            errors["project"] = _("该慈善项目已结项，不再接收捐赠。")
    if donation.need_id:
        check(actor, Action.PERSON_VIEW, donation.need)
        if not _under(station, donation.need.community_id):
            errors["need"] = _("请选择本站点辖区内的需求。")
    _not_future(errors, "received_on", donation.received_on)
    donation.purpose = (donation.purpose or "").strip()
    donation.receipt_number = (donation.receipt_number or "").strip()
    if donation.receipt_on and not donation.receipt_number:
        errors["receipt_number"] = _("填写了票据开具日期，请同时填写票据号。")
    if donation.receipt_on and donation.received_on and donation.receipt_on < donation.received_on:
        errors["receipt_on"] = _("票据开具日期不能早于捐赠日期。")
    _not_future(errors, "receipt_on", donation.receipt_on)
    lines = []
    if donation.kind == Donation.Kind.GOODS:
        lines, item_errors = _clean_items(items)
        errors.update(item_errors)
        if not lines and not item_errors:
            errors["items"] = _("物资捐赠请至少填写一行物品明细。")
        donation.amount = sum((line.valuation for line in lines), Decimal("0.00"))
    else:
        if any(any(v not in (None, "") for v in row.values()) for row in items):
            errors["items"] = _("现金捐赠不填写物品明细。")
        if donation.amount is None or donation.amount <= 0:
            errors["amount"] = _("请填写大于0的捐赠金额。")
    _errors_if_any(errors)
    donation.full_clean(exclude=["created_by", "station", "donor", "fund", "project", "need"])
    with transaction.atomic():
        if donation.fund_id:
            fund = Fund.objects.select_for_update().get(pk=donation.fund_id)
            if fund.status != Fund.Status.ACTIVE:
                raise ValidationError({"fund": _("该基金尚未成立或已终止，不能接收捐赠。")})
        donation.save()
        for line in lines:
            line.donation = donation
        DonationItem.objects.bulk_create(lines)
        if donation.fund_id and donation.kind == Donation.Kind.CASH:
            summary = _("%(d)s捐赠：%(p)s") % {"d": donation.donor.name, "p": donation.purpose}
            FundEntry.objects.create(
                fund_id=donation.fund_id, kind=FundEntry.Kind.INCOME, amount=donation.amount,
                on=donation.received_on, purpose=summary[:200], donation=donation,
                status=FundEntry.Status.CONFIRMED, requested_by=actor)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=donation,
                     detail={"amount": str(donation.amount), "kind": donation.kind})
    return donation


def donation_receipt(*, actor, donation: Donation, number: str, on, request=None) -> Donation:
    """The host charity's receipt (捐赠票据), recorded when it has been issued."""
    check(actor, Action.CHARITY_MANAGE, donation)
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["receipt_number"] = _("请填写托管慈善组织开具的票据号。")
    if on is None:
        errors["receipt_on"] = _("请填写票据开具日期。")
    elif on < donation.received_on:
        errors["receipt_on"] = _("票据开具日期不能早于捐赠日期。")
    else:
        _not_future(errors, "receipt_on", on)
    _errors_if_any(errors)
    donation.receipt_number, donation.receipt_on = number[:60], on
    donation.save(update_fields=["receipt_number", "receipt_on"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=donation,
                 detail={"receipt": donation.receipt_number})
    return donation


# --- spending ---------------------------------------------------------------------------------

def expense_request(*, actor, fund: Fund, data: dict, photos=(), request=None) -> FundEntry:
    """Ask to spend from the fund: waits for someone else's approval."""
    check(actor, Action.CHARITY_MANAGE, fund)
    entry = FundEntry(fund=fund, kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.PENDING,
                      requested_by=actor, **data)
    errors = {}
    if fund.status != Fund.Status.ACTIVE:
        raise ValidationError(_("该基金尚未成立或已终止，不能申请支出。"))
    entry.purpose, entry.payee = (entry.purpose or "").strip(), (entry.payee or "").strip()
    if not entry.purpose:
        errors["purpose"] = _("请填写支出用途。")
    if not entry.payee:
        errors["payee"] = _("请填写收款方。")
    if entry.amount is None or entry.amount <= 0:
        errors["amount"] = _("请填写大于0的金额。")
    elif entry.amount > balance_of(fund):
        errors["amount"] = _("申请金额超过基金当前余额（%(b)s元）。") % {"b": balance_of(fund)}
    _not_future(errors, "on", entry.on)
    if entry.project_id:
        check(actor, Action.CHARITY_MANAGE, entry.project)
        if not _under(fund.station, entry.project.station.division_id):
            errors["project"] = _("请选择本基金管理站点辖区内的慈善项目。")
    if entry.need_id:
        check(actor, Action.PERSON_VIEW, entry.need)
        if not _under(fund.station, entry.need.community_id):
            errors["need"] = _("请选择本基金管理站点辖区内的需求。")
    _errors_if_any(errors)
    entry.full_clean(exclude=["fund", "requested_by", "project", "need", "donation"])
    with transaction.atomic():
        entry.save()
        attach(record=entry, station=fund.station, prepared=photos, actor=actor, request=request)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=entry,
                     detail={"amount": str(entry.amount), "status": entry.status})
    return entry


def expense_decide(*, actor, entry: FundEntry, approve: bool, reason: str = "", request=None) -> FundEntry:
    """Approve or reject a requested expenditure. Only someone holding ``fund.approve`` over
    the fund, never the requester; an approval is refused when the balance, recomputed from
    the ledger with the fund row locked, does not cover it."""
    check(actor, Action.CHARITY_MANAGE, entry)
    if not can(actor, Action.FUND_APPROVE, entry):
        raise PermissionDenied(_("您没有审批社区基金支出的权限。"))
    if entry.requested_by_id == actor.pk:
        raise ValidationError(_("不能审批自己提出的支出申请，请由站长或街道审批。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("驳回须填写理由。")})
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=entry.fund_id)  # one decision per fund at a time
        locked = FundEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.kind != FundEntry.Kind.EXPENSE or locked.status != FundEntry.Status.PENDING:
            raise ValidationError(_("该支出申请已经处理过了。"))
        if approve:
            balance = balance_of(fund)
            if locked.amount > balance:
                raise ValidationError(_("基金余额不足：当前余额 %(b)s 元，申请 %(a)s 元，不能批准。") % {
                    "b": balance, "a": locked.amount})
            locked.status = FundEntry.Status.APPROVED
        else:
            locked.status, locked.reject_reason = FundEntry.Status.REJECTED, reason[:200]
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=locked,
                     detail={"status": locked.status, "amount": str(locked.amount)})
    entry.status, entry.reject_reason, entry.decided_by, entry.decided_at = (
        locked.status, locked.reject_reason, locked.decided_by, locked.decided_at)
    return locked


# --- charity projects -------------------------------------------------------------------------

def project_save(*, actor, station, data: dict, project: CharityProject | None = None,
                 request=None) -> CharityProject:
    creating = project is None
    project = project or CharityProject(station=station, created_by=actor)
    for field, value in data.items():
        setattr(project, field, value)
    check(actor, Action.CHARITY_MANAGE, project)
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    project.full_clean(exclude=["created_by", "station"])
    project.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=project)
    return project


def beneficiary_add(*, actor, project: CharityProject, resident, on=None, request=None) -> Beneficiary:
    check(actor, Action.CHARITY_MANAGE, project)
    check(actor, Action.PERSON_VIEW, resident)
    if project.beneficiary_links.filter(resident=resident).exists():
        raise ValidationError(_("%(n)s 已是该项目的受益人。") % {"n": resident.name})
    try:
        with transaction.atomic():
            link = Beneficiary.objects.create(project=project, resident=resident, added_by=actor,
                                              added_on=on or timezone.localdate())
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                         detail={"beneficiary_added": resident.pk})
    except IntegrityError as exc:
        raise ValidationError(_("%(n)s 已是该项目的受益人。") % {"n": resident.name}) from exc
    return link


def beneficiary_remove(*, actor, project: CharityProject, link: Beneficiary, request=None) -> None:
    check(actor, Action.CHARITY_MANAGE, project)
    check(actor, Action.PERSON_VIEW, link.resident)
    if link.project_id != project.pk:
        raise ValidationError(_("该受益人不属于这个项目。"))
    link.delete()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                 detail={"beneficiary_removed": link.resident_id})


# --- donation points and resource links -------------------------------------------------------

def point_save(*, actor, station, data: dict, point: DonationPoint | None = None, request=None) -> DonationPoint:
    creating = point is None
    point = point or DonationPoint(station=station)
    for field, value in data.items():
        setattr(point, field, value)
    check(actor, Action.CHARITY_MANAGE, point)
    point.full_clean(exclude=["station"])
    point.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=point)
    return point


def link_save(*, actor, station, data: dict, link: ResourceLink | None = None, request=None) -> ResourceLink:
    """A resource linked for a need or a case (or the community at large)."""
    creating = link is None
    link = link or ResourceLink(station=station, created_by=actor)
    # What was linked before stays as it is: the checks below are for what this change links.
    before = (None, None) if creating else (link.need_id, link.case_id)
    for field, value in data.items():
        setattr(link, field, value)
    check(actor, Action.CHARITY_MANAGE, link)
    errors = {}
    link.provider_name = (link.provider_name or "").strip()
    if link.donor_id:
        check(actor, Action.CHARITY_MANAGE, link.donor)
        link.provider_name = ""
    elif not link.provider_name:
        errors["provider_name"] = _("请选择已登记的捐赠方，或填写提供方名称。")
    if link.need_id and link.need_id != before[0]:
        check(actor, Action.PERSON_VIEW, link.need)
        if not _under(link.station, link.need.community_id):
            errors["need"] = _("请选择本站点辖区内的需求。")
    if link.case_id and link.case_id != before[1]:
        if not may_read(actor, link.case):
            raise ValidationError({"case": _("您无权查看该个案，不能为其登记资源链接。")})
        if not _under(link.station, link.case.station.division_id):
            errors["case"] = _("请选择本站点辖区内的个案。")
    _not_future(errors, "linked_on", link.linked_on)
    _errors_if_any(errors)
    link.full_clean(exclude=["created_by", "station", "donor", "need", "case"])
    link.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=link)
    return link
