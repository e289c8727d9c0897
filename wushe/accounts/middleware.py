"""Idle session timeout: a session unused for WUSHE_IDLE_TIMEOUT is signed out."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

LAST_SEEN = "wushe_last_seen"
# Refresh the stamp at most once a minute, so a busy page does not write the session each request.
TOUCH_EVERY = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith("/api/"):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.WUSHE_IDLE_TIMEOUT.total_seconds():
                from wushe.core import audit
                from wushe.core.models import AuditEntry

                audit.record(AuditEntry.Action.IDLE_LOGOUT, request=request)
                logout(request)
                messages.info(request, _("您已长时间未操作，为保护数据安全已自动退出，请重新登录。"))
            elif last is None or now - last > TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
