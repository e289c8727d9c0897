"""The scope matrix's station-operations section (see tests/scope/__init__.py)."""

import datetime

from django.utils import timezone

from tests.scope import Route


def operations(place, part: str):
    """A weekly plan of the place's station with one open task, and a rule with one version."""
    if "operations" not in place.extra:
        from wushe.operations import services

        today = timezone.localdate()
        plan = services.plan_save(actor=place.member, station=place.station, data={
            "kind": "weekly", "title": f"{place.key}本周计划", "starts_on": today,
            "ends_on": today + datetime.timedelta(days=6)})
        task = services.task_add(actor=place.member, plan=plan, data={"what": "走访独居老人", "owner": "社工",
                                                                     "due_on": today})
        document = services.document_create(actor=place.member, station=place.station, kind="confidentiality",
                                            title=f"{place.key}保密制度", text="个人信息不得外传。", effective_on=today)
        place.extra["operations"] = {"plan": plan, "task": task, "document": document}
    return place.extra["operations"][part]


def _today() -> str:
    return timezone.localdate().isoformat()


ROUTES = {
    "operations:plan": Route(lambda p: {"pk": operations(p, "plan").pk}),
    "operations:plan_edit": Route(lambda p: {"pk": operations(p, "plan").pk}, ("GET", "POST"), lambda p: {
        "kind": "weekly", "title": "改过的计划", "starts_on": _today(), "ends_on": _today()}),
    "operations:task_add": Route(lambda p: {"pk": operations(p, "plan").pk}, ("GET", "POST"), lambda p: {
        "what": "新任务", "owner": "社工", "due_on": _today()}),
    "operations:task_done": Route(lambda p: {"pk": operations(p, "plan").pk, "task_pk": operations(p, "task").pk},
                                  ("GET", "POST"), lambda p: {"result": "已完成"}),
    "operations:document": Route(lambda p: {"pk": operations(p, "document").pk}),
    "operations:version_new": Route(lambda p: {"pk": operations(p, "document").pk}, ("GET", "POST"), lambda p: {
        "effective_on": _today(), "change_note": "补充", "text": "个人信息不得外传，违者追责。"}),
}


def snapshot(place) -> tuple:
    from wushe.operations.models import Plan, Task, Version

    return (
        sorted(Plan.objects.filter(station=place.station).values_list("pk", "title", "ends_on")),
        sorted(Task.objects.filter(plan__station=place.station).values_list("pk", "done_on")),
        sorted(Version.objects.filter(document__station=place.station).values_list("pk", "number")),
    )
