"""Reads of the network (divisions, stations, rooms), narrowed to the user's scope."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Substr
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import check, prefixes_for
from wushe.core.divisions import PREFIX_LENGTH, Level, full_code, within, within_any
from wushe.core.models import Agency, AuditEntry, Division, Room, Station

# --- divisions -------------------------------------------------------------------

def division_roots(*, user) -> list[Division]:
    """The divisions at the top of the user's scope: where their tree browsing starts."""
    prefixes = prefixes_for(user, Action.NETWORK_VIEW)
    if "" in prefixes:
        return list(Division.objects.filter(level=Level.PROVINCE).order_by("code"))
    return list(Division.objects.filter(code__in=[full_code(p) for p in prefixes]).order_by("code"))


def division_get(*, user, code: str) -> Division:
    division = Division.objects.select_related("parent").filter(code=full_code(code)).first()
    if division is None:
        raise Http404
    check(user, Action.NETWORK_VIEW, division)
    return division


def division_children(*, division: Division) -> QuerySet[Division]:
    return division.children.order_by("code")


@dataclass
class Coverage:
    """社工室/社工站 coverage of one division, counted from records."""

    villages: int = 0  # 村/社区 below
    communities: int = 0  # of which urban 社区
    villages_covered: int = 0  # with an operating 社工室
    towns: int = 0  # 乡镇/街道 below
    towns_covered: int = 0  # with an operating 社工站

    @property
    def village_rate(self) -> float | None:
        return self.villages_covered / self.villages * 100 if self.villages else None

    @property
    def town_rate(self) -> float | None:
        return self.towns_covered / self.towns * 100 if self.towns else None


def coverage_by(*, prefix: str, group_length: int | None = None) -> dict[str, Coverage]:
    """Coverage under ``prefix``; grouped by the first ``group_length`` code digits if given.

    One grouped query per level whatever the size of the tree: a district of 3,000
    communities costs the same number of queries as a street of ten.
    """
    key = Substr("code", 1, group_length) if group_length else Value("")
    station_key = Substr("division_id", 1, group_length) if group_length else Value("")
    result: dict[str, Coverage] = {}
    for level, tier, total_attr, covered_attr in (
        (Level.VILLAGE, Station.Tier.ROOM, "villages", "villages_covered"),
        (Level.TOWN, Station.Tier.STATION, "towns", "towns_covered"),
    ):
        rows = (
            Division.objects.filter(within("code", prefix), level=level)
            .annotate(key=key)
            .order_by()  # the model's default ordering would join the GROUP BY on PostgreSQL
            .values("key")
            .annotate(total=Count("code"), urban=Count("code", filter=Q(kind=Division.Kind.URBAN)))
        )
        for r in rows:
            cov = result.setdefault(r["key"], Coverage())
            setattr(cov, total_attr, r["total"])
            if level == Level.VILLAGE:
                cov.communities = r["urban"]
        # Covered divisions counted from the stations (a few thousand rows), not by probing
        # each of a province's divisions for a station.
        covered = (
            Station.objects.filter(within("division_id", prefix), tier=tier, status=Station.Status.ACTIVE,
                                   division__level=level)
            .annotate(key=station_key).order_by().values("key")
            .annotate(n=Count("division_id", distinct=True))
        )
        for r in covered:
            setattr(result.setdefault(r["key"], Coverage()), covered_attr, r["n"])
    return result


def coverage_of(*, division: Division) -> Coverage:
    return coverage_by(prefix=division.prefix).get("", Coverage())


