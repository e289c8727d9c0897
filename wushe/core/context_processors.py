"""What every page's shell needs: the menu the user may use and where they stand."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wushe.accounts.roles import Action

# (label, url name, icon, action needed, or None for any signed-in user)
MENU = [
    (_("工作台"), "core:home", "house", None),
    (_("数据看板"), "stats:dashboard", "bar-chart-line", Action.STATS_VIEW),
    (_("区划与覆盖"), "core:divisions", "diagram-3", Action.NETWORK_VIEW),
    (_("站点"), "core:stations", "buildings", Action.NETWORK_VIEW),
    (_("服务对象"), "people:residents", "person-vcard", Action.PERSON_VIEW),
    (_("需求清单"), "people:needs", "list-check", Action.PERSON_VIEW),
    (_("居民诉求"), "portal:requests", "megaphone", Action.PERSON_VIEW),
    (_("走访提醒"), "people:overdue_visits", "calendar-check", Action.PERSON_VIEW),
    (_("需求调研"), "people:surveys", "ui-checks", Action.PERSON_VIEW),
    (_("个案工作"), "casework:cases", "folder2-open", Action.CASE_WORK),
    (_("小组工作"), "groupwork:groups", "people-fill", Action.GROUP_WORK),
    (_("督导"), "supervision:sessions", "mortarboard", Action.GROUP_WORK),
    (_("社区活动"), "activities:activities", "calendar-event", Action.ACTIVITY_MANAGE),
    (_("志愿服务"), "volunteers:volunteers", "heart", Action.VOLUNTEER_MANAGE),
    (_("居民议事"), "deliberation:topics", "chat-square-text", Action.DELIBERATION_MANAGE),
    (_("社会组织"), "organizations:organizations", "diagram-2", Action.ORG_MANAGE),
    (_("慈善资源"), "charity:funds", "piggy-bank", Action.CHARITY_MANAGE),
    (_("服务项目"), "projects:projects", "clipboard-data", Action.PROJECT_MANAGE),
    (_("站点运营"), "operations:plans", "kanban", Action.STATION_PLAN),
    (_("人才队伍"), "workforce:workers", "person-badge", Action.WORKFORCE_MANAGE),
    (_("社工机构"), "core:agencies", "briefcase", Action.NETWORK_VIEW),
    (_("账号与角色"), "accounts:users", "people", Action.USER_VIEW),
    (_("审计日志"), "core:audit", "journal-text", Action.AUDIT_VIEW),
    (_("人员类别"), "people:tags", "tags", Action.TAG_MANAGE),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from wushe.accounts.scope import assignments_of, may

    path = request.path
    menu = [{"label": label, "url": reverse(name), "icon": icon, "active": False}
            for label, name, icon, action in MENU if action is None or may(user, action)]
    # The entry whose address is the longest prefix of this page is the one we are in.
    matches = [m for m in menu if (path == m["url"] if m["url"] == "/" else path.startswith(m["url"]))]
    if matches:
        max(matches, key=lambda m: len(m["url"]))["active"] = True
    return {"menu": menu, "my_assignments": assignments_of(user)}
