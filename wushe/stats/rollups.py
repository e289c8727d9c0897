"""Rollups (汇总表): the indicators summed per division × station × day (and × month), written
only from the records.

``rebuild`` writes them from scratch (``wushe rebuild_rollups``, the nightly task). As a record
changes, the signals below recount that record's station (or community) for the indicators the
record feeds, inside the same transaction: a change and its rollup commit or roll back together.
A record that is counted once on its own (a sign-in, a feedback …) moves the rows by what it
counts instead (``COUNTED_ALONE``).
Concurrent recounts of one station queue on that station's row, so two never interleave their
delete and insert.
"""

import contextlib
import contextvars
import datetime
import functools
from collections import Counter
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, Substr, TruncMonth
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from wushe.core.divisions import within
from wushe.core.models import Division, Station
from wushe.stats.indicators import MEASURES, ROLLED, Measure, base_value
from wushe.stats.models import GRAIN_LENGTH, DayRollup, Grain, MonthRollup

_paused = contextvars.ContextVar("wushe_rollups_paused", default=False)
BATCH = 5000


@contextlib.contextmanager
def paused():
    """Bulk loads (the demo seed) skip the per-record recount and ``rebuild`` afterwards."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _grouped(measure: Measure, qs):
    """(day, division, part, station, value) per group of the measure's records."""
    # A typed NULL: PostgreSQL reads a bare NULL in a subquery as text.
    station = F(measure.station) if measure.station else Cast(Value(None), BigIntegerField())
    return (qs.order_by()
            .annotate(_d=measure.day(), _v=F(measure.division), _p=_part(measure), _s=station)
            .values("_d", "_v", "_p", "_s")
            .annotate(_n=measure.aggregate()))


def _part(measure: Measure):
    if not measure.part:
        return Value("", output_field=CharField())
    return Coalesce(F(measure.part), Value(""), output_field=CharField())


def _insert_select(model, columns: list[str], qs, aliases: list[str], where: str = "") -> int:
    """INSERT INTO model's table (columns) SELECT aliases FROM (qs) — the grouping runs in the
    database and nothing travels through Python (a city's rebuild is millions of rows)."""
    sql, params = qs.query.sql_with_params()
    quote = connection.ops.quote_name
    # Quoted names, Django's own compiled SQL and bound parameters: nothing typed by a user.
    statement = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                 f"SELECT {', '.join('sub.' + quote(a) for a in aliases)} FROM ({sql}) sub {where}")
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def _as_date(value) -> datetime.date:
    """A grouped day as a date (SQLite gives the text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _write_days(measure: Measure, qs) -> int:
    """The measure's day rows from its records ``qs``."""
    grouped = _grouped(measure, qs)
    if measure.exact_in_sql:
        return _insert_select(DayRollup, ["grain", "key", "day", "division", "part", "station_id", "value"],
                              grouped.annotate(_k=Value(measure.key, output_field=CharField()),
                                               _g=Value(Grain.STATION, output_field=CharField())),
                              ["_g", "_k", "_d", "_v", "_p", "_s", "_n"],
                              where='WHERE sub."_d" IS NOT NULL AND sub."_n" <> 0')
    # Sums of money (分 from decimal 元) and of durations are rounded here, exactly.
    batch, n = [], 0
    for r in grouped.iterator(chunk_size=BATCH):
        value = base_value(measure, r["_n"])
        if value and r["_d"] is not None:
            day = _as_date(r["_d"])
            batch.append(DayRollup(key=measure.key, day=day, division=r["_v"], part=r["_p"] or "",
                                   station_id=r["_s"], value=value))
        if len(batch) >= BATCH:
            n += len(DayRollup.objects.bulk_create(batch))
            batch = []
    return n + len(DayRollup.objects.bulk_create(batch))


