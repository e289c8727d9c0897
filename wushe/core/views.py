"""Pages of the network: home, division tree with coverage, stations and rooms, audit log."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from wushe.accounts.roles import Action
from wushe.accounts.scope import can
from wushe.core import selectors, services
from wushe.core.access import public, requires, signed_in
from wushe.core.exports import audited_xlsx
from wushe.core.filters import AuditFilter, StationFilter
from wushe.core.forms import AgencyForm, RoomForm, StationCloseForm, StationForm
from wushe.core.tables import AgencyTable, AuditTable, StationTable

logger = logging.getLogger(__name__)


def error_text(form) -> str:
    """A form's errors as one line for a message, each led by its field's Chinese label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}：{e}" if label else str(e) for e in errors]
    return "；".join(parts)


def form_errors_from(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when it does."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def parse_pk(value) -> int | None:
    """An id from a query string or form field, or None: ASCII digits only ("²" is a digit
    to ``str.isdigit`` but not to ``int`` or the database)."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) <= 18 else None


def record_form(request, *, form, save, done, title: str, cancel_url: str, subtitle: str = ""):
    """A form that creates or changes a record: the service ``save`` checks and writes it and
    returns the record (or where to go next); on success there, else the form with its errors.
    ``done`` is the message, or a function of the saved record giving it."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, done(saved) if callable(done) else done)
            return redirect(saved)
    return render(request, "core/form_page.html", {"form": form, "title": title, "subtitle": subtitle,
                                                   "cancel_url": cancel_url})


def form_step(request, *, obj, form, save, done: str, title: str, subtitle: str = ""):
    """One small form on a record (a case's step, a group's session …): back to the record."""

    def save_then_back(f):
        save(f)
        return obj

    return record_form(request, form=form, save=save_then_back, done=done, title=title, subtitle=subtitle,
                       cancel_url=obj.get_absolute_url())


@public
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not healthy"; the details go to the log only
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable",
                             "reason": "database unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor,
                         "time": timezone.now().isoformat()})


@signed_in
def home(request):
    roots = selectors.division_roots(user=request.user)[:12]
    return render(request, "core/home.html", {
        "counts": selectors.network_counts(user=request.user) if can(request.user, Action.NETWORK_VIEW) else None,
        "roots": selectors.home_coverage(user=request.user, roots=roots),
    })


@requires(Action.NETWORK_VIEW)
def division_index(request):
    roots = selectors.division_roots(user=request.user)
    if len(roots) == 1:
        return redirect("core:division", code=roots[0].code)
    return render(request, "core/division_index.html", {"roots": roots})


@requires(Action.NETWORK_VIEW)
def division_detail(request, code):
    division = selectors.division_get(user=request.user, code=code)
    return render(request, "core/division_detail.html", {
        "division": division,
        "trail": selectors.division_trail(user=request.user, division=division)[:-1],
        "can_create": can(request.user, Action.STATION_CREATE, division),
        "coverage": selectors.coverage_of(division=division),
        "children": selectors.children_with_coverage(division=division),
        "stations": selectors.stations_at(user=request.user, division=division),
    })


@requires(Action.NETWORK_VIEW)
def station_list(request):
    stations = selectors.station_list(user=request.user)
    filterset = StationFilter(request.GET, queryset=stations)
    if request.GET.get("export") == "xlsx":
        return _station_export(request, filterset.qs)
    table = StationTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "core/station_list.html#results" if request.htmx else "core/station_list.html"
    return render(request, template, {"filter": filterset, "table": table,
                                      "can_create": can(request.user, Action.STATION_CREATE)})


def _station_export(request, qs):
    headers = [_("名称"), _("层级"), _("区划代码"), _("所在区划"), _("地址"), _("运营机构"),
               _("启用日期"), _("联系人"), _("联系电话"), _("状态")]
    return audited_xlsx(request, filename=f"站点名录-{timezone.localdate():%Y%m%d}.xlsx", title=_("站点名录"),
                        headers=headers, rows=selectors.station_export_rows(qs), count=qs.count(),
                        object_type="core.station", query=request.GET.urlencode())


@requires(Action.NETWORK_VIEW)
def station_detail(request, pk):
    station = selectors.station_get(user=request.user, pk=pk)
    return render(request, "core/station_detail.html", {
        "station": station,
        "trail": selectors.division_trail(user=request.user, division=station.division),
        "rooms": selectors.station_rooms(station=station),
        "staff": selectors.station_staff(station=station),
        "can_edit": can(request.user, Action.STATION_EDIT, station),
        "can_close": can(request.user, Action.STATION_CREATE, station),
        "close_form": StationCloseForm(initial={"closed_on": timezone.localdate()}),
    })


@requires(Action.STATION_CREATE)
@require_http_methods(["GET", "POST"])
def station_create(request):
    form = StationForm(request.POST or None, initial={"division": request.GET.get("division", "")})
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(actor=request.user, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("站点“%(name)s”已创建。") % {"name": station.name})
            return redirect(station)
    return render(request, "core/form_page.html", {"form": form, "title": _("新建站点"),
                                                   "cancel_url": reverse("core:stations")})


