"""The people registry in the JSON API: residents, needs and visits (person.view).

Reads go through ``wushe.people.selectors`` (scoped; 404 outside), writes through
``wushe.people.services`` (which validate, check scope and audit). ID numbers and mobile
numbers only ever leave masked: nothing here calls ``reveal()`` except to normalise input.

Mounted by ``wushe.api.urls`` (``api.add_router("", router)``); import it through there.
"""

import datetime
import re
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.accounts.scope import check, prefixes_for
from wushe.api.urls import Page, api_requires
from wushe.core.divisions import within_any
from wushe.core.models import Division, Station
from wushe.core.pii import Protected, normalize_id_number, normalize_mobile
from wushe.people import selectors, services
from wushe.people.filters import ResidentFilter
from wushe.people.models import Need, Resident, Tag, Visit

router = Router(tags=["people"])

# --- errors ------------------------------------------------------------------------------

# Model field → the name the API uses for it.
_API_NAMES = {"station": "station_id", "community": "community_code", "household": "household_id",
              "tags": "tag_ids", "close_reason": "reason"}
_SECRET_INPUTS = {"id_number": normalize_id_number, "mobile": normalize_mobile,
                  "guardian_phone": normalize_mobile}
_CODE = re.compile(r"\d{12}", re.ASCII)
# Text columns of Resident (NOT NULL) a PATCH may send as null.
_TEXT_FIELDS = ("name", "sex", "ethnicity", "address", "relation", "living", "guardian_name", "disability_type",
                "disability_grade", "income", "risk", "consent_by", "consent_method", "note")


def _not_found() -> HttpError:
    # Outside the caller's scope a record does not exist: the same answer as a missing one.
    return HttpError(404, _("记录不存在。"))


def _unprocessable(exc: DjangoValidationError, *, general: str | None = None,
                   prefix: tuple[str, ...] = ()) -> ValidationError:
    """A service's ValidationError as the API's 422: ``[{"loc": ["body", field], "msg": …}]``.

    Messages go out as plain text (a page's message may carry a link)."""
    if hasattr(exc, "error_dict"):
        items = exc.message_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, exc.messages)]
    errors = []
    for field, messages in items:
        if field == NON_FIELD_ERRORS:
            loc = ["body", general] if general else ["body"]
        else:
            loc = ["body", *prefix, _API_NAMES.get(field, field)]
        errors.append({"loc": loc, "msg": "；".join(strip_tags(str(m)) for m in messages)})
    return ValidationError(errors)


@contextmanager
def _service_errors(*, general: str | None = None):
    """Around a service call: Http404 (scope) → 404, ValidationError → 422."""
    try:
        yield
    except Http404 as exc:
        raise _not_found() from exc
    except DjangoValidationError as exc:
        raise _unprocessable(exc, general=general) from exc


def _refuse_nul(value, loc=("body",)) -> None:
    """PostgreSQL refuses NUL in text; the middleware checks query strings, not JSON bodies."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError([{"loc": list(loc), "msg": _("请求中含有无效字符。")}])
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _refuse_nul(item, (*loc, i))


def _query_errors(errors: dict) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": "；".join(messages)}
                            for field, messages in errors.items()])


# --- lookups -----------------------------------------------------------------------------


def _resident(request, pk: int) -> Resident:
    try:
        return selectors.resident_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise _not_found() from exc


def _need(request, pk: int) -> Need:
    try:
        return selectors.need_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise _not_found() from exc


def _station(user, pk: int) -> Station:
    """A station the user may keep files at: 404 outside scope, 422 when it is closed."""
    station = Station.objects.select_related("division").filter(pk=pk).first()
    if station is None:
        raise _not_found()
    try:
        check(user, Action.PERSON_VIEW, station)
    except Http404 as exc:
        raise _not_found() from exc
    if station.status == Station.Status.CLOSED:
        raise ValidationError([{"loc": ["body", "station_id"], "msg": _("该站点已撤销，不能在此建档。")}])
    return station


def _community(user, code: str) -> Division:
    """A division inside the user's scope by its 12-digit code (the model checks the level)."""
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise ValidationError([{"loc": ["body", "community_code"], "msg": _("区划代码应为12位数字。")}])
    # Any division in scope: a non-village code is then refused by the model with a 422.
    division = Division.objects.filter(
        within_any("code", prefixes_for(user, Action.PERSON_VIEW)), code=code).first()
    if division is None:
        raise _not_found()
    return division


