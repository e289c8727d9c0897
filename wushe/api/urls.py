"""The JSON API under /api/v1/: every route needs a bearer token unless it says auth=None."""

import functools

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer

from wushe.accounts.roles import Action
from wushe.accounts.scope import may, prefixes_for
from wushe.accounts.services import api_token_issue, needs_second_factor, verify_totp
from wushe.api.auth import TokenAuth
from wushe.api.schemas import DivisionOut, ErrorOut, StationDetailOut, StationOut, TokenIn, TokenOut
from wushe.core import selectors
from wushe.core.access import PUBLIC
from wushe.core.divisions import within_any
from wushe.core.filters import StationFilter
from wushe.core.models import Division


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese stays readable (and a test looking for a name finds it)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(title="wushe 五社 API", version="1", auth=TokenAuth(), urls_namespace="api",
               renderer=ChineseJSONRenderer())


def api_requires(action: str | None):
    """The API's access mark, as ``core.access.requires`` is the pages': the caller must hold
    ``action`` somewhere (the selector then narrows to the object, 404 outside). ``None``
    marks an operation open to anyone (signing in)."""

    def decorate(func):
        @functools.wraps(func)
        def guarded(request, *args, **kwargs):
            if action is not None and not may(request.user, action):
                raise HttpError(403, _("您的角色无权使用该接口。"))
            return func(request, *args, **kwargs)

        guarded.wushe_access = action or PUBLIC
        return guarded

    return decorate


class Page(LimitOffsetPagination):
    """Lists come as {"items": [...], "count": N} (the platform's API contract)."""


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut})
@api_requires(None)
def token(request, payload: TokenIn):
    """Username (or mobile) and password → a bearer token valid for 12 hours.

    The same rules as the sign-in page: lockout after 5 failures, no token before an
    administrator-set or expired password is changed, and the roles that need a second
    factor must send the current TOTP code as ``otp``.
    """
    if "\x00" in payload.username + payload.password:
        # The pages refuse NUL before sign-in (middleware); a JSON body must be checked here.
        return Status(401, {"detail": _("用户名/手机号或密码不正确。")})
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON ourselves; otherwise axes' middleware swaps in its HTML page.
        request.axes_locked_out = False
        return Status(403, {"detail": _("连续登录失败次数过多，账号已锁定 15 分钟。")})
    if user is None:
        return Status(401, {"detail": _("用户名/手机号或密码不正确。")})
    if user.must_change_password or user.password_expired:
        return Status(403, {"detail": _("请先登录网页修改密码，再申请接口令牌。")})
    if needs_second_factor(user) and not verify_totp(user, payload.otp or ""):
        return Status(403, {"detail": _("您的角色须提供动态验证码（otp）。")})
    key, tok = api_token_issue(user=user, request=request)
    return Status(200, {"token": key, "expires_at": tok.expires_at})


@api.get("/divisions", response=list[DivisionOut])
@api_requires(Action.NETWORK_VIEW)
@paginate(Page)
def divisions(request, parent: str | None = None, level: int | None = None, q: str | None = None):
    """Divisions inside the caller's scope; `parent` lists one division's children."""
    qs = Division.objects.filter(within_any("code", prefixes_for(request.user, Action.NETWORK_VIEW)))
    if parent:
        qs = qs.filter(parent_id=selectors.division_get(user=request.user, code=parent).code)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q.replace("\x00", ""))
    return qs.order_by("code")


@api.get("/divisions/{code}", response=DivisionOut)
@api_requires(Action.NETWORK_VIEW)
def division(request, code: str):
    return selectors.division_get(user=request.user, code=code)


@api.get("/stations", response=list[StationOut])
@api_requires(Action.NETWORK_VIEW)
@paginate(Page)
def stations(request, q: str | None = None, tier: str | None = None, status: str | None = None,
             under: str | None = None):
    """Stations in the caller's scope, filtered like the station list page."""
    params = {k: v for k, v in {"q": q, "tier": tier, "status": status, "under": under}.items() if v}
    filterset = StationFilter(params, queryset=selectors.station_list(user=request.user))
    if not filterset.is_valid():
        # A mistyped filter must not silently widen the answer to every station in scope.
        raise ValidationError([{"loc": ["query", field], "msg": "；".join(errors)}
                               for field, errors in filterset.errors.items()])
    return filterset.qs.order_by("division_id", "id")


@api.get("/stations/{int:station_id}", response=StationDetailOut)
@api_requires(Action.NETWORK_VIEW)
def station(request, station_id: int):
    return selectors.station_get(user=request.user, pk=station_id)


# Mounted last: the people router imports api_requires and Page from this module.
from wushe.api.people import router as people_router  # noqa: E402

api.add_router("", people_router)
from wushe.api.casework import router as casework_router  # noqa: E402

api.add_router("", casework_router)
from wushe.api.groupwork import router as groupwork_router  # noqa: E402

api.add_router("", groupwork_router)
from wushe.api.activities import router as activities_router  # noqa: E402

api.add_router("", activities_router)
from wushe.api.portal import router as portal_router  # noqa: E402

api.add_router("", portal_router)
from wushe.api.deliberation import router as deliberation_router  # noqa: E402

api.add_router("", deliberation_router)
from wushe.api.volunteers import router as volunteers_router  # noqa: E402

api.add_router("", volunteers_router)
from wushe.api.projects import router as projects_router  # noqa: E402

api.add_router("", projects_router)
from wushe.api.organizations import router as organizations_router  # noqa: E402

api.add_router("", organizations_router)
from wushe.api.workforce import router as workforce_router  # noqa: E402

api.add_router("", workforce_router)
from wushe.api.charity import router as charity_router  # noqa: E402

api.add_router("", charity_router)
from wushe.api.stats import router as stats_router  # noqa: E402

api.add_router("", stats_router)
