"""Pages of group work: list, plan, recruitment, sessions with room booking and attendance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.models import User
from wushe.accounts.roles import Action, Role
from wushe.casework.pdf_views import builder
from wushe.casework.selectors import station_users
from wushe.core import audit, pdf
from wushe.core.access import requires
from wushe.core.models import AuditEntry, Room
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, form_step, parse_pk
from wushe.groupwork import selectors, services
from wushe.groupwork.forms import (
    CloseForm,
    GroupForm,
    MemberForm,
    MemberOutcomeForm,
    SessionPlanForm,
    SessionRecordForm,
)
from wushe.groupwork.models import Group, Member, Session
from wushe.groupwork.record_forms import FORMS
from wushe.people import selectors as people_selectors


@requires(Action.GROUP_WORK)
def group_list(request):
    qs = selectors.group_list(user=request.user)
    stage = request.GET.get("stage", "")
    if stage in Group.Stage.values:
        qs = qs.filter(stage=stage)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(name__contains=query)
    if request.GET.get("mine"):
        qs = qs.filter(leaders=request.user)
    page = Paginator(qs.order_by("-starts_on", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "groupwork/group_list.html", {
        "page": page, "stage": stage, "query": query, "stages": Group.Stage.choices,
        "totals": selectors.group_totals(qs)})


def _station_choices(user):
    return station_list(user=user, action=Action.GROUP_WORK).exclude(status="closed")


@requires(Action.GROUP_WORK)
def group_new(request):
    stations = _station_choices(request.user)
    chosen = parse_pk(request.POST.get("station") or request.GET.get("station"))
    station = stations.filter(pk=chosen).first() if chosen else stations.first()
    colleagues = station_users(station=station, roles=[Role.WORKER, Role.HEAD, Role.SUPERVISOR]) \
        if station else User.objects.none()
    form = GroupForm(request.POST or None, initial={"station": station}, stations=stations,
                     rooms=Room.objects.filter(station=station, active=True),
                     colleagues=colleagues.exclude(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("station", "leaders")}
        try:
            group = services.group_create(actor=request.user, station=form.cleaned_data["station"], data=data,
                                          leaders=form.cleaned_data["leaders"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已建立小组“%(n)s”。") % {"n": group.name})
            return redirect(group)
    return render(request, "core/form_page.html", {"form": form, "title": _("小组计划书"),
                                                   "cancel_url": "/groups/"})


@requires(Action.GROUP_WORK)
def group_detail(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    sessions, rows, counts = selectors.attendance_grid(group)
    return render(request, "groupwork/group_detail.html", {
        "group": group, "may_lead": services.may_lead(request.user, group), "members": rows,
        "recorded": sessions, "present_counts": [counts[s.pk] for s in sessions],
        "sessions": group.sessions.select_related("room"), "leaders": group.leaders.all(),
        "totals": selectors.group_totals(Group.objects.filter(pk=group.pk)),
        "next_stage": Group.ORDER[Group.ORDER.index(group.stage) + 1] if group.stage != Group.Stage.CLOSED else None,
    })


@requires(Action.GROUP_WORK)
def member_add(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    residents = people_selectors.resident_list(user=request.user)
    picker = people_selectors.resident_picker(residents=residents, request=request)
    resident = picker.chosen
    form = MemberForm(request.POST or None)
    if resident is not None and request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=request.user, group=group, resident=resident, data=form.cleaned_data,
                                request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("%(n)s 已入组。") % {"n": resident.name})
            return redirect(group)
    return render(request, "groupwork/member_add.html", {"group": group, "picker": picker, "form": form})


@requires(Action.GROUP_WORK)
def member_outcome(request, pk, member_pk):
    group = selectors.group_get(user=request.user, pk=pk)
    member = get_object_or_404(Member.objects.select_related("resident"), pk=member_pk, group=group)
    return form_step(request, obj=group, form=MemberOutcomeForm(request.POST or None, instance=member),
                     save=lambda f: services.member_update(actor=request.user, member=member, data=f.cleaned_data,
                                                           request=request),
                     done=_("已保存。"), title=_("组员后测与反馈"), subtitle=f"{group.name} · {member.resident.name}")


@requires(Action.GROUP_WORK)
def session_plan(request, pk, session_pk=None):
    group = selectors.group_get(user=request.user, pk=pk)
    session = get_object_or_404(Session, pk=session_pk, group=group) if session_pk else None
    form = SessionPlanForm(request.POST or None, instance=session,
                           initial={"room": group.room, "stage": group.stage} if session is None else None,
                           rooms=Room.objects.filter(station=group.station, active=True))
    return form_step(request, obj=group, form=form,
                     save=lambda f: services.session_plan(actor=request.user, group=group, session=session,
                                                          data=f.cleaned_data, request=request),
                     done=_("已安排，功能室已预约。"), title=_("安排小组活动（节）"), subtitle=group.name)


@requires(Action.GROUP_WORK)
def session_record(request, pk, session_pk):
    group = selectors.group_get(user=request.user, pk=pk)
    session = get_object_or_404(Session, pk=session_pk, group=group)
    form = SessionRecordForm(request.POST or None, instance=session,
                             members=group.members.select_related("resident").filter(left_on__isnull=True))

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k != "present"}
        services.session_record(actor=request.user, session=session, data=data,
                                present=[m.pk for m in f.cleaned_data["present"]], request=request)

    return form_step(request, obj=group, form=form, save=save, done=_("本节记录已保存。"),
                     title=_("小组每节记录"), subtitle=f"{group.name} · 第{session.number}节 {session.theme}")


@requires(Action.GROUP_WORK)
@require_POST
def group_advance(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    try:
        services.group_advance(actor=request.user, group=group, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("小组进入%(s)s。") % {"s": group.get_stage_display()})
    return redirect(group)


@requires(Action.GROUP_WORK)
def group_close(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    return form_step(request, obj=group, form=CloseForm(request.POST or None),
                     save=lambda f: services.group_close(actor=request.user, group=group, request=request,
                                                         summary=f.cleaned_data["summary"]),
                     done=_("小组已结束。"), title=_("结束小组"), subtitle=group.name)


@requires(Action.GROUP_WORK)
def plan_form(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    spec = FORMS["plan"][1](group)
    spec.issuer = group.station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=group, detail={"form": "plan"})
    return pdf.response(spec, f"小组计划书-{group.name}.pdf")


@requires(Action.GROUP_WORK)
def session_form(request, pk, session_pk):
    group = selectors.group_get(user=request.user, pk=pk)
    session = get_object_or_404(Session, pk=session_pk, group=group)
    spec = FORMS["session"][1](session)
    spec.issuer = group.station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=group, detail={"form": "session",
                                                                                "session": session.number})
    return pdf.response(spec, f"小组每节记录表-{group.name}-第{session.number}节.pdf")


@requires(Action.GROUP_WORK)
def blank_form(request, form):
    name, build = builder(FORMS, form)
    return pdf.response(build(None), f"{name}（空白）.pdf", blank=True)
