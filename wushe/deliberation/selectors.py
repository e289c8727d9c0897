"""Reads of resident deliberation, scoped by ``deliberation.manage`` on the topic's station;
the public board reads only accepted, public topics of one station."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import Level, within, within_any
from wushe.core.models import Division
from wushe.deliberation.models import ActionItem, Deliberation, Meeting, Resolution


def _scope(user, field: str) -> Q:
    return within_any(field, prefixes_for(user, Action.DELIBERATION_MANAGE))


def topic_list(*, user) -> QuerySet[Deliberation]:
    return Deliberation.objects.filter(_scope(user, "station__division_id")).select_related("station", "community")


def topic_get(*, user, pk: int) -> Deliberation:
    found = topic_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def meeting_list(*, user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(_scope(user, "station__division_id")).select_related("station")


def meeting_get(*, user, pk: int) -> Meeting:
    found = meeting_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def resolution_get(*, user, pk: int) -> Resolution:
    found = (Resolution.objects.filter(_scope(user, "deliberation__station__division_id"))
             .select_related("meeting", "deliberation__station").filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def item_list(*, user) -> QuerySet[ActionItem]:
    return (ActionItem.objects.filter(_scope(user, "resolution__deliberation__station__division_id"))
            .select_related("resolution__deliberation__community", "resolution__meeting"))


def item_get(*, user, pk: int) -> ActionItem:
    found = item_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def overdue(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return items.filter(status=ActionItem.Status.OPEN, deadline__lt=timezone.localdate())


def open_topics(*, user, station=None) -> QuerySet[Deliberation]:
    """Topics a meeting may take up: accepted or decided (more may be decided later)."""
    qs = topic_list(user=user).filter(status__in=Deliberation.OPEN_STATUSES)
    return qs.filter(station=station) if station is not None else qs


def communities_of(station) -> QuerySet[Division]:
    """The communities and villages a station serves: those under its division."""
    return Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by("code")


def totals(topics: QuerySet[Deliberation]) -> dict:
    """议题数, 已议决 (decided or done), 已办结, and 办实事: done action items, each with evidence."""
    items = ActionItem.objects.filter(resolution__deliberation__in=topics)
    return {
        "topics": topics.exclude(status=Deliberation.Status.REJECTED).count(),
        "decided": topics.filter(status__in=[Deliberation.Status.DECIDED, Deliberation.Status.DONE]).count(),
        "done_topics": topics.filter(status=Deliberation.Status.DONE).count(),
        "done_items": items.filter(status=ActionItem.Status.DONE).count(),
        "overdue": overdue(items).count(),
    }


def outcomes(topics: QuerySet[Deliberation]) -> QuerySet[Deliberation]:
    """Topics with their resolutions (and meeting) and the resolutions' action items, fetched at once."""
    return topics.prefetch_related(Prefetch(
        "resolutions", queryset=Resolution.objects.select_related("meeting").prefetch_related("action_items")
        .order_by("meeting__held_at", "id")))


def public_board(*, station) -> QuerySet[Deliberation]:
    """A station's public topics: accepted or further, marked public. Nothing about who proposed them."""
    return outcomes(Deliberation.objects.filter(station=station, public=True,
                                                status__in=Deliberation.PUBLIC_STATUSES)
                    .select_related("community"))
