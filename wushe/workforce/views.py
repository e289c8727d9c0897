"""Pages of the workforce: worker profiles (qualifications, exams, grade, continuing
education, subsidy), training courses with sessions and attendance, staffing and training
compliance per station, and the standards behind them. ``/workforce/me/`` is a worker's
own profile, open to whoever it belongs to."""

import datetime
from itertools import zip_longest

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import may
from wushe.core import audit
from wushe.core.access import requires, signed_in
from wushe.core.divisions import Level
from wushe.core.exports import audited_xlsx
from wushe.core.models import AuditEntry, Station
from wushe.core.pii import hash_lookup
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, form_step, parse_pk
from wushe.workforce import selectors, services
from wushe.workforce.forms import (
    ExamForm,
    LadderForm,
    LeaveForm,
    PolicyForm,
    QualificationEndForm,
    QualificationForm,
    SessionForm,
    StaffingRuleForm,
    TrainingForm,
    TrainingRuleForm,
    WorkerForm,
)
from wushe.workforce.models import Attendance, Exam, Training, Worker
from wushe.workforce.models import Level as QLevel

WF = Action.WORKFORCE_MANAGE


def _error(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _stations(user):
    return station_list(user=user, action=WF).exclude(status=Station.Status.CLOSED).order_by("division_id", "name")


# --- workers ------------------------------------------------------------------------------------

def _filtered_workers(request):
    everyone = selectors.worker_list(user=request.user)
    qs = everyone
    params = {"q": request.GET.get("q", "").strip().replace("\x00", "")[:40]}
    if params["q"]:
        match = Q(name__contains=params["q"])
        try:
            match |= Q(mobile_hash=hash_lookup("mobile", params["q"]))
        except ValidationError:
            pass
        qs = qs.filter(match)
    params["station"] = parse_pk(request.GET.get("station"))
    if params["station"]:
        qs = qs.filter(station_id=params["station"])
    params["post"] = request.GET.get("post", "")
    if params["post"] in Worker.Post.values:
        qs = qs.filter(post=params["post"])
    params["level"] = parse_pk(request.GET.get("level"))
    if params["level"] in QLevel.values:
        qs = qs.filter(top_level=params["level"])
    params["certified"] = request.GET.get("certified", "")
    if params["certified"] == "yes":
        qs = qs.filter(top_level__isnull=False)
    elif params["certified"] == "no":
        qs = qs.filter(top_level__isnull=True)
    params["status"] = request.GET.get("status", "active")
    if params["status"] in Worker.Status.values:
        qs = qs.filter(status=params["status"])
    return everyone, qs.order_by("station__division_id", "station__name", "name", "id"), params


@requires(WF)
def worker_list(request):
    everyone, qs, params = _filtered_workers(request)
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"社工人才队伍-{timezone.localdate():%Y%m%d}.xlsx", title=_("社工人才队伍"),
            headers=[_("姓名"), _("服务站点"), _("聘用机构"), _("岗位类型"), _("职级"), _("学历"), _("所学专业"),
                     _("最高职业资格"), _("手机号"), _("本年继续教育学时"), _("入职日期"), _("状态")],
            rows=([w.name, w.station.name, w.agency.name if w.agency_id else "", w.get_post_display(),
                   str(w.grade) if w.grade_id else "", w.get_education_display(), w.major,
                   QLevel(w.top_level).label if w.top_level else _("未持证"), w.mobile_masked,
                   float(w.hours_year), w.joined_on, w.get_status_display()] for w in qs.iterator()),
            count=qs.count(), object_type="workforce.worker",
            query="&".join(f"{k}={v}" for k, v in params.items() if v))
    return render(request, "workforce/worker_list.html", {
        "page": Paginator(qs, 25).get_page(request.GET.get("page")), **params,
        "stations": _stations(request.user), "posts": Worker.Post.choices, "levels": QLevel.choices,
        "statuses": Worker.Status.choices, "totals": selectors.qualification_totals(everyone)})


def _worker_form(request, worker=None):
    station = worker.station if worker else None
    form = WorkerForm(request.POST or None, instance=worker, stations=_stations(request.user),
                      grades=selectors.grades_for(user=request.user, station=station))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.worker_save(actor=request.user, data=form.service_data(), worker=worker,
                                         request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("社工档案已保存。"))
            return redirect(saved)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("编辑社工档案") if worker else _("新建社工档案"),
        "subtitle": worker.name if worker else "",
        "cancel_url": worker.get_absolute_url() if worker else reverse("workforce:workers")})


