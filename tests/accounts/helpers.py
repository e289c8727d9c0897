"""Plain helpers shared by the accounts tests."""

from wushe.core.models import AuditEntry

LOGIN_URL = "/accounts/login/"
PASSWORD_URL = "/accounts/password/"
OTP_URL = "/accounts/otp/"


def audit_actions(**filters) -> list[str]:
    """The actions of the audit entries matching ``filters``, oldest first."""
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def session_user_id(client) -> int | None:
    """The id of the user the client's session is signed in as, or None."""
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def redirect_path(response) -> str:
    """The path part of a redirect's Location header."""
    return response["Location"].split("?", 1)[0]
