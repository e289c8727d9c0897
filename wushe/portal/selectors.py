"""Reads of requests (诉求): scoped by ``person.view`` on the resident's community."""

from django.db.models import QuerySet
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import within_any
from wushe.portal.models import Request


def request_list(*, user) -> QuerySet[Request]:
    return (Request.objects.filter(within_any("community_id", prefixes_for(user, Action.PERSON_VIEW)))
            .select_related("station", "community"))


def request_get(*, user, pk: int) -> Request:
    found = request_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
