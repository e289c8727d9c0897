"""What every page's shell needs: the menu the user may use and where they stand."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wushe.accounts.roles import Action

# (label, url name, icon, action needed, or None for any signed-in user)
MENU = [
    (_("工作台"), "core:home", "house", None),
    (_("区划与覆盖"), "core:divisions", "diagram-3", Action.NETWORK_VIEW),
    (_("站点"), "core:stations", "buildings", Action.NETWORK_VIEW),
    (_("社工机构"), "core:agencies", "briefcase", Action.NETWORK_VIEW),
    (_("账号与角色"), "accounts:users", "people", Action.USER_VIEW),
    (_("审计日志"), "core:audit", "journal-text", Action.AUDIT_VIEW),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from wushe.accounts.scope import assignments_of, may

    path = request.path
    menu = []
    for label, name, icon, action in MENU:
        if action is None or may(user, action):
            url = reverse(name)
            active = path == url if url == "/" else path.startswith(url)
            menu.append({"label": label, "url": url, "icon": icon, "active": active})
    return {"menu": menu, "my_assignments": assignments_of(user)}
