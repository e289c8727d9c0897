"""Sign-in, own account (password, second factor), and managing accounts within scope."""

import base64

import django_tables2 as tables
import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tables2 import RequestConfig

from wushe.accounts import selectors, services
from wushe.accounts.forms import (
    OtpTokenForm,
    OwnPasswordChangeForm,
    RoleFields,
    SignInForm,
    UserCreateForm,
    UserEditForm,
)
from wushe.accounts.models import User
from wushe.accounts.roles import GRANTABLE, Action, Role
from wushe.accounts.scope import assignments_of, can, needs_otp, roles_of
from wushe.core import audit
from wushe.core import selectors as network
from wushe.core.access import allow_pending, public, requires, signed_in
from wushe.core.models import AuditEntry
from wushe.core.views import error_text, form_errors_from

login = public(auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=SignInForm, redirect_authenticated_user=True,
))
logout = allow_pending(signed_in(auth_views.LogoutView.as_view()))


def _safe_next(request) -> str:
    """Where to go after a pending step: the page asked for, if it is on this site."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


@allow_pending
@signed_in
@require_http_methods(["GET", "POST"])
def password_change(request):
    user = request.user
    form = OwnPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(user=user, password=form.cleaned_data["new_password1"], request=request)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect(_safe_next(request))
    reason = None
    if user.must_change_password:
        reason = _("这是管理员为您设置的初始密码，请先修改为您自己的密码。")
    elif user.password_expired:
        reason = _("您的密码已超过有效期，请修改后继续使用。")
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


@allow_pending
@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def otp(request):
    """Second factor: verify a TOTP code, or enrol a device on first use."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name=_("动态验证码"), confirmed=False
        )
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditEntry.Action.OTP, request=request, detail={"enrolled": enrolling})
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
    context = {"form": form, "enrolling": enrolling, "required": needs_otp(user)}
    if enrolling:
        qr = segno.make(device.config_url, error="m")
        context["qr_data_uri"] = qr.svg_data_uri(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp.html", context)


@signed_in
def profile(request):
    return render(request, "accounts/profile.html", {
        "assignments": assignments_of(request.user),
        "has_otp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    })


class UserTable(tables.Table):
    username = tables.Column(verbose_name=gettext_lazy("用户名"), linkify=("accounts:user", {"pk": tables.A("pk")}))
    full_name = tables.Column(verbose_name=gettext_lazy("姓名"))
    roles = tables.TemplateColumn(template_name="accounts/_roles_cell.html", verbose_name=gettext_lazy("角色与范围"),
                                  orderable=False)
    is_active = tables.BooleanColumn(verbose_name=gettext_lazy("启用"))
    last_login = tables.DateTimeColumn(verbose_name=gettext_lazy("最近登录"), default="—")

    class Meta:
        model = User
        fields = ("username", "full_name", "roles", "is_active", "last_login")
        empty_text = gettext_lazy("没有符合条件的账号。")


@requires(Action.USER_VIEW)
def user_list(request):
    qs = selectors.user_list(user=request.user, search=request.GET.get("q", "").strip(),
                             role=request.GET.get("role", ""), active=request.GET.get("active", ""))
    table = UserTable(qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "accounts/user_list.html", {
        "table": table, "roles": Role.choices, "can_create": can(request.user, Action.USER_MANAGE),
    })


def _grantable_choices(actor):
    allowed = set().union(*(GRANTABLE.get(a.role, frozenset()) for a in assignments_of(actor)))
    return [(value, label) for value, label in Role.choices if value in allowed]


@requires(Action.USER_MANAGE)
@never_cache
@require_http_methods(["GET", "POST"])
def user_create(request):
    stations = network.grantable_stations(user=request.user)
    is_sysadmin = Role.SYSADMIN in roles_of(request.user)
    form = UserCreateForm(request.POST or None, stations=stations, role_required=not is_sysadmin)
    form.fields["role"].choices = ([("", _("（暂不授予角色）"))] if is_sysadmin else []) + _grantable_choices(request.user)
    temp_password = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        temp_password = services.temporary_password(User(username=data["username"], full_name=data["full_name"]))
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], full_name=data["full_name"],
                mobile=data["mobile"], password=temp_password, role=data["role"] or None,
                station=data["station"], division=data["division"], request=request,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        else:
            return render(request, "accounts/user_created.html", {"new_user": user, "password": temp_password})
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建账号")})


@requires(Action.USER_VIEW)
def user_detail(request, pk):
    target = selectors.user_get(user=request.user, pk=pk)
    manageable = can(request.user, Action.USER_MANAGE) and _may_manage(request.user, pk)
    grant_form = RoleFields(stations=network.grantable_stations(user=request.user))
    grant_form.fields["role"].choices = _grantable_choices(request.user)
    assignments, elsewhere = selectors.assignment_list(user=request.user, target=target)
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "assignments": assignments,
        "elsewhere": elsewhere,
        "manageable": manageable,
        "grant_form": grant_form if grant_form.fields["role"].choices else None,
        "edit_form": UserEditForm(initial={"full_name": target.full_name, "is_active": target.is_active}),
    })


def _may_manage(actor, pk) -> bool:
    try:
        selectors.user_get(user=actor, pk=pk, action=Action.USER_MANAGE)
    except Exception:  # noqa: BLE001 - Http404 means "not yours to manage"
        return False
    return True


@requires(Action.USER_MANAGE)
@require_POST
def user_edit(request, pk):
    target = selectors.user_get(user=request.user, pk=pk, action=Action.USER_MANAGE)
    form = UserEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(actor=request.user, user=target, full_name=data["full_name"],
                                 mobile=data["mobile"] if data["mobile"] is not None else target.mobile,
                                 is_active=data["is_active"], request=request)
            messages.success(request, _("账号信息已保存。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, error_text(form))
    return redirect("accounts:user", pk=pk)


@requires(Action.USER_MANAGE)
@never_cache
@require_POST
def user_reset_password(request, pk):
    target = selectors.user_get(user=request.user, pk=pk, action=Action.USER_MANAGE)
    password = services.temporary_password(target)
    services.password_set(user=target, password=password, actor=request.user, forced_change=True,
                          request=request)
    return render(request, "accounts/user_created.html", {"new_user": target, "password": password,
                                                          "reset": True})


@requires(Action.ROLE_MANAGE)
@require_POST
def role_grant(request, pk):
    target = selectors.user_get(user=request.user, pk=pk)
    form = RoleFields(request.POST, stations=network.grantable_stations(user=request.user))
    form.fields["role"].choices = _grantable_choices(request.user)
    if form.is_valid():
        try:
            services.role_grant(actor=request.user, user=target, role=form.cleaned_data["role"],
                                station=form.cleaned_data["station"], division=form.cleaned_data["division"],
                                request=request)
            messages.success(request, _("已授予角色。"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, error_text(form))
    return redirect("accounts:user", pk=pk)


@requires(Action.ROLE_MANAGE)
@require_POST
def role_revoke(request, pk, assignment_pk):
    target = selectors.user_get(user=request.user, pk=pk)
    assignment = get_object_or_404(target.assignments, pk=assignment_pk)
    try:
        services.role_revoke(actor=request.user, assignment=assignment, request=request)
        messages.success(request, _("已撤销角色“%(r)s”。") % {"r": assignment.get_role_display()})
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(reverse("accounts:user", args=[pk]))