def _tags(ids: list[int]) -> list[Tag]:
    tags = list(Tag.objects.filter(active=True, pk__in=set(ids)))
    if len(tags) != len(set(ids)):
        raise ValidationError([{"loc": ["body", "tag_ids"], "msg": _("人员类别不存在或已停用。")}])
    return tags


def _service_data(user, fields: dict) -> dict:
    """API input → the dict ``resident_create``/``resident_update`` take."""
    data = dict(fields)
    data.pop("tag_ids", None)
    if "station_id" in data:
        data["station"] = _station(user, data.pop("station_id"))
    if "community_code" in data:
        data["community"] = _community(user, data.pop("community_code"))
    errors = []
    for name, normalize in _SECRET_INPUTS.items():
        if name not in data:
            continue
        value = (data[name] or "").strip()
        try:
            data[name] = normalize(value) if value else ""
        except DjangoValidationError as exc:
            # The message never repeats the number that was sent.
            errors.append({"loc": ["body", name], "msg": "；".join(exc.messages)})
    if errors:
        raise ValidationError(errors)
    return data


# --- schemas -----------------------------------------------------------------------------


def _masked(value, kind: str) -> str:
    if not value:
        return ""
    if not isinstance(value, Protected):
        value = Protected(str(value), kind)
    return value.masked


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    # No birth date: it is exactly what the ID mask hides, so the two together are the full number.
    age: int | None
    community_code: str
    community_name: str
    station_id: int
    id_number_masked: str
    mobile_masked: str
    income: str
    risk: str
    tags: list[str]
    has_consent: bool

    @staticmethod
    def resolve_age(obj):
        return obj.age()

    @staticmethod
    def resolve_community_code(obj):
        return obj.community_id

    @staticmethod
    def resolve_community_name(obj):
        return obj.community.name

    @staticmethod
    def resolve_id_number_masked(obj):
        return _masked(obj.id_number, "id_number")

    @staticmethod
    def resolve_mobile_masked(obj):
        return _masked(obj.mobile, "mobile")

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]


class ResidentDetailOut(ResidentOut):
    station_name: str
    ethnicity: str
    address: str
    household_id: int | None
    relation: str
    living: str
    guardian_name: str
    guardian_phone_masked: str
    disability_type: str
    disability_grade: str
    visit_every_days: int | None
    last_visit_on: datetime.date | None
    visit_due_on: datetime.date | None
    consent_by: str
    consent_method: str
    consent_on: datetime.date | None
    note: str
    needs_count: int
    open_needs_count: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_station_name(obj):
        return obj.station.name

    @staticmethod
    def resolve_guardian_phone_masked(obj):
        return _masked(obj.guardian_phone, "mobile")

    @staticmethod
    def resolve_needs_count(obj):
        return obj.needs.count()

    @staticmethod
    def resolve_open_needs_count(obj):
        return obj.needs.exclude(status__in=[Need.Status.MET, Need.Status.CLOSED]).count()


class ResidentIn(Schema):
    """A new file. ``id_number``/``mobile``/``guardian_phone`` are sent in full and stored
    encrypted; they never come back unmasked. Without consent only a minimal record is kept."""

    station_id: int
    community_code: str
    name: str
    id_number: str = ""
    # For people without an ID number; with one, both are read from it.
    birth_date: datetime.date | None = None
    sex: str = ""
    mobile: str = ""
    ethnicity: str = ""
    address: str = ""
    relation: str = ""
    living: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    disability_type: str = ""
    disability_grade: str = ""
    income: str = ""
    risk: str = Resident.Risk.LOW
    visit_every_days: int | None = None
    consent_by: str = ""
    consent_method: str = ""
    consent_on: datetime.date | None = None
    note: str = ""
    tag_ids: list[int] = []


class ResidentPatch(Schema):
    """Only the fields sent change. For ``id_number``/``mobile``/``guardian_phone`` null
    means "keep" and "" means "clear"; ``tag_ids`` replaces the tags when sent."""

    station_id: int | None = None
    community_code: str | None = None
    name: str | None = None
    id_number: str | None = None
    birth_date: datetime.date | None = None
    sex: str | None = None
    mobile: str | None = None
    ethnicity: str | None = None
    address: str | None = None
    relation: str | None = None
    living: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    disability_type: str | None = None
    disability_grade: str | None = None
    income: str | None = None
    risk: str | None = None
    visit_every_days: int | None = None
    consent_by: str | None = None
    consent_method: str | None = None
    consent_on: datetime.date | None = None
    note: str | None = None
    tag_ids: list[int] | None = None


