"""Writes of supervision: the pool is kept by managers, sessions by the station's workers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.casework import access as case_access
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.supervision import selectors
from wushe.supervision.models import SupervisionSession, Supervisor

SUPERVISOR_FIELDS = ("name", "kind", "user", "organization", "qualification", "specialties", "division", "active")


def supervisor_save(*, actor, data: dict, supervisor: Supervisor | None = None, request=None) -> Supervisor:
    """Add to or edit the pool: a manager (站长, street, district) for the area served."""
    creating = supervisor is None
    if not creating:
        # The entry as stored (a bound form may already have changed the instance).
        check(actor, Action.STATION_EDIT, Supervisor.objects.get(pk=supervisor.pk))
    supervisor = supervisor or Supervisor(created_by=actor)
    for field in SUPERVISOR_FIELDS:
        if field in data:
            setattr(supervisor, field, data[field])
    check(actor, Action.STATION_EDIT, supervisor)
    if supervisor.kind == Supervisor.Kind.INTERNAL and not supervisor.user_id and not supervisor.organization:
        raise ValidationError({"organization": _("内部督导请关联平台账号，或填写所在单位。")})
    supervisor.full_clean()
    supervisor.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=supervisor)
    return supervisor


def session_record(*, actor, station, data: dict, attendees, cases=(), groups=(), request=None) -> SupervisionSession:
    session = SupervisionSession(station=station, created_by=actor, **data)
    check(actor, Action.GROUP_WORK, session)
    errors = {}
    if session.supervisor_id and not selectors.supervisors_for(station=station).filter(pk=session.supervisor_id).exists():
        errors["supervisor"] = _("该督导不在库中，或不服务本站点所在区域。")
    if session.held_on and session.held_on > timezone.localdate():
        errors["held_on"] = _("督导日期不能晚于今天。")
    if not attendees:
        errors["attendees"] = _("请选择参加督导的社工。")
    elif any(not can(u, Action.GROUP_WORK, station) for u in attendees):
        errors["attendees"] = _("参加者须是本站点的社工。")
    if any(c.station_id != station.pk or not case_access.may_read(actor, c) for c in cases):
        errors["cases"] = _("只能关联本站点、且您可查看的个案。")
    if any(g.station_id != station.pk for g in groups):
        errors["groups"] = _("只能关联本站点的小组。")
    if session.kind == SupervisionSession.Kind.INDIVIDUAL and len(attendees) > 1:
        errors["kind"] = _("个别督导只有一名社工参加；多人请选“团体督导”。")
    if errors:
        raise ValidationError(errors)
    session.full_clean()
    with transaction.atomic():
        session.save()
        session.attendees.set(attendees)
        session.cases.set(cases)
        session.groups.set(groups)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=session,
                     object_label=f"{session.held_on} {session.get_kind_display()}")
    return session
