"""Writes of service projects. The funder side (those over the project's division) sets it up,
moves it through its lifecycle and records evaluations; the contractor side (the stations it
serves) links the records it delivered and books spending against the budget."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.attachments import attach
from wushe.core.models import AuditEntry
from wushe.projects import indicators
from wushe.projects.models import (
    BudgetLine,
    Criterion,
    Evaluation,
    Expenditure,
    Link,
    Rectification,
    Score,
    ScoringSheet,
    ServiceProject,
    Target,
)
from wushe.projects.selectors import LINK_ACTIONS, line_spent

Stage = ServiceProject.Stage


def _open(project: ServiceProject) -> None:
    if project.archived:
        raise ValidationError(_("项目已归档或未立项，不能再修改。"))


def _serves(actor, project: ServiceProject) -> None:
    """The contractor side: the actor works at (or over) one of the project's stations."""
    if not any(can(actor, Action.PROJECT_MANAGE, s) for s in project.stations.all()) and not can(
            actor, Action.PROJECT_MANAGE, project):
        raise Http404


def project_save(*, actor, data: dict, stations, project: ServiceProject | None = None,
                 request=None) -> ServiceProject:
    creating = project is None
    project = project or ServiceProject(created_by=actor)
    if not creating:
        _open(project)
    for field, value in data.items():
        setattr(project, field, value)
    check(actor, Action.PROJECT_FUND, project)
    errors = {}
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    stations = list(stations)
    if not stations:
        errors["stations"] = _("请选择项目服务的站点。")
    elif any(not s.division_id.startswith(project.division.prefix) for s in stations):
        errors["stations"] = _("服务站点须在立项单位所在区划之内。")
    if errors:
        raise ValidationError(errors)
    project.full_clean(exclude=["stations"])
    with transaction.atomic():
        project.save()
        project.stations.set(stations)
        audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                     actor=actor, obj=project)
    return project


def project_advance(*, actor, project: ServiceProject, to: str, note: str = "", request=None) -> ServiceProject:
    """One step along 申报 → 评审 → 立项 → 实施 → 中期评估 → 结项评估 → 归档, or 评审 → 未立项."""
    check(actor, Action.PROJECT_FUND, project)
    _open(project)
    order = ServiceProject.ORDER
    if to == Stage.REJECTED:
        if project.stage != Stage.REVIEW:
            raise ValidationError(_("只有评审中的项目可以不予立项。"))
        if not note.strip():
            raise ValidationError({"note": _("请说明不予立项的理由。")})
    elif to not in order or order.index(to) != order.index(project.stage) + 1:
        raise ValidationError(_("项目只能进入下一阶段（当前：%(s)s）。") % {"s": project.get_stage_display()})
    if to == Stage.APPROVED and not project.targets.exists():
        raise ValidationError(_("立项前请先设定产出指标。"))
    if to == Stage.FINAL and not project.evaluations.filter(kind=Evaluation.Kind.MIDTERM).exists():
        raise ValidationError(_("请先记录中期评估。"))
    if to == Stage.ARCHIVED:
        if not project.evaluations.filter(kind=Evaluation.Kind.FINAL).exists():
            raise ValidationError(_("请先记录结项评估。"))
        if Rectification.objects.filter(evaluation__project=project, done_on__isnull=True).exists():
            raise ValidationError(_("还有未完成的整改事项，完成后才能归档。"))
    before = project.stage
    project.stage, project.stage_note = to, note.strip()[:200]
    project.save(update_fields=["stage", "stage_note"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                 detail={"stage": [before, to]})
    return project


def target_set(*, actor, project: ServiceProject, indicator: str, value, request=None) -> Target | None:
    """Set (or, with an empty value, remove) the target on one indicator; fixed once 立项."""
    check(actor, Action.PROJECT_FUND, project)
    _open(project)
    if project.stage not in (Stage.APPLIED, Stage.REVIEW):
        raise ValidationError(_("立项后产出指标不能再修改。"))
    if indicator not in indicators.INDICATORS:
        raise ValidationError({"indicator": _("未知的指标。")})
    with transaction.atomic():
        if value in (None, ""):
            project.targets.filter(indicator=indicator).delete()
            target = None
        else:
            if Decimal(value) < 0:
                raise ValidationError({"value": _("目标值不能为负数。")})
            target, _created = Target.objects.update_or_create(project=project, indicator=indicator,
                                                               defaults={"value": value})
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                     detail={"target": indicator, "value": str(value)})
    return target


