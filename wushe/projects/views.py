"""Pages of service projects: list, set-up, lifecycle, progress on indicators with the records
behind each number, linked records, budget and spending, evaluations and scoring sheets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import may, prefixes_for
from wushe.core.access import requires
from wushe.core.attachments import attachments_of
from wushe.core.divisions import Level, within_any
from wushe.core.models import Division
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, form_step, parse_pk, record_form
from wushe.projects import indicators, selectors, services
from wushe.projects.forms import (
    AdvanceForm,
    BudgetLineForm,
    EvaluationForm,
    ExpenditureForm,
    ProjectForm,
    RectificationForm,
    SheetForm,
    TargetForm,
)
from wushe.projects.models import Link, Rectification, ScoringSheet, ServiceProject


def _error(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _funded(request, pk) -> ServiceProject:
    """A project the user may see (else 404) and buys (else 403: the contractor's staff do not
    set up or evaluate their own project)."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.funder_side(request.user, project):
        raise PermissionDenied
    return project


@requires(Action.PROJECT_MANAGE)
def project_list(request):
    qs = selectors.project_list(user=request.user)
    q = request.GET.get("q", "").strip().replace("\x00", "")
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(funder__contains=q) | Q(contractor__name__contains=q))
    kind, stage = request.GET.get("kind", ""), request.GET.get("stage", "")
    if kind in ServiceProject.Kind.values:
        qs = qs.filter(kind=kind)
    if stage in ServiceProject.Stage.values:
        qs = qs.filter(stage=stage)
    return render(request, "projects/project_list.html", {
        "page": Paginator(qs.order_by("-starts_on", "-id"), 25).get_page(request.GET.get("page")), "q": q,
        "kind": kind, "stage": stage, "kinds": ServiceProject.Kind.choices, "stages": ServiceProject.Stage.choices,
        "can_fund": may(request.user, Action.PROJECT_FUND)})


def _project_form(request, project=None):
    prefixes = prefixes_for(request.user, Action.PROJECT_FUND)
    divisions = Division.objects.filter(within_any("code", prefixes), level__lte=Level.TOWN).order_by("code")
    form = ProjectForm(request.POST or None, instance=project, divisions=divisions,
                       stations=station_list(user=request.user, action=Action.PROJECT_FUND).exclude(status="closed"))
    return record_form(
        request, form=form, title=_("服务项目"), done=_("项目已保存。"),
        save=lambda f: services.project_save(
            actor=request.user, data={k: v for k, v in f.cleaned_data.items() if k != "stations"},
            stations=f.cleaned_data["stations"], project=project, request=request),
        cancel_url=project.get_absolute_url() if project else reverse("projects:projects"))


@requires(Action.PROJECT_FUND)
def project_new(request):
    return _project_form(request)


@requires(Action.PROJECT_MANAGE)
def project_edit(request, pk):
    project = _funded(request, pk)
    return _project_form(request, ServiceProject.objects.get(pk=project.pk))


