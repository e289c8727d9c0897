"""Pages of supervision: the sessions of the user's stations, the supervisor pool, records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wushe.accounts.models import User
from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import can, prefixes_for
from wushe.casework import access as case_access
from wushe.casework.pdf_views import builder
from wushe.casework.selectors import case_list, station_users
from wushe.core import audit, pdf
from wushe.core.access import requires
from wushe.core.divisions import Level, within_any
from wushe.core.models import AuditEntry, Division
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, parse_pk
from wushe.groupwork.selectors import group_list
from wushe.supervision import selectors, services
from wushe.supervision.forms import SessionForm, SupervisorForm
from wushe.supervision.record_forms import FORMS


@requires(Action.GROUP_WORK)
def session_list(request):
    qs = selectors.session_list(user=request.user)
    if request.GET.get("mine"):
        qs = qs.filter(supervisor__user=request.user)
    kind = request.GET.get("kind", "")
    if kind in ("individual", "group"):
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-held_on", "-id"), 25).get_page(request.GET.get("page"))
    rows = [(s, selectors.may_read_session(request.user, s)) for s in page.object_list]
    return render(request, "supervision/session_list.html", {
        "page": page, "rows": rows, "kind": kind, "totals": selectors.session_totals(qs),
        "waiting": _waiting_for(request.user)})


def _waiting_for(user):
    from wushe.casework.selectors import waiting_for

    return waiting_for(user=user).count()


@requires(Action.GROUP_WORK)
def session_new(request):
    user = request.user
    stations = station_list(user=user, action=Action.GROUP_WORK).exclude(status="closed")
    chosen = parse_pk(request.POST.get("station") or request.GET.get("station"))
    station = stations.filter(pk=chosen).first() if chosen else stations.first()
    readable = [c.pk for c in case_list(user=user).filter(station=station).exclude(stage="declined")
                if case_access.may_read(user, c)] if station else []
    form = SessionForm(
        request.POST or None, initial={"station": station, "supervisor": None}, stations=stations,
        supervisors=selectors.supervisors_for(station=station) if station else selectors.Supervisor.objects.none(),
        attendees=station_users(station=station, roles=[Role.WORKER, Role.HEAD, Role.SUPERVISOR])
        if station else User.objects.none(),
        cases=case_list(user=user).filter(pk__in=readable),
        groups=group_list(user=user).filter(station=station) if station else group_list(user=user).none())
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("station", "attendees", "cases", "groups")}
        try:
            session = services.session_record(
                actor=user, station=form.cleaned_data["station"], data=data,
                attendees=list(form.cleaned_data["attendees"]), cases=list(form.cleaned_data["cases"]),
                groups=list(form.cleaned_data["groups"]), request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("督导记录已保存。"))
            return redirect(session)
    return render(request, "supervision/session_form.html", {"form": form, "station": station,
                                                             "stations": stations})


@requires(Action.GROUP_WORK)
def session_detail(request, pk):
    session = selectors.session_get_for_reading(user=request.user, pk=pk)
    cases = [(c, c.number if case_access.may_read(request.user, c) else None) for c in session.cases.all()]
    return render(request, "supervision/session_detail.html", {
        "session": session, "attendees": session.attendees.all(), "cases": cases, "groups": session.groups.all()})


@requires(Action.GROUP_WORK)
def session_form(request, pk):
    session = selectors.session_get_for_reading(user=request.user, pk=pk)
    spec = FORMS["session"][1](session)
    spec.issuer = session.station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=session, object_label=f"{session.held_on} 督导记录",
                 detail={"form": "session"})
    return pdf.response(spec, f"督导记录表-{session.held_on:%Y%m%d}.pdf")


@requires(Action.GROUP_WORK)
def blank_form(request, form):
    name, build = builder(FORMS, form)
    return pdf.response(build(None), f"{name}（空白）.pdf", blank=True)


@requires(Action.GROUP_WORK)
def supervisor_list(request):
    qs = selectors.supervisor_list(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(name__contains=query) | qs.filter(specialties__contains=query)
    rows = [(s, can(request.user, Action.STATION_EDIT, s))
            for s in qs.annotate(held=Count("sessions")).order_by("-active", "name")]
    return render(request, "supervision/supervisor_list.html", {
        "rows": rows, "query": query, "may_add": bool(prefixes_for(request.user, Action.STATION_EDIT))})


def _supervisor_form(request, supervisor=None):
    prefixes = prefixes_for(request.user, Action.STATION_EDIT)
    divisions = Division.objects.filter(within_any("code", prefixes), level__lte=Level.TOWN).order_by("code")
    form = SupervisorForm(request.POST or None, instance=supervisor, divisions=divisions,
                          users=User.objects.filter(within_any("assignments__station__division_id", prefixes),
                                                    is_active=True, assignments__role=Role.SUPERVISOR).distinct())
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_save(actor=request.user, data=form.cleaned_data, supervisor=supervisor,
                                     request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("督导信息已保存。"))
            return redirect("supervision:supervisors")
    return render(request, "core/form_page.html", {"form": form, "title": _("督导专家库"),
                                                   "cancel_url": "/supervision/supervisors/"})


@requires(Action.STATION_EDIT)
def supervisor_new(request):
    return _supervisor_form(request)


@requires(Action.STATION_EDIT)
def supervisor_edit(request, pk):
    return _supervisor_form(request, selectors.supervisor_get_for_editing(user=request.user, pk=pk))