def link(*, actor, project: ServiceProject, kind: str, record, linked: bool = True, request=None) -> None:
    """Count (or stop counting) a record of one of the project's stations for the project."""
    _serves(actor, project)
    _open(project)
    if kind not in LINK_ACTIONS:
        raise ValidationError(_("未知的记录类型。"))
    check(actor, LINK_ACTIONS[kind], record)
    if not project.stations.filter(pk=record.station_id).exists():
        raise ValidationError(_("该记录不属于项目的服务站点。"))
    if linked and project.stage in (Stage.APPLIED, Stage.REVIEW):
        raise ValidationError(_("项目立项后才能关联服务记录。"))
    with transaction.atomic():
        if linked:
            try:
                with transaction.atomic():
                    Link.objects.create(project=project, kind=kind, object_id=record.pk, by=actor)
            except IntegrityError:
                return
        else:
            project.links.filter(kind=kind, object_id=record.pk).delete()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                     detail={"link": kind, "record": record.pk, "linked": linked})


def link_all(*, actor, project: ServiceProject, kind: str, records, request=None) -> int:
    """Link every record given (the candidates the user sees): returns how many."""
    count = 0
    with transaction.atomic():
        for record in records:
            link(actor=actor, project=project, kind=kind, record=record, request=request)
            count += 1
    return count


