"""Sign-in by username or by mainland mobile number (found through its keyed hash)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from wushe.accounts.models import User
from wushe.core.pii import hash_lookup


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            try:
                user = User.objects.filter(mobile_hash=hash_lookup("mobile", username)).first()
            except ValidationError:
                user = None
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
