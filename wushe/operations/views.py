"""Pages of a station's work plans and rules."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.core.access import requires
from wushe.core.selectors import station_list
from wushe.core.views import form_step, parse_pk, record_form
from wushe.operations import selectors, services
from wushe.operations.forms import DocumentForm, DoneForm, PlanForm, TaskForm, VersionForm
from wushe.operations.models import Plan, Task


def _stations(user):
    return station_list(user=user, action=Action.STATION_PLAN).exclude(status="closed")


@requires(Action.STATION_PLAN)
def plan_list(request):
    qs = selectors.plan_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Plan.Kind.values:
        qs = qs.filter(kind=kind)
    return render(request, "operations/plan_list.html", {
        "page": Paginator(qs, 25).get_page(request.GET.get("page")), "kind": kind, "kinds": Plan.Kind.choices,
        "overdue": Task.objects.filter(plan__in=selectors.plan_list(user=request.user), done_on__isnull=True,
                                       due_on__lt=timezone.localdate()).select_related("plan")[:50]})


def _plan_form(request, plan=None):
    form = PlanForm(request.POST or None, instance=plan, stations=_stations(request.user))
    return record_form(
        request, form=form, title=_("工作计划"), done=_("计划已保存。"),
        save=lambda f: services.plan_save(
            actor=request.user, station=plan.station if plan else f.cleaned_data["station"], plan=plan, request=request,
            data={k: v for k, v in f.cleaned_data.items() if k != "station"}),
        cancel_url=plan.get_absolute_url() if plan else reverse("operations:plans"))


@requires(Action.STATION_PLAN)
def plan_new(request):
    return _plan_form(request)


@requires(Action.STATION_PLAN)
def plan_edit(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return _plan_form(request, Plan.objects.get(pk=plan.pk))


@requires(Action.STATION_PLAN)
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "operations/plan_detail.html", {
        "plan": plan, "tasks": plan.tasks.all(), "task_form": TaskForm(),
        "rate": round(100 * plan.done / plan.total) if plan.total else None})


@requires(Action.STATION_PLAN)
def task_add(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return form_step(request, obj=plan, form=TaskForm(request.POST or None),
                     save=lambda f: services.task_add(actor=request.user, plan=plan, data=f.cleaned_data,
                                                      request=request),
                     done=_("任务已添加。"), title=_("添加任务"), subtitle=plan.title)


@requires(Action.STATION_PLAN)
def task_done(request, pk, task_pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    return form_step(request, obj=plan, form=DoneForm(request.POST or None),
                     save=lambda f: services.task_done(actor=request.user, task=task, request=request,
                                                       result=f.cleaned_data["result"]),
                     done=_("任务已完成。"), title=_("完成任务"), subtitle=task.what)


@requires(Action.STATION_PLAN)
def document_list(request):
    return render(request, "operations/document_list.html", {
        "documents": selectors.document_list(user=request.user).order_by("station__name", "kind", "title")})


@requires(Action.STATION_PLAN)
def document_new(request):
    form = DocumentForm(request.POST or None, stations=_stations(request.user),
                        initial={"effective_on": timezone.localdate()})
    return record_form(
        request, form=form, title=_("新建站点制度"), done=_("制度已发布。"), cancel_url=reverse("operations:documents"),
        save=lambda f: services.document_create(actor=request.user, request=request, **f.cleaned_data))


@requires(Action.STATION_PLAN)
def document_detail(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    versions = list(document.versions.select_related("by"))
    shown = next((v for v in versions if v.number == parse_pk(request.GET.get("v"))), versions[0] if versions else None)
    return render(request, "operations/document_detail.html", {
        "document": document, "versions": versions, "shown": shown})


@requires(Action.STATION_PLAN)
def version_new(request, pk):
    document = selectors.document_get(user=request.user, pk=pk)
    current = document.versions.first()
    form = VersionForm(request.POST or None, initial={"text": current.text if current else "",
                                                      "effective_on": timezone.localdate()})
    return form_step(request, obj=document, form=form,
                     save=lambda f: services.version_add(actor=request.user, document=document, request=request,
                                                         **f.cleaned_data),
                     done=_("已发布新版本，旧版本保留。"), title=_("修订制度"), subtitle=document.title)


