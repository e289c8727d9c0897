"""The audit API other apps call: ``audit.record(...)`` appends one hash-chained entry.

Every entry's hash covers its own fields and the previous hash; the single AuditHead row
is locked while appending so that the chain stays a line under concurrent writers.

The hash is an HMAC-SHA256 under a key derived (HKDF) from ``settings.SECRET_KEY``, so
someone who can write the database but cannot read the server's secret cannot edit rows
and then rebuild a chain that verifies.

Key rotation: changing WUSHE_SECRET_KEY makes every older entry fail verification unless
the old key is kept in ``settings.SECRET_KEY_FALLBACKS``; ``verify_chain`` accepts an entry
that verifies under the current key or under any fallback key. Keep old keys there for
as long as their entries must stay verifiable (entries are never re-hashed). Entries
written before the chain was keyed (plain SHA-256) do not verify under any key.
"""

import functools
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import unquote_plus

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.ipv6 import clean_ipv6_address
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from wushe.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


@functools.cache
def _chain_key(secret: str) -> bytes:
    # A derived key, so the audit hashes reveal nothing about the signing key itself.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wushe audit chain")
    return hkdf.derive(secret.encode())


def _keys() -> list[bytes]:
    """The current chain key first, then those of ``SECRET_KEY_FALLBACKS``."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_chain_key(s) for s in secrets]


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    return hmac.new(_chain_key(settings.SECRET_KEY), _payload(prev_hash, entry),
                    hashlib.sha256).hexdigest()


def _payload(prev_hash: str, entry: AuditEntry) -> bytes:
    payload = json.dumps(
        [
            prev_hash,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.division_code,
            entry.ip,
            entry.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return payload.encode()


def client_ip(request) -> str | None:
    """The client address as the database will store it (IPv6 compressed), so the hash
    computed now matches the row read back later."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    if settings.WUSHE_BEHIND_PROXY and request.META.get("HTTP_X_FORWARDED_FOR"):
        # The proxy appends the address it saw last; earlier entries are the client's word.
        address = request.META["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()
    if address and ":" in address:
        try:
            return clean_ipv6_address(address)
        except ValidationError:
            return None
    return address or None


def record(
    action: str,
    *,
    request=None,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    division_code: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append an audit entry. ``obj`` fills type, id, label and division when given."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
        if not division_code:
            from wushe.accounts.scope import code_of

            try:
                division_code = code_of(obj)
            except TypeError:
                division_code = ""
    if not division_code and actor is not None:
        division_code = home_code(actor)
    entry = AuditEntry(
        at=None,  # set under the lock below, so chain order and time order agree
        actor=actor,
        actor_name=actor.get_username()[:150] if actor else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label[:200],
        division_code=division_code,
        ip=client_ip(request),
        detail=detail or {},
    )
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        entry.at = timezone.now()
        entry.prev_hash = head.last_hash
        entry.hash = _digest(head.last_hash, entry)
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def home_code(actor) -> str:
    """Where an actor's own actions (sign-in, password change) belong: their first scope.

    So a street manager sees the sign-ins of the people working in their street.
    """
    from wushe.accounts.scope import assignments_of

    for a in assignments_of(actor):
        if a.scope_prefix:
            return a.scope_prefix.ljust(12, "0")
    return ""


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    # Entries that verified only under a key in SECRET_KEY_FALLBACKS: drop none of those yet.
    old_key: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first entry where the chain breaks.

    An entry verifies under the current key or any key in ``SECRET_KEY_FALLBACKS``.
    """
    current, *fallbacks = _keys()
    prev = GENESIS
    checked = old_key = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        # JSON round trip: the stored detail is what was hashed, after serialisation.
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.id, "上一条记录缺失或被修改（链接断开）", old_key)
        payload = _payload(prev, entry)
        if not _signed_by(current, payload, entry.hash):
            if not any(_signed_by(key, payload, entry.hash) for key in fallbacks):
                return ChainReport(checked, entry.id, "本条记录内容被修改（哈希不符）", old_key)
            old_key += 1
        prev = entry.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return ChainReport(checked, None, "最新的记录被删除（链尾与记录不符）", old_key)
    return ChainReport(checked, old_key=old_key)


def _signed_by(key: bytes, payload: bytes, digest: str) -> bool:
    return hmac.compare_digest(hmac.new(key, payload, hashlib.sha256).hexdigest(), digest)


# --- reading entries ------------------------------------------------------------

_DETAIL_LABELS = {
    "path": _("路径"), "reason": _("原因"), "needs": _("所需权限"), "role": _("角色"),
    "place": _("范围"), "by_admin": _("管理员设置"), "login": _("登录名"),
    "username": _("登录名"),  # failed sign-ins recorded before logins were masked
    "query": _("查询条件"), "rows": _("行数"), "enrolled": _("新绑定"),
    "closed_on": _("撤销日期"), "status": _("状态"), "questions": _("题目数"), "raised_needs": _("登记需求数"),
    "merged": _("合并的档案"), "filled": _("补充的信息"), "step": _("步骤"),
}
_DETAIL_VALUES = {"view not marked": _("页面未声明访问规则")}
def _model_field(entry: AuditEntry, key: str):
    """The model field an entry's detail key names, so it is shown by its Chinese label."""
    from django.apps import apps

    try:
        model = apps.get_model(entry.object_type) if "." in entry.object_type else None
    except LookupError:
        model = None
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    # Reverse relations (a survey's "questions") have no label of their own.
    return field if getattr(field, "concrete", False) else None


def _detail_value(key: str, value, field) -> str:
    from wushe.accounts.roles import Action, Role

    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        if len(value) == 2:
            return f"{_detail_value(key, value[0], field)} → {_detail_value(key, value[1], field)}"
        return "、".join(_detail_value(key, v, field) for v in value)
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if isinstance(field, models.BooleanField) and text in ("True", "False"):
        return str(_("是") if text == "True" else _("否"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if key == "role" and text in Role.values:
        return str(Role(text).label)
    if key == "needs" and text in Action.values:
        return str(Action(text).label)
    if key == "query":
        return unquote_plus(text)
    return str(_DETAIL_VALUES.get(text, text))


def describe_detail(entry: AuditEntry) -> SafeString:
    """An entry's ``detail`` as readable Chinese HTML (every part escaped), e.g.
    ``角色：社工；范围：西园街道社会工作服务站``; "" when there is no detail."""
    detail = entry.detail if isinstance(entry.detail, dict) else {"": entry.detail}
    parts = []
    for key, value in detail.items():
        field = _model_field(entry, key)
        if field is not None:
            label = str(field.verbose_name)
        else:
            label = str(_DETAIL_LABELS.get(key, key))
        parts.append((label, _detail_value(key, value, field)))
    return format_html_join("；", "{}：{}", parts)
