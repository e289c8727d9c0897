"""Pages of the people registry: list, file, registration, needs and visits."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import can
from wushe.core.access import requires
from wushe.core.divisions import within
from wushe.core.exports import audited_xlsx
from wushe.core.plans import planned_for_their_values
from wushe.core.views import error_text, form_errors_from, record_form
from wushe.people import selectors, services
from wushe.people.filters import ResidentFilter
from wushe.people.forms import (
    NeedForm,
    NeedStatusForm,
    QuestionFormSet,
    ResidentForm,
    SurveyForm,
    TagForm,
    TransferRequestForm,
    VisitForm,
    response_form,
)
from wushe.people.models import Need, Tag


@requires(Action.PERSON_VIEW)
@planned_for_their_values()  # a scope's range of codes, wide or narrow by role (core.plans)
def resident_list(request):
    filterset = ResidentFilter(request.GET, queryset=selectors.resident_list(user=request.user),
                               user=request.user)
    if request.GET.get("export") == "xlsx":
        return _export(request, filterset.qs)
    # A plain loop, not a table library: the page is the registry's busiest (its rendering was
    # most of the list's time at a million residents).
    sort = request.GET.get("sort", "")
    page = Paginator(selectors.resident_sorted(filterset.qs, sort), 25).get_page(request.GET.get("page"))
    return render(request, "people/resident_list.html", {
        "filter": filterset, "page": page, "sort": sort, "tag_counts": selectors.tag_counts(filterset.qs),
        "headers": [_header(key, label, sort) for key, label in RESIDENT_COLUMNS],
    })


RESIDENT_COLUMNS = [("name", gettext_lazy("姓名")), ("sex", gettext_lazy("性别")), ("age", gettext_lazy("年龄")),
                    ("id_number", gettext_lazy("身份证号")), ("community", gettext_lazy("社区/村")),
                    ("income", gettext_lazy("困难类型")), ("risk", gettext_lazy("风险"))]


def _header(key: str, label: str, sort: str) -> dict:
    """A column heading: the order a click asks for, and the arrow of the current one."""
    if key not in selectors.RESIDENT_SORTS:
        return {"label": label}
    return {"label": label, "sort": f"-{key}" if sort == key else key,
            "arrow": "▲" if sort == key else "▼" if sort == f"-{key}" else ""}


def _export(request, qs):
    # Age, not the birth date: the birth date is what the ID mask hides.
    headers = [_("姓名"), _("性别"), _("年龄"), _("身份证号"), _("手机号"), _("社区/村"), _("住址"),
               _("困难类型"), _("风险"), _("人员类别")]
    return audited_xlsx(request, filename=f"服务对象-{timezone.localdate():%Y%m%d}.xlsx", title=_("服务对象"),
                        headers=headers, rows=selectors.resident_export_rows(qs), count=qs.count(),
                        object_type="people.resident", query=_query_for_audit(request.GET))


def _query_for_audit(params) -> str:
    """The filter of an export as the audit log keeps it: a search by ID or phone number
    is recorded as that kind of search, never the number itself."""
    params = params.copy()
    params.pop("export", None)
    if any(ch.isdigit() for ch in params.get("q", "")):
        params["q"] = "***"
    return params.urlencode()


def _resident_form(request, instance=None):
    return ResidentForm(request.POST or None, instance=instance,
                        stations=selectors.stations_for(user=request.user),
                        communities=selectors.communities_for(user=request.user),
                        initial=None if instance else {"consent_on": timezone.localdate()})


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def resident_create(request):
    form = _resident_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_create(actor=request.user, data=form.service_data(),
                                                tags=form.cleaned_data["tags"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已为 %(name)s 建档。") % {"name": resident.name})
            return redirect(resident)
    return render(request, "people/resident_form.html", {"form": form, "title": _("新建服务对象档案")})


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def resident_edit(request, pk):
    resident = selectors.resident_get(user=request.user, pk=pk)
    if request.method == "GET":
        services.resident_file_opened(actor=request.user, resident=resident, request=request)
    form = _resident_form(request, instance=resident)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(actor=request.user, resident=resident, data=form.service_data(),
                                     tags=list(form.cleaned_data["tags"]), request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("档案已保存。"))
            return redirect(resident)
    return render(request, "people/resident_form.html", {"form": form, "resident": resident,
                                                         "title": _("编辑档案")})


@requires(Action.PERSON_VIEW)
def resident_detail(request, pk):
    resident, shared = selectors.resident_get_for_reading(user=request.user, pk=pk)
    services.resident_file_opened(actor=request.user, resident=resident, request=request)
    household = selectors.household_members(user=request.user, resident=resident)
    return render(request, "people/resident_detail.html", {
        "resident": resident,
        "household": household,
        "needs": selectors.resident_needs(resident=resident),
        "visits": selectors.resident_visits(resident=resident),
        "need_form": NeedForm(),
        "status_choices": Need.Status.choices,
        "shared": shared,
        "can_reveal": can(request.user, Action.PERSON_REVEAL, resident),
        "can_manage": can(request.user, Action.USER_MANAGE, resident),
        # Cases, groups and referrals (the casework app) for the station's social workers.
        "can_refer": not shared and can(request.user, Action.CASE_WORK, resident),
    })


@requires(Action.PERSON_REVEAL)
@never_cache
@require_POST
def resident_reveal(request, pk, field):
    resident = selectors.resident_get(user=request.user, pk=pk)
    try:
        value = services.resident_reveal(actor=request.user, resident=resident, field=field, request=request)
    except ValidationError as exc:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', "；".join(exc.messages)), status=400)
    except services.RevealLimitReached as exc:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', str(exc)), status=429)
    return HttpResponse(format_html('<span class="font-monospace">{}</span>', value or "—"))


@requires(Action.PERSON_VIEW)
def resident_history(request, pk):
    resident = selectors.resident_get(user=request.user, pk=pk)
    if not can(request.user, Action.USER_MANAGE, resident):
        raise PermissionDenied
    return render(request, "people/resident_history.html", {
        "resident": resident, "versions": selectors.resident_history(resident=resident),
    })


@requires(Action.PERSON_VIEW)
@require_POST
def resident_restore(request, pk, history_id):
    resident = selectors.resident_get(user=request.user, pk=pk)
    try:
        services.resident_restore(actor=request.user, resident=resident, history_id=history_id, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已恢复到所选版本。"))
    return redirect("people:resident_history", pk=pk)


@requires(Action.PERSON_VIEW)
@require_POST
def need_add(request, pk):
    resident = selectors.resident_get(user=request.user, pk=pk)
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.need_create(actor=request.user, request=request,
                                 data={**form.cleaned_data, "resident": resident})
            messages.success(request, _("需求已登记。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, error_text(form))
    return redirect(f"{resident.get_absolute_url()}#needs")


@requires(Action.PERSON_VIEW)
@require_POST
def need_status(request, pk):
    need = selectors.need_get(user=request.user, pk=pk)
    form = NeedStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        services.need_transition(actor=request.user, need=need, status=form.cleaned_data["status"],
                                 reason=form.cleaned_data["reason"], request=request)
        messages.success(request, _("需求状态已更新。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    target = need.resident.get_absolute_url() + "#needs" if need.resident_id else "/people/needs/"
    return redirect(target)


@requires(Action.PERSON_VIEW)
def need_list(request):
    needs = selectors.need_list(user=request.user)
    status = request.GET.get("status", "open")
    if status == "open":
        needs = needs.exclude(status__in=[Need.Status.MET, Need.Status.CLOSED])
    elif status in Need.Status.values:
        needs = needs.filter(status=status)
    return render(request, "people/need_list.html", {
        "needs": needs[:200], "status": status, "statuses": Need.Status.choices,
    })


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def visit_add(request, pk):
    resident = selectors.resident_get(user=request.user, pk=pk)
    form = VisitForm(request.POST or None, request.FILES or None,
                     initial={"visited_on": timezone.localdate(), "risk": resident.risk})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, resident=resident, data=form.cleaned_data,
                                  needs=form.needs(), photos=form.cleaned_data["photos"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("走访记录已保存。"))
            return redirect(f"{resident.get_absolute_url()}#visits")
    return render(request, "core/form_page.html", {
        "form": form, "title": _("登记走访"), "subtitle": resident.name,
        "cancel_url": resident.get_absolute_url()})


@requires(Action.PERSON_VIEW)
def overdue_visits(request):
    return render(request, "people/overdue_visits.html", {
        "residents": selectors.overdue_visits(user=request.user)[:200], "today": timezone.localdate(),
    })


# --- duplicates and transfers ------------------------------------------------------------------

@requires(Action.PERSON_VIEW)
def duplicates(request):
    return render(request, "people/duplicates.html", {"groups": selectors.likely_duplicates(user=request.user)})


@requires(Action.PERSON_VIEW)
@require_POST
def resident_merge(request, pk, other_pk):
    keep = selectors.resident_get(user=request.user, pk=pk)
    other = selectors.resident_get(user=request.user, pk=other_pk)
    try:
        services.resident_merge(actor=request.user, keep=keep, other=other, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("people:duplicates")
    messages.success(request, _("已合并到 %(name)s 的档案，原有需求、走访与修改记录均已保留。") % {"name": keep.name})
    return redirect(keep)


@requires(Action.PERSON_VIEW)
def transfers(request):
    return render(request, "people/transfers.html", {
        "shares": selectors.shared_with(user=request.user)[:100],
        "incoming": selectors.transfers_incoming(user=request.user)[:100],
        "outgoing": selectors.transfers_outgoing(user=request.user)[:100],
    })


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def transfer_create(request):
    form = TransferRequestForm(request.POST or None, stations=selectors.stations_for(user=request.user),
                               communities=selectors.communities_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_request(actor=request.user, id_number=data["id_number"], to_station=data["to_station"],
                                      to_community=data["to_community"], reason=data["reason"], kind=data["kind"],
                                      request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已向建档站点提出转移申请，对方处理后可在此查看结果。"))
            return redirect("people:transfers")
    return render(request, "core/form_page.html", {"form": form, "title": _("申请转移或共享档案"),
                                                   "cancel_url": reverse("people:transfers")})


@requires(Action.PERSON_VIEW)
@require_POST
def transfer_decide(request, pk):
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    try:
        services.transfer_decide(actor=request.user, transfer=transfer, approve=request.POST.get("decision") == "approve",
                                 note=request.POST.get("note", ""), request=request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("转移申请已处理。"))
    return redirect("people:transfers")


# --- needs surveys ------------------------------------------------------------------------------

@requires(Action.PERSON_VIEW)
def survey_list(request):
    return render(request, "people/survey_list.html", {"surveys": selectors.survey_list(user=request.user)})


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def survey_create(request):
    form = SurveyForm(request.POST or None, stations=selectors.stations_for(user=request.user))
    questions = QuestionFormSet(request.POST or None, prefix="q")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        items = [{k: v for k, v in q.items()} for q in questions.cleaned_data if q.get("text")]
        try:
            survey = services.survey_create(actor=request.user, station=form.cleaned_data["station"],
                                            title=form.cleaned_data["title"], intro=form.cleaned_data["intro"],
                                            questions=items, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("问卷已创建。"))
            return redirect(survey)
    return render(request, "people/survey_form.html", {"form": form, "questions": questions})


@requires(Action.PERSON_VIEW)
def survey_detail(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    total, summaries = selectors.survey_summary(survey=survey)
    return render(request, "people/survey_detail.html", {"survey": survey, "total": total, "summaries": summaries})


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def survey_respond(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    residents = selectors.resident_list(user=request.user).filter(within("community_id", survey.station.division.prefix))
    picker = selectors.resident_picker(residents=residents, request=request)
    form = response_form(survey, residents=residents,
                         communities=selectors.communities_for(user=request.user).filter(
                             within("code", survey.station.division.prefix)),
                         data=request.POST or None)
    form.initial["resident"] = picker.chosen.pk if picker.chosen else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = {q.pk: data.get(f"q{q.pk}") for q in survey.questions.all()}
        try:
            if not data["resident"] and not data["community"]:
                raise ValidationError({"community": _("请选择服务对象或社区/村。")})
            services.survey_respond(actor=request.user, survey=survey, resident=data["resident"],
                                    community=data["community"], answers=answers, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("答卷已保存。"))
            return redirect(survey)
    return render(request, "people/survey_respond.html", {
        "form": form, "survey": survey, "picker": picker})



# --- the 人员类别 list --------------------------------------------------------------------------

@requires(Action.TAG_MANAGE)
def tag_list(request):
    return render(request, "people/tag_list.html", {"tags": Tag.objects.all()})


@requires(Action.TAG_MANAGE)
@require_http_methods(["GET", "POST"])
def tag_edit(request, pk=None):
    tag = get_object_or_404(Tag, pk=pk) if pk is not None else Tag()
    return record_form(
        request, form=TagForm(request.POST or None, instance=tag),
        save=lambda form: services.tag_save(actor=request.user, form=form, request=request),
        done=lambda saved: _("已保存人员类别“%(n)s”。") % {"n": saved.name},
        title=_("新增人员类别") if pk is None else _("修改人员类别“%(n)s”") % {"n": tag.name},
        subtitle=_("人员类别是全平台共用的清单：登记、导入、筛选和统计都按它分类。"),
        cancel_url=reverse("people:tags"))
