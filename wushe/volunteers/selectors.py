"""Reads of volunteer service, scoped by ``volunteer.manage``: a volunteer's file by their
registering station, a project (its shifts, sign-ups and hours) by its organizing station.
A volunteer who serves another station's project is seen there only through that project."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import within_any
from wushe.volunteers.models import (
    Project,
    Proof,
    Registration,
    ServiceHours,
    Shift,
    Team,
    Volunteer,
)
from wushe.volunteers.services import counted_hours


def _prefixes(user):
    return prefixes_for(user, Action.VOLUNTEER_MANAGE)


def volunteer_list(*, user) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(within_any("station__division_id", _prefixes(user))).select_related("station")


def volunteer_get(*, user, pk: int) -> Volunteer:
    volunteer = volunteer_list(user=user).filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def volunteer_by_number(*, user, number: str) -> Volunteer | None:
    return volunteer_list(user=user).filter(number=(number or "").strip().upper()).first()


def team_list(*, user) -> QuerySet[Team]:
    return (Team.objects.filter(within_any("station__division_id", _prefixes(user))).select_related("station")
            .annotate(size=Count("memberships")))


def team_get(*, user, pk: int) -> Team:
    team = team_list(user=user).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def project_list(*, user) -> QuerySet[Project]:
    return (Project.objects.filter(within_any("station__division_id", _prefixes(user)))
            .select_related("station", "organizer")
            .annotate(shift_count=Count("shifts", distinct=True), served=_served_minutes()))


def _served_minutes():
    """A project's counted minutes as a subquery: a join beside its shifts would multiply them."""
    counted = (counted_hours().filter(project=OuterRef("pk")).order_by().values("project")
               .annotate(n=Sum("minutes")).values("n"))
    return Coalesce(Subquery(counted), 0)


def project_get(*, user, pk: int) -> Project:
    project = project_list(user=user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def shift_get(*, user, pk: int) -> Shift:
    shift = (Shift.objects.filter(within_any("project__station__division_id", _prefixes(user)), pk=pk)
             .select_related("project__station").first())
    if shift is None:
        raise Http404
    return shift


def hours_get(*, user, pk: int) -> ServiceHours:
    entry = (ServiceHours.objects.filter(within_any("project__station__division_id", _prefixes(user)), pk=pk)
             .select_related("project__station", "volunteer", "shift").first())
    if entry is None:
        raise Http404
    return entry


def proof_get(*, user, pk: int) -> Proof:
    proof = (Proof.objects.filter(within_any("volunteer__station__division_id", _prefixes(user)), pk=pk)
             .select_related("volunteer", "station", "issued_by").first())
    if proof is None:
        raise Http404
    return proof


def roster(shift: Shift) -> list[Registration]:
    """The shift's live sign-ups, each with its hours entry on this shift (if any)."""
    registrations = list(shift.registrations.exclude(status=Registration.Status.CANCELLED)
                         .select_related("volunteer"))
    entries = {}
    for entry in shift.hours.filter(corrected_by__isnull=True).order_by("started_at"):
        entries[entry.volunteer_id] = entry
    for r in registrations:
        r.entry = entries.get(r.volunteer_id)
    return registrations


def places_left(shift: Shift) -> int:
    return max(0, shift.needed - shift.registrations.exclude(status=Registration.Status.CANCELLED).count())


def volunteer_totals(volunteers: QuerySet[Volunteer]) -> dict:
    """注册志愿者 (in the register now), 志愿服务时长 (confirmed hours), 联动志愿者人次 (entries of
    confirmed service: one person serving once is one 人次)."""
    served = counted_hours().filter(volunteer__in=volunteers)
    minutes = served.aggregate(n=Sum("minutes"))["n"] or 0
    return {"volunteers": volunteers.filter(status=Volunteer.Status.ACTIVE).count(),
            "hours": round(minutes / 60, 1), "times": served.count()}


def hours_of(volunteer: Volunteer) -> dict:
    minutes = counted_hours().filter(volunteer=volunteer).aggregate(n=Sum("minutes"))["n"] or 0
    return {"hours": round(minutes / 60, 1), "times": counted_hours().filter(volunteer=volunteer).count()}


def time_bank_balance(volunteer: Volunteer):
    entry = volunteer.time_bank.order_by("-at", "-id").first()
    return entry.balance if entry else 0


# --- the public pages -----------------------------------------------------------------------

def public_project(*, token: str) -> Project:
    project = Project.objects.select_related("station").filter(token=token, public=True).first()
    if project is None:
        raise Http404
    return project


def public_shift(*, token: str) -> Shift:
    shift = Shift.objects.select_related("project__station").filter(token=token).first()
    if shift is None:
        raise Http404
    return shift


def shifts_of(project: Project) -> QuerySet[Shift]:
    """The project's shifts, each with ``taken`` (live sign-ups) and ``served`` (check-ins)."""
    return project.shifts.order_by("starts_at").annotate(
        taken=Count("registrations", filter=~Q(registrations__status=Registration.Status.CANCELLED), distinct=True),
        served=Count("hours", filter=Q(hours__corrected_by__isnull=True), distinct=True))


def upcoming_shifts(project: Project) -> QuerySet[Shift]:
    return shifts_of(project).filter(ends_at__gt=timezone.now())


def public_recruiting(*, station) -> QuerySet[Project]:
    """The station's public projects with shifts still to come."""
    return (Project.objects.filter(station=station, public=True, status=Project.Status.RECRUITING,
                                   shifts__ends_at__gt=timezone.now()).distinct().order_by("-created_at"))
