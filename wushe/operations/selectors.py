"""Reads of a station's plans and rules, scoped by ``station.plan``."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import within_any
from wushe.operations.models import Document, Plan


def _scope(user):
    return within_any("station__division_id", prefixes_for(user, Action.STATION_PLAN))


def plan_list(*, user) -> QuerySet[Plan]:
    return Plan.objects.filter(_scope(user)).select_related("station").annotate(
        total=Count("tasks"), done=Count("tasks", filter=Q(tasks__done_on__isnull=False)))


def plan_get(*, user, pk: int) -> Plan:
    plan = plan_list(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def document_list(*, user) -> QuerySet[Document]:
    return Document.objects.filter(_scope(user)).select_related("station").annotate(versions_count=Count("versions"))


def document_get(*, user, pk: int) -> Document:
    document = document_list(user=user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document
