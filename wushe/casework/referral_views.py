"""Pages of referrals (转介): out of a case or a need, into another station, or outside."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import can
from wushe.casework import selectors, services
from wushe.casework.forms import ReferralForm, ReferralOutcomeForm, ReferralResponseForm
from wushe.casework.models import Referral
from wushe.casework.record_forms import referral as referral_spec
from wushe.core import audit, pdf
from wushe.core.access import requires
from wushe.core.divisions import within
from wushe.core.models import AuditEntry, Station
from wushe.core.views import form_errors_from, parse_pk
from wushe.people import selectors as people_selectors


@requires(Action.CASE_WORK)
def referral_list(request):
    qs = selectors.referral_list(user=request.user)
    direction = request.GET.get("direction", "in")
    mine = [a for a in request.user.assignments.all() if a.station_id]
    stations = [a.station_id for a in mine]
    qs = qs.filter(to_station_id__in=stations) if direction == "in" else qs.filter(from_station_id__in=stations)
    status = request.GET.get("status", "")
    if status in Referral.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(request, "casework/referral_list.html", {
        "page": page, "direction": direction, "status": status, "statuses": Referral.Status.choices})


@requires(Action.CASE_WORK)
def referral_new(request):
    user = request.user
    case = need = None
    case_pk = parse_pk(request.GET.get("case") or request.POST.get("case"))
    if case_pk:
        case = selectors.case_get_for_reading(user=user, pk=case_pk)
        resident = case.resident
    else:
        need_pk = parse_pk(request.GET.get("need") or request.POST.get("need"))
        if not need_pk:
            raise Http404
        need = people_selectors.need_get(user=user, pk=need_pk)
        if need.resident_id is None:
            raise Http404
        resident = need.resident
    city = resident.community_id[:4]
    stations = Station.objects.filter(within("division_id", city)).exclude(status=Station.Status.CLOSED) \
        .exclude(pk=case.station_id if case else None).order_by("division_id")
    form = ReferralForm(request.POST or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(actor=user, resident=resident, case=case, need=need,
                                                data=form.cleaned_data, request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("转介已发出。"))
            return redirect(referral)
    return render(request, "casework/referral_form.html", {"form": form, "case": case, "need": need,
                                                           "resident": resident})


@requires(Action.CASE_WORK)
def referral_detail(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    audit.record(AuditEntry.Action.VIEWED, request=request, obj=referral)
    receiving = referral.internal and can(request.user, Action.CASE_WORK, referral.to_station)
    return render(request, "casework/referral_detail.html", {
        "referral": referral, "receiving": receiving,
        "sending": can(request.user, Action.CASE_WORK, referral),
        "response_form": ReferralResponseForm(), "outcome_form": ReferralOutcomeForm()})


@requires(Action.CASE_WORK)
@require_POST
def referral_respond(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralResponseForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.referral_respond(actor=request.user, referral=referral, accept=accept,
                                  note=form.cleaned_data.get("response_note", ""), request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已接收，可为其建立个案。") if accept else _("已拒绝。"))
    return redirect(referral)


@requires(Action.CASE_WORK)
@require_POST
def referral_outcome(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralOutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"outcome": _("请填写转介结果。")})
        services.referral_outcome(actor=request.user, referral=referral, outcome=form.cleaned_data["outcome"],
                                  request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("转介结果已记录。"))
    return redirect(referral)


@requires(Action.CASE_WORK)
def referral_form(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    spec = referral_spec(referral)
    spec.issuer = referral.from_station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=referral, detail={"form": "referral"})
    return pdf.response(spec, f"转介表-{referral.pk}.pdf")
