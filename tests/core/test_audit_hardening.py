"""Audit log hardening: keyed chain, time under the lock, users deleted, masked failed
sign-ins, index-friendly date filters, readable details."""

import datetime
import hashlib
import hmac
import json
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connection
from django.db.models.expressions import Col
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.accounts.helpers import LOGIN_URL
from wushe.accounts.models import User
from wushe.accounts.signals import mask_login
from wushe.core import audit
from wushe.core.filters import AuditFilter
from wushe.core.models import AuditEntry, AuditHead

WRONG = "Wrong@Pass2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- 1. keyed chain -----------------------------------------------------------------

def _attacker_payload(prev: str, entry: AuditEntry) -> bytes:
    """The hashed fields, as anyone who reads the (public) source can rebuild them."""
    return json.dumps(
        [prev, entry.at.isoformat(), entry.actor_id, entry.actor_name, entry.action,
         entry.object_type, entry.object_id, entry.object_label, entry.division_code,
         entry.ip, entry.detail],
        ensure_ascii=False, sort_keys=True, default=str,
    ).encode()


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _hmac_with(secret: str):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"wushe audit chain").derive(secret.encode())
    return lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest()


def _tamper_and_rebuild(target: AuditEntry, detail: dict, digest) -> None:
    """Edit one row's detail, then rewrite every hash from there on, and the head."""
    AuditEntry.objects.filter(pk=target.pk).update(detail=detail)
    rows = list(AuditEntry.objects.order_by("id"))
    prev = audit.GENESIS
    for row in rows:
        new_hash = digest(_attacker_payload(prev, row))
        AuditEntry.objects.filter(pk=row.pk).update(prev_hash=prev, hash=new_hash)
        prev = new_hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


@pytest.fixture
def entries(db):
    return [
        audit.record(AuditEntry.Action.LOGIN),
        audit.record(AuditEntry.Action.CHANGED, object_type="core.station", object_id="7",
                     object_label="西园街道社会工作服务站", division_code="340104005000",
                     detail={"name": ["旧", "新"]}),
        audit.record(AuditEntry.Action.EXPORTED, detail={"rows": 12}),
    ]


def test_hash_is_hmac_under_key_derived_from_secret_key(entries, settings):
    digest = _hmac_with(settings.SECRET_KEY)

    assert entries[1].hash == digest(_attacker_payload(entries[0].hash, entries[1]))
    assert entries[1].hash != _sha256(_attacker_payload(entries[0].hash, entries[1]))


def test_rebuild_with_the_server_key_would_verify(entries, settings):
    # Control: the rebuild below is faithful, so only the key stops the attacker.
    _tamper_and_rebuild(entries[1], {"name": ["旧", "改"]}, _hmac_with(settings.SECRET_KEY))

    assert audit.verify_chain().ok


def test_tampered_row_rebuilt_with_plain_sha256_is_detected(entries):
    _tamper_and_rebuild(entries[1], {"name": ["旧", "改"]}, _sha256)

    report = audit.verify_chain()

    assert (report.ok, report.broken_at) == (False, entries[0].pk)
    assert "哈希不符" in report.reason


def test_tampered_row_rebuilt_with_a_wrong_key_is_detected(entries):
    _tamper_and_rebuild(entries[1], {"name": ["旧", "改"]}, _hmac_with("not-the-server-secret"))

    assert audit.verify_chain().ok is False


def test_rotated_key_kept_as_fallback_still_verifies_old_entries(entries, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-for-the-server-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old]
    audit.record(AuditEntry.Action.LOGIN)

    report = audit.verify_chain()

    assert report.ok
    assert (report.checked, report.old_key) == (4, 3)