class NeedOut(Schema):
    id: int
    resident_id: int | None
    resident_name: str | None
    community_code: str
    category: str
    category_label: str
    description: str
    source: str
    urgency: str
    status: str
    status_label: str
    handler_name: str | None
    close_reason: str
    visit_id: int | None
    raised_on: datetime.date
    closed_on: datetime.date | None

    @staticmethod
    def resolve_resident_name(obj):
        return obj.resident.name if obj.resident_id else None

    @staticmethod
    def resolve_community_code(obj):
        return obj.community_id

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_handler_name(obj):
        return (obj.handler.full_name or obj.handler.username) if obj.handler_id else None


class NeedIn(Schema):
    category: str
    description: str
    source: str
    urgency: str = Need.Urgency.NORMAL


class NeedStatusIn(Schema):
    status: str
    reason: str = ""


class VisitNeedIn(Schema):
    category: str
    description: str
    urgency: str = Need.Urgency.NORMAL


class VisitIn(Schema):
    """``visited_on`` defaults to today, ``risk`` to the resident's current level."""

    visited_on: datetime.date | None = None
    kind: str = Visit.Kind.HOME
    findings: str
    risk: str | None = None
    needs: list[VisitNeedIn] = []


class VisitOut(Schema):
    id: int
    resident_id: int
    resident_name: str
    community_code: str
    visited_on: datetime.date
    kind: str
    kind_label: str
    findings: str
    risk: str
    visitors: list[str]
    created_at: datetime.datetime

    @staticmethod
    def resolve_resident_name(obj):
        return obj.resident.name

    @staticmethod
    def resolve_community_code(obj):
        return obj.community_id

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_visitors(obj):
        return [u.full_name or u.username for u in obj.visitors.all()]


# --- residents ---------------------------------------------------------------------------


@router.get("/residents", response=list[ResidentOut])
@api_requires(Action.PERSON_VIEW)
@paginate(Page)
def residents(request, q: str | None = None, community: str | None = None, tag: str | None = None,
              age: str | None = None, income: str | None = None, risk: str | None = None):
    """Residents in the caller's scope, filtered like the resident list page: ``q`` (name,
    pinyin, full ID number, its last 4 digits, or mobile), ``community`` (12-digit code),
    ``tag`` (id), ``age`` (minor/adult/elderly/old_old), ``income``, ``risk``."""
    params = {"q": q, "community": community, "tag": tag, "age": age, "income": income, "risk": risk}
    filterset = ResidentFilter({k: v for k, v in params.items() if v},
                               queryset=selectors.resident_list(user=request.user), user=request.user)
    if not filterset.is_valid():
        # A mistyped filter must not silently widen the answer to everyone in scope.
        raise _query_errors(filterset.errors)
    return filterset.qs.prefetch_related("tags").order_by("community_id", "name", "id")


@router.post("/residents", response={201: ResidentDetailOut})
@api_requires(Action.PERSON_VIEW)
def resident_create(request, payload: ResidentIn):
    """Register a resident (建档) at a station and in a community of the caller's scope."""
    fields = payload.dict()
    _refuse_nul(fields)
    data = _service_data(request.user, fields)
    tags = _tags(payload.tag_ids)
    with _service_errors():
        resident = services.resident_create(actor=request.user, data=data, tags=tags, request=request)
    return Status(201, selectors.resident_get(user=request.user, pk=resident.pk))


@router.get("/residents/{int:resident_id}", response=ResidentDetailOut)
@api_requires(Action.PERSON_VIEW)
def resident(request, resident_id: int):
    """One resident's file; every read is written to the audit log."""
    obj = _resident(request, resident_id)
    services.resident_file_opened(actor=request.user, resident=obj, request=request)
    return obj


