"""Sign-in events go to the audit log."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wushe.accounts.middleware import LAST_SEEN
from wushe.core import audit
from wushe.core.models import AuditEntry


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        request.session[LAST_SEEN] = time.time()
    audit.record(AuditEntry.Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEntry.Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(
        AuditEntry.Action.LOGIN_FAILED, request=request, actor=None,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(AuditEntry.Action.LOCKED_OUT, request=request, actor=None,
                 detail={"username": str(username or "")[:150]})
