"""Writes of community social organizations: filing and its changes (each change logged),
annual reports, members, dissolution (after which the record is read-only), incubation with
its one-step-at-a-time stages, and links to the activities and projects they took part in."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.divisions import Level, full_code
from wushe.core.models import AuditEntry, Station
from wushe.core.pii import (
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    plaintext,
)
from wushe.organizations.models import (
    OPEN_STAGES,
    AnnualReport,
    CapacityAssessment,
    Change,
    Incubation,
    Member,
    Mentoring,
    Organization,
    OrganizationActivity,
    OrganizationProject,
    Stage,
    StageEntry,
    TrainingRecord,
)

# 出壳 asks for this many mentoring records, and at least one capacity assessment.
MENTORING_TO_GRADUATE = 3

# What the change log follows, in the order the filing form shows it.
TRACKED = ["name", "kind", "legal_form", "category", "division", "filing_number", "credit_code", "filed_on",
           "responsible_name", "responsible_id_number", "responsible_mobile", "core_members", "headcount", "place",
           "business_scope", "charter", "guidance", "uses_membership"]
_PII = {"responsible_id_number": mask_id_number, "responsible_mobile": mask_mobile}


def _errors_if_any(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _not_after_today(errors: dict, field: str, value, label: str) -> None:
    if value and value > timezone.localdate():
        errors[field] = _("%(f)s不能晚于今天。") % {"f": label}


def writable(organization: Organization) -> None:
    """A dissolved organization is kept as it was: nothing on it changes any more."""
    if organization.dissolved:
        raise ValidationError(_("该组织已于 %(d)s 注销，记录只读，不能再修改。") % {
            "d": organization.dissolved_on.isoformat() if organization.dissolved_on else ""})


# --- the credit code (GB 32100-2015) ---------------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# 民政 registers social organizations: 51 社会团体, 52 民办非企业单位.
_CREDIT_PREFIX = {Organization.LegalForm.SOCIAL_GROUP: "51", Organization.LegalForm.NON_ENTERPRISE: "52"}


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str, legal_form: str = "") -> str:
    code = "".join((value or "").split()).upper()
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        raise ValidationError(_("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）。"))
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码的校验位不正确，请核对。"))
    prefix = _CREDIT_PREFIX.get(legal_form)
    if prefix and not code.startswith(prefix):
        raise ValidationError(_("民政登记的%(f)s，统一社会信用代码应以 %(p)s 开头。") % {
            "f": Organization.LegalForm(legal_form).label, "p": prefix})
    return code


# --- filing and changes ----------------------------------------------------------------------

def _shown(organization: Organization, field: str) -> str:
    """A field's value as the change log keeps it: ID and mobile masked, long text cut."""
    value = getattr(organization, field)
    if field in _PII:
        plain = plaintext(value)
        return _PII[field](plain) if plain else ""
    if field == "division":
        return str(value) if value else ""
    if field in ("kind", "legal_form", "category"):
        return str(getattr(organization, f"get_{field}_display")()) if value else ""
    if field == "uses_membership":
        return _("是") if value else _("否")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:120] + "…"


def _diff(before: Organization | None, after: Organization) -> list[list[str]]:
    changes = []
    for field in TRACKED:
        new = _shown(after, field)
        if before is None:
            continue
        old = _shown(before, field)
        if field in _PII:
            changed = plaintext(getattr(before, field)) != plaintext(getattr(after, field))
        else:
            changed = old != new or getattr(before, field) != getattr(after, field)
        if changed:
            changes.append([str(Organization._meta.get_field(field).verbose_name), old, new])
    return changes


def home_station(division) -> Station | None:
    """The station nearest above (or at) a division: where its files are kept."""
    codes = [full_code(division.code[:n]) for n in (6, 9, 12)]
    return (Station.objects.filter(division_id__in=codes).exclude(status=Station.Status.CLOSED)
            .order_by("-division_id", "id").first())


