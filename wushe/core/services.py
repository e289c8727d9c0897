"""Writes on the network: stations and rooms. Each checks scope, validates, audits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import check
from wushe.core import audit
from wushe.core.models import Agency, AuditEntry, Division, Room, RoomBooking, Station

STATION_FIELDS = ("name", "tier", "division", "address", "opened_on", "agency", "contact_name",
                  "contact_phone", "status")
ROOM_FIELDS = ("name", "kind", "capacity", "area_m2", "active")


def _apply(obj, data: dict, fields) -> dict:
    """Set ``fields`` from ``data``; return {field: [old, new]} for the audit entry."""
    changed = {}
    for f in fields:
        if f in data and getattr(obj, f) != data[f]:
            changed[f] = [str(getattr(obj, f) or ""), str(data[f] or "")]
            setattr(obj, f, data[f])
    return changed


def _save_validated(obj, *, unique_message: str) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent insert won the unique constraint
        raise ValidationError(unique_message) from exc


def station_create(*, actor, data: dict, request=None) -> Station:
    division: Division = data["division"]
    check(actor, Action.STATION_CREATE, division)
    station = Station(**{f: data[f] for f in STATION_FIELDS if f in data})
    if station.status == Station.Status.CLOSED:
        raise ValidationError({"status": _("新建站点不能是“已撤销”状态。")})
    with transaction.atomic():
        _save_validated(station, unique_message=_("该区划已有同一层级的站点（未撤销）。"))
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=station)
    return station


def station_update(*, actor, station: Station, data: dict, request=None) -> Station:
    check(actor, Action.STATION_EDIT, station)
    if "division" in data and data["division"].pk != station.division_id:
        # Moving a station moves whose data it holds; it must stay inside the editor's scope.
        check(actor, Action.STATION_CREATE, data["division"])
    new_status = data.get("status", station.status)
    if new_status != station.status and Station.Status.CLOSED in (new_status, station.status):
        # Closing and reopening are their own actions, with a date, a reason and the right
        # to create stations; an edit cannot do either.
        raise ValidationError({"status": _("撤销或恢复站点请使用“撤销站点”“恢复站点”操作。")})
    changed = _apply(station, data, STATION_FIELDS)
    with transaction.atomic():
        _save_validated(station, unique_message=_("该区划已有同一层级的站点（未撤销）。"))
        if changed:
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=station,
                         detail=changed)
    return station


def station_close(*, actor, station: Station, closed_on: datetime.date, reason: str,
                  request=None) -> Station:
    """撤销: the station stops counting towards coverage; its records and history stay."""
    check(actor, Action.STATION_CREATE, station)
    if station.status == Station.Status.CLOSED:
        raise ValidationError(_("该站点已经撤销。"))
    if not reason.strip():
        raise ValidationError({"closed_reason": _("请填写撤销原因。")})
    if station.opened_on and closed_on < station.opened_on:
        raise ValidationError({"closed_on": _("撤销日期不能早于启用日期。")})
    station.status = Station.Status.CLOSED
    station.closed_on = closed_on
    station.closed_reason = reason.strip()
    with transaction.atomic():
        station.full_clean()
        station.save()
        audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=station,
                     detail={"closed_on": closed_on.isoformat(), "reason": station.closed_reason})
    return station


def station_reopen(*, actor, station: Station, request=None) -> Station:
    """Undo a closure (撤销恢复), unless another station has taken the division meanwhile."""
    check(actor, Action.STATION_CREATE, station)
    if station.status != Station.Status.CLOSED:
        raise ValidationError(_("只有已撤销的站点可以恢复。"))
    station.status = Station.Status.ACTIVE
    station.closed_on = None
    station.closed_reason = ""
    with transaction.atomic():
        _save_validated(station, unique_message=_("该区划已有同一层级的站点（未撤销），不能恢复。"))
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=station,
                     detail={"status": "reopened"})
    return station


def room_save(*, actor, station: Station, data: dict, room: Room | None = None, request=None) -> Room:
    check(actor, Action.STATION_EDIT, station)
    room = room or Room(station=station)
    created = room.pk is None
    changed = _apply(room, data, ROOM_FIELDS)
    with transaction.atomic():
        _save_validated(room, unique_message=_("本站点已有同名功能室。"))
        audit.record(AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
                     request=request, actor=actor, obj=room, division_code=station.division_id,
                     detail=changed)
    return room


AGENCY_FIELDS = ("name", "credit_code", "contact_name", "phone", "address")


def agency_save(*, actor, data: dict, agency: Agency | None = None, request=None) -> Agency:
    """社工机构 are shared across divisions; those who may open stations may register them."""
    from wushe.accounts.scope import may
    from wushe.core.selectors import agency_editable

    if not may(actor, Action.STATION_CREATE):
        raise PermissionDenied
    if agency is not None and not agency_editable(user=actor, agency=agency):
        raise PermissionDenied(_("该机构在您的工作范围以外也运营站点，请由上级民政部门修改。"))
    agency = agency or Agency()
    created = agency.pk is None
    changed = _apply(agency, data, AGENCY_FIELDS)
    with transaction.atomic():
        _save_validated(agency, unique_message=_("已有同名的社工机构。"))
        audit.record(AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
                     request=request, actor=actor, obj=agency, detail=changed)
    return agency


def room_book(*, actor, room: Room, starts_at, ends_at, purpose: str, source: str,
              booking: RoomBooking | None = None) -> RoomBooking:
    """Hold ``room`` from ``starts_at`` to ``ends_at``; refused when it overlaps another booking
    (two workers booking at the same moment: the room row is locked while checking)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    if not room.active:
        raise ValidationError({"room": _("该功能室目前不可使用。")})
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=room.pk)
        clash = (RoomBooking.objects.filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)
                 .exclude(pk=booking.pk if booking else None).first())
        if clash:
            local = timezone.localtime
            raise ValidationError({"room": _("%(room)s 在 %(s)s–%(e)s 已被预约（%(p)s），请换时间或换功能室。") % {
                "room": room.name, "s": f"{local(clash.starts_at):%m-%d %H:%M}", "e": f"{local(clash.ends_at):%H:%M}",
                "p": clash.purpose}})
        booking = booking or RoomBooking(booked_by=actor)
        booking.room, booking.starts_at, booking.ends_at = room, starts_at, ends_at
        booking.purpose, booking.source = purpose[:120], source
        booking.save()
    return booking