@requires(Action.STATION_EDIT)
@require_http_methods(["GET", "POST"])
def station_edit(request, pk):
    station = selectors.station_get(user=request.user, pk=pk, action=Action.STATION_EDIT)
    form = StationForm(request.POST or None, instance=station)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(actor=request.user, station=station, data=form.cleaned_data,
                                    request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("站点信息已保存。"))
            return redirect(station)
    return render(request, "core/form_page.html", {"form": form, "title": _("编辑站点"),
                                                   "cancel_url": station.get_absolute_url()})


@requires(Action.STATION_CREATE)
@require_POST
def station_close(request, pk):
    station = selectors.station_get(user=request.user, pk=pk, action=Action.STATION_CREATE)
    form = StationCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        services.station_close(actor=request.user, station=station, request=request,
                               closed_on=form.cleaned_data["closed_on"], reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _("未能撤销：%(e)s") % {"e": "；".join(exc.messages)})
    else:
        messages.success(request, _("站点已撤销。如属误操作，可点击“恢复站点”。"))
    return redirect(station)


@requires(Action.STATION_CREATE)
@require_POST
def station_reopen(request, pk):
    station = selectors.station_get(user=request.user, pk=pk, action=Action.STATION_CREATE)
    try:
        services.station_reopen(actor=request.user, station=station, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("站点已恢复运营。"))
    return redirect(station)


@requires(Action.STATION_EDIT)
@require_http_methods(["GET", "POST"])
def room_edit(request, pk, room_pk=None):
    station = selectors.station_get(user=request.user, pk=pk, action=Action.STATION_EDIT)
    room = selectors.room_get(station=station, pk=room_pk) if room_pk else None
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_save(actor=request.user, station=station, room=room, data=form.cleaned_data,
                               request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("功能室已保存。"))
            return redirect(station)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("编辑功能室") if room else _("添加功能室"), "subtitle": station.name,
        "cancel_url": station.get_absolute_url()})


@requires(Action.NETWORK_VIEW)
def agency_list(request):
    search = request.GET.get("q", "").strip()
    agencies = selectors.agency_list(user=request.user, search=search)
    table = AgencyTable(agencies)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "core/agency_list.html", {
        "table": table, "can_edit": can(request.user, Action.STATION_CREATE),
    })


@requires(Action.NETWORK_VIEW)
def agency_detail(request, pk):
    agency = selectors.agency_get(pk=pk)
    return render(request, "core/agency_detail.html", {
        "agency": agency,
        "stations": selectors.agency_stations(user=request.user, agency=agency),
        "can_edit": selectors.agency_editable(user=request.user, agency=agency),
    })


@requires(Action.STATION_CREATE)
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk=None):
    agency = selectors.agency_get(pk=pk) if pk else None
    if agency is not None and not selectors.agency_editable(user=request.user, agency=agency):
        raise PermissionDenied(_("该机构在您的工作范围以外也运营站点，请由上级民政部门修改。"))
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_save(actor=request.user, agency=agency, data=form.cleaned_data,
                                          request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("社工机构已保存。"))
            return redirect("core:agency", pk=agency.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("编辑社工机构") if agency else _("登记社工机构"),
        "cancel_url": agency.get_absolute_url() if agency else reverse("core:agencies"),
    })


@requires(Action.AUDIT_VIEW)
def audit_list(request):
    filterset = AuditFilter(request.GET, queryset=selectors.audit_list(user=request.user))
    table = AuditTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "core/audit_list.html", {"filter": filterset, "table": table})


@signed_in
def styleguide(request):
    """The living style guide: every shared UI component, in use."""
    from wushe.core.models import Station

    sample = selectors.Coverage(villages=12, communities=9, villages_covered=9, towns=1, towns_covered=1)
    return render(request, "core/styleguide.html", {"statuses": Station.Status, "sample_coverage": sample})


# --- attachments (照片/附件) ---------------------------------------------------------------------

def _attachment(request, pk):
    """The attachment and its record, opened through the record's own selector (404 outside)."""
    from wushe.core.attachments import record_of
    from wushe.core.models import Attachment

    attachment = get_object_or_404(Attachment.objects.select_related("content_type", "station"), pk=pk)
    return attachment, record_of(user=request.user, attachment=attachment)


@signed_in
def attachment_file(request, pk):
    """An attachment's file, inline; never cached by a shared proxy (a photo of a home)."""
    from django.http import FileResponse

    attachment, _record = _attachment(request, pk)
    kind = "application/pdf" if attachment.kind == "pdf" else {
        "jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(attachment.file.name.rsplit(".", 1)[-1],
                                                                          "application/octet-stream")
    response = FileResponse(attachment.file.open("rb"), content_type=kind, filename=attachment.name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@signed_in
@require_POST
def attachment_delete(request, pk):
    from django.utils.http import url_has_allowed_host_and_scheme

    from wushe.core.attachments import detach

    attachment, record = _attachment(request, pk)
    try:
        detach(actor=request.user, attachment=attachment, record=record, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除附件“%(n)s”。") % {"n": attachment.name})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect(record)