def _months(day_rows) -> None:
    """Month rows from the day rows just written (``day_rows`` a DayRollup queryset)."""
    grouped = (day_rows.filter(grain=Grain.STATION).order_by()
               .annotate(_g=F("grain"), _k=F("key"), _v=F("division"), _s=F("station_id"), _p=F("part"),
                         _m=TruncMonth("day"))
               .values("_g", "_k", "_v", "_s", "_p", "_m").annotate(_n=Sum("value")))
    _insert_select(MonthRollup, ["grain", "key", "division", "station_id", "part", "month", "value"], grouped,
                   ["_g", "_k", "_v", "_s", "_p", "_m", "_n"])


def _coarse(keys, code: str | None = None) -> None:
    """The street and county sums of the station rows of ``keys``: for the street and the
    county of division ``code`` only, or everywhere when it is None."""
    for model, date in ((DayRollup, "day"), (MonthRollup, "month")):
        for grain, length in GRAIN_LENGTH.items():
            place = Q() if code is None else within("division", code[:length])
            model.objects.filter(place, grain=grain, key__in=keys).delete()
            grouped = (model.objects.filter(place, grain=Grain.STATION, key__in=keys).order_by()
                       .annotate(_g=Value(grain, output_field=CharField()), _k=F("key"),
                                 _v=Concat(Substr("division", 1, length), Value("0" * (12 - length)),
                                           output_field=CharField()),
                                 _s=Cast(Value(None), BigIntegerField()), _p=F("part"), _d=F(date))
                       .values("_g", "_k", "_v", "_s", "_p", "_d").annotate(_n=Sum("value")))
            _insert_select(model, ["grain", "key", "division", "station_id", "part", date, "value"], grouped,
                           ["_g", "_k", "_v", "_s", "_p", "_d", "_n"])


def rebuild(keys=None, stdout=None) -> dict[str, int]:
    """Every rollup row written again from the records; returns the day rows per indicator."""
    measures = [m for m in ROLLED if keys is None or m.key in keys]
    written = {}
    with _whole_table_plans():
        for measure in measures:
            written[measure.key] = _rebuild_one(measure)
            if stdout:
                stdout.write(f"  {measure.key}: {written[measure.key]}")
    return written


@contextlib.contextmanager
def _whole_table_plans():
    """A rebuild reads whole tables. SQLite would otherwise build a throwaway index on the
    status of every volunteer hour for each of 3,000 stations (minutes instead of seconds);
    without automatic indexes it scans the hours once and looks up project and station."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA automatic_index = OFF")
    try:
        yield
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA automatic_index = ON")


def _rebuild_one(measure: Measure) -> int:
    """One indicator's day, month and coarser rows written again; returns its day rows."""
    with transaction.atomic():
        DayRollup.objects.filter(key=measure.key).delete()
        MonthRollup.objects.filter(key=measure.key).delete()
        written = _write_days(measure, measure.base())
        _months(DayRollup.objects.filter(key=measure.key))
        _coarse([measure.key])
    return written


def refresh(measures: list[Measure], *, station_id: int | None = None, division: str | None = None) -> None:
    """Recount one station's rows (or, for records kept by community, one division's) of these
    measures, all kept by station or all by community, and their street's and county's sums."""
    keys = [m.key for m in measures]
    with transaction.atomic():
        code = division
        if station_id is not None:
            code = Station.objects.filter(pk=station_id).values_list("division_id", flat=True).first()
            if code is None:
                return
        # Recounts in one county queue on the county's row: each rewrites the county's sums
        # (see the module note).
        list(Division.objects.select_for_update().filter(pk=code[:6].ljust(12, "0")).values_list("pk"))
        where = {"station_id": station_id} if station_id is not None else {"division": division, "station_id": None}
        DayRollup.objects.filter(key__in=keys, grain=Grain.STATION, **where).delete()
        MonthRollup.objects.filter(key__in=keys, grain=Grain.STATION, **where).delete()
        for m in measures:
            _write_days(m, m.base().filter(
                **({m.station: station_id} if station_id is not None else {m.division: division})))
        _months(DayRollup.objects.filter(key__in=keys, **where))
        _coarse(keys, code)


