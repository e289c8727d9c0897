"""Who may read a case, on top of scope (MZ/T 094 confidentiality).

Scope (``case.work`` over the client's community) lets a station's staff see that a case
exists, its stage and its worker. Its content is for the case team, the case's supervisor,
those explicitly granted, and the 站长 of the station (who answers for its work) unless the
case is sensitive and has a supervisor of its own. A sensitive case also hides the client's
name from everyone else.
"""

from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import assignments_of, can


def is_head_of(user, station_id) -> bool:
    return any(a.role == Role.HEAD and a.station_id == station_id for a in assignments_of(user))


def in_team(user, case) -> bool:
    return user.pk == case.lead_id or case.team.filter(pk=user.pk).exists()


def may_read(user, case) -> bool:
    if not can(user, Action.CASE_WORK, case):
        return False
    if in_team(user, case) or user.pk == case.supervisor_id or case.grants.filter(user=user).exists():
        return True
    # The 站长 reads the station's cases, except a sensitive one that has its own supervisor.
    return is_head_of(user, case.station_id) and not (case.sensitive and case.supervisor_id)


def may_work(user, case) -> bool:
    """Record assessments, plans, sessions …: the team."""
    return can(user, Action.CASE_WORK, case) and in_team(user, case)


def may_approve(user, case) -> bool:
    """The case's supervisor, or else a 站长 of its station; never someone on the case's own
    team (the lead included) approving their own work."""
    if not can(user, Action.CASE_WORK, case) or in_team(user, case):
        return False
    if case.supervisor_id:
        return user.pk == case.supervisor_id
    return is_head_of(user, case.station_id)


def client_label(user, case) -> str:
    """The client's name, or a placeholder on a sensitive case outside its readers."""
    if case.sensitive and not may_read(user, case):
        return "（保密）"
    return case.resident.name
