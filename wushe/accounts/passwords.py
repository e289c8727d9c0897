"""Password policy: ≥ 10 characters (settings), mixed classes, not the username,
not one of the last five."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator:
    """Django's own, with the message in Chinese (Django 5.2's text has no zh-Hans yet)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}, code="password_too_short"
            )

    def get_help_text(self):
        return _("至少 %(n)d 个字符。") % {"n": self.min_length}


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少三类。"), code="password_classes"
            )

    def get_help_text(self):
        return _("至少包含小写字母、大写字母、数字、符号中的三类。")


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_has_username")

    def get_help_text(self):
        return _("不能包含用户名。")


class HistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        # The current password counts as one of the last ``remember``.
        recent = [user.password] if user.password else []
        recent += user.password_history.values_list("password", flat=True)[: self.remember - len(recent)]
        if any(check_password(password, old) for old in recent):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.remember}, code="password_reused"
            )

    def get_help_text(self):
        return _("不能与最近 %(n)d 次的密码相同。") % {"n": self.remember}