def test_verify_audit_warns_of_entries_still_needing_an_old_key(entries, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-the-server-0123456789"
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert "已校验 3 条" in out.getvalue()
    assert "其中 3 条由 SECRET_KEY_FALLBACKS 中的旧密钥校验通过" in out.getvalue()


def test_rotated_key_without_fallback_fails_verification(entries, settings):
    settings.SECRET_KEY = "a-brand-new-secret-key-for-the-server-0123456789"
    settings.SECRET_KEY_FALLBACKS = []

    report = audit.verify_chain()

    assert (report.ok, report.broken_at) == (False, entries[0].pk)


# --- 2. time taken under the lock ---------------------------------------------------------

def test_time_is_taken_after_the_head_is_locked(db):
    audit.record(AuditEntry.Action.LOGIN)
    real_now = timezone.now
    queries_before_now = []
    with CaptureQueriesContext(connection) as ctx:
        def fake_now():
            queries_before_now.append(len(ctx.captured_queries))
            return real_now()

        with mock.patch.object(timezone, "now", fake_now):
            entry = audit.record(AuditEntry.Action.LOGOUT)

    head_query = next(i for i, q in enumerate(ctx.captured_queries) if "core_audithead" in q["sql"])
    assert queries_before_now and min(queries_before_now) > head_query
    assert audit.verify_chain().ok
    assert entry.at is not None


def test_chain_order_and_time_order_agree(db):
    for _ in range(5):
        audit.record(AuditEntry.Action.LOGIN)

    times = list(AuditEntry.objects.order_by("id").values_list("at", flat=True))
    assert times == sorted(times)


# --- 3. deleting a user ----------------------------------------------------------------

def test_deleting_a_user_with_audit_entries_keeps_the_chain(people, login):
    worker = people["worker"]
    audit.record(AuditEntry.Action.PASSWORD_CHANGED, actor=worker, detail={"by_admin": False})
    audit.record(AuditEntry.Action.LOGIN, actor=worker)
    audit.record(AuditEntry.Action.LOGOUT, actor=people["head"])

    User.objects.filter(pk=worker.pk).delete()

    assert not User.objects.filter(pk=worker.pk).exists()
    assert AuditEntry.objects.filter(actor_id=worker.pk).count() == 2
    assert audit.verify_chain().ok
    # The log still lists entries of the deleted account.
    response = login(people["auditor"]).get("/audit/")
    assert response.status_code == 200
    assert "t_shegong" in response.content.decode()


# --- 4. failed sign-ins ----------------------------------------------------------------

@pytest.fixture
def sign_in(client):
    def _sign_in(username, password):
        return client.post(LOGIN_URL, {"username": username, "password": password})

    return _sign_in


def _only(action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def _row_text(entry: AuditEntry) -> str:
    return json.dumps([entry.actor_name, entry.object_type, entry.object_id, entry.object_label,
                       entry.division_code, entry.detail], ensure_ascii=False)


def test_failed_sign_in_to_an_account_names_the_account(sign_in, people, net):
    sign_in("t_shegong", WRONG)

    entry = _only(AuditEntry.Action.LOGIN_FAILED)
    worker = people["worker"]
    assert entry.detail == {"login": "t_shegong"}
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(worker.pk))
    assert entry.division_code == net.station_a.division_id
    assert (entry.actor_id, entry.actor_name) == (None, "")


def test_failed_sign_in_by_mobile_records_the_username_not_the_number(sign_in, people):
    worker = people["worker"]
    worker.mobile = "13812345678"
    worker.save()

    sign_in("138 1234 5678", WRONG)

    entry = _only(AuditEntry.Action.LOGIN_FAILED)
    assert entry.detail == {"login": "t_shegong"}
    assert entry.object_id == str(worker.pk)
    assert "1234" not in _row_text(entry)


@pytest.mark.parametrize(("typed", "kept"), [
    ("Secret@Pass2026", "Se***"),  # a password typed into the login box
    ("13900001111", "13***"),  # somebody's phone number, not an account's
])
def test_failed_sign_in_to_no_account_keeps_only_a_masked_login(sign_in, people, typed, kept):
    sign_in(typed, WRONG)

    entry = _only(AuditEntry.Action.LOGIN_FAILED)
    assert entry.detail == {"login": kept}
    assert (entry.actor_name, entry.object_type, entry.object_id, entry.division_code) == ("", "", "", "")
    assert typed not in _row_text(entry)


@pytest.mark.parametrize(("typed", "masked"), [
    ("", ""), ("a", "***"), ("ab", "***"), ("abc", "a***"), ("abcde", "a***"),
    ("abcdef", "ab***"), ("社工站密码很长", "社工***"),
])
def test_mask_login_keeps_at_most_two_characters(typed, masked):
    assert mask_login(typed) == masked


def test_lockout_of_an_account_names_the_account(sign_in, people):
    for _ in range(5):
        sign_in("t_shegong", WRONG)

    entry = _only(AuditEntry.Action.LOCKED_OUT)
    assert entry.detail == {"login": "t_shegong"}
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(people["worker"].pk))
    assert entry.actor_name == ""