@router.patch("/residents/{int:resident_id}", response=ResidentDetailOut)
@api_requires(Action.PERSON_VIEW)
def resident_update(request, resident_id: int, payload: ResidentPatch):
    """Change the fields sent; the others stay as they are."""
    obj = _resident(request, resident_id)
    fields = payload.dict(exclude_unset=True)
    _refuse_nul(fields)
    for name in _SECRET_INPUTS:
        if name in fields and fields[name] is None:
            del fields[name]  # null: keep
    for name in ("station_id", "community_code"):
        if name in fields and fields[name] is None:
            raise ValidationError([{"loc": ["body", name], "msg": _("该字段不能为空。")}])
    for name in _TEXT_FIELDS:
        if name in fields and fields[name] is None:
            fields[name] = ""  # the columns are NOT NULL: null clears, as "" does
    tag_ids = fields.get("tag_ids")
    data = _service_data(request.user, fields)
    tags = _tags(tag_ids) if tag_ids is not None else None
    with _service_errors():
        services.resident_update(actor=request.user, resident=obj, data=data, tags=tags, request=request)
    return selectors.resident_get(user=request.user, pk=obj.pk)


# --- needs -------------------------------------------------------------------------------


@router.get("/residents/{int:resident_id}/needs", response=list[NeedOut])
@api_requires(Action.PERSON_VIEW)
@paginate(Page)
def resident_needs(request, resident_id: int):
    obj = _resident(request, resident_id)
    services.resident_file_opened(actor=request.user, resident=obj, request=request)
    return selectors.resident_needs(resident=obj).select_related("resident")


@router.post("/residents/{int:resident_id}/needs", response={201: NeedOut})
@api_requires(Action.PERSON_VIEW)
def resident_need_create(request, resident_id: int, payload: NeedIn):
    obj = _resident(request, resident_id)
    fields = payload.dict()
    _refuse_nul(fields)
    with _service_errors():
        need = services.need_create(actor=request.user, request=request, data={**fields, "resident": obj})
    return Status(201, need)


def _choice_errors(loc: str, value: str | None, choices) -> list[dict]:
    if value and value not in choices:
        return [{"loc": ["query", loc], "msg": _("“%(v)s”不是有效的选项。") % {"v": value}}]
    return []


@router.get("/needs", response=list[NeedOut])
@api_requires(Action.PERSON_VIEW)
@paginate(Page)
def needs(request, status: str | None = None, category: str | None = None):
    """Needs in the caller's scope, newest first; ``status`` and ``category`` narrow the list."""
    errors = _choice_errors("status", status, Need.Status.values)
    errors += _choice_errors("category", category, Need.Category.values)
    if errors:
        raise ValidationError(errors)
    qs = selectors.need_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-raised_on", "-id")


@router.post("/needs/{int:need_id}/status", response=NeedOut)
@api_requires(Action.PERSON_VIEW)
def need_status(request, need_id: int, payload: NeedStatusIn):
    """Move a need along its flow (待对接 → 已对接 → 服务中 → 已满足/已关闭)."""
    need = _need(request, need_id)
    _refuse_nul(payload.dict())
    if payload.status not in Need.Status.values:
        raise ValidationError([{"loc": ["body", "status"], "msg": _("需求状态不存在。")}])
    with _service_errors(general="status"):
        services.need_transition(actor=request.user, need=need, status=payload.status,
                                 reason=payload.reason, request=request)
    return selectors.need_get(user=request.user, pk=need.pk)


# --- visits ------------------------------------------------------------------------------


@router.get("/visits", response=list[VisitOut])
@api_requires(Action.PERSON_VIEW)
@paginate(Page)
def visits(request, resident: int | None = None):
    """Visits in the caller's scope, newest first; ``resident`` (id) narrows to one person."""
    qs = selectors.visit_list(user=request.user)
    if resident is not None:
        # One person's visits are part of their file: reading them is a file view.
        services.resident_file_opened(actor=request.user, resident=_resident(request, resident), request=request)
        qs = qs.filter(resident_id=resident)
    return qs.order_by("-visited_on", "-id")


@router.post("/residents/{int:resident_id}/visits", response={201: VisitOut})
@api_requires(Action.PERSON_VIEW)
def visit_create(request, resident_id: int, payload: VisitIn):
    """Record a visit: it sets the resident's risk and next visit date and may raise needs."""
    obj = _resident(request, resident_id)
    fields = payload.dict()
    _refuse_nul(fields)
    data = {"visited_on": payload.visited_on or timezone.localdate(), "kind": payload.kind,
            "findings": payload.findings, "risk": payload.risk or obj.risk}
    with _service_errors():
        visit = services.visit_record(actor=request.user, resident=obj, data=data,
                                      needs=fields["needs"], request=request)
    return Status(201, selectors.visit_list(user=request.user).get(pk=visit.pk))
