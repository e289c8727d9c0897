"""Pages of community activities: the station's (plan, registrations, check-in, QR code,
summary) and the public phone pages behind the QR code (sign up, sign in)."""

import datetime

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.activities import selectors, services
from wushe.activities.forms import (
    ActivityForm,
    CloseForm,
    FeedbackForm,
    PersonForm,
    PhotosForm,
    PublicSignUpForm,
)
from wushe.activities.models import Activity, Registration
from wushe.core.access import public, requires
from wushe.core.attachments import attachments_of
from wushe.core.models import Room
from wushe.core.public import CROWD_POSTS_PER_HOUR, answered, too_many
from wushe.core.public import question as ask
from wushe.core.selectors import station_list
from wushe.core.views import form_step, parse_pk, record_form
from wushe.people.selectors import need_get


@requires(Action.ACTIVITY_MANAGE)
def activity_list(request):
    qs = selectors.activity_list(user=request.user)
    when = request.GET.get("when", "upcoming")
    now = timezone.now()
    qs = qs.filter(ends_at__gte=now).order_by("starts_at") if when == "upcoming" else qs.filter(
        ends_at__lt=now).order_by("-starts_at")
    category = request.GET.get("category", "")
    if category in Activity.Category.values:
        qs = qs.filter(category=category)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "activities/activity_list.html", {
        "page": page, "when": when, "category": category, "categories": Activity.Category.choices,
        "totals": selectors.activity_totals(selectors.activity_list(user=request.user)),
        "my_stations": [a.station for a in request.user.assignments.select_related("station") if a.station_id]})


def _activity_form(request, activity=None):
    user = request.user
    stations = station_list(user=user, action=Action.ACTIVITY_MANAGE).exclude(status="closed")
    chosen = parse_pk(request.POST.get("station") or request.GET.get("station"))
    station = activity.station if activity else (stations.filter(pk=chosen).first() if chosen else stations.first())
    form = ActivityForm(request.POST or None, instance=activity, initial={"station": station}, stations=stations,
                        rooms=Room.objects.filter(station=station, active=True))
    return record_form(
        request, form=form, title=_("活动策划"), done=_("活动已保存。"),
        save=lambda f: services.activity_save(
            actor=user, station=f.cleaned_data["station"], tags=f.cleaned_data["target_tags"], activity=activity,
            request=request, data={k: v for k, v in f.cleaned_data.items() if k not in ("station", "target_tags")}),
        cancel_url=activity.get_absolute_url() if activity else reverse("activities:activities"))


@requires(Action.ACTIVITY_MANAGE)
def activity_new(request):
    return _activity_form(request)


@requires(Action.ACTIVITY_MANAGE)
def activity_edit(request, pk):
    return _activity_form(request, selectors.activity_get(user=request.user, pk=pk))


@requires(Action.ACTIVITY_MANAGE)
def activity_detail(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    registrations = activity.registrations.exclude(status=Registration.Status.CANCELLED).select_related(
        "sign_in")
    public_url = request.build_absolute_uri(reverse("activities_public:public", args=[activity.token]))
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "registrations": registrations, "sign_ins": activity.sign_ins.all(),
        "seats_left": selectors.seats_left(activity), "public_url": public_url,
        "qr": segno.make(public_url, error="m").svg_inline(scale=4),
        "person_form": PersonForm(), "totals": selectors.activity_totals(Activity.objects.filter(pk=activity.pk)),
        "photos": attachments_of(activity),
        "needs": activity.needs.select_related("resident", "community"),
        "need_candidates": selectors.need_candidates(user=request.user, activity=activity)[:200],
        "feedback": selectors.feedback_summary(activity),
        "comments": activity.feedback.exclude(comment="")[:50],
    })


@requires(Action.ACTIVITY_MANAGE)
def activity_qr(request, pk):
    """The QR code alone, large, to print or show on a screen at the door."""
    activity = selectors.activity_get(user=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("activities_public:public", args=[activity.token]))
    return render(request, "activities/activity_qr.html", {
        "activity": activity, "qr": segno.make(url, error="m").svg_inline(scale=10), "url": url})