def test_lockout_of_no_account_keeps_only_a_masked_login(sign_in, people):
    for _ in range(5):
        sign_in("Secret@Pass2026", WRONG)

    entry = _only(AuditEntry.Action.LOCKED_OUT)
    assert entry.detail == {"login": "Se***"}
    assert (entry.actor_name, entry.object_type) == ("", "")
    assert "Secret@Pass2026" not in _row_text(entry)


def test_anonymous_entry_does_not_take_its_actor_name_from_detail(db):
    entry = audit.record(AuditEntry.Action.LOGIN_FAILED, detail={"username": "typed-secret"})

    assert entry.actor_name == ""


# --- 5. date filters ------------------------------------------------------------------

def _at(when: datetime.datetime, label: str) -> AuditEntry:
    with mock.patch.object(timezone, "now", return_value=when):
        return audit.record(AuditEntry.Action.EXPORTED, detail={"query": label})


def _filtered(**data) -> set[str]:
    qs = AuditFilter(data=data, queryset=AuditEntry.objects.all()).qs
    return {e.detail["query"] for e in qs}


@pytest.fixture
def around_midnights(db):
    local = datetime.datetime
    for when, label in [
        (local(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI), "before"),
        (local(2026, 3, 10, 0, 0, tzinfo=SHANGHAI), "first"),
        (local(2026, 3, 11, 23, 59, 59, 999999, tzinfo=SHANGHAI), "last"),
        (local(2026, 3, 12, 0, 0, tzinfo=SHANGHAI), "after"),
    ]:
        _at(when, label)


def test_date_filters_cover_whole_local_days(around_midnights):
    with timezone.override(SHANGHAI):
        assert _filtered(since="2026-03-10", until="2026-03-11") == {"first", "last"}
        assert _filtered(since="2026-03-10") == {"first", "last", "after"}
        assert _filtered(until="2026-03-11") == {"before", "first", "last"}
        assert _filtered(since="2026-03-11", until="2026-03-11") == {"last"}


def test_date_filters_follow_the_current_time_zone(around_midnights):
    # 2026-03-09 in UTC runs from 08:00 that day to 08:00 the next in Shanghai.
    with timezone.override(SHANGHAI):
        assert _filtered(since="2026-03-09", until="2026-03-09") == {"before"}
    with timezone.override(datetime.UTC):
        assert _filtered(since="2026-03-09", until="2026-03-09") == {"before", "first"}


def _where_lookups(node):
    for child in node.children:
        if hasattr(child, "children"):
            yield from _where_lookups(child)
        else:
            yield child


