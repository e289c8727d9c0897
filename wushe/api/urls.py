"""The JSON API under /api/v1/: every route needs a bearer token unless it says auth=None."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.pagination import LimitOffsetPagination, paginate

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.accounts.services import api_token_issue
from wushe.api.auth import TokenAuth
from wushe.api.schemas import DivisionOut, ErrorOut, StationDetailOut, StationOut, TokenIn, TokenOut
from wushe.core import selectors
from wushe.core.divisions import within_any
from wushe.core.filters import StationFilter
from wushe.core.models import Division

api = NinjaAPI(title="wushe 五社 API", version="1", auth=TokenAuth(), urls_namespace="api")


class Page(LimitOffsetPagination):
    """Lists come as {"items": [...], "count": N} (the platform's API contract)."""


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut})
def token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return 403, {"detail": _("连续登录失败次数过多，账号已锁定 15 分钟。")}
    if user is None:
        return 401, {"detail": _("用户名/手机号或密码不正确。")}
    key, tok = api_token_issue(user=user, request=request)
    return 200, {"token": key, "expires_at": tok.expires_at}


@api.get("/divisions", response=list[DivisionOut])
@paginate(Page)
def divisions(request, parent: str | None = None, level: int | None = None, q: str | None = None):
    """Divisions inside the caller's scope; `parent` lists one division's children."""
    qs = Division.objects.filter(within_any("code", prefixes_for(request.user, Action.NETWORK_VIEW)))
    if parent:
        qs = qs.filter(parent_id=selectors.division_get(user=request.user, code=parent).code)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("code")


@api.get("/divisions/{code}", response=DivisionOut)
def division(request, code: str):
    return selectors.division_get(user=request.user, code=code)


@api.get("/stations", response=list[StationOut])
@paginate(Page)
def stations(request, q: str | None = None, tier: str | None = None, status: str | None = None,
             under: str | None = None):
    """Stations in the caller's scope, filtered like the station list page."""
    params = {k: v for k, v in {"q": q, "tier": tier, "status": status, "under": under}.items() if v}
    return StationFilter(params, queryset=selectors.station_list(user=request.user)).qs.order_by("division_id", "id")


@api.get("/stations/{int:station_id}", response=StationDetailOut)
def station(request, station_id: int):
    return selectors.station_get(user=request.user, pk=station_id)
