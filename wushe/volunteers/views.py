"""Pages of volunteer service: the station's (register, teams, projects and shifts, hours,
proofs, time bank) and the public phone pages (register, sign up for a shift, check in and
out by the shift's QR code, see one's own service)."""

from decimal import Decimal

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.activities.models import Activity
from wushe.activities.selectors import public_station
from wushe.core import audit
from wushe.core.access import public, requires
from wushe.core.exports import audited_xlsx
from wushe.core.models import AuditEntry
from wushe.core.pii import lookup_hash, normalize_mobile
from wushe.core.public import CROWD_POSTS_PER_HOUR, answered, too_many
from wushe.core.public import question as ask
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, form_step, parse_pk, record_form
from wushe.volunteers import proof as proof_pdf
from wushe.volunteers import selectors, services
from wushe.volunteers.forms import (
    CorrectForm,
    EnterHoursForm,
    IdentifyForm,
    ProjectForm,
    ProofForm,
    PublicIdentifyForm,
    PublicVolunteerForm,
    RecordForm,
    ShiftForm,
    SignUpForm,
    TeamForm,
    TimeBankForm,
    VolunteerForm,
)
from wushe.volunteers.models import Availability, Registration, ServiceHours, Team, Volunteer


def _error(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _stations(user):
    return station_list(user=user, action=Action.VOLUNTEER_MANAGE).exclude(status="closed")


# --- volunteers -----------------------------------------------------------------------------

@requires(Action.VOLUNTEER_MANAGE)
def volunteer_list(request):
    everyone = selectors.volunteer_list(user=request.user)
    qs = everyone
    q = request.GET.get("q", "").strip().replace("\x00", "")
    if q:
        match = Q(name__contains=q) | Q(number=q.upper()) | Q(skills__contains=q)
        try:
            match |= Q(mobile_hash=lookup_hash("mobile", normalize_mobile(q)))
        except ValidationError:
            pass
        qs = qs.filter(match)
    status = request.GET.get("status", "active")
    if status in Volunteer.Status.values:
        qs = qs.filter(status=status)
    team = parse_pk(request.GET.get("team"))
    if team:
        qs = qs.filter(memberships__team_id=team)
    availability = request.GET.get("availability", "")
    if availability in Availability.values:
        qs = qs.filter(availability=availability)
    qs = qs.order_by("-created_at", "-id")
    if request.GET.get("export") == "xlsx":
        return audited_xlsx(
            request, filename=f"志愿者-{timezone.localdate():%Y%m%d}.xlsx", title=_("志愿者"),
            headers=[_("志愿者编号"), _("姓名"), _("身份证号"), _("手机号"), _("技能特长"), _("可服务时间"),
                     _("注册站点"), _("状态"), _("注册日期")],
            rows=([v.number, v.name, v.id_number_masked, v.mobile_masked, v.skills, v.get_availability_display(),
                   v.station.name, v.get_status_display(), timezone.localtime(v.created_at).date()]
                  for v in qs.iterator()),
            count=qs.count(), object_type="volunteers.volunteer", query="status=" + status)
    return render(request, "volunteers/volunteer_list.html", {
        "page": Paginator(qs, 25).get_page(request.GET.get("page")), "q": q, "status": status,
        "team": team, "teams": selectors.team_list(user=request.user), "availability": availability,
        "availabilities": Availability.choices, "statuses": Volunteer.Status.choices,
        "totals": selectors.volunteer_totals(everyone)})


def _volunteer_form(request, volunteer=None):
    form = VolunteerForm(request.POST or None, instance=volunteer, stations=_stations(request.user))
    return record_form(
        request, form=form, title=_("编辑志愿者") if volunteer else _("登记志愿者"),
        save=lambda f: services.volunteer_save(actor=request.user, data=f.service_data(), volunteer=volunteer,
                                               station=volunteer.station if volunteer else f.cleaned_data["station"],
                                               request=request),
        done=lambda saved: _("已保存，志愿者编号 %(n)s。") % {"n": saved.number},
        cancel_url=volunteer.get_absolute_url() if volunteer else reverse("volunteers:volunteers"))


@requires(Action.VOLUNTEER_MANAGE)
def volunteer_new(request):
    return _volunteer_form(request)


@requires(Action.VOLUNTEER_MANAGE)
def volunteer_edit(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    # The form's instance is changed by validation; a fresh copy stays what was saved.
    return _volunteer_form(request, Volunteer.objects.get(pk=volunteer.pk))


@requires(Action.VOLUNTEER_MANAGE)
def volunteer_detail(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=volunteer)
    hours = (volunteer.hours.select_related("project__station", "shift", "corrects", "confirmed_by")
             .order_by("-started_at", "-id"))
    return render(request, "volunteers/volunteer_detail.html", {
        "volunteer": volunteer, "hours": Paginator(hours, 30).get_page(request.GET.get("page")),
        "totals": selectors.hours_of(volunteer), "balance": selectors.time_bank_balance(volunteer),
        "time_bank": volunteer.time_bank.select_related("by")[:20], "records": volunteer.record_entries.all(),
        "proofs": volunteer.proofs.select_related("issued_by"), "memberships": volunteer.memberships.select_related(
            "team"),
        "upcoming": volunteer.registrations.filter(shift__ends_at__gt=timezone.now()).exclude(
            status=Registration.Status.CANCELLED).select_related("shift__project")})


@requires(Action.VOLUNTEER_MANAGE)
@require_POST
def volunteer_leave(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    try:
        services.volunteer_set_status(actor=request.user, volunteer=volunteer, status=request.POST.get("status", ""),
                                      request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已注销该志愿者，记录与时长保留。") if volunteer.status == Volunteer.Status.LEFT
                         else _("已恢复为在册志愿者。"))
    return redirect(volunteer)


@requires(Action.VOLUNTEER_MANAGE)
def record_add(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    return form_step(request, obj=volunteer, form=RecordForm(request.POST or None),
                     save=lambda f: services.record_add(actor=request.user, volunteer=volunteer, request=request,
                                                        data=f.cleaned_data),
                     done=_("已记入志愿服务记录。"), title=_("培训、表彰与评价"), subtitle=str(volunteer))


@requires(Action.VOLUNTEER_MANAGE)
def proof_new(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    today = timezone.localdate()
    form = ProofForm(request.POST or None, initial={
        "period_from": today.replace(month=1, day=1), "period_to": today,
        "person": services.person_in_charge(volunteer.station)})
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.proof_issue(actor=request.user, volunteer=volunteer, request=request,
                                          **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已出具志愿服务证明 %(n)s。") % {"n": issued.number})
            return redirect(volunteer)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("出具志愿服务证明"), "subtitle": str(volunteer),
        "cancel_url": volunteer.get_absolute_url()})


@requires(Action.VOLUNTEER_MANAGE)
def proof_download(request, pk):
    proof = selectors.proof_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=proof.volunteer, object_type="volunteers.proof",
                 detail={"proof": proof.number})
    return proof_pdf.response(proof)


@requires(Action.VOLUNTEER_MANAGE)
def time_bank(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    hours = get_object_or_404(ServiceHours, pk=parse_pk(request.GET.get("hours")) or 0, volunteer=volunteer) \
        if request.GET.get("hours") else None
    initial = {"credits": (Decimal(hours.minutes) / 60).quantize(Decimal("0.1")), "reason": _("志愿服务：%(c)s") % {"c": hours.content}} \
        if hours else {}
    return form_step(request, obj=volunteer, form=TimeBankForm(request.POST or None, initial=initial),
                     save=lambda f: services.time_bank_post(actor=request.user, volunteer=volunteer, hours=hours,
                                                            request=request, **f.cleaned_data),
                     done=_("时间银行已记账。"), title=_("时间银行"),
                     subtitle=_("%(v)s · 当前余额 %(b)s") % {"v": volunteer,
                                                           "b": selectors.time_bank_balance(volunteer)})


# --- teams ----------------------------------------------------------------------------------

@requires(Action.VOLUNTEER_MANAGE)
def team_list(request):
    return render(request, "volunteers/team_list.html", {
        "teams": selectors.team_list(user=request.user).order_by("station__name", "name")})


@requires(Action.VOLUNTEER_MANAGE)
def team_new(request):
    form = TeamForm(request.POST or None, stations=_stations(request.user))
    return _team_save(request, form, None)


@requires(Action.VOLUNTEER_MANAGE)
def team_edit(request, pk):
    team = selectors.team_get(user=request.user, pk=pk)
    form = TeamForm(request.POST or None, instance=Team.objects.get(pk=team.pk), stations=_stations(request.user))
    return _team_save(request, form, team)


def _team_save(request, form, team):
    return record_form(
        request, form=form, title=_("志愿者队伍"), done=_("队伍已保存。"),
        save=lambda f: services.team_save(actor=request.user, station=team.station if team else f.cleaned_data["station"],
                                          data=_without_station(f), team=team, request=request),
        cancel_url=team.get_absolute_url() if team else reverse("volunteers:teams"))


def _without_station(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "station"}


@requires(Action.VOLUNTEER_MANAGE)
def team_detail(request, pk):
    team = selectors.team_get(user=request.user, pk=pk)
    if request.method == "POST":
        volunteer = selectors.volunteer_by_number(user=request.user, number=request.POST.get("number", ""))
        if volunteer is None or volunteer.station_id != team.station_id:
            messages.error(request, _("志愿者编号不存在，或不是本站点注册的志愿者。"))
        else:
            action = request.POST.get("action", "add")
            services.team_member_set(actor=request.user, team=team, volunteer=volunteer, request=request,
                                     remove=action == "remove",
                                     leader={"lead": True, "unlead": False}.get(action))
            messages.success(request, _("队伍成员已更新。"))
        return redirect(team)
    return render(request, "volunteers/team_detail.html", {
        "team": team, "memberships": team.memberships.select_related("volunteer")})


# --- projects and shifts --------------------------------------------------------------------

@requires(Action.VOLUNTEER_MANAGE)
def project_list(request):
    qs = selectors.project_list(user=request.user)
    status = request.GET.get("status", "recruiting")
    if status in ("recruiting", "closed"):  # "all" shows both
        qs = qs.filter(status=status)
    return render(request, "volunteers/project_list.html", {
        "page": Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page")),
        "status": status})


def _project_form(request, project=None):
    stations = _stations(request.user)
    form = ProjectForm(request.POST or None, instance=project, stations=stations,
                       activities=Activity.objects.filter(station__in=[project.station] if project else stations,
                                                          status=Activity.Status.OPEN))
    return record_form(
        request, form=form, title=_("志愿服务项目"),
        save=lambda f: services.project_save(actor=request.user, data=_without_station(f), project=project,
                                             station=project.station if project else f.cleaned_data["station"],
                                             request=request),
        done=_("项目已保存，请添加岗位班次。") if project is None else _("项目已保存。"),
        cancel_url=project.get_absolute_url() if project else reverse("volunteers:projects"))


@requires(Action.VOLUNTEER_MANAGE)
def project_new(request):
    return _project_form(request)


@requires(Action.VOLUNTEER_MANAGE)
def project_edit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    from wushe.volunteers.models import Project

    return _project_form(request, Project.objects.get(pk=project.pk))


@requires(Action.VOLUNTEER_MANAGE)
def project_detail(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("volunteers_public:project", args=[project.token]))
    pending = (project.hours.filter(status=ServiceHours.Status.RECORDED, corrected_by__isnull=True)
               .select_related("volunteer", "shift"))
    return render(request, "volunteers/project_detail.html", {
        "project": project, "shifts": selectors.shifts_of(project),
        "pending": pending, "on_duty": project.hours.filter(status=ServiceHours.Status.ON_DUTY).select_related(
            "volunteer", "shift"),
        "recent": Paginator(project.hours.filter(status=ServiceHours.Status.CONFIRMED).select_related(
            "volunteer", "corrects", "corrected_by").order_by("-started_at", "-id"), 30).get_page(request.GET.get("page")),
        "public_url": url, "qr": segno.make(url, error="m").svg_inline(scale=3)})


@requires(Action.VOLUNTEER_MANAGE)
@require_POST
def project_close(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    try:
        services.project_close(actor=request.user, project=project, request=request)
        messages.success(request, _("项目已结束招募。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(project)


def _shift_form(request, project, shift=None):
    return form_step(request, obj=project, form=ShiftForm(request.POST or None, instance=shift),
                     save=lambda f: services.shift_save(actor=request.user, project=project, shift=shift,
                                                        request=request, data={
                                                            k: f.cleaned_data[k] for k in ShiftForm.Meta.fields}),
                     done=_("班次已保存。"), title=_("岗位班次"), subtitle=project.title)


@requires(Action.VOLUNTEER_MANAGE)
def shift_new(request, pk):
    return _shift_form(request, selectors.project_get(user=request.user, pk=pk))


@requires(Action.VOLUNTEER_MANAGE)
def shift_edit(request, pk):
    shift = selectors.shift_get(user=request.user, pk=pk)
    from wushe.volunteers.models import Shift

    return _shift_form(request, shift.project, Shift.objects.get(pk=shift.pk))


@requires(Action.VOLUNTEER_MANAGE)
def shift_detail(request, pk):
    shift = selectors.shift_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("volunteers_public:shift", args=[shift.token]))
    return render(request, "volunteers/shift_detail.html", {
        "shift": shift, "project": shift.project, "roster": selectors.roster(shift),
        "places_left": selectors.places_left(shift), "public_url": url,
        "qr": segno.make(url, error="m").svg_inline(scale=4), "form": SignUpForm()})


@requires(Action.VOLUNTEER_MANAGE)
def shift_qr(request, pk):
    """The shift's check-in code alone, large, to print or show at the place."""
    shift = selectors.shift_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("volunteers_public:shift", args=[shift.token]))
    return render(request, "volunteers/shift_qr.html", {
        "shift": shift, "qr": segno.make(url, error="m").svg_inline(scale=10), "url": url})


def _staff_pick(request, number: str, mobile: str) -> Volunteer:
    """A volunteer by number: one of the user's own stations' by number alone, another
    station's only with their mobile too (the number is public, the roster shows the name)."""
    volunteer = selectors.volunteer_by_number(user=request.user, number=number)
    if volunteer is None and mobile:
        volunteer = services.identify(number=number, mobile=mobile)
    if volunteer is None:
        raise ValidationError(_("找不到该志愿者：请核对编号；其他站点的志愿者须同时填写其手机号。"))
    return volunteer


@requires(Action.VOLUNTEER_MANAGE)
@require_POST
def shift_sign_up(request, pk):
    shift = selectors.shift_get(user=request.user, pk=pk)
    form = SignUpForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写志愿者编号。"))
        volunteer = _staff_pick(request, form.cleaned_data["number"], form.cleaned_data["mobile"])
        services.shift_sign_up(shift=shift, volunteer=volunteer, actor=request.user, request=request)
        messages.success(request, _("已为 %(n)s 报名并确认。") % {"n": volunteer.name})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(shift)


@requires(Action.VOLUNTEER_MANAGE)
@require_POST
def registration_decide(request, pk, registration_pk):
    shift = selectors.shift_get(user=request.user, pk=pk)
    registration = get_object_or_404(Registration, pk=registration_pk, shift=shift)
    action = request.POST.get("action")
    try:
        if action == "check":
            entry = services.check_in_or_out(shift=shift, volunteer=registration.volunteer, actor=request.user,
                                             request=request)
            messages.success(request, _("已签到。") if entry.status == ServiceHours.Status.ON_DUTY else _("已签退。"))
        elif action in ("confirm", "cancel"):
            services.registration_decide(actor=request.user, registration=registration, confirm=action == "confirm",
                                         request=request)
            messages.success(request, _("已确认报名。") if action == "confirm" else _("已取消报名。"))
        else:
            messages.error(request, _("未知的操作，报名未作改动。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(shift)


@requires(Action.VOLUNTEER_MANAGE)
def hours_enter(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = EnterHoursForm(request.POST or None, project=project)

    def save(f):
        data = dict(f.cleaned_data)
        number, mobile, shift = data.pop("number"), data.pop("mobile"), data.pop("shift")
        try:
            volunteer = _staff_pick(request, number, mobile)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc
        services.hours_enter(actor=request.user, project=project, volunteer=volunteer, shift=shift, data=data,
                             request=request)

    return form_step(request, obj=project, form=form, save=save, done=_("服务时长已录入并确认。"),
                     title=_("录入服务时长"), subtitle=project.title)


@requires(Action.VOLUNTEER_MANAGE)
@require_POST
def hours_confirm(request, pk):
    entry = selectors.hours_get(user=request.user, pk=pk)
    try:
        services.hours_confirm(actor=request.user, entry=entry, request=request)
        messages.success(request, _("已确认 %(n)s 的服务时长。") % {"n": entry.volunteer.name})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/volunteers/")
                    else entry.project)


@requires(Action.VOLUNTEER_MANAGE)
def hours_correct(request, pk):
    entry = selectors.hours_get(user=request.user, pk=pk)
    local = timezone.localtime
    form = CorrectForm(request.POST or None, initial={
        "started_at": local(entry.started_at).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": local(entry.ended_at).strftime("%Y-%m-%dT%H:%M") if entry.ended_at else "",
        "minutes": entry.minutes or None, "content": entry.content})

    def save(f):
        data = dict(f.cleaned_data)
        reason = data.pop("reason")
        services.hours_correct(actor=request.user, entry=entry, data=data, reason=reason, request=request)

    return form_step(request, obj=entry.project, form=form, save=save, done=_("已更正，原记录保留。"),
                     title=_("更正服务时长"), subtitle=_("%(v)s · %(p)s · 原记录 %(m)s 分钟") % {
                         "v": entry.volunteer, "p": entry.project, "m": entry.minutes})


# --- the public phone pages -----------------------------------------------------------------

ME_KEY = "volunteer_me"
ME_MINUTES = 30  # how long a phone stays "signed in" as the volunteer after identifying


def _me(request) -> Volunteer | None:
    """The volunteer this phone identified as (number + mobile) in the last half hour, or the
    signed-in account's own volunteer record."""
    user = request.user
    if user.is_authenticated and hasattr(user, "volunteer"):
        return user.volunteer
    held = request.session.get(ME_KEY)
    if not held or held["until"] < timezone.now().timestamp():
        return None
    return Volunteer.objects.filter(pk=held["pk"], status=Volunteer.Status.ACTIVE).select_related("station").first()


def _remember(request, volunteer: Volunteer) -> None:
    request.session[ME_KEY] = {"pk": volunteer.pk, "until": timezone.now().timestamp() + ME_MINUTES * 60}


def _challenge(form) -> str:
    """A fresh question on the form's 验证 field; returns the signed answer for the page."""
    question, challenge = ask()
    if form is not None and "answer" in form.fields:
        form.fields["answer"].label = _("验证：%(q)s") % {"q": question}
    return challenge


def _identify_posted(request, form) -> Volunteer:
    if not form.is_valid():
        raise ValidationError(_("请填写志愿者编号和手机号。"))
    volunteer = services.identify(number=form.cleaned_data["number"], mobile=form.cleaned_data["mobile"])
    if volunteer is None:
        raise ValidationError(_("志愿者编号与手机号不匹配，或该志愿者已注销。"))
    return volunteer


@public
def public_volunteering(request, key):
    """A station's volunteering page: its recruiting projects, and registering as a volunteer."""
    station = public_station(key=key)
    form = PublicVolunteerForm(request.POST or None)
    done = None
    if request.method == "POST":
        if too_many(request, f"volunteer-register:{station.pk}"):
            return render(request, "volunteers/public_volunteering.html", {"station": station, "limited": True},
                          status=429)
        if form.is_valid():
            if not answered(request, form.cleaned_data.get("answer")):
                form.add_error("answer", _("验证答案不正确，请重新计算。"))
            else:
                data = {k: v for k, v in form.cleaned_data.items() if k not in ("consent", "answer")}
                try:
                    done = services.volunteer_save(station=station, request=request,
                                                   data={**data, "consent_on": timezone.localdate()})
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    form = None
    return render(request, "volunteers/public_volunteering.html", {
        "station": station, "key": key, "form": form, "done": done, "challenge": _challenge(form), "projects": selectors.public_recruiting(station=station)[:20]})


@public
def public_project(request, token):
    """A project's recruitment page: its shifts to come, and signing up for one."""
    project = selectors.public_project(token=token)
    form = PublicIdentifyForm(request.POST or None)
    if request.method == "POST":
        if too_many(request, f"volunteer-project:{project.pk}"):
            return render(request, "volunteers/public_project.html", {"project": project, "limited": True},
                          status=429)
        shift = project.shifts.filter(pk=parse_pk(request.POST.get("shift")) or 0).first()
        try:
            # The question first: without it, the page would say whether a number and mobile match.
            if not answered(request, form.cleaned_data.get("answer") if form.is_valid() else None):
                raise ValidationError(_("验证答案不正确，请重新计算。"))
            volunteer = _identify_posted(request, form)
            if shift is None:
                raise ValidationError(_("请选择要报名的班次。"))
            services.shift_sign_up(shift=shift, volunteer=volunteer, request=request)
        except ValidationError as exc:
            _error(request, exc)
        except PermissionDenied:
            return render(request, "volunteers/public_project.html", {"project": project}, status=403)
        else:
            messages.success(request, _("报名成功，等待组织者确认。可在“我的志愿服务”查看。"))
            return redirect("volunteers_public:project", token)
    return render(request, "volunteers/public_project.html", {
        "project": project, "shifts": selectors.upcoming_shifts(project), "form": form,
        "challenge": _challenge(form), "key": _station_key(project.station)})


def _station_key(station) -> str:
    from wushe.activities.selectors import station_page_key

    return station_page_key(station)


@public
def public_shift(request, token):
    """The shift's QR code at the place: the first scan checks in, the next checks out."""
    shift = selectors.public_shift(token=token)
    form = IdentifyForm(request.POST or None)
    entry = None
    if request.method == "POST":
        number = (request.POST.get("number") or "").strip().upper()[:12]
        # A hall on one address gets a crowd's allowance; one volunteer number gets a person's,
        # so nobody can try mobile after mobile against it.
        if (too_many(request, f"volunteer-shift:{shift.pk}", per_hour=CROWD_POSTS_PER_HOUR)
                or too_many(request, f"volunteer-number:{number}")):
            return render(request, "volunteers/public_shift.html", {"shift": shift, "limited": True}, status=429)
        try:
            volunteer = services.identify(number=number, mobile=request.POST.get("mobile", "")) if form.is_valid() \
                else None
            if volunteer is None or not volunteer.registrations.filter(shift=shift).exclude(
                    status=Registration.Status.CANCELLED).exists():
                # One answer for a wrong pair and for someone not on this shift: nothing to learn here.
                raise ValidationError(_("志愿者编号与手机号不匹配，或没有报名这个班次。"))
            entry = services.check_in_or_out(shift=shift, volunteer=volunteer, request=request)
        except ValidationError as exc:
            _error(request, exc)
    return render(request, "volunteers/public_shift.html", {"shift": shift, "form": form, "entry": entry})


@public
def public_me(request):
    """我的志愿服务: one's own hours, proofs and coming shifts, after giving number and mobile."""
    if request.method == "POST" and request.POST.get("action") == "leave":
        request.session.pop(ME_KEY, None)
        return redirect("volunteers_public:me")
    me = _me(request)
    form = PublicIdentifyForm(request.POST or None)
    if request.method == "POST" and me is None:
        if too_many(request, "volunteer-me"):
            return render(request, "volunteers/public_me.html", {"limited": True}, status=429)
        try:
            volunteer = _identify_posted(request, form)
            if not answered(request, form.cleaned_data.get("answer")):
                raise ValidationError(_("验证答案不正确，请重新计算。"))
        except ValidationError as exc:
            _error(request, exc)
        else:
            request.session.cycle_key()  # a new session for the identified volunteer
            _remember(request, volunteer)
            return redirect("volunteers_public:me")
    # Signed in with an account, the account is who they are; "退出" is for a phone that identified.
    context = {"me": me, "form": form, "by_account": me is not None and request.user.is_authenticated}
    if me is None:
        context["challenge"] = _challenge(form)
    else:
        context.update({
            "totals": selectors.hours_of(me), "balance": selectors.time_bank_balance(me),
            "hours": services.counted_hours().filter(volunteer=me).select_related("project")[:30],
            "proofs": me.proofs.all()[:10],
            "upcoming": me.registrations.filter(shift__ends_at__gt=timezone.now()).exclude(
                status=Registration.Status.CANCELLED).select_related("shift__project").order_by("shift__starts_at")})
    return render(request, "volunteers/public_me.html", context)


@public
def public_my_proof(request, pk):
    """One of the identified volunteer's own proofs, as the station issued it."""
    me = _me(request)
    proof = me.proofs.filter(pk=pk).first() if me else None
    if proof is None:
        raise Http404
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=me, object_type="volunteers.proof",
                 detail={"proof": proof.number, "by": "volunteer"})
    return proof_pdf.response(proof)
