"""Sign-in by username or by mainland mobile number (found through its keyed hash)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from wushe.accounts.models import User
from wushe.core.pii import hash_lookup


def find_account(login: str) -> User | None:
    """The account a typed login names: a username, else a mobile number in any spelling."""
    if not login or "\x00" in login:
        return None
    user = User.objects.filter(username=login).first()
    if user is None:
        try:
            user = User.objects.filter(mobile_hash=hash_lookup("mobile", login)).first()
        except ValidationError:
            user = None
    return user


def account_key(request, credentials) -> str:
    """What axes counts failed sign-ins against: the account, not the string typed."""
    login = (credentials or {}).get("username") or ""
    user = find_account(login)
    return user.username if user else login


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