@requires(Action.PROJECT_MANAGE)
def project_detail(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    order = ServiceProject.ORDER
    following = (order[order.index(project.stage) + 1] if project.stage in order and project.stage != order[-1]
                 else None)
    return render(request, "projects/project_detail.html", {
        "project": project, "funder": selectors.funder_side(request.user, project),
        "next_stage": ServiceProject.Stage(following) if following else None,
        "progress": selectors.progress(project), "target_form": TargetForm(),
        "linked": selectors.linked_count(project), "budget": selectors.budget(project),
        "line_form": BudgetLineForm(), "evaluations": project.evaluations.prefetch_related(
            "scores__criterion", "rectifications").select_related("sheet"),
        "grades": {e.pk: (services.total_of(e), services.grade_of(e)) for e in project.evaluations.all()},
        "files": attachments_of(project), "stations": project.stations.all()})


@requires(Action.PROJECT_MANAGE)
@require_POST
def project_advance(request, pk):
    project = _funded(request, pk)
    form = AdvanceForm(request.POST)
    try:
        services.project_advance(actor=request.user, project=project, to=request.POST.get("to", ""),
                                 note=form.cleaned_data["note"] if form.is_valid() else "", request=request)
        messages.success(request, _("项目进入“%(s)s”。") % {"s": project.get_stage_display()})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(project)


@requires(Action.PROJECT_MANAGE)
@require_POST
def target_set(request, pk):
    project = _funded(request, pk)
    form = TargetForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择指标并填写目标值。"))
        services.target_set(actor=request.user, project=project, request=request, **form.cleaned_data)
        messages.success(request, _("产出指标已保存。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(f"{project.get_absolute_url()}#progress")


@requires(Action.PROJECT_MANAGE)
def indicator_records(request, pk, key):
    """The records behind one number of the project's progress."""
    project = selectors.project_get(user=request.user, pk=pk)
    indicator = indicators.INDICATORS.get(key)
    if indicator is None:
        raise Http404
    records = indicator.records(selectors.sources(project, indicator.source), project.starts_on, project.ends_on)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "projects/indicator_records.html", {
        "project": project, "indicator": indicator, "value": indicator.measure(records), "page": page,
        "rows": indicators.rows(indicator, page.object_list, request.user)})


@requires(Action.PROJECT_MANAGE)
def links(request, pk):
    """Which records of its stations count for the project (linked, and those that could be)."""
    project = selectors.project_get(user=request.user, pk=pk)
    kind = request.GET.get("kind") or "activity"
    if kind not in indicators.SOURCES:
        raise Http404
    linked = selectors.sources(project, kind)
    return render(request, "projects/links.html", {
        "project": project, "kind": kind, "kinds": Link.Kind.choices, "linked": linked[:200],
        "linked_count": linked.count(), "may_link": may(request.user, selectors.LINK_ACTIONS[kind]),
        "candidates": selectors.candidates(user=request.user, project=project, kind=kind)[:200]})


@requires(Action.PROJECT_MANAGE)
@require_POST
def link_change(request, pk):
    """Link a record, all candidates, or unlink one: for those who manage records of that kind."""
    project = selectors.project_get(user=request.user, pk=pk)
    kind, action = request.POST.get("kind", ""), request.POST.get("action")
    if kind not in indicators.SOURCES:
        raise Http404
    if not may(request.user, selectors.LINK_ACTIONS[kind]):
        raise PermissionDenied
    try:
        if action == "all":
            n = services.link_all(actor=request.user, project=project, kind=kind, request=request,
                                  records=selectors.candidates(user=request.user, project=project, kind=kind))
            messages.success(request, _("已关联 %(n)s 条记录。") % {"n": n})
        else:
            record = get_object_or_404(indicators.SOURCES[kind], pk=parse_pk(request.POST.get("record")) or 0)
            services.link(actor=request.user, project=project, kind=kind, record=record, linked=action != "unlink",
                          request=request)
            messages.success(request, _("已取消关联。") if action == "unlink" else _("已关联。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(f"{reverse('projects:links', args=[project.pk])}?kind={kind}")


@requires(Action.PROJECT_MANAGE)
@require_POST
def budget_line_add(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = BudgetLineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.budget_line_add(actor=request.user, project=project, data=form.cleaned_data, request=request)
        messages.success(request, _("预算科目已添加。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(f"{project.get_absolute_url()}#budget")


@requires(Action.PROJECT_MANAGE)
def expenditure_add(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = ExpenditureForm(request.POST or None, request.FILES or None, lines=project.budget_lines.all())

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k not in ("line", "files")}
        services.expenditure_add(actor=request.user, line=f.cleaned_data["line"], data=data,
                                 files=f.cleaned_data["files"], request=request)

    return form_step(request, obj=project, form=form, save=save, done=_("支出已登记。"), title=_("登记支出"),
                     subtitle=project.title)


@requires(Action.PROJECT_MANAGE)
def evaluation_new(request, pk):
    project = _funded(request, pk)
    sheet = ScoringSheet.objects.filter(pk=parse_pk(request.POST.get("sheet") or request.GET.get("sheet")) or 0).first() \
        or ScoringSheet.objects.first()
    kind = "final" if project.stage == ServiceProject.Stage.FINAL else "midterm"
    form = EvaluationForm(request.POST or None, sheet=sheet, initial={"sheet": sheet, "kind": kind})

    def save(f):
        data = {k: f.cleaned_data[k] for k in ("evaluator", "evaluated_on", "findings")}
        services.evaluation_record(actor=request.user, project=project, kind=f.cleaned_data["kind"],
                                   sheet=f.cleaned_data["sheet"], data=data, scores=f.scores(),
                                   rectifications=f.cleaned_data["rectifications"], request=request)

    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("评估已记录。"))
            return redirect(project)
    return render(request, "projects/evaluation_form.html", {
        "project": project, "form": form, "sheet": sheet, "sheets": ScoringSheet.objects.all()})


@requires(Action.PROJECT_MANAGE)
def rectification_done(request, pk):
    item = get_object_or_404(Rectification.objects.select_related("evaluation__project"), pk=pk)
    project = selectors.project_get(user=request.user, pk=item.evaluation.project_id)
    return form_step(request, obj=project, form=RectificationForm(request.POST or None),
                     save=lambda f: services.rectification_done(actor=request.user, item=item, request=request,
                                                                result=f.cleaned_data["result"]),
                     done=_("整改事项已完成。"), title=_("完成整改"), subtitle=item.item)


@requires(Action.PROJECT_MANAGE)
def sheet_list(request):
    return render(request, "projects/sheet_list.html", {
        "sheets": ScoringSheet.objects.prefetch_related("criteria")})


@requires(Action.PROJECT_MANAGE)
def sheet_new(request):
    form = SheetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("lines" if "行" in message or "评估内容" in message else "name", message)
        else:
            messages.success(request, _("评估指标体系已保存。"))
            return redirect("projects:sheets")
    return render(request, "core/form_page.html", {"form": form, "title": _("新建评估指标体系"),
                                                   "cancel_url": reverse("projects:sheets")})