def sheet_create(*, actor, name: str, lines: str, request=None) -> ScoringSheet:
    """A scoring sheet from lines of 维度|评估内容|分值 (dimension by its Chinese name)."""
    dimensions = {str(label): value for value, label in Criterion.Dimension.choices}
    parsed, errors = [], []
    for n, raw in enumerate(lines.splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
        if len(parts) != 3 or parts[0] not in dimensions:
            errors.append(_("第%(n)s行：应为“维度|评估内容|分值”，维度是 %(d)s 之一。") % {
                "n": n, "d": "、".join(dimensions)})
            continue
        try:
            points = Decimal(parts[2])
        except ArithmeticError:
            points = Decimal(-1)
        if points <= 0:
            errors.append(_("第%(n)s行：分值须为正数。") % {"n": n})
            continue
        parsed.append((dimensions[parts[0]], parts[1][:200], points))
    if not name.strip():
        errors.insert(0, _("请填写名称。"))
    if not parsed and not errors:
        errors.append(_("请至少填写一项评估内容。"))
    if ScoringSheet.objects.filter(name=name.strip()).exists():
        errors.insert(0, _("已有同名的评估指标体系。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sheet = ScoringSheet.objects.create(name=name.strip()[:100])
        Criterion.objects.bulk_create([Criterion(sheet=sheet, dimension=d, item=i, points=p) for d, i, p in parsed])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=sheet)
    return sheet


def evaluation_record(*, actor, project: ServiceProject, kind: str, sheet: ScoringSheet, data: dict, scores: dict,
                      rectifications=(), request=None) -> Evaluation:
    """A mid-term or final evaluation: every criterion scored within its points."""
    check(actor, Action.PROJECT_FUND, project)
    _open(project)
    expected_stage = {Evaluation.Kind.MIDTERM: Stage.MIDTERM, Evaluation.Kind.FINAL: Stage.FINAL}[kind]
    if project.stage != expected_stage:
        raise ValidationError(_("项目处于“%(s)s”阶段时才能记录%(k)s。") % {
            "s": Stage(expected_stage).label, "k": Evaluation.Kind(kind).label})
    if project.evaluations.filter(kind=kind).exists():
        raise ValidationError(_("该项目已有%(k)s。") % {"k": Evaluation.Kind(kind).label})
    criteria = list(sheet.criteria.all())
    errors = {}
    for criterion in criteria:
        score = scores.get(criterion.pk)
        if score is None:
            errors[f"c{criterion.pk}"] = _("请为“%(i)s”打分。") % {"i": criterion.item}
        elif not 0 <= score <= criterion.points:
            errors[f"c{criterion.pk}"] = _("“%(i)s”得分须在0到%(p)s之间。") % {"i": criterion.item, "p": criterion.points}
    if data["evaluated_on"] > timezone.localdate():
        errors["evaluated_on"] = _("评估日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        evaluation = Evaluation.objects.create(project=project, kind=kind, sheet=sheet, recorded_by=actor, **data)
        Score.objects.bulk_create([Score(evaluation=evaluation, criterion=c, score=scores[c.pk]) for c in criteria])
        Rectification.objects.bulk_create([Rectification(evaluation=evaluation, item=item[:200], due_on=due)
                                           for item, due in rectifications])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=project,
                     object_type="projects.evaluation", detail={"kind": kind, "total": str(total_of(evaluation))})
    return evaluation


def total_of(evaluation: Evaluation) -> Decimal:
    return sum((s.score for s in evaluation.scores.all()), Decimal(0))


def grade_of(evaluation: Evaluation) -> str:
    """优秀 / 良好 / 合格 / 不合格 on the share of the sheet's points."""
    full = sum((c.points for c in evaluation.sheet.criteria.all()), Decimal(0))
    share = 100 * total_of(evaluation) / full if full else 0
    return _("优秀") if share >= 90 else _("良好") if share >= 80 else _("合格") if share >= 60 else _("不合格")


def rectification_done(*, actor, item: Rectification, result: str, request=None) -> Rectification:
    project = item.evaluation.project
    _serves(actor, project)
    _open(project)
    if not result.strip():
        raise ValidationError({"result": _("请填写整改情况。")})
    item.done_on, item.result = timezone.localdate(), result.strip()[:200]
    item.save(update_fields=["done_on", "result"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                 detail={"rectification": item.pk})
    return item


def budget_line_add(*, actor, project: ServiceProject, data: dict, request=None) -> BudgetLine:
    _serves(actor, project)
    _open(project)
    planned = sum((line.amount for line in project.budget_lines.all()), Decimal(0))
    if planned + data["amount"] > project.budget:
        raise ValidationError({"amount": _("各科目合计不能超过项目预算（尚可分配 %(n)s 元）。") % {
            "n": project.budget - planned}})
    line = BudgetLine.objects.create(project=project, **data)
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project, detail={"budget_line": line.pk})
    return line


def expenditure_add(*, actor, line: BudgetLine, data: dict, files=(), request=None) -> Expenditure:
    """Spending on a budget line, never beyond what the line has left (the line is locked while
    it is counted, so two bookings at once cannot both overspend)."""
    project = line.project
    _serves(actor, project)
    _open(project)
    if data["spent_on"] > timezone.localdate():
        raise ValidationError({"spent_on": _("支出日期不能晚于今天。")})
    with transaction.atomic():
        BudgetLine.objects.select_for_update().get(pk=line.pk)
        left = line.amount - line_spent(line)
        if data["amount"] > left:
            raise ValidationError({"amount": _("超出该科目预算：尚余 %(n)s 元。") % {"n": left}})
        spending = Expenditure.objects.create(line=line, by=actor, **data)
        attach(record=project, station=project.stations.first(), prepared=files, actor=actor, request=request)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                     detail={"expenditure": spending.pk, "amount": str(spending.amount)})
    return spending