# --- which records feed which indicators ------------------------------------------------------

def _station_of(model, path):
    """A function: record → its station id, read through ``path`` from the record's own row."""
    def station(obj):
        if path == "station_id":
            return obj.station_id
        return model.objects.filter(pk=obj.pk).values_list(path, flat=True).first()
    return station


def _watch():
    from wushe.activities.models import Activity, Feedback, SignIn
    from wushe.casework.models import Case
    from wushe.casework.models import Session as CaseSession
    from wushe.charity.models import Donation, FundEntry, ResourceLink
    from wushe.deliberation.models import ActionItem, Deliberation
    from wushe.groupwork.models import Attendance, Group
    from wushe.groupwork.models import Session as GroupSession
    from wushe.organizations.models import Incubation, Organization
    from wushe.people.models import Need
    from wushe.portal.models import Request
    from wushe.volunteers.models import ServiceHours, Volunteer

    return {
        Case: ("station_id", ["cases_opened", "cases_closed", "case_sessions", "case_hours"]),
        CaseSession: ("case__station_id", ["case_sessions", "case_hours"]),
        Group: ("station_id", ["groups_started", "group_sessions", "group_attendances"]),
        GroupSession: ("group__station_id", ["group_sessions", "group_attendances"]),
        Attendance: ("session__group__station_id", ["group_attendances"]),
        Activity: ("station_id", ["activities", "attendances", "indirect", "feedback", "feedback_happy",
                                  "activities_by_group", "attendances_by_group"]),
        SignIn: ("activity__station_id", ["attendances", "attendances_by_group"]),
        Feedback: ("activity__station_id", ["feedback", "feedback_happy"]),
        Volunteer: ("station_id", ["volunteers_new"]),
        ServiceHours: ("project__station_id", ["volunteer_hours", "volunteer_times"]),
        Incubation: ("station_id", ["orgs_graduated"]),
        Donation: ("station_id", ["donation_amount", "donations"]),
        FundEntry: ("fund__station_id", ["fund_spent"]),
        ResourceLink: ("station_id", ["resources_linked"]),
        Deliberation: ("station_id", ["topics", "deeds_done"]),
        ActionItem: ("resolution__deliberation__station_id", ["deeds_done"]),
        Request: ("station_id", ["requests", "requests_handled", "response_minutes"]),
        # Kept by community: recounted by division.
        Organization: ("division_id", ["orgs_filed"]),
        Need: ("community_id", ["needs_raised", "needs_met"]),
    }


WATCH: dict = {}
_BEFORE = "_wushe_rollup_before"


def _place(sender, obj):
    path, _keys = WATCH[sender]
    if path in ("division_id", "community_id"):
        return ("division", getattr(obj, path))
    return ("station", _station_of(sender, path)(obj))


def _recount(sender, places) -> None:
    _path, keys = WATCH[sender]
    for kind, ident in {p for p in places if p[1] is not None}:
        refresh([MEASURES[k] for k in keys], **({"station_id": ident} if kind == "station" else {"division": ident}))


# --- records that count once each: a sign-in, a feedback, an attendance … ----------------------
# They change the rollups by what their own row counts (one, under its day, place and part),
# not by a recount of their station: a thousand people signing in to one event would otherwise
# recount that event's sign-ins a thousand times, one after another (44 sign-ins a second).

COUNTED_ALONE: dict = {}  # sender → its measures, when each counts the sender's own rows


def _counted_alone(watch: dict) -> dict:
    out = {}
    for sender, (_path, keys) in watch.items():
        measures = [MEASURES[k] for k in keys]
        if all(m.value is None and m.base().model is sender for m in measures):
            out[sender] = measures
    return out