@requires(Action.ACTIVITY_MANAGE)
@require_POST
def staff_register(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = PersonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        registration = services.register(activity=activity, actor=request.user, request=request,
                                         **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已登记：%(s)s。") % {"s": registration.get_status_display()})
    return redirect(activity)


@requires(Action.ACTIVITY_MANAGE)
@require_POST
def staff_sign_in(request, pk):
    """Check someone in from the list, or a walk-in by name and mobile."""
    activity = selectors.activity_get(user=request.user, pk=pk)
    registration_pk = parse_pk(request.POST.get("registration"))
    if registration_pk:
        registration = get_object_or_404(Registration, pk=registration_pk, activity=activity)
        data = {"name": registration.name, "mobile": registration.mobile.reveal()}
    else:
        data = {"name": request.POST.get("name", ""), "mobile": request.POST.get("mobile", "")}
    try:
        _record, created = services.sign_in(activity=activity, actor=request.user, request=request, **data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已签到。") if created else _("此人已经签到过了。"))
    return redirect(activity)


@requires(Action.ACTIVITY_MANAGE)
@require_POST
def registration_action(request, pk, registration_pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    registration = get_object_or_404(Registration, pk=registration_pk, activity=activity)
    try:
        if request.POST.get("action") == "approve":
            services.registration_approve(actor=request.user, registration=registration, request=request)
            messages.success(request, _("已审核通过。"))
        else:
            promoted = services.registration_cancel(actor=request.user, registration=registration, request=request)
            messages.success(request, _("已取消报名；候补的 %(n)s 已递补。") % {"n": promoted.name} if promoted
                             else _("已取消报名。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(activity)


@requires(Action.ACTIVITY_MANAGE)
@require_POST
def activity_photos(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = PhotosForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        saved = services.activity_photos_add(actor=request.user, activity=activity, request=request,
                                             photos=form.cleaned_data["photos"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已上传 %(n)s 个文件。") % {"n": len(saved)})
    return redirect(f"{activity.get_absolute_url()}#photos")


@requires(Action.ACTIVITY_MANAGE)
@require_POST
def activity_needs(request, pk):
    """对接需求: link a need to the activity, or let go of one."""
    activity = selectors.activity_get(user=request.user, pk=pk)
    need = need_get(user=request.user, pk=parse_pk(request.POST.get("need")) or 0)
    link = request.POST.get("action") != "unlink"
    try:
        services.need_link(actor=request.user, activity=activity, need=need, link=link, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已对接需求，需求转为“服务中”。") if link else _("已取消对接。"))
    return redirect(f"{activity.get_absolute_url()}#needs")


@requires(Action.ACTIVITY_MANAGE)
def activity_close(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    open_needs = activity.needs.filter(status__in=["open", "matched", "in_service"]).select_related(
        "resident", "community")
    return form_step(request, obj=activity, form=CloseForm(request.POST or None, needs=open_needs),
                     save=lambda f: services.activity_close(actor=request.user, activity=activity, request=request,
                                                            **f.cleaned_data),
                     done=_("活动已结束，总结已保存。"), title=_("活动总结"), subtitle=activity.title)


# --- the public phone pages -----------------------------------------------------------------

@public
def public_activity(request, token):
    activity = selectors.public_activity(token=token)
    signup = PublicSignUpForm(request.POST or None) if request.POST.get("form") == "signup" else PublicSignUpForm()
    feedback = FeedbackForm(request.POST or None) if request.POST.get("form") == "feedback" else FeedbackForm()
    sign_in_form = PersonForm(request.POST or None) if request.POST.get("form") == "signin" else PersonForm()
    result, signed_in = None, False
    if request.method == "POST":
        # Signing in and giving feedback happen in the hall, many on one address: a crowd's allowance.
        crowd = request.POST.get("form") in ("signin", "feedback")
        if (too_many(request, f"activity-{request.POST.get('form')}:{activity.pk}", per_hour=CROWD_POSTS_PER_HOUR)
                if crowd else too_many(request, f"activity:{activity.pk}")):
            return render(request, "activities/public_activity.html", {
                "activity": activity, "limited": True}, status=429)
        try:
            if request.POST.get("form") == "feedback":
                if not feedback.is_valid():
                    raise ValidationError(_("请填写手机号并选择满意度。"))
                if not answered(request, feedback.cleaned_data["answer"]):
                    feedback.add_error("answer", _("验证答案不正确，请重新计算。"))
                    raise ValidationError(_("验证答案不正确。"))
                services.feedback_give(activity=activity, request=request, mobile=feedback.cleaned_data["mobile"],
                                       rating=feedback.cleaned_data["rating"], comment=feedback.cleaned_data["comment"])
                result = _("感谢您的反馈！")
                feedback = FeedbackForm()
            elif request.POST.get("form") == "signin":
                if not sign_in_form.is_valid():
                    raise ValidationError(_("请填写姓名和手机号。"))
                _record, created = services.sign_in(activity=activity, request=request, **sign_in_form.cleaned_data)
                result = _("签到成功，欢迎参加！") if created else _("您已经签到过了。")
                signed_in, sign_in_form = True, PersonForm()  # blank for the next person on this phone
            else:
                if not signup.is_valid():
                    raise ValidationError(_("请检查填写的内容。"))
                if not answered(request, signup.cleaned_data.get("answer")):
                    signup.add_error("answer", _("验证答案不正确，请重新计算。"))
                    raise ValidationError(_("验证答案不正确。"))
                registration = services.register(activity=activity, request=request, name=signup.cleaned_data["name"],
                                                 mobile=signup.cleaned_data["mobile"])
                result = {Registration.Status.CONFIRMED: _("报名成功！请按时参加，到场后扫码签到。"),
                          Registration.Status.WAITING: _("名额已满，您已进入候补，有人取消时将按顺序递补。"),
                          Registration.Status.PENDING: _("已提交报名，工作人员审核后生效。")}[registration.status]
                signup = PublicSignUpForm()  # the seat just taken shows: seats_left counts below
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied:
            return render(request, "activities/public_activity.html", {"activity": activity}, status=403)
    question, challenge = ask()
    now = timezone.now()
    # Who has just signed in is past signing up: the page answers them without the form.
    can_sign_up = activity.status == Activity.Status.OPEN and activity.ends_at > now and not signed_in
    return render(request, "activities/public_activity.html", {
        "activity": activity, "signup": signup, "sign_in_form": sign_in_form, "result": result,
        "question": question, "challenge": challenge,
        "seats_left": selectors.seats_left(activity) if can_sign_up else 0,
        "can_sign_in": activity.starts_at - services.SIGN_IN_OPENS <= now <= activity.ends_at,
        "can_sign_up": can_sign_up, "feedback": feedback,
        "can_give_feedback": activity.starts_at <= now <= activity.ends_at + datetime.timedelta(
            days=services.FEEDBACK_DAYS) and activity.status != Activity.Status.CANCELLED,
    })


@public
def public_station(request, key):
    """A station's page behind its QR code: who it is and what is coming up."""
    station = selectors.public_station(key=key)
    return render(request, "activities/public_station.html", {
        "station": station, "key": key, "activities": selectors.public_upcoming(station=station)[:20],
        "community": selectors.station_community(station=station, code=request.GET.get("c", ""))})


@requires(Action.ACTIVITY_MANAGE)
def station_qr(request, station_pk):
    """The station's QR code, to print and put up at its door and in its communities."""
    from wushe.core.selectors import station_get

    station = station_get(user=request.user, pk=station_pk, action=Action.ACTIVITY_MANAGE)
    url = request.build_absolute_uri(reverse("activities_public:station", args=[selectors.station_page_key(station)]))
    # One code per community too, for its notice board: the same page, opened for that community.
    communities = [(c, f"{url}?c={c.code}") for c in selectors.station_communities(station=station)]
    return render(request, "activities/station_qr.html", {
        "station": station, "qr": segno.make(url, error="m").svg_inline(scale=10), "url": url,
        "communities": [(c, segno.make(u, error="m").svg_inline(scale=4), u) for c, u in communities]})
