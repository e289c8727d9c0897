from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from wushe.accounts.roles import Role
from wushe.core.forms import DivisionCodeField
from wushe.core.pii import normalize_mobile


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("用户名或手机号"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。连续输错 5 次，账号将被锁定 15 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form; saving goes through the service so history and audit are kept."""

    def save(self, commit=True):  # the view calls services.password_set instead
        raise NotImplementedError


class OtpTokenForm(forms.Form):
    token = forms.CharField(label=_("6 位动态验证码"), max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                          "inputmode": "numeric", "autofocus": True}))


class RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    station = forms.ModelChoiceField(queryset=None, label=_("站点"), required=False,
                                     help_text=_("站长、社工、督导须选择站点"))
    division = DivisionCodeField(label=_("区划代码"), required=False,
                                 help_text=_("民政管理、街道管理员、社会组织负责人、志愿者填写区划代码"))

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class UserCreateForm(RoleFields):
    username = forms.RegexField(label=_("用户名"), max_length=150, regex=r"^[A-Za-z0-9_.@+-]+$",
                                error_messages={"invalid": _("用户名只能包含字母、数字和 _ . @ + -")})
    full_name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    field_order = ["username", "full_name", "mobile", "role", "station", "division"]

    def __init__(self, *args, role_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].required = role_required
        if not role_required:
            self.fields["role"].choices = [("", _("（暂不授予角色）"))] + list(Role.choices)

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return normalize_mobile(value) if value else ""


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False,
                             help_text=_("留空表示不修改；当前号码已隐藏"))
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return normalize_mobile(value) if value else None