def organization_save(*, actor, data: dict, organization: Organization | None = None, charter_files=(),
                      request=None) -> Organization:
    """File a new organization (``organization`` None) or change one; every change is logged.
    ID and mobile numbers left blank on editing keep what is stored."""
    creating = organization is None
    before = None
    if not creating:
        check(actor, Action.ORG_MANAGE, organization)
        writable(organization)
        before = Organization.objects.select_related("division").get(pk=organization.pk)
    organization = organization or Organization(created_by=actor)
    for field, value in data.items():
        setattr(organization, field, value)
    if organization.division_id is None:
        raise ValidationError({"division": _("请选择备案的社区或街道。")})
    check(actor, Action.ORG_MANAGE, organization)
    errors = {}
    if organization.division.level not in (Level.TOWN, Level.VILLAGE):
        errors["division"] = _("请选择社区（村）或街道（乡镇）。")
    organization.name = (organization.name or "").strip()
    organization.filing_number = (organization.filing_number or "").strip()
    try:
        organization.responsible_id_number = normalize_id_number(plaintext(organization.responsible_id_number))
    except ValidationError as exc:
        errors["responsible_id_number"] = exc.messages[0]
    try:
        organization.responsible_mobile = normalize_mobile(plaintext(organization.responsible_mobile))
    except ValidationError as exc:
        errors["responsible_mobile"] = exc.messages[0]
    if organization.kind == Organization.Kind.FILED:
        organization.legal_form = ""
        if not organization.filing_number:
            errors["filing_number"] = _("备案组织须填写备案编号。")
        if organization.credit_code:
            try:
                organization.credit_code = normalize_credit_code(organization.credit_code)
            except ValidationError as exc:
                errors["credit_code"] = exc.messages[0]
    else:
        if not organization.legal_form:
            errors["legal_form"] = _("登记的组织须选择社会团体或民办非企业单位。")
        try:
            organization.credit_code = normalize_credit_code(organization.credit_code, organization.legal_form)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages[0] if organization.credit_code else _(
                "登记的组织须填写统一社会信用代码。")
    _not_after_today(errors, "filed_on", organization.filed_on, _("备案（登记）日期"))
    if organization.headcount is not None and organization.headcount < 1:
        errors["headcount"] = _("成员人数至少为1。")
    _errors_if_any(errors)
    _unique(actor, organization)
    organization.full_clean(exclude=["responsible_id_number", "responsible_mobile", "created_by"])
    try:
        with transaction.atomic():
            organization.save()
            changes = _diff(before, organization)
            if creating:
                Change.objects.create(organization=organization, by=actor, summary=_("备案登记") if
                                      organization.kind == Organization.Kind.FILED else _("登记录入"))
            elif changes:
                Change.objects.create(organization=organization, by=actor, summary=_("变更"), changes=changes)
            if charter_files:
                station = home_station(organization.division)
                if station is None:
                    raise ValidationError({"charter_files": _("该社区/街道还没有社工站（室），无法保存附件。")})
                from wushe.core.attachments import attach

                attach(record=organization, station=station, prepared=charter_files, actor=actor, request=request)
            audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                         actor=actor, obj=organization, detail={"changed": [c[0] for c in changes]} if changes else None)
    except IntegrityError as exc:  # the same number a moment ago, from another desk
        raise ValidationError({"filing_number": _("该备案编号或统一社会信用代码已被使用。")}) from exc
    return organization


def _unique(actor, organization: Organization) -> None:
    """Numbers are unique platform-wide; a name once per community. Another place's record is
    not named."""
    others = Organization.objects.exclude(pk=organization.pk)
    errors = {}
    for field, label in (("filing_number", _("备案编号")), ("credit_code", _("统一社会信用代码"))):
        value = getattr(organization, field)
        taken = value and others.filter(**{field: value}).select_related("division").first()
        if taken:
            errors[field] = (_("该%(f)s已被“%(n)s”使用。") % {"f": label, "n": taken.name}
                             if can(actor, Action.ORG_MANAGE, taken) else _("该%(f)s已被其他组织使用。") % {"f": label})
    if others.filter(division=organization.division, name=organization.name,
                     status=Organization.Status.ACTIVE).exists():
        errors["name"] = _("该社区/街道已有同名的组织。")
    _errors_if_any(errors)


