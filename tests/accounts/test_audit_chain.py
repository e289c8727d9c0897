"""The audit log is an append-only hash chain; verify_audit finds edits and deletions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from wushe.core import audit
from wushe.core.models import AuditEntry, AuditHead


@pytest.fixture
def entries(db):
    return [
        audit.record(AuditEntry.Action.LOGIN, detail={"username": "a"}),
        audit.record(AuditEntry.Action.CHANGED, object_type="core.station", object_id="7",
                     object_label="西园街道社会工作服务站", division_code="340104005000",
                     detail={"name": ["旧", "新"]}),
        audit.record(AuditEntry.Action.EXPORTED, detail={"rows": 12}),
        audit.record(AuditEntry.Action.LOGOUT, detail={"username": "a"}),
    ]


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_entries_are_chained(entries):
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    assert AuditHead.objects.get(pk=1).last_hash == entries[-1].hash


def test_intact_chain_verifies(entries):
    assert "已校验 4 条" in _verify()


def test_empty_log_verifies(db):
    assert "已校验 0 条" in _verify()


def test_chain_with_an_actor_verifies(people):
    audit.record(AuditEntry.Action.PASSWORD_CHANGED, actor=people["worker"], detail={"by_admin": False})

    assert audit.verify_chain().ok


def test_edited_detail_is_detected(entries):
    target = entries[1]
    AuditEntry.objects.filter(pk=target.pk).update(detail={"name": ["旧", "改"]})

    with pytest.raises(CommandError, match=f"第 {target.pk} 号记录") as exc:
        call_command("verify_audit")

    assert "哈希不符" in str(exc.value)


def test_edited_actor_name_is_detected(entries):
    target = entries[0]
    AuditEntry.objects.filter(pk=target.pk).update(actor_name="someone_else")

    report = audit.verify_chain()

    assert (report.ok, report.broken_at) == (False, target.pk)


def test_deleted_middle_entry_is_detected(entries):
    AuditEntry.objects.filter(pk=entries[1].pk).delete()

    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 号记录") as exc:
        call_command("verify_audit")

    assert "链接断开" in str(exc.value)


def test_deleted_last_entry_is_detected(entries):
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()

    with pytest.raises(CommandError, match="链尾") as exc:
        call_command("verify_audit")

    assert "最新的记录被删除" in str(exc.value)


def test_model_delete_is_refused(entries):
    with pytest.raises(ValidationError):
        entries[0].delete()

    assert AuditEntry.objects.filter(pk=entries[0].pk).exists()


def test_model_save_of_existing_entry_is_refused(entries):
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    entry.detail = {"username": "b"}

    with pytest.raises(ValidationError):
        entry.save()

    assert AuditEntry.objects.get(pk=entries[0].pk).detail == {"username": "a"}


def test_recording_after_verification_keeps_chain(entries):
    _verify()
    audit.record(AuditEntry.Action.LOGIN, detail={"username": "c"})

    assert "已校验 5 条" in _verify()


def test_entry_from_ipv4_request_verifies(rf, db):
    audit.record(AuditEntry.Action.LOGIN, request=rf.get("/", REMOTE_ADDR="10.1.2.3"))

    assert audit.verify_chain().ok


def test_entry_from_ipv6_request_verifies(rf, db):
    audit.record(AuditEntry.Action.LOGIN, request=rf.get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1"))

    assert audit.verify_chain().ok