def _counts_of(measures, pk) -> Counter:
    """What the record ``pk`` counts now: (key, day, division, part, station) → count."""
    out: Counter = Counter()
    if pk is None:
        return out
    for m in measures:
        sql, params, at = _counting_sql(m.key, connection.alias, timezone.get_current_timezone_name())
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params[:at], pk, *params[at + 1:]])
            names = [c[0] for c in cursor.description]
            for r in (dict(zip(names, row, strict=True)) for row in cursor.fetchall()):
                if r["_d"] is not None and r["_n"]:
                    out[(m.key, _as_date(r["_d"]), r["_v"], r["_p"] or "", r["_s"])] += r["_n"]
    return out


_MARK = -7_340_104_005  # stands for the record's id while its query is compiled


@functools.cache
def _counting_sql(key: str, alias: str, zone: str) -> tuple[str, tuple, int]:
    """The SQL of ``_grouped`` over one record of measure ``key``, compiled once per process
    (per database and time zone), and where the record's id goes among its parameters. A
    sign-in spent more time building these small queries than the database spent running them."""
    measure = MEASURES[key]
    sql, params = _grouped(measure, measure.base().filter(pk=_MARK)).query.sql_with_params()
    at = [i for i, p in enumerate(params) if p == _MARK]
    if len(at) != 1:
        raise RuntimeError(f"{key}: the record's id is not one parameter of its counting query")
    return sql, tuple(params), at[0]


def _add_counts(before: Counter, after: Counter) -> None:
    """Move every rollup row the record is under by what it counts now less what it did."""
    change = Counter(after)
    change.subtract(before)
    change = {k: n for k, n in change.items() if n}
    if not change:
        return
    # Inside the record's own transaction when there is one: a failure rolls both back.
    with transaction.atomic(savepoint=False):
        # The county rows queue these with the recounts (see ``refresh``).
        counties = sorted({k[2][:6].ljust(12, "0") for k in change})
        list(Division.objects.select_for_update().filter(pk__in=counties).values_list("pk"))
        for model, column, period in ((DayRollup, "day", _same_day), (MonthRollup, "month", _month_of)):
            # Each row the record is under: its station's, its street's and its county's.
            rows: Counter = Counter()
            for (key, day, division, part, station), n in change.items():
                rows[(period(day), key, part, Grain.STATION, division, station)] += n
                for grain, length in GRAIN_LENGTH.items():
                    rows[(period(day), key, part, grain, division[:length].ljust(12, "0"), None)] += n
            moves: dict = {}
            for (date, *row), n in rows.items():
                if n:
                    moves.setdefault((date, n), []).append(row)
            for (date, n), under in moves.items():
                _move(model, column, date, n, under)


def _same_day(day: datetime.date) -> datetime.date:
    return day


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _move(model, column: str, date, n: int, rows: list) -> None:
    """Add ``n`` to the rows (key, part, grain, division, station) of ``date``, making those
    not there yet and deleting those left at nothing, as a recount would. The UPDATE is
    written out, one for them all: it runs for every sign-in of a crowd, and the ORM took
    longer to build it than the database to run it."""
    quote = connection.ops.quote_name
    when = connection.ops.adapt_datefield_value(date)
    where, params = [], []
    for key, part, grain, division, station in rows:
        # Each term whole, the date in it too, so each is one lookup on the (grain, key, date,
        # division) index: SQLite does not carry a condition outside an OR into its terms.
        where.append(f"(grain = %s AND {quote('key')} = %s AND {quote(column)} = %s AND division = %s AND part = %s"
                     f" AND station_id {'IS NULL' if station is None else '= %s'})")
        params += [grain, key, when, division, part] + ([] if station is None else [station])
    # Quoted names of our own table and columns; every value is a bound parameter.
    sql = f"UPDATE {quote(model._meta.db_table)} SET value = value + %s WHERE {' OR '.join(where)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [n, *params])
        updated = cursor.rowcount
    if updated < len(rows):
        for key, part, grain, division, station in rows:  # the first count under a place makes its row
            found = model.objects.filter(key=key, part=part, grain=grain, division=division, station_id=station,
                                         **{column: date})
            if not found.exists():
                model.objects.create(key=key, part=part, grain=grain, division=division, station_id=station,
                                     value=n, **{column: date})
    if n < 0:
        model.objects.filter(reduce(or_, (Q(key=k, part=p, grain=g, division=d, station_id=s)
                                          for k, p, g, d, s in rows)), value=0, **{column: date}).delete()