def organization_dissolve(*, actor, organization: Organization, on: datetime.date, reason: str,
                          request=None) -> Organization:
    """注销: the record stays, read-only; an open incubation ends as 退出 with the same reason."""
    check(actor, Action.ORG_MANAGE, organization)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写注销原因。")
    _not_after_today(errors, "on", on, _("注销日期"))
    if on and on < organization.filed_on:
        errors["on"] = _("注销日期不能早于备案（登记）日期 %(d)s。") % {"d": organization.filed_on.isoformat()}
    _errors_if_any(errors)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        writable(organization)
        for incubation in Incubation.objects.select_for_update().filter(organization=organization,
                                                                        stage__in=OPEN_STAGES):
            _end(incubation, actor, Stage.WITHDRAWN, max(on, incubation.stage_on),
                 _("组织注销：%(r)s") % {"r": reason})
        organization.status, organization.dissolved_on = Organization.Status.DISSOLVED, on
        organization.dissolution_reason = reason[:200]
        organization.save(update_fields=["status", "dissolved_on", "dissolution_reason"])
        Change.objects.create(organization=organization, by=actor, summary=_("注销"), changes=[
            [str(_("状态")), str(Organization.Status.ACTIVE.label), str(Organization.Status.DISSOLVED.label)],
            [str(_("注销日期")), "", on.isoformat()], [str(_("注销原因")), "", reason[:120]]])
        audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=organization,
                     detail={"dissolved_on": on.isoformat()})
    return organization


# --- annual reports --------------------------------------------------------------------------

def annual_report_save(*, actor, organization: Organization, data: dict, report: AnnualReport | None = None,
                       request=None) -> AnnualReport:
    check(actor, Action.ORG_MANAGE, organization)
    writable(organization)
    creating = report is None
    report = report or AnnualReport(organization=organization, by=actor)
    for field, value in data.items():
        setattr(report, field, value)
    errors = {}
    this_year = timezone.localdate().year
    if report.year and not organization.filed_on.year <= report.year <= this_year:
        errors["year"] = _("年度应在 %(a)s 至 %(b)s 之间（自备案之年起，不晚于今年）。") % {
            "a": organization.filed_on.year, "b": this_year}
    _not_after_today(errors, "submitted_on", report.submitted_on, _("报送日期"))
    if report.year and report.submitted_on and report.submitted_on.year < report.year:
        errors["submitted_on"] = _("报送日期不能早于所报年度。")
    if "year" not in errors and AnnualReport.objects.filter(organization=organization, year=report.year).exclude(
            pk=report.pk).exists():
        errors["year"] = _("%(y)s 年度的年报已报送，请修改原年报。") % {"y": report.year}
    _errors_if_any(errors)
    report.full_clean(exclude=["organization", "by"])
    try:
        with transaction.atomic():
            report.save()
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=organization,
                         object_type="organizations.annualreport",
                         detail={"annual_report": report.year, "created": creating})
    except IntegrityError as exc:
        raise ValidationError({"year": _("%(y)s 年度的年报已报送。") % {"y": report.year}}) from exc
    return report


# --- members (会员制) ------------------------------------------------------------------------

def member_save(*, actor, organization: Organization, data: dict, member: Member | None = None,
                request=None) -> Member:
    check(actor, Action.ORG_MANAGE, organization)
    writable(organization)
    if not organization.uses_membership:
        raise ValidationError(_("该组织未实行会员制；请先在组织信息中勾选“实行会员制”。"))
    member = member or Member(organization=organization)
    for field, value in data.items():
        setattr(member, field, value)
    member.name = (member.name or "").strip()
    errors = {}
    _not_after_today(errors, "joined_on", member.joined_on, _("入会日期"))
    _not_after_today(errors, "left_on", member.left_on, _("退会日期"))
    if member.left_on and member.joined_on and member.left_on < member.joined_on:
        errors["left_on"] = _("退会日期不能早于入会日期。")
    if member.fee_year and not 2000 <= member.fee_year <= timezone.localdate().year + 1:
        errors["fee_year"] = _("会费年度应在 2000 至 %(y)s 之间。") % {"y": timezone.localdate().year + 1}
    _errors_if_any(errors)
    member.full_clean(exclude=["organization"])
    member.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=organization,
                 object_type="organizations.member", detail={"member": member.pk, "left": bool(member.left_on)})
    return member


# --- incubation ------------------------------------------------------------------------------

