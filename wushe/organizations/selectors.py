"""Reads of community social organizations, scoped by ``organization.manage`` on the division
an organization is filed with (its community or street): an incubation, report, member or
link is seen through its organization. What organizations have done is counted from the
activities and projects linked to them, never typed in."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import may, prefixes_for
from wushe.activities.models import Activity
from wushe.activities.selectors import activity_list, activity_totals
from wushe.core.divisions import Level, within_any
from wushe.core.models import Division
from wushe.core.selectors import station_list
from wushe.organizations.models import (
    OPEN_STAGES,
    Category,
    Incubation,
    Organization,
    OrganizationActivity,
    OrganizationProject,
    Stage,
)


def _prefixes(user):
    return prefixes_for(user, Action.ORG_MANAGE)


def _latest_stage():
    return Subquery(Incubation.objects.filter(organization=OuterRef("pk")).order_by("-started_on", "-id")
                    .values("stage")[:1])


def _activities_joined():
    """Linked activities not cancelled, as a subquery (a join beside others would multiply)."""
    return Subquery(OrganizationActivity.objects.filter(organization=OuterRef("pk"))
                    .exclude(activity__status=Activity.Status.CANCELLED).order_by().values("organization")
                    .annotate(n=Count("activity")).values("n"))


def organization_list(*, user) -> QuerySet[Organization]:
    return (Organization.objects.filter(within_any("division_id", _prefixes(user))).select_related("division")
            .annotate(incubation_stage=_latest_stage(), activities_joined=_activities_joined()))


def organization_get(*, user, pk: int) -> Organization:
    organization = organization_list(user=user).filter(pk=pk).first()
    if organization is None:
        raise Http404
    return organization


def incubation_get(*, user, pk: int) -> Incubation:
    incubation = (Incubation.objects.filter(within_any("organization__division_id", _prefixes(user)), pk=pk)
                  .select_related("organization__division", "station").first())
    if incubation is None:
        raise Http404
    return incubation


def divisions_for(*, user) -> QuerySet[Division]:
    """Where the user may file an organization: the streets and communities in their scope."""
    return Division.objects.filter(within_any("code", _prefixes(user)),
                                   level__in=[Level.TOWN, Level.VILLAGE]).order_by("code")


def stations_for(*, user):
    return station_list(user=user, action=Action.ORG_MANAGE).exclude(status="closed").order_by("division_id", "name")


def linkable_activities(*, user, organization: Organization) -> QuerySet[Activity]:
    """Activities the user manages, not cancelled and not yet linked: the most recent first."""
    if not may(user, Action.ACTIVITY_MANAGE):
        return Activity.objects.none()
    return (activity_list(user=user).exclude(status=Activity.Status.CANCELLED)
            .exclude(organization_links__organization=organization).order_by("-starts_at")[:100])


def linkable_projects(*, user, organization: Organization):
    if not may(user, Action.VOLUNTEER_MANAGE):
        from wushe.volunteers.models import Project

        return Project.objects.none()
    from wushe.volunteers.selectors import project_list

    return project_list(user=user).exclude(organization_links__organization=organization).order_by(
        "-created_at")[:100]


# --- counted from records --------------------------------------------------------------------

def _linked_activities(organizations) -> QuerySet[Activity]:
    return Activity.objects.filter(pk__in=OrganizationActivity.objects.filter(
        organization__in=organizations).values("activity_id"))


def service_totals(organizations) -> dict:
    """参与服务活动 (linked activities, not cancelled), 服务群众 (distinct people signed in at them),
    参与人次, 间接惠及, and the volunteer projects joined with their confirmed hours. An activity
    two organizations joined counts once."""
    from wushe.volunteers.models import Project
    from wushe.volunteers.services import counted_hours

    totals = activity_totals(_linked_activities(organizations))
    projects = Project.objects.filter(pk__in=OrganizationProject.objects.filter(
        organization__in=organizations).values("project_id"))
    minutes = counted_hours().filter(project__in=projects).aggregate(n=Sum("minutes"))["n"] or 0
    return {**totals, "projects": projects.count(), "volunteer_hours": round(minutes / 60, 1)}


def organization_totals(organization: Organization) -> dict:
    return service_totals(Organization.objects.filter(pk=organization.pk))


def category_counts(organizations: QuerySet[Organization]) -> list[dict]:
    """By category: organizations, those in incubation now, those that reached 出壳, and both
    together (孵化社区社会组织 as the seeds count them)."""
    open_incubation = Incubation.objects.filter(organization=OuterRef("pk"), stage__in=OPEN_STAGES)
    graduated = Incubation.objects.filter(organization=OuterRef("pk"), stage=Stage.GRADUATED)
    rows = organizations.order_by().values("category").annotate(
        total=Count("pk"), incubating_n=Count("pk", filter=Q(Exists(open_incubation))),
        graduated_n=Count("pk", filter=Q(Exists(graduated))),
        incubated_n=Count("pk", filter=Q(Exists(open_incubation)) | Q(Exists(graduated))))
    by_category = {r["category"]: r for r in rows}
    table = []
    for value, label in Category.choices:
        r = by_category.get(value, {})
        table.append({"category": value, "label": label, "total": r.get("total", 0),
                      "incubating": r.get("incubating_n", 0), "graduated": r.get("graduated_n", 0),
                      "incubated": r.get("incubated_n", 0)})
    table.append({"category": "", "label": None, **{k: sum(row[k] for row in table) for k in
                                                     ("total", "incubating", "graduated", "incubated")}})
    return table


def assessment_trend(incubation: Incubation) -> list[dict]:
    """The capacity assessments in date order, each score with its change from the one before."""
    rows, previous = [], None
    for a in incubation.assessments.order_by("on", "id"):
        cells = [(getattr(a, d), getattr(a, d) - getattr(previous, d) if previous else 0) for d in a.DIMENSIONS]
        rows.append({"assessment": a, "cells": cells, "total": a.total,
                     "total_change": a.total - previous.total if previous else 0})
        previous = a
    return rows


def trend_chart(rows: list[dict]) -> dict:
    """The same rows as the chart draws them: dates, and one series per dimension."""
    from wushe.organizations.models import CapacityAssessment

    fields = [CapacityAssessment._meta.get_field(d) for d in CapacityAssessment.DIMENSIONS]
    return {"dates": [r["assessment"].on.isoformat() for r in rows],
            "series": [{"name": str(f.verbose_name), "data": [r["cells"][n][0] for r in rows]}
                       for n, f in enumerate(fields)]}
