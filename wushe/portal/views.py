"""Requests (诉求): the public form behind a station's QR code, the tracking page, and the
station's triage queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.activities.selectors import public_station
from wushe.core.access import public, requires
from wushe.core.attachments import attachments_by_record
from wushe.core.divisions import Level, within
from wushe.core.models import Division
from wushe.core.public import answered, too_many
from wushe.core.public import question as ask
from wushe.core.views import form_errors_from
from wushe.portal import selectors, services
from wushe.portal.forms import ReplyForm, RequestForm, TrackForm
from wushe.portal.models import Request


@public
def request_new(request, key):
    station = public_station(key=key)
    communities = Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by("code")
    form = RequestForm(request.POST or None, request.FILES or None, communities=communities,
                       initial={"community": communities.filter(code=request.GET.get("community", "")).first()})
    if request.method == "POST":
        if too_many(request, f"request:{station.pk}"):
            return render(request, "portal/request_new.html", {"station": station, "limited": True}, status=429)
        if form.is_valid():
            if not answered(request, form.cleaned_data["answer"]):
                form.add_error("answer", _("验证答案不正确，请重新计算。"))
            else:
                data = {k: v for k, v in form.cleaned_data.items() if k not in ("consent", "answer")}
                try:
                    filed = services.request_file(station=station, **data)
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    return render(request, "portal/request_filed.html", {"station": station, "code": filed.code})
    question, challenge = ask()
    return render(request, "portal/request_new.html", {"station": station, "form": form, "question": question,
                                                       "challenge": challenge})


@public
def request_track(request):
    """Status and reply of a request, for whoever holds its code; nothing personal."""
    form = TrackForm(request.GET or None)
    found = None
    if form.is_valid():
        if too_many(request, "track"):
            return render(request, "portal/request_track.html", {"form": form, "limited": True}, status=429)
        code = form.cleaned_data["code"].strip().upper().replace(" ", "")
        if len(code) == 8:
            code = f"{code[:4]}-{code[4:]}"
        found = Request.objects.select_related("station").filter(code=code).first()
        if found is None:
            form.add_error("code", _("没有找到这个查询码，请核对后再试。"))
    return render(request, "portal/request_track.html", {"form": form, "found": found})


@requires(Action.PERSON_VIEW)
def request_list(request):
    qs = selectors.request_list(user=request.user)
    status = request.GET.get("status", "new")
    if status in Request.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("created_at" if status == "new" else "-created_at"), 25).get_page(
        request.GET.get("page"))
    photos = attachments_by_record(Request, [r.pk for r in page.object_list])
    for r in page.object_list:
        r.photos = photos.get(r.pk, [])
    return render(request, "portal/request_list.html", {"page": page, "status": status,
                                                        "statuses": Request.Status.choices, "form": ReplyForm()})


@requires(Action.PERSON_VIEW)
@require_POST
def request_decide(request, pk):
    req = selectors.request_get(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "accept":
            need = services.request_accept(actor=request.user, req=req, reply=reply, request=request)
            messages.success(request, _("已受理，已登记到需求清单。"))
            if need.resident_id:
                return redirect(need.resident)
        else:
            services.request_decline(actor=request.user, req=req, reply=reply, request=request)
            messages.success(request, _("已答复居民。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("portal:requests")