def incubation_start(*, actor, organization: Organization, station: Station, mentor: str, on: datetime.date,
                     request=None) -> Incubation:
    """Begin an incubation at 意向; one open incubation per organization."""
    check(actor, Action.ORG_MANAGE, organization)
    check(actor, Action.ORG_MANAGE, station)
    errors = {}
    if station.status == Station.Status.CLOSED:
        errors["station"] = _("该站点已撤销，请选择其他站点。")
    if not (mentor or "").strip():
        errors["mentor"] = _("请填写导师。")
    _not_after_today(errors, "on", on, _("开始日期"))
    _errors_if_any(errors)
    try:
        with transaction.atomic():
            organization = Organization.objects.select_for_update().get(pk=organization.pk)  # one start at a time
            writable(organization)
            if organization.incubations.filter(stage__in=OPEN_STAGES).exists():
                raise ValidationError(_("该组织已有进行中的孵化，请在原孵化记录中推进或退出。"))
            incubation = Incubation.objects.create(organization=organization, station=station, mentor=mentor.strip(),
                                                   stage=Stage.INTENT, stage_on=on, started_on=on, created_by=actor)
            StageEntry.objects.create(incubation=incubation, stage=Stage.INTENT, on=on, by=actor)
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=organization,
                         object_type="organizations.incubation", detail={"incubation": incubation.pk})
    except IntegrityError as exc:
        raise ValidationError(_("该组织已有进行中的孵化。")) from exc
    return incubation


def _end(incubation: Incubation, actor, stage: str, on: datetime.date, reason: str = "") -> None:
    incubation.stage, incubation.stage_on, incubation.ended_on = stage, on, on
    incubation.end_reason = reason[:200] if stage == Stage.WITHDRAWN else ""
    incubation.save(update_fields=["stage", "stage_on", "ended_on", "end_reason"])
    StageEntry.objects.create(incubation=incubation, stage=stage, on=on, reason=reason[:200], by=actor)


def incubation_move(*, actor, incubation: Incubation, stage: str, on: datetime.date, reason: str = "",
                    request=None) -> Incubation:
    """Forward one step (意向 → 入孵 → 培育 → 出壳), or 退出 from any open stage with a reason.
    出壳 needs at least one capacity assessment and MENTORING_TO_GRADUATE mentoring records."""
    check(actor, Action.ORG_MANAGE, incubation)
    writable(incubation.organization)
    reason = (reason or "").strip()
    with transaction.atomic():
        incubation = Incubation.objects.select_for_update().select_related("organization").get(pk=incubation.pk)
        if not incubation.is_open:
            raise ValidationError(_("该孵化已%(s)s，不能再变更阶段。") % {"s": incubation.get_stage_display()})
        errors = {}
        if stage == Stage.WITHDRAWN:
            if not reason:
                errors["reason"] = _("退出孵化须填写原因。")
        elif stage != incubation.next_stage:
            errors["stage"] = _("阶段只能逐级推进：当前为“%(c)s”，下一步是“%(n)s”。") % {
                "c": incubation.get_stage_display(), "n": Stage(incubation.next_stage).label}
        elif stage == Stage.GRADUATED:
            mentoring = incubation.mentoring.count()
            if not incubation.assessments.exists():
                errors["stage"] = _("出壳前须至少完成一次能力评估。")
            elif mentoring < MENTORING_TO_GRADUATE:
                errors["stage"] = _("出壳前须至少有 %(n)s 条辅导记录（现有 %(m)s 条）。") % {
                    "n": MENTORING_TO_GRADUATE, "m": mentoring}
        if on is None:
            errors["on"] = _("请填写日期。")
        else:
            _not_after_today(errors, "on", on, _("日期"))
            if on < incubation.stage_on:
                errors["on"] = _("日期不能早于当前阶段的开始日期 %(d)s。") % {"d": incubation.stage_on.isoformat()}
        _errors_if_any(errors)
        before = incubation.stage
        if stage in (Stage.GRADUATED, Stage.WITHDRAWN):
            _end(incubation, actor, stage, on, reason)
        else:
            incubation.stage, incubation.stage_on = stage, on
            incubation.save(update_fields=["stage", "stage_on"])
            StageEntry.objects.create(incubation=incubation, stage=stage, on=on, reason=reason[:200], by=actor)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=incubation.organization,
                     object_type="organizations.incubation",
                     detail={"incubation": incubation.pk, "stage": [before, stage]})
    return incubation


def _open_record(actor, incubation: Incubation, on, errors: dict) -> None:
    check(actor, Action.ORG_MANAGE, incubation)
    writable(incubation.organization)
    if not incubation.is_open:
        raise ValidationError(_("该孵化已%(s)s，不能再添加记录。") % {"s": incubation.get_stage_display()})
    _not_after_today(errors, "on", on, _("日期"))
    if on and on < incubation.started_on:
        errors["on"] = _("日期不能早于孵化开始日期 %(d)s。") % {"d": incubation.started_on.isoformat()}
    _errors_if_any(errors)


