"""The scope matrix's service-projects section (see tests/scope/__init__.py)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests.scope import Route
from wushe.accounts.roles import Action


def project(place, part: str = "project"):
    """A project bought by the place's street for its station: under way, linked to the place's
    activity, with a budget line, and a mid-term evaluation with one open rectification."""
    if "project" not in place.extra:
        from wushe.projects import services
        from wushe.projects.models import ScoringSheet

        funder = _funder(place)
        today = timezone.localdate()
        p = services.project_save(actor=funder, stations=[place.station], data={
            "title": f"{place.key}购买服务项目", "kind": "purchase", "division": place.station.division,
            "funder": "街道办事处", "budget": Decimal("100000"), "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=300), "target_groups": "老人"})
        services.target_set(actor=funder, project=p, indicator="activities", value=10)
        for stage in ("review", "approved", "running"):
            services.project_advance(actor=funder, project=p, to=stage)
        services.link(actor=place.member, project=p, kind="activity", record=place.activity())
        line = services.budget_line_add(actor=place.member, project=p, data={
            "category": "service", "name": "活动物资", "amount": Decimal("5000")})
        services.project_advance(actor=funder, project=p, to="midterm")
        sheet = ScoringSheet.objects.first()
        evaluation = services.evaluation_record(
            actor=funder, project=p, kind="midterm", sheet=sheet, scores={c.pk: c.points for c in sheet.criteria.all()},
            data={"evaluator": "评估中心", "evaluated_on": today, "findings": "良好"},
            rectifications=[("补签字", today + datetime.timedelta(days=10))])
        place.extra["project"] = {"project": p, "line": line, "rectification": evaluation.rectifications.get()}
    return place.extra["project"][part]


def _funder(place):
    """The street that buys the place's project (a street official over the station's division)."""
    from tests.factories import user
    from wushe.accounts.models import User
    from wushe.accounts.roles import Role

    return (User.objects.filter(username=f"funder_{place.key}").first()
            or user(f"funder_{place.key}", Role.STREET, division=place.station.division))


def _pk(part="project"):
    return lambda p: {"pk": project(p, part).pk}


def _today() -> str:
    return timezone.localdate().isoformat()


ROUTES = {
    "projects:project": Route(_pk()),
    "projects:project_edit": Route(_pk(), ("GET", "POST"), lambda p: {
        "title": "改过的项目", "kind": "purchase", "division": p.station.division_id, "funder": "街道",
        "budget": "100000", "starts_on": _today(), "ends_on": _today(), "stations": [p.station.pk],
        "target_groups": "老人"}, own_needs=Action.PROJECT_FUND),
    "projects:advance": Route(_pk(), ("POST",), lambda p: {"to": "final"}, own_needs=Action.PROJECT_FUND),
    "projects:target": Route(_pk(), ("POST",), lambda p: {"indicator": "cases", "value": "3"},
                             own_needs=Action.PROJECT_FUND),
    "projects:indicator": Route(lambda p: {"pk": project(p).pk, "key": "activities"}),
    "projects:links": Route(_pk()),
    "projects:link": Route(_pk(), ("POST",), lambda p: {"kind": "activity", "action": "unlink",
                                                         "record": p.activity().pk}, own_needs=Action.ACTIVITY_MANAGE),
    "projects:budget_line": Route(_pk(), ("POST",), lambda p: {"category": "other", "name": "宣传", "amount": "100"}),
    "projects:expenditure": Route(_pk(), ("GET", "POST"), lambda p: {
        "line": project(p, "line").pk, "spent_on": _today(), "amount": "50", "description": "采购"}),
    "projects:evaluation": Route(_pk(), ("GET",), own_needs=Action.PROJECT_FUND),
    "projects:rectification": Route(_pk("rectification"), ("GET", "POST"), lambda p: {"result": "已补签"}),
    "api:project": Route(lambda p: {"project_id": project(p).pk}, api=True, action=Action.PROJECT_MANAGE),
    "api:project_indicators": Route(lambda p: {"project_id": project(p).pk}, api=True,
                                    action=Action.PROJECT_MANAGE),
    "api:project_evaluations": Route(lambda p: {"project_id": project(p).pk}, api=True,
                                     action=Action.PROJECT_MANAGE),
}


def snapshot(place) -> tuple:
    from wushe.projects.models import Expenditure, Link, Rectification, ServiceProject, Target

    mine = ServiceProject.objects.filter(stations=place.station)
    return (
        sorted(mine.values_list("pk", "title", "stage", "budget")),
        sorted(Target.objects.filter(project__in=mine).values_list("indicator", "value")),
        sorted(Link.objects.filter(project__in=mine).values_list("kind", "object_id")),
        sorted(Expenditure.objects.filter(line__project__in=mine).values_list("pk", "amount")),
        sorted(Rectification.objects.filter(evaluation__project__in=mine).values_list("pk", "done_on")),
        mine.values_list("budget_lines__pk", flat=True).count(),
    )