def children_with_coverage(*, division: Division) -> list[tuple[Division, Coverage, int]]:
    """Each child division with its coverage and its number of open stations."""
    children = list(division_children(division=division))
    if not children or division.level >= Level.VILLAGE:
        return []
    child_len = PREFIX_LENGTH[Level(division.level + 1)]
    cov = coverage_by(prefix=division.prefix, group_length=child_len)
    stations = dict(
        Station.objects.filter(within("division_id", division.prefix))
        .exclude(status=Station.Status.CLOSED)
        .annotate(key=Substr("division_id", 1, child_len))
        .order_by()
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    return [(c, cov.get(c.prefix, Coverage()), stations.get(c.prefix, 0)) for c in children]


# --- stations ---------------------------------------------------------------------

def station_list(*, user, action: str = Action.NETWORK_VIEW) -> QuerySet[Station]:
    """Stations inside the user's scope for ``action``; filtering is the FilterSet's job."""
    prefixes = prefixes_for(user, action)
    return Station.objects.filter(within_any("division_id", prefixes)).select_related(
        "division", "agency"
    )


def station_get(*, user, pk: int, action: str = Action.NETWORK_VIEW) -> Station:
    station = Station.objects.select_related("division", "agency").filter(pk=pk).first()
    if station is None:
        raise Http404
    check(user, action, station)
    return station


def station_rooms(*, station: Station) -> QuerySet[Room]:
    return station.rooms.order_by("kind", "name")


def room_get(*, station: Station, pk: int) -> Room:
    room = station.rooms.filter(pk=pk).first()
    if room is None:
        raise Http404
    return room


def station_staff(*, station: Station):
    from wushe.accounts.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(station=station, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


@dataclass
class NetworkCounts:
    by_tier: dict
    rooms: int
    closed: int


def network_counts(*, user) -> NetworkCounts:
    """Stations by tier and rooms in the user's scope, counted from records."""
    stations = station_list(user=user)
    by_tier = dict(
        stations.exclude(status=Station.Status.CLOSED).order_by().values_list("tier")
        .annotate(n=Count("id"))
    )
    return NetworkCounts(
        by_tier={t: by_tier.get(t, 0) for t in Station.Tier.values},
        rooms=Room.objects.filter(station__in=stations.exclude(status=Station.Status.CLOSED)).count(),
        closed=stations.filter(status=Station.Status.CLOSED).count(),
    )


# --- audit ----------------------------------------------------------------------------

def audit_list(*, user) -> QuerySet[AuditEntry]:
    """Entries under the user's scope; the 审计管理员 (whole platform) sees all of them.

    Entries with no division (sign-ins, platform changes) belong to the platform scope only.
    """
    prefixes = prefixes_for(user, Action.AUDIT_VIEW)
    qs = AuditEntry.objects.select_related("actor")
    if "" in prefixes:
        return qs
    return qs.filter(within_any("division_code", prefixes))


def division_trail(*, user, division: Division) -> list[dict]:
    """The breadcrumb from the province down to ``division``; links only where the user may go."""
    from wushe.accounts.scope import can

    return [
        {"code": d.code, "short_name": d.short_name, "linkable": can(user, Action.NETWORK_VIEW, d)}
        for d in division.ancestors() + [division]
    ]


def agency_list(*, user, search: str = "") -> QuerySet[Agency]:
    """Agencies are public organisations; the station count is only of stations in scope."""
    in_scope = station_list(user=user).exclude(status=Station.Status.CLOSED)
    qs = Agency.objects.annotate(station_count=Count("stations", filter=Q(stations__in=in_scope)))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(credit_code__icontains=search))
    return qs.order_by("name")


def agency_get(*, pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise Http404
    return agency


def agency_editable(*, user, agency: Agency) -> bool:
    """An agency is shared: only someone whose scope covers every station it runs may
    change it, so one district cannot rename another district's contractor."""
    from wushe.accounts.scope import can, may

    if not may(user, Action.STATION_CREATE):
        return False
    return all(can(user, Action.STATION_CREATE, s) for s in agency.stations.all())


def agency_stations(*, user, agency: Agency) -> QuerySet[Station]:
    return station_list(user=user).filter(agency=agency).order_by("division_id")


def stations_at(*, user, division: Division) -> QuerySet[Station]:
    """The stations set at this very division (not below it)."""
    return station_list(user=user).filter(division=division)


def grantable_stations(*, user) -> QuerySet[Station]:
    """Open stations where the user may give someone a role (the service checks the role too)."""
    return station_list(user=user, action=Action.ROLE_MANAGE).exclude(status=Station.Status.CLOSED)


def station_export_rows(qs: QuerySet[Station]):
    """One row per station for the xlsx directory, streamed in chunks."""
    for s in qs.order_by("division_id", "name").iterator(chunk_size=2000):
        yield (s.name, s.get_tier_display(), s.division_id, s.division.name, s.address,
               s.agency.name if s.agency else "", s.opened_on, s.contact_name, s.contact_phone,
               s.get_status_display())


def home_coverage(*, user, roots: list[Division]) -> list[tuple[Division, "Coverage"]]:
    """Coverage of each top division of the user's scope, one grouped query per level."""
    by_length: dict[int, list[Division]] = {}
    for d in roots:
        by_length.setdefault(len(d.prefix), []).append(d)
    result = {}
    for length, divisions in by_length.items():
        common = _common_prefix([d.prefix for d in divisions])
        cov = coverage_by(prefix=common, group_length=length)
        for d in divisions:
            result[d.code] = cov.get(d.prefix, Coverage())
    return [(d, result[d.code]) for d in roots]


def _common_prefix(prefixes: list[str]) -> str:
    first, last = min(prefixes), max(prefixes)
    n = 0
    while n < len(first) and first[n] == last[n]:
        n += 1
    return first[:n]
