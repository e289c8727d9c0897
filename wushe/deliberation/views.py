"""Pages of resident deliberation: the station's (topics, meetings, resolutions, action items)
and the public phone pages behind the station's QR code (the board, the proposal form)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.activities.selectors import public_station
from wushe.core.access import public, requires
from wushe.core.models import Division
from wushe.core.public import answered, too_many
from wushe.core.public import question as ask
from wushe.core.selectors import station_list
from wushe.core.views import form_errors_from, form_step, parse_pk
from wushe.deliberation import selectors, services
from wushe.deliberation.forms import (
    DoneForm,
    ItemForm,
    MeetingForm,
    ProposeForm,
    ReplyForm,
    ResolutionForm,
    TopicEditForm,
    TopicForm,
)
from wushe.deliberation.models import ActionItem, Deliberation


def _code(value) -> str:
    """A 12-digit division code from a query string, or "" (anything else is ignored)."""
    value = str(value or "")
    return value if len(value) == 12 and value.isascii() and value.isdecimal() else ""


def _stations(user):
    return station_list(user=user, action=Action.DELIBERATION_MANAGE).exclude(status="closed")


@requires(Action.DELIBERATION_MANAGE)
def topic_list(request):
    scope = selectors.topic_list(user=request.user)
    qs = scope
    status = request.GET.get("status", "")
    if status in Deliberation.Status.values:
        qs = qs.filter(status=status)
    community = _code(request.GET.get("community"))
    if community:
        qs = qs.filter(community_id=community)
    query = request.GET.get("q", "").strip().replace("\x00", "")
    if query:
        qs = qs.filter(Q(title__contains=query) | Q(description__contains=query))
    page = Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "deliberation/topic_list.html", {
        "page": page, "status": status, "statuses": Deliberation.Status.choices, "community": community,
        "communities": Division.objects.filter(code__in=scope.values("community_id")).order_by("code"),
        "query": query, "totals": selectors.totals(scope),
        "filtered": bool(status or community or query)})


@requires(Action.DELIBERATION_MANAGE)
def topic_new(request):
    stations = _stations(request.user)
    chosen = parse_pk(request.POST.get("station") or request.GET.get("station"))
    station = stations.filter(pk=chosen).first() if chosen else stations.first()
    communities = selectors.communities_of(station) if station else Division.objects.none()
    form = TopicForm(request.POST or None, initial={"station": station, "source": Deliberation.Source.STAFF},
                     stations=stations, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        try:
            topic = services.topic_create(actor=request.user, station=form.cleaned_data["station"], data=data,
                                          request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("议题已登记，可安排议事会讨论。"))
            return redirect(topic)
    return render(request, "core/form_page.html", {"form": form, "title": _("登记议题"),
                                                   "cancel_url": reverse("deliberation:topics")})


@requires(Action.DELIBERATION_MANAGE)
def topic_detail(request, pk):
    topic = selectors.topic_get(user=request.user, pk=pk)
    topic = selectors.outcomes(Deliberation.objects.filter(pk=topic.pk)).select_related(
        "station", "community", "handled_by").get()
    return render(request, "deliberation/topic_detail.html", {
        "topic": topic, "meetings": topic.meetings.order_by("-held_at"), "reply_form": ReplyForm(),
        "can_meet": topic.status in Deliberation.OPEN_STATUSES, "today": timezone.localdate()})


@requires(Action.DELIBERATION_MANAGE)
def topic_edit(request, pk):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = TopicEditForm(request.POST or None, instance=topic, communities=selectors.communities_of(topic.station))
    return form_step(request, obj=topic, form=form,
                     save=lambda f: services.topic_update(actor=request.user, topic=topic, data=f.cleaned_data,
                                                          request=request),
                     done=_("议题已保存。"), title=_("编辑议题"), subtitle=topic.station.name)


@requires(Action.DELIBERATION_MANAGE)
@require_POST
def topic_decide(request, pk):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "accept":
            services.topic_accept(actor=request.user, topic=topic, reply=reply, request=request)
            messages.success(request, _("已受理，可安排议事会讨论。"))
        else:
            services.topic_reject(actor=request.user, topic=topic, reply=reply, request=request)
            messages.success(request, _("已答复：不予受理。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(topic)


@requires(Action.DELIBERATION_MANAGE)
def meeting_new(request):
    user = request.user
    stations = _stations(user)
    topic_pk = parse_pk(request.GET.get("topic"))
    topic = selectors.topic_get(user=user, pk=topic_pk) if topic_pk else None
    chosen = parse_pk(request.POST.get("station") or request.GET.get("station"))
    station = topic.station if topic else (stations.filter(pk=chosen).first() if chosen else stations.first())
    topics = selectors.open_topics(user=user, station=station) if station else Deliberation.objects.none()
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = MeetingForm(request.POST or None, stations=stations, topics=topics, initial={
        "station": station, "topics": [topic] if topic else [], "held_at": now})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("station", "topics")}
        try:
            meeting = services.meeting_record(actor=user, station=form.cleaned_data["station"], data=data,
                                              topics=form.cleaned_data["topics"], request=request)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("议事会记录已保存，请录入决议。"))
            return redirect(meeting)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("记录议事会"), "subtitle": station.name if station else "",
        "cancel_url": topic.get_absolute_url() if topic else reverse("deliberation:topics")})


@requires(Action.DELIBERATION_MANAGE)
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "deliberation/meeting_detail.html", {
        "meeting": meeting, "topics": meeting.topics.select_related("community"),
        "resolutions": meeting.resolutions.select_related("deliberation").prefetch_related("action_items")})


@requires(Action.DELIBERATION_MANAGE)
def resolution_new(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    topics = meeting.topics.filter(status__in=Deliberation.OPEN_STATUSES)
    chosen = parse_pk(request.GET.get("topic"))
    if chosen is None and len(topics) == 1:
        chosen = topics[0].pk
    form = ResolutionForm(request.POST or None, topics=topics, initial={
        "deliberation": chosen if chosen and topics.filter(pk=chosen).exists() else None,
        "method": "consensus"})

    def save(f):
        services.resolution_add(actor=request.user, meeting=meeting, request=request, **f.cleaned_data)

    return form_step(request, obj=meeting, form=form, save=save, done=_("决议已保存。"), title=_("录入决议"),
                     subtitle=str(meeting))


@requires(Action.DELIBERATION_MANAGE)
def item_new(request, pk):
    resolution = selectors.resolution_get(user=request.user, pk=pk)
    topic = resolution.deliberation
    return form_step(request, obj=topic, form=ItemForm(request.POST or None),
                     save=lambda f: services.item_add(actor=request.user, resolution=resolution, request=request,
                                                      **f.cleaned_data),
                     done=_("办理事项已添加。"), title=_("添加办理事项"), subtitle=topic.title)


@requires(Action.DELIBERATION_MANAGE)
def item_done(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    topic = item.resolution.deliberation
    return form_step(request, obj=topic, form=DoneForm(request.POST or None),
                     save=lambda f: services.item_done(actor=request.user, item=item, request=request,
                                                       **f.cleaned_data),
                     done=_("已办结，计为办实事一件。"), title=_("标记办结"), subtitle=item.what)


@requires(Action.DELIBERATION_MANAGE)
def item_list(request):
    """办理事项: overdue first; the done ones are the 办实事 ledger, each with its evidence."""
    items = selectors.item_list(user=request.user)
    show = request.GET.get("show", "overdue")
    if show == "done":
        qs = items.filter(status=ActionItem.Status.DONE).order_by("-done_on", "-id")
    elif show == "open":
        qs = items.filter(status=ActionItem.Status.OPEN).order_by("deadline", "id")
    else:
        show, qs = "overdue", selectors.overdue(items).order_by("deadline", "id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "deliberation/item_list.html", {
        "page": page, "show": show, "today": timezone.localdate(),
        "counts": {"overdue": selectors.overdue(items).count(),
                   "open": items.filter(status=ActionItem.Status.OPEN).count(),
                   "done": items.filter(status=ActionItem.Status.DONE).count()}})


# --- the public phone pages -----------------------------------------------------------------

@public
def public_board(request, key):
    """议事公示栏: a station's accepted public topics and what came of them; nobody's name."""
    station = public_station(key=key)
    topics = selectors.public_board(station=station)
    communities = Division.objects.filter(code__in=topics.values("community_id")).order_by("code")
    community = _code(request.GET.get("community"))
    shown = topics.filter(community_id=community) if community else topics
    page = Paginator(shown.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "deliberation/public_board.html", {
        "station": station, "key": key, "page": page, "communities": communities, "community": community,
        "totals": selectors.totals(shown)})


@public
def public_propose(request, key):
    station = public_station(key=key)
    form = ProposeForm(request.POST or None, communities=selectors.communities_of(station),
                       initial={"community": _code(request.GET.get("community"))})
    if request.method == "POST":
        if too_many(request, f"deliberation:{station.pk}"):
            return render(request, "deliberation/public_propose.html", {"station": station, "key": key,
                                                                        "limited": True}, status=429)
        if form.is_valid():
            if not answered(request, form.cleaned_data["answer"]):
                form.add_error("answer", _("验证答案不正确，请重新计算。"))
            else:
                data = form.cleaned_data
                try:
                    services.topic_propose(station=station, community=data["community"], title=data["title"],
                                           description=data["description"], category=data["category"],
                                           name=data["name"], mobile=data["mobile"])
                except ValidationError as exc:
                    _errors_to_public_form(form, exc)
                else:
                    return render(request, "deliberation/public_proposed.html", {"station": station, "key": key})
    question, challenge = ask()
    return render(request, "deliberation/public_propose.html", {
        "station": station, "key": key, "form": form, "question": question, "challenge": challenge})


def _errors_to_public_form(form, exc: ValidationError) -> None:
    """The service names the model's fields; the phone form calls the proposer name and mobile."""
    if hasattr(exc, "error_dict"):
        renamed = {{"proposer_name": "name", "proposer_mobile": "mobile"}.get(k, k): v
                   for k, v in exc.error_dict.items()}
        exc = ValidationError(renamed)
    form_errors_from(form, exc)
