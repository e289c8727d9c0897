"""The audit API other apps call: ``audit.record(...)`` appends one hash-chained entry.

Every entry's hash covers its own fields and the previous hash; the single AuditHead row
is locked while appending so that the chain stays a line under concurrent writers.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from wushe.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, entry: AuditEntry) -> str:
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
    return hashlib.sha256(payload.encode()).hexdigest()


def client_ip(request) -> str | None:
    """The client address as the database will store it (IPv6 compressed), so the hash
    computed now matches the row read back later."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
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
        division_code = _home_code(actor)
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_name=(actor.get_username() if actor else (detail or {}).get("username", ""))[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label[:200],
        division_code=division_code,
        ip=client_ip(request),
        detail=detail or {},
    )
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        entry.prev_hash = head.last_hash
        entry.hash = _digest(head.last_hash, entry)
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def _home_code(actor) -> str:
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

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first entry where the chain breaks."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        # JSON round trip: the stored detail is what was hashed, after serialisation.
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.id, "上一条记录缺失或被修改（链接断开）")
        if _digest(prev, entry) != entry.hash:
            return ChainReport(checked, entry.id, "本条记录内容被修改（哈希不符）")
        prev = entry.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return ChainReport(checked, None, "最新的记录被删除（链尾与记录不符）")
    return ChainReport(checked)