@requires(WF)
def worker_new(request):
    return _worker_form(request)


@requires(WF)
def worker_edit(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    # The form changes its instance while validating; a fresh copy stays what was saved.
    return _worker_form(request, Worker.objects.select_related("station", "user").get(pk=worker.pk))


def _profile_context(worker):
    policy = selectors.policy_for(worker.station)
    return {
        "worker": worker, "top": selectors.highest_qualification(worker),
        "qualifications": worker.qualifications.all(), "exams": worker.exams.all(),
        "education": selectors.education_of(worker, policy=policy),
        "subsidy": selectors.subsidy_of(worker, policy=policy),
        "attendance": selectors.attendance_of(worker)[:50],
    }


@requires(WF)
def worker_detail(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=worker)
    return render(request, "workforce/worker_detail.html", {**_profile_context(worker), "manage": True,
                                                            "leave_form": LeaveForm()})


@requires(WF)
@require_POST
def worker_leave(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    form = LeaveForm(request.POST)
    status = request.POST.get("status", "")
    try:
        if not form.is_valid():
            raise ValidationError(_("离岗日期格式不正确。"))
        services.worker_set_status(actor=request.user, worker=worker, status=status,
                                   left_on=form.cleaned_data.get("left_on"), request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已标记离岗，档案、证书与学时保留。") if status == Worker.Status.LEFT
                         else _("已恢复在岗。"))
    return redirect(worker)


@signed_in
def me(request):
    """我的社工档案: the signed-in worker's own profile, read-only."""
    worker = selectors.my_worker(user=request.user)
    context = _profile_context(worker) if worker else {"worker": None}
    return render(request, "workforce/me.html", {**context, "manage": False})


@requires(WF)
def qualification_add(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    return form_step(request, obj=worker, form=QualificationForm(request.POST or None),
                     save=lambda f: services.qualification_add(actor=request.user, worker=worker,
                                                               data=f.cleaned_data, request=request),
                     done=_("职业资格已登记。"), title=_("登记职业资格"), subtitle=worker.name)


@requires(WF)
def qualification_end(request, pk):
    qualification = selectors.qualification_get(user=request.user, pk=pk)
    worker = qualification.worker
    return form_step(request, obj=worker, form=QualificationEndForm(request.POST or None, initial={
        "ended_on": timezone.localdate()}),
        save=lambda f: services.qualification_end(actor=request.user, qualification=qualification,
                                                  request=request, **f.cleaned_data),
        done=_("已登记证书失效，记录保留。"), title=_("证书失效"), subtitle=f"{worker.name} · {qualification}")


@requires(WF)
def exam_add(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    return form_step(request, obj=worker, form=ExamForm(request.POST or None),
                     save=lambda f: services.exam_save(actor=request.user, worker=worker, data=f.cleaned_data,
                                                       request=request),
                     done=_("考试报名已登记。"), title=_("登记考试报名"), subtitle=worker.name)


@requires(WF)
def exam_edit(request, pk):
    exam = selectors.exam_get(user=request.user, pk=pk)
    worker = exam.worker
    return form_step(request, obj=worker, form=ExamForm(request.POST or None, instance=Exam.objects.get(pk=exam.pk)),
                     save=lambda f: services.exam_save(actor=request.user, worker=worker, exam=exam,
                                                       data=f.cleaned_data, request=request),
                     done=_("考试成绩已保存。"), title=_("登记考试成绩"), subtitle=f"{worker.name} · {exam}")


# --- training -----------------------------------------------------------------------------------

@requires(WF)
def training_list(request):
    qs = selectors.training_list(user=request.user)
    q = request.GET.get("q", "").strip().replace("\x00", "")[:60]
    if q:
        qs = qs.filter(title__contains=q)
    kind = request.GET.get("kind", "")
    if kind in Training.Kind.values:
        qs = qs.filter(kind=kind)
    return render(request, "workforce/training_list.html", {
        "page": Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page")),
        "q": q, "kind": kind, "kinds": Training.Kind.choices})


def _training_form(request, training=None):
    form = TrainingForm(request.POST or None, instance=training, stations=_stations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.training_save(actor=request.user, data=form.cleaned_data, training=training,
                                           request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("培训已保存，请添加课次。") if training is None else _("培训已保存。"))
            return redirect(saved)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("编辑培训") if training else _("新建培训"),
        "cancel_url": training.get_absolute_url() if training else reverse("workforce:trainings")})


@requires(WF)
def training_new(request):
    return _training_form(request)


@requires(WF)
def training_edit(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    return _training_form(request, Training.objects.get(pk=training.pk))


@requires(WF)
def training_detail(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    return render(request, "workforce/training_detail.html", {
        "training": training, "sessions": selectors.sessions_of(training),
        "people": selectors.people_trained(training)})


@requires(WF)
def session_new(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    return form_step(request, obj=training, form=SessionForm(request.POST or None, initial={
        "held_on": timezone.localdate()}),
        save=lambda f: services.session_save(actor=request.user, training=training, data=f.cleaned_data,
                                             request=request),
        done=_("课次已添加。"), title=_("添加课次"), subtitle=training.title)


@requires(WF)
def session_edit(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    from wushe.workforce.models import TrainingSession

    form = SessionForm(request.POST or None, instance=TrainingSession.objects.get(pk=session.pk))
    return form_step(request, obj=session, form=form,
                     save=lambda f: services.session_save(actor=request.user, training=session.training,
                                                          session=session, data=f.cleaned_data, request=request),
                     done=_("课次已保存。"), title=_("编辑课次"), subtitle=str(session))


@requires(WF)
def session_detail(request, pk):
    """A session's roll: mark workers of the course's stations present, add people by name
    (organization, project and resident trainings), take a mark back."""
    session = selectors.session_get(user=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "remove":
                attendance = get_object_or_404(Attendance, pk=parse_pk(request.POST.get("attendance")) or 0,
                                               session=session)
                services.attendance_remove(actor=request.user, attendance=attendance, request=request)
                messages.success(request, _("已取消该签到。"))
            elif action == "mark":
                candidates = selectors.attendance_candidates(user=request.user, session=session)
                ids = [i for i in (parse_pk(v) for v in request.POST.getlist("workers")) if i]
                workers = list(candidates.filter(pk__in=ids))
                names = list(zip_longest(request.POST.getlist("name"), request.POST.getlist("unit"), fillvalue=""))
                if not workers and not any(n.strip() for n, _u in names):
                    raise ValidationError(_("请勾选出席的社工，或填写参训人员姓名。"))
                added = services.attendance_mark(actor=request.user, session=session, workers=workers, names=names,
                                                 request=request)
                messages.success(request, _("已登记 %(n)s 人签到。") % {"n": added})
            else:
                messages.error(request, _("未知的操作，签到未作改动。"))
        except ValidationError as exc:
            _error(request, exc)
        return redirect(session)
    return render(request, "workforce/session_detail.html", {
        "session": session, "training": session.training,
        "attendances": session.attendances.select_related("worker__station", "marked_by"),
        "candidates": selectors.attendance_candidates(user=request.user, session=session)[:300],
        "can_mark": session.held_on <= timezone.localdate()})


# --- compliance ---------------------------------------------------------------------------------

def _month(request) -> datetime.date:
    raw = request.GET.get("month", "")
    try:
        return datetime.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _compliance_rows(request, rows):
    tier = request.GET.get("tier", "")
    if tier in Station.Tier.values:
        rows = [r for r in rows if r.station.tier == tier]
    only_short = request.GET.get("short") == "1"
    if only_short:
        rows = [r for r in rows if r.compliant is False]
    return rows, tier, only_short


@requires(WF)
def staffing(request):
    """配备达标: each operating station against its staffing rule, with street and district sums."""
    everything = selectors.staffing(user=request.user)
    rows, tier, only_short = _compliance_rows(request, everything)
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"社工配备达标-{timezone.localdate():%Y%m%d}.xlsx", title=_("社工配备达标"),
            headers=[_("站点"), _("层级"), _("区划代码"), _("标准（持证专职社工）"), _("实有"), _("达标情况"), _("适用标准")],
            rows=([r.station.name, r.station.get_tier_display(), r.station.division_id, r.required, r.actual,
                   _status_text(r), r.rule.division.name if r.rule else ""] for r in rows),
            count=len(rows), object_type="workforce.staffing")
    return render(request, "workforce/staffing.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "tier": tier, "only_short": only_short,
        "tiers": Station.Tier.choices, "streets": selectors.summarize(everything, Level.TOWN),
        "districts": selectors.summarize(everything, Level.COUNTY), "totals": _totals(everything)})


def _status_text(row) -> str:
    if row.rule is None:
        return _("未设标准")
    return _("达标") if row.compliant else _("差 %(n)s") % {"n": row.short_by}


def _totals(rows) -> dict:
    ruled = [r for r in rows if r.rule is not None]
    return {"stations": len(rows), "ruled": len(ruled), "compliant": sum(1 for r in ruled if r.compliant),
            "short": sum(r.short_by for r in ruled)}


@requires(WF)
def training_check(request):
    """培训频次: sessions each station held this month against the training rule."""
    month = _month(request)
    everything = selectors.training_check(user=request.user, month=month)
    rows, tier, only_short = _compliance_rows(request, everything)
    return render(request, "workforce/training_check.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "tier": tier, "only_short": only_short,
        "tiers": Station.Tier.choices, "month": month, "totals": _totals(everything),
        "streets": selectors.summarize(everything, Level.TOWN)})


# --- standards ----------------------------------------------------------------------------------

@requires(WF)
def standards(request):
    user = request.user
    lists = {"staffing_rules": list(selectors.staffing_rules(user=user)),
             "training_rules": list(selectors.training_rules(user=user)),
             "policies": list(selectors.policies(user=user))}
    for rules in lists.values():
        for rule in rules:
            rule.editable = services.may_set_standards(user, rule)
    return render(request, "workforce/standards.html", {
        **lists, "ladders": selectors.ladders_visible(user=user), "may_set": may(user, Action.STATION_CREATE)})


def _rule_form(request, *, form_class, save, get=None, pk=None, title: str):
    rule = get(user=request.user, pk=pk) if get else None  # 404 outside the scope
    if not may(request.user, Action.STATION_CREATE) or (rule is not None and not services.may_set_standards(
            request.user, rule)):
        raise PermissionDenied  # standards are set by 街道 and 民政
    form = form_class(request.POST or None, instance=type(rule).objects.get(pk=rule.pk) if rule else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, data=form.cleaned_data, rule=rule, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("标准已保存。"))
            return redirect("workforce:standards")
    return render(request, "core/form_page.html", {"form": form, "title": title,
                                                   "subtitle": str(rule.division) if rule else "",
                                                   "cancel_url": reverse("workforce:standards")})


def _rule_delete(request, get, pk):
    rule = get(user=request.user, pk=pk)
    services.rule_delete(actor=request.user, rule=rule, request=request)
    messages.success(request, _("已删除该标准。"))
    return redirect("workforce:standards")


@requires(WF)
def staffing_rule_new(request):
    return _rule_form(request, form_class=StaffingRuleForm, save=services.staffing_rule_save, title=_("配备标准"))


@requires(WF)
def staffing_rule_edit(request, pk):
    return _rule_form(request, form_class=StaffingRuleForm, save=services.staffing_rule_save,
                      get=selectors.staffing_rule_get, pk=pk, title=_("配备标准"))


@requires(WF)
@require_POST
def staffing_rule_delete(request, pk):
    return _rule_delete(request, selectors.staffing_rule_get, pk)


@requires(WF)
def training_rule_new(request):
    return _rule_form(request, form_class=TrainingRuleForm, save=services.training_rule_save, title=_("培训频次标准"))


@requires(WF)
def training_rule_edit(request, pk):
    return _rule_form(request, form_class=TrainingRuleForm, save=services.training_rule_save,
                      get=selectors.training_rule_get, pk=pk, title=_("培训频次标准"))


@requires(WF)
@require_POST
def training_rule_delete(request, pk):
    return _rule_delete(request, selectors.training_rule_get, pk)


@requires(WF)
def policy_new(request):
    return _rule_form(request, form_class=PolicyForm, save=services.policy_save, title=_("人才政策"))


@requires(WF)
def policy_edit(request, pk):
    return _rule_form(request, form_class=PolicyForm, save=services.policy_save, get=selectors.policy_get, pk=pk,
                      title=_("人才政策"))


@requires(WF)
@require_POST
def policy_delete(request, pk):
    return _rule_delete(request, selectors.policy_get, pk)


@requires(WF)
def ladder_new(request):
    if not may(request.user, Action.STATION_CREATE):
        raise PermissionDenied
    form = LadderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ladder_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("职级体系已建立。"))
            return redirect("workforce:standards")
    return render(request, "core/form_page.html", {"form": form, "title": _("新建职级体系"),
                                                   "cancel_url": reverse("workforce:standards")})
