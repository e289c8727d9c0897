"""Reads of service projects, scoped by ``project.manage``: a project is visible to those over
its funder's division (the street or district that bought it) and to those of the stations
it serves (the contractor's workers). Progress is always counted from linked records."""

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, prefixes_for
from wushe.core.divisions import within_any
from wushe.projects import indicators
from wushe.projects.models import BudgetLine, Link, ServiceProject

# Who may link a record of each kind: the action that manages it.
LINK_ACTIONS = {"case": Action.CASE_WORK, "group": Action.GROUP_WORK, "activity": Action.ACTIVITY_MANAGE,
                "volunteer_project": Action.VOLUNTEER_MANAGE}


def project_list(*, user) -> QuerySet[ServiceProject]:
    prefixes = prefixes_for(user, Action.PROJECT_MANAGE)
    served = ServiceProject.stations.through.objects.filter(within_any("station__division_id", prefixes))
    return (ServiceProject.objects.filter(Q(within_any("division_id", prefixes))
                                          | Q(pk__in=served.values("serviceproject_id")))
            .select_related("division", "contractor").distinct())


def project_get(*, user, pk: int) -> ServiceProject:
    project = project_list(user=user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def funder_side(user, project: ServiceProject) -> bool:
    """Whether the user buys the project (a street or district over its division): they set it
    up, move it through its lifecycle and record its evaluations."""
    return can(user, Action.PROJECT_FUND, project)


def sources(project: ServiceProject, kind: str) -> QuerySet:
    ids = project.links.filter(kind=kind).values("object_id")
    return indicators.SOURCES[kind].objects.filter(pk__in=ids)


def value(project: ServiceProject, indicator: indicators.Indicator):
    records = indicator.records(sources(project, indicator.source), project.starts_on, project.ends_on)
    return indicator.measure(records)


def progress(project: ServiceProject) -> list[dict]:
    """Each indicator: its target (if any), the value counted from linked records, how far."""
    targets = {t.indicator: t.value for t in project.targets.all()}
    out = []
    for key, indicator in indicators.INDICATORS.items():
        actual = value(project, indicator)
        target = targets.get(key)
        share = None
        if target and actual is not None:
            share = min(100, round(100 * float(actual) / float(target)))
        out.append({"indicator": indicator, "target": target, "actual": actual, "share": share,
                    "met": target is not None and actual is not None and actual >= target})
    return sorted(out, key=lambda row: row["target"] is None)


def candidates(*, user, project: ServiceProject, kind: str) -> QuerySet:
    """Records of the project's stations in its period that the user manages, not yet linked."""
    model = indicators.SOURCES[kind]
    start, end = project.starts_on, project.ends_on
    in_period = {
        "case": Q(opened_on__lte=end) & ~Q(closed_on__lt=start),
        "group": Q(starts_on__lte=end),
        "activity": Q(starts_at__date__range=(start, end)),
        "volunteer_project": Q(created_at__date__lte=end),
    }[kind]
    return (model.objects.filter(in_period, station__in=project.stations.all())
            .filter(within_any("station__division_id", prefixes_for(user, LINK_ACTIONS[kind])))
            .exclude(pk__in=project.links.filter(kind=kind).values("object_id")))


def budget(project: ServiceProject) -> dict:
    lines = list(project.budget_lines.annotate(spent=Sum("expenditures__amount")))
    for line in lines:
        line.spent = line.spent or 0
        line.left = line.amount - line.spent
    planned = sum((line.amount for line in lines), 0)
    spent = sum((line.spent for line in lines), 0)
    return {"lines": lines, "planned": planned, "spent": spent, "unplanned": project.budget - planned}


def line_spent(line: BudgetLine):
    return line.expenditures.aggregate(n=Sum("amount"))["n"] or 0


def linked_count(project: ServiceProject) -> dict[str, int]:
    return {kind: project.links.filter(kind=kind).count() for kind, _label in Link.Kind.choices}
