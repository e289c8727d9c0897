"""Roles and what each may do: the one table the permission function reads.

Platform administration is split three ways as 等保 level 3 asks (三员分立): the
系统管理员 runs accounts, the 安全管理员 roles and policies, the 审计管理员 reads the
audit log. None of them reads residents' files: they hold no ``person.*`` action.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    CIVIL = "civil", _("民政管理")
    STREET = "street", _("街道/乡镇管理员")
    HEAD = "head", _("站长")
    WORKER = "worker", _("社工")
    SUPERVISOR = "supervisor", _("督导")
    ORG_LEAD = "org_lead", _("社会组织负责人")
    VOLUNTEER = "volunteer", _("志愿者")


# Roles bound to the whole platform rather than to a division or station.
PLATFORM_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# Roles bound to one station (社工站/社工室); the others are bound to a division.
STATION_ROLES = {Role.HEAD, Role.WORKER, Role.SUPERVISOR}
# A second factor (TOTP) is required of these; optional for everyone else.
OTP_REQUIRED_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.CIVIL}


class Action(models.TextChoices):
    NETWORK_VIEW = "network.view", _("查看区划与站点")
    STATION_CREATE = "station.create", _("新建、撤销站点")
    STATION_EDIT = "station.edit", _("编辑站点与功能室")
    USER_VIEW = "user.view", _("查看账号")
    USER_MANAGE = "user.manage", _("创建、停用账号")
    ROLE_MANAGE = "role.manage", _("授予、撤销角色")
    AUDIT_VIEW = "audit.view", _("查看审计日志")
    PERSON_VIEW = "person.view", _("查看服务对象档案")
    PERSON_REVEAL = "person.reveal", _("显示完整证件号与电话")
    # Who may read a case's content is narrower still: see wushe.casework.access.
    CASE_WORK = "case.work", _("个案工作")
    GROUP_WORK = "group.work", _("小组工作与督导")
    ACTIVITY_MANAGE = "activity.manage", _("组织社区活动")
    VOLUNTEER_MANAGE = "volunteer.manage", _("管理志愿者与志愿服务")
    DELIBERATION_MANAGE = "deliberation.manage", _("组织居民议事")
    ORG_MANAGE = "organization.manage", _("社区社会组织备案与孵化")
    CHARITY_MANAGE = "charity.manage", _("慈善资源与社区基金")
    FUND_APPROVE = "fund.approve", _("审批社区基金支出")
    PROJECT_MANAGE = "project.manage", _("服务项目的执行与关联记录")
    PROJECT_FUND = "project.fund", _("服务项目立项、指标与评估")
    WORKFORCE_MANAGE = "workforce.manage", _("社工人才队伍与培训")
    STATION_PLAN = "station.plan", _("站点工作计划与制度")
    STATS_VIEW = "stats.view", _("查看统计、报表与数据看板")
    TAG_MANAGE = "tag.manage", _("维护人员类别清单")


_STAFF_VIEW = {Action.NETWORK_VIEW}
# Managers (民政, 街道, 站长) oversee their scope's figures: aggregates, never a person's file.
_MANAGER = _STAFF_VIEW | {
    Action.STATION_EDIT, Action.USER_VIEW, Action.USER_MANAGE, Action.ROLE_MANAGE, Action.AUDIT_VIEW,
    Action.STATS_VIEW,
}
# The other three 社 as a street or district oversees them: organizations filed and incubated,
# charity resources and funds, service projects bought and evaluated, the workforce and its training.
_FIVE_SOCIETIES = {Action.ORG_MANAGE, Action.CHARITY_MANAGE, Action.PROJECT_MANAGE, Action.WORKFORCE_MANAGE}

# The station's social work (个案, 小组, 督导, 社区活动, 志愿服务, 居民议事): its social workers.
_METHODS = {Action.CASE_WORK, Action.GROUP_WORK, Action.ACTIVITY_MANAGE, Action.VOLUNTEER_MANAGE,
            Action.DELIBERATION_MANAGE, Action.STATION_PLAN}

CAPABILITIES: dict[str, frozenset[str]] = {
    # The 人员类别 list is the whole platform's (statistics break down by it): kept by the 系统管理员.
    Role.SYSADMIN: frozenset({Action.NETWORK_VIEW, Action.USER_VIEW, Action.USER_MANAGE, Action.TAG_MANAGE}),
    Role.SECADMIN: frozenset({Action.NETWORK_VIEW, Action.USER_VIEW, Action.ROLE_MANAGE}),
    Role.AUDITOR: frozenset({Action.AUDIT_VIEW, Action.USER_VIEW}),
    # A district official sees aggregates everywhere below, personal files nowhere.
    # The buyer of services (a street, a district) sets a project up and evaluates it; the
    # stations carrying it out do not mark their own work.
    Role.CIVIL: frozenset(_MANAGER | _FIVE_SOCIETIES | {Action.STATION_CREATE, Action.PROJECT_FUND}),
    Role.STREET: frozenset(_MANAGER | _FIVE_SOCIETIES | {Action.STATION_CREATE, Action.PERSON_VIEW,
                                                          Action.FUND_APPROVE, Action.PROJECT_FUND}),
    # A station runs its incubation, resources and projects; its head approves fund spending.
    Role.HEAD: frozenset(_MANAGER | _METHODS | _FIVE_SOCIETIES | {Action.PERSON_VIEW, Action.PERSON_REVEAL,
                                                                  Action.FUND_APPROVE}),
    Role.WORKER: frozenset(_STAFF_VIEW | _METHODS | {Action.ORG_MANAGE, Action.CHARITY_MANAGE, Action.PROJECT_MANAGE}
                           | {Action.PERSON_VIEW, Action.PERSON_REVEAL}),
    Role.SUPERVISOR: frozenset(_STAFF_VIEW | _METHODS | {Action.PERSON_VIEW, Action.PERSON_REVEAL}),
    Role.ORG_LEAD: frozenset(_STAFF_VIEW),
    Role.VOLUNTEER: frozenset(),
}

# Which roles a manager holding ``role`` may hand out inside their own scope.
# Nobody grants a role above their own; platform roles come from the 安全管理员 only.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.SECADMIN: frozenset(Role.values),
    Role.SYSADMIN: frozenset(),
    Role.CIVIL: frozenset({Role.CIVIL, Role.STREET, Role.HEAD, Role.WORKER, Role.SUPERVISOR,
                           Role.ORG_LEAD, Role.VOLUNTEER}),
    Role.STREET: frozenset({Role.STREET, Role.HEAD, Role.WORKER, Role.SUPERVISOR, Role.ORG_LEAD,
                            Role.VOLUNTEER}),
    Role.HEAD: frozenset({Role.WORKER, Role.SUPERVISOR, Role.VOLUNTEER}),
}