def test_date_filters_compare_the_indexed_column_itself(db):
    with timezone.override(SHANGHAI):
        qs = AuditFilter(data={"since": "2026-03-10", "until": "2026-03-11"},
                         queryset=AuditEntry.objects.all()).qs

    lookups = list(_where_lookups(qs.query.where))
    assert all(isinstance(lookup.lhs, Col) and lookup.lhs.target.name == "at" for lookup in lookups)
    assert {(lookup.lookup_name, lookup.rhs) for lookup in lookups} == {
        ("gte", datetime.datetime(2026, 3, 10, tzinfo=SHANGHAI)),
        ("lt", datetime.datetime(2026, 3, 12, tzinfo=SHANGHAI)),
    }


# --- 6. readable details ------------------------------------------------------------------

def _entry(detail, object_type=""):
    return AuditEntry(detail=detail, object_type=object_type)


@pytest.mark.parametrize(("detail", "object_type", "text"), [
    ({"role": "worker", "place": "西园街道社会工作服务站"}, "accounts.user",
     "角色：社工；范围：西园街道社会工作服务站"),
    ({"path": "/unmarked/", "reason": "view not marked"}, "", "路径：/unmarked/；原因：页面未声明访问规则"),
    ({"path": "/audit/", "needs": "audit.view"}, "", "路径：/audit/；所需权限：查看审计日志"),
    ({"by_admin": True}, "accounts.user", "管理员设置：是"),
    ({"enrolled": False}, "", "新绑定：否"),
    ({"login": "Se***"}, "", "登录名：Se***"),
    ({"query": "q=%E8%A5%BF%E5%9B%AD&tier=station", "rows": 3}, "core.station",
     "查询条件：q=西园&amp;tier=station；行数：3"),
    ({"name": ["旧名", "新名"], "status": ["active", "suspended"]}, "core.station",
     "名称：旧名 → 新名；状态：运营中 → 暂停"),
    ({"closed_on": "2026-03-10", "reason": "合并"}, "core.station", "撤销日期：2026-03-10；原因：合并"),
    ({"status": "reopened"}, "core.station", "状态：reopened"),
    ({"name": "个案工作室", "kind": "casework", "capacity": "6", "active": "True"}, "core.room",
     "名称：个案工作室；类型：个案工作室；容纳人数：6；可使用：是"),
    ({"credit_code": "", "contact_name": "张三"}, "core.agency", "统一社会信用代码：—；联系人：张三"),
    ({"full_name": "李四"}, "accounts.user", "姓名：李四"),
    ({}, "", ""),
])
def test_describe_detail(detail, object_type, text):
    assert audit.describe_detail(_entry(detail, object_type)) == text


def test_describe_detail_escapes_keys_and_values():
    html = audit.describe_detail(_entry({"path": "/<script>alert(1)</script>", "<b>": ["<i>", "x"]}))

    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "路径：/&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;：&lt;i&gt; → x" in html


def test_audit_page_shows_details_in_chinese(login, people, net):
    audit.record(AuditEntry.Action.ROLE_GRANTED, actor=people["secadmin"], object_type="accounts.user",
                 object_id=str(people["worker"].pk), detail={"role": "worker", "place": "西园"})
    audit.record(AuditEntry.Action.LOGOUT, actor=people["head"])

    page = login(people["auditor"]).get("/audit/").content.decode()

    assert "角色：社工；范围：西园" in page
    assert '"role"' not in page and "&quot;role&quot;" not in page


def test_factories_password_is_not_in_any_failed_sign_in(sign_in, people):
    # A password typed into the login box (with a wrong one in the password box).
    sign_in(factories.PASSWORD, WRONG)

    assert factories.PASSWORD not in _row_text(_only(AuditEntry.Action.LOGIN_FAILED))


@pytest.mark.django_db
def test_account_changes_are_described_with_field_labels(people):
    from wushe.accounts import services as account_services

    account_services.user_update(actor=people["head"], user=people["worker"], full_name="新名字",
                                 mobile=people["worker"].mobile, is_active=True)
    entry = AuditEntry.objects.filter(action="user_changed").latest("id")
    text = audit.describe_detail(entry)
    assert "姓名" in text and "full_name" not in text