_BEFORE_COUNTS = "_wushe_rollup_counts_before"


def _before_save(sender, instance, raw=False, **kwargs):
    if _paused.get() or raw or instance.pk is None:
        return
    if sender in COUNTED_ALONE:
        setattr(instance, _BEFORE_COUNTS, _counts_of(COUNTED_ALONE[sender], instance.pk))
        return
    # A record moved to another station or community leaves a stale count behind unless the
    # old place is recounted too (read from the row as it was).
    old = sender.objects.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, _place(sender, old) if old is not None else None)


def _after_save(sender, instance, raw=False, **kwargs):
    if _paused.get() or raw:
        return
    if sender in COUNTED_ALONE:
        _add_counts(getattr(instance, _BEFORE_COUNTS, None) or Counter(),
                    _counts_of(COUNTED_ALONE[sender], instance.pk))
        return
    _recount(sender, [_place(sender, instance), getattr(instance, _BEFORE, None) or (None, None)])


def _before_delete(sender, instance, **kwargs):
    if _paused.get():
        return
    if sender in COUNTED_ALONE:
        setattr(instance, _BEFORE_COUNTS, _counts_of(COUNTED_ALONE[sender], instance.pk))
        return
    setattr(instance, _BEFORE, _place(sender, instance))


def _after_delete(sender, instance, **kwargs):
    if _paused.get():
        return
    if sender in COUNTED_ALONE:
        _add_counts(getattr(instance, _BEFORE_COUNTS, None) or Counter(), Counter())
        return
    _recount(sender, [getattr(instance, _BEFORE, None) or (None, None)])


def _groups_changed(sender, instance, action, **kwargs):
    """An activity's 服务人群 set after it was saved: its by-group counts follow."""
    if _paused.get() or action not in ("post_add", "post_remove", "post_clear"):
        return
    from wushe.activities.models import Activity

    if isinstance(instance, Activity):
        refresh([MEASURES["activities_by_group"], MEASURES["attendances_by_group"]], station_id=instance.station_id)


_NAME_BEFORE = "_wushe_rollup_name_before"


def _tag_before(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        setattr(instance, _NAME_BEFORE, sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first())


def _tag_renamed(sender, instance, raw=False, **kwargs):
    """The by-group breakdowns name the 人员类别: a renamed one is renamed there too (rows of
    one part add up when read, so rows already under the new name do no harm)."""
    before = getattr(instance, _NAME_BEFORE, None)
    if raw or not before or before == instance.name:
        return
    keys = [m.key for m in MEASURES.values() if (m.part or "").endswith("target_tags__name")]
    for model in (DayRollup, MonthRollup):
        model.objects.filter(key__in=keys, part=before).update(part=instance.name)


def connect() -> None:
    from django.db.models.signals import m2m_changed, pre_delete

    from wushe.activities.models import Activity
    from wushe.people.models import Tag

    m2m_changed.connect(_groups_changed, sender=Activity.target_tags.through, dispatch_uid="wushe.stats.groups")
    pre_save.connect(_tag_before, sender=Tag, dispatch_uid="wushe.stats.tag.pre_save")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="wushe.stats.tag.post_save")
    WATCH.update(_watch())
    COUNTED_ALONE.update(_counted_alone(WATCH))
    for model in WATCH:
        uid = f"wushe.stats.{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + ".pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + ".post_save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid + ".pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + ".post_delete")
