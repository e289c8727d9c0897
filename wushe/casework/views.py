"""Pages of case work: work lists, intake, the case file with one small form per step."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action, Role
from wushe.casework import access, selectors, services
from wushe.casework.forms import (
    AcceptForm,
    AssessmentForm,
    CloseForm,
    DecisionForm,
    DeclineForm,
    EvaluationForm,
    FollowUpForm,
    GrantForm,
    IntakeForm,
    PlanForm,
    PolicyForm,
    SessionForm,
    TaskForm,
)
from wushe.casework.models import Approval, Case, FollowUp, Task
from wushe.casework.record_forms import BLANK_FORMS, FORMS
from wushe.core.access import requires
from wushe.core.views import form_errors_from, form_step, parse_pk
from wushe.people import selectors as people_selectors

TABS = {"mine": gettext_lazy("我的个案"), "approvals": gettext_lazy("待我审批"), "tasks": gettext_lazy("到期任务"),
        "followups": gettext_lazy("到期回访"), "supervised": gettext_lazy("我督导的"), "station": gettext_lazy("全站个案")}


@requires(Action.CASE_WORK)
def case_list(request):
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "mine"
    mine = selectors.my_cases(user=user)
    counts = selectors.stage_counts(mine)
    context = {"tab": tab, "tabs": TABS, "stages": Case.Stage.choices, "today": timezone.localdate(),
               "stage_cards": [(v, label, counts.get(v, 0)) for v, label in Case.Stage.choices],
               "approvals": list(selectors.waiting_for(user=user)), "tasks": list(selectors.tasks_due(user=user)),
               "followups": list(selectors.follow_ups_due(user=user)),
               "blank_forms": [(code, name) for code, (name, _build) in BLANK_FORMS.items()],
               "incoming": selectors.referrals_waiting(user=user)}
    if tab in ("mine", "supervised", "station"):
        qs = {"mine": mine, "supervised": selectors.case_list(user=user).filter(supervisor=user),
              "station": selectors.case_list(user=user)}[tab]
        stage = request.GET.get("stage", "")
        if stage in Case.Stage.values:
            qs = qs.filter(stage=stage)
        query = request.GET.get("q", "").strip()
        if query:
            # A sensitive case is found by its number only, outside its team.
            qs = qs.filter(Q(number__icontains=query) | (Q(resident__name__contains=query) & (
                Q(sensitive=False) | Q(lead=user) | Q(team=user)))).distinct()
        page = Paginator(qs.order_by("-opened_on", "-id"), 25).get_page(request.GET.get("page"))
        context.update(page=page, stage=stage, query=query,
                       rows=[(c, access.client_label(user, c), access.may_read(user, c)) for c in page.object_list])
    return render(request, "casework/case_list.html", context)


@requires(Action.CASE_WORK)
def case_new(request):
    """Intake: find the resident first (a station may hold 10,000 people), then the form."""
    user = request.user
    residents = people_selectors.resident_list(user=user)
    picker = people_selectors.resident_picker(residents=residents, request=request)
    resident = picker.chosen
    referral_pk = request.POST.get("referral") or request.GET.get("referral") or ""
    referral = selectors.referral_get(user=user, pk=parse_pk(referral_pk)) if parse_pk(referral_pk) else None
    if referral is not None and resident is None:
        # A referred client's file is shared with this station, not in its scope.
        resident = people_selectors.resident_get_for_reading(user=user, pk=referral.resident_id)[0]
    form = None
    if resident is not None:
        station = services.opening_station(user, resident)  # the station that takes the case
        form = IntakeForm(request.POST or None, needs=selectors.open_needs(resident=resident),
                          colleagues=selectors.station_users(station=station, roles=[Role.WORKER, Role.HEAD])
                          .exclude(pk=user.pk),
                          supervisors=selectors.station_users(station=station, roles=[Role.SUPERVISOR])
                          .exclude(pk=user.pk))
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("needs", "team")}
            try:
                case = services.case_open(actor=user, resident=resident, data=data,
                                          needs=form.cleaned_data["needs"], team=form.cleaned_data["team"],
                                          referral=referral, request=request)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("已登记个案 %(n)s。") % {"n": case.number})
                return redirect(case)
    picker.chosen = resident  # a referred client, shared rather than in scope
    return render(request, "casework/case_new.html", {"resident": resident, "picker": picker, "form": form,
                                                      "referral": referral})


@requires(Action.CASE_WORK)
def case_detail(request, pk):
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    if not access.may_read(user, case):
        # Colleagues see that the case exists and who holds it: nothing of its content.
        return render(request, "casework/case_closed_file.html", {"case": case,
                                                                   "client": access.client_label(user, case)})
    services.case_opened(actor=user, case=case, request=request)
    plan = case.current_plan()
    return render(request, "casework/case_detail.html", {
        "case": case, "plan": plan, "plans": case.plans.prefetch_related("goals"),
        "assessments": case.assessments.select_related("author"),
        "sessions": case.sessions.select_related("worker"), "tasks": case.tasks.select_related("owner"),
        "evaluations": case.evaluations.prefetch_related("ratings__goal"),
        "approvals": case.approvals.select_related("submitted_by", "decided_by"),
        "pending": case.pending_approval(), "follow_ups": case.follow_ups.all(),
        "team": case.team.all(), "grants": case.grants.select_related("user"),
        "needs": case.needs.all(), "stage_order": Case.ORDER,
        "may_work": access.may_work(user, case), "may_approve": access.may_approve(user, case),
        "may_grant": user.pk == case.lead_id or access.may_approve(user, case),
        "totals": selectors.case_totals(Case.objects.filter(pk=case.pk)),
        **_progress(case),
    })


NEXT_LABELS = {
    Case.Stage.ASSESSMENT: (gettext_lazy("完成预估，进入计划"), gettext_lazy("提交预估审批")),
    Case.Stage.PLANNING: (gettext_lazy("开始介入"), gettext_lazy("提交服务计划审批")),
    Case.Stage.INTERVENTION: (gettext_lazy("介入完成，进入评估"), gettext_lazy("介入完成，进入评估")),
}


def _progress(case) -> dict:
    """Where the case stands: the stage trail, what the next button says, who it waits for."""
    order = [s for s in Case.ORDER]
    done = order[:order.index(case.stage)] if case.stage in order else order[:1]
    policy = services.policy_for(case.station)
    step = services.STEP_OF.get(case.stage)
    labels = NEXT_LABELS.get(case.stage)
    latest = case.approvals.select_related("decided_by").first()
    return {
        "stage_steps": [(s, Case.Stage(s).label) for s in order], "done_stages": done,
        "forms": [(code, name) for code, (name, _build) in FORMS.items()],
        "next_label": labels and labels[1 if step and policy.requires(step) else 0],
        "waiting_on": str(case.supervisor) if case.supervisor_id else _("站长"),
        "returned": latest if latest and latest.status == Approval.Status.RETURNED else None,
    }


def _step(request, pk, *, title, form, save, done):
    """One step of a case: a small form, the service that checks and saves it, back to the file."""
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    return form_step(request, obj=case, form=form(case, request.POST or None), save=lambda f: save(case, f),
                     done=done, title=title, subtitle=f"{case.number} · {case.resident.name}")


@requires(Action.CASE_WORK)
def case_accept(request, pk):
    return _step(request, pk, title=_("受理个案"), done=_("已受理，进入预估阶段。"),
                 form=lambda case, data: AcceptForm(data),
                 save=lambda case, f: services.case_accept(actor=request.user, case=case, request=request,
                                                           **f.cleaned_data))


@requires(Action.CASE_WORK)
def case_decline(request, pk):
    return _step(request, pk, title=_("不予接案"), done=_("已记录不予接案。"),
                 form=lambda case, data: DeclineForm(data),
                 save=lambda case, f: services.case_decline(actor=request.user, case=case, request=request,
                                                            reason=f.cleaned_data["decline_reason"]))


@requires(Action.CASE_WORK)
def assessment_new(request, pk):
    return _step(request, pk, title=_("预估"), done=_("预估已保存。"),
                 form=lambda case, data: AssessmentForm(data),
                 save=lambda case, f: services.assessment_add(actor=request.user, case=case, request=request,
                                                              data=f.cleaned_data))


def _plan_form(case, data):
    plan = case.current_plan()
    initial = {}
    if plan is not None:
        initial = {"aim": plan.aim, "sessions_planned": plan.sessions_planned,
                   "goals": "\n".join(f"{g.text} | {g.indicator}" for g in plan.goals.all())}
    return PlanForm(data, initial=initial)


@requires(Action.CASE_WORK)
def plan_edit(request, pk):
    return _step(request, pk, title=_("服务计划"), done=_("服务计划已保存。"), form=_plan_form,
                 save=lambda case, f: services.plan_save(actor=request.user, case=case, request=request,
                                                         **f.cleaned_data))


@requires(Action.CASE_WORK)
def task_new(request, pk):
    def form(case, data):
        return TaskForm(data, owners=selectors.case_team(case=case))

    return _step(request, pk, title=_("添加任务"), done=_("任务已添加。"), form=form,
                 save=lambda case, f: services.task_add(actor=request.user, case=case, request=request,
                                                        data=f.cleaned_data))


@requires(Action.CASE_WORK)
@require_POST
def task_done(request, pk, task_pk):
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    task = get_object_or_404(Task, pk=task_pk, case=case)
    services.task_done(actor=request.user, task=task, request=request)
    messages.success(request, _("任务已完成。"))
    return redirect(case)


@requires(Action.CASE_WORK)
def session_new(request, pk):
    return _step(request, pk, title=_("介入服务记录"), done=_("服务记录已保存。"),
                 form=lambda case, data: SessionForm(data),
                 save=lambda case, f: services.session_record(actor=request.user, case=case, request=request,
                                                              data=f.cleaned_data))


@requires(Action.CASE_WORK)
def evaluation_new(request, pk):
    def form(case, data):
        plan = case.current_plan()
        return EvaluationForm(data, goals=plan.goals.all() if plan else [])

    return _step(request, pk, title=_("评估"), done=_("评估已保存。"), form=form,
                 save=lambda case, f: services.evaluation_record(actor=request.user, case=case, request=request,
                                                                 data=f.record_data(), ratings=f.ratings()))


@requires(Action.CASE_WORK)
def case_close(request, pk):
    return _step(request, pk, title=_("结案"), done=_("结案已提交。"),
                 form=lambda case, data: CloseForm(data),
                 save=lambda case, f: services.case_close(actor=request.user, case=case, request=request,
                                                          reason=f.cleaned_data["closure_reason"],
                                                          summary=f.cleaned_data["closure_summary"]))


@requires(Action.CASE_WORK)
@require_POST
def case_advance(request, pk):
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    try:
        services.case_advance(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if case.pending_approval():
            messages.success(request, _("已提交审批。"))
        else:
            messages.success(request, _("已进入“%(s)s”阶段。") % {"s": case.get_stage_display()})
    return redirect(case)


@requires(Action.CASE_WORK)
def approval_decide(request, pk, approval_pk):
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    approval = get_object_or_404(Approval, pk=approval_pk, case=case)
    if not access.may_approve(request.user, case):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            services.approval_decide(actor=request.user, approval=approval, approve=approve,
                                     comment=form.cleaned_data["comment"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已通过。") if approve else _("已退回。"))
            return redirect(case)
    return render(request, "casework/decide.html", {"case": case, "approval": approval, "form": form})


@requires(Action.CASE_WORK)
def follow_up_record(request, pk, follow_up_pk):
    def form(case, data):
        form.follow_up = get_object_or_404(FollowUp, pk=follow_up_pk, case=case)
        return FollowUpForm(data, instance=form.follow_up)

    return _step(request, pk, title=_("跟进回访"), done=_("回访已记录。"), form=form,
                 save=lambda case, f: services.follow_up_record(actor=request.user, follow_up=form.follow_up,
                                                                request=request, **f.cleaned_data))


@requires(Action.CASE_WORK)
def grant_new(request, pk):
    def form(case, data):
        users = selectors.station_users(station=case.station, roles=[Role.WORKER, Role.HEAD, Role.SUPERVISOR])
        return GrantForm(data, users=users.exclude(pk=case.lead_id))

    return _step(request, pk, title=_("授权查看"), done=_("已授权。"), form=form,
                 save=lambda case, f: services.grant_read(actor=request.user, case=case, request=request,
                                                          **f.cleaned_data))


@requires(Action.STATION_EDIT)
def policy_edit(request, station_pk):
    """The station's managers (站长, or the street above) set which steps need approval."""
    from wushe.core.selectors import station_get

    station = station_get(user=request.user, pk=station_pk, action=Action.STATION_EDIT)
    policy = services.policy_for(station)
    form = PolicyForm(request.POST or None, initial={f: getattr(policy, f) for f in PolicyForm.base_fields})
    if request.method == "POST" and form.is_valid():
        services.policy_save(actor=request.user, policy=policy, data=form.cleaned_data, request=request)
        messages.success(request, _("审批设置已保存。"))
        return redirect(station)
    return render(request, "core/form_page.html", {"form": form, "title": _("个案审批设置"), "subtitle": station.name,
                                                   "cancel_url": station.get_absolute_url()})
