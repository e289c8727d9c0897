"""Sign-in events go to the audit log."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wushe.accounts.backends import find_account
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


def mask_login(typed: str) -> str:
    """What is kept of a typed login that names no account: it may be a password typed
    into the wrong box or someone's phone number, so at most its first two characters
    (fewer for short strings, never most of it)."""
    if not typed:
        return ""
    return typed[: min(2, len(typed) // 3)] + "***"


def _record_failed_sign_in(action: str, request, typed) -> None:
    typed = str(typed or "")
    account = find_account(typed)
    if account is None:
        audit.record(action, request=request, actor=None, detail={"login": mask_login(typed)})
        return
    audit.record(action, request=request, actor=None, object_type="accounts.user",
                 object_id=str(account.pk), object_label=account.username,
                 division_code=audit.home_code(account), detail={"login": account.username})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    _record_failed_sign_in(AuditEntry.Action.LOGIN_FAILED, request, credentials.get("username"))


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # axes passes what AXES_USERNAME_CALLABLE (account_key) made of the login.
    _record_failed_sign_in(AuditEntry.Action.LOCKED_OUT, request, username)