def _record_saved(actor, incubation, record, request) -> None:
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=incubation.organization,
                 object_type=f"organizations.{type(record).__name__.lower()}",
                 detail={"incubation": incubation.pk, "record": record.pk})


def mentoring_add(*, actor, incubation: Incubation, data: dict, request=None) -> Mentoring:
    errors = {}
    if not (data.get("content") or "").strip():
        errors["content"] = _("请填写辅导内容。")
    _open_record(actor, incubation, data.get("on"), errors)
    record = Mentoring(incubation=incubation, by=actor, **data)
    record.mentor = (record.mentor or "").strip() or incubation.mentor
    record.full_clean(exclude=["incubation", "by"])
    record.save()
    _record_saved(actor, incubation, record, request)
    return record


def assessment_add(*, actor, incubation: Incubation, data: dict, request=None) -> CapacityAssessment:
    errors = {d: _("评分须为1至5分。") for d in CapacityAssessment.DIMENSIONS
              if data.get(d) is None or not 1 <= int(data[d]) <= 5}
    _open_record(actor, incubation, data.get("on"), errors)
    record = CapacityAssessment(incubation=incubation, by=actor, **data)
    record.full_clean(exclude=["incubation", "by"])
    record.save()
    _record_saved(actor, incubation, record, request)
    return record


def training_add(*, actor, incubation: Incubation, data: dict, request=None) -> TrainingRecord:
    errors = {}
    if data.get("hours") is None or data["hours"] <= 0:
        errors["hours"] = _("学时须大于0。")
    _open_record(actor, incubation, data.get("on"), errors)
    record = TrainingRecord(incubation=incubation, by=actor, **data)
    record.full_clean(exclude=["incubation", "by"])
    record.save()
    _record_saved(actor, incubation, record, request)
    return record


# --- links to activities and volunteer projects ----------------------------------------------

def activity_link(*, actor, organization: Organization, activity, request=None) -> OrganizationActivity:
    """Record that the organization took part in a community activity: the user must manage both."""
    check(actor, Action.ORG_MANAGE, organization)
    check(actor, Action.ACTIVITY_MANAGE, activity)
    writable(organization)
    if activity.status == activity.Status.CANCELLED:
        raise ValidationError({"activity": _("已取消的活动不能关联。")})
    if organization.activity_links.filter(activity=activity).exists():
        raise ValidationError({"activity": _("该活动已关联到本组织。")})
    try:
        with transaction.atomic():
            link = OrganizationActivity.objects.create(organization=organization, activity=activity, by=actor)
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=organization,
                         detail={"activity_linked": activity.pk})
    except IntegrityError as exc:
        raise ValidationError({"activity": _("该活动已关联到本组织。")}) from exc
    return link


def activity_unlink(*, actor, link: OrganizationActivity, request=None) -> None:
    check(actor, Action.ORG_MANAGE, link.organization)
    check(actor, Action.ACTIVITY_MANAGE, link.activity)
    writable(link.organization)
    with transaction.atomic():
        link.delete()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=link.organization,
                     detail={"activity_unlinked": link.activity_id})


def project_link(*, actor, organization: Organization, project, request=None) -> OrganizationProject:
    """Record that the organization took part in a volunteer project: the user must manage both."""
    check(actor, Action.ORG_MANAGE, organization)
    check(actor, Action.VOLUNTEER_MANAGE, project)
    writable(organization)
    if organization.project_links.filter(project=project).exists():
        raise ValidationError({"project": _("该项目已关联到本组织。")})
    try:
        with transaction.atomic():
            link = OrganizationProject.objects.create(organization=organization, project=project, by=actor)
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=organization,
                         detail={"project_linked": project.pk})
    except IntegrityError as exc:
        raise ValidationError({"project": _("该项目已关联到本组织。")}) from exc
    return link


def project_unlink(*, actor, link: OrganizationProject, request=None) -> None:
    check(actor, Action.ORG_MANAGE, link.organization)
    check(actor, Action.VOLUNTEER_MANAGE, link.project)
    writable(link.organization)
    with transaction.atomic():
        link.delete()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=link.organization,
                     detail={"project_unlinked": link.project_id})
