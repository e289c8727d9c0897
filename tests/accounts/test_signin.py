"""Signing in through the real login form: username or mobile, failures, lockout (axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests import factories
from tests.accounts.helpers import audit_actions, redirect_path, session_user_id
from wushe.core.models import AuditEntry

WRONG = "Wrong@Pass2026"
BAD_LOGIN = "用户名/手机号或密码不正确"


def _fail(sign_in, username, times):
    return [sign_in(username, WRONG) for _ in range(times)]


def test_login_page_is_public(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "accounts/login.html" in [t.name for t in response.templates]


def test_sign_in_by_username(client, sign_in, people):
    response = sign_in("t_shegong", factories.PASSWORD)

    assert response.status_code == 302
    assert redirect_path(response) == "/"
    assert session_user_id(client) == people["worker"].pk


@pytest.mark.parametrize("typed", ["13812345678", "138 1234 5678", "+86 138-1234-5678"])
def test_sign_in_by_mobile_number(client, sign_in, people, typed):
    worker = people["worker"]
    worker.mobile = "13812345678"
    worker.save()

    response = sign_in(typed, factories.PASSWORD)

    assert response.status_code == 302
    assert session_user_id(client) == worker.pk


def test_sign_in_by_unknown_mobile_number_fails(client, sign_in, people):
    response = sign_in("13900000000", factories.PASSWORD)

    assert response.status_code == 200
    assert session_user_id(client) is None


def test_home_page_after_sign_in(client, sign_in, people):
    sign_in("t_shegong", factories.PASSWORD)

    assert client.get("/").status_code == 200


def test_successful_sign_in_writes_login_audit_entry(sign_in, people):
    sign_in("t_shegong", factories.PASSWORD)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert entry.actor_id == people["worker"].pk
    assert entry.actor_name == "t_shegong"
    assert entry.ip == "127.0.0.1"


def test_wrong_password_shows_chinese_error(client, sign_in, people):
    response = sign_in("t_shegong", WRONG)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert BAD_LOGIN in errors[0]
    assert BAD_LOGIN in response.content.decode()
    assert session_user_id(client) is None


def test_wrong_password_writes_login_failed_audit_entry(sign_in, people):
    sign_in("t_shegong", WRONG)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.actor_id is None
    assert entry.detail == {"login": "t_shegong"}
    assert entry.actor_name == ""
    assert audit_actions(action=AuditEntry.Action.LOGIN) == []


def test_inactive_account_cannot_sign_in(client, sign_in, people):
    worker = people["worker"]
    worker.is_active = False
    worker.save()

    response = sign_in("t_shegong", factories.PASSWORD)

    assert response.status_code == 200
    assert session_user_id(client) is None


def test_four_failures_do_not_lock_the_account(client, sign_in, people):
    responses = _fail(sign_in, "t_shegong", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert sign_in("t_shegong", factories.PASSWORD).status_code == 302
    assert session_user_id(client) == people["worker"].pk


def test_fifth_failure_locks_the_account(sign_in, people):
    responses = _fail(sign_in, "t_shegong", 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "accounts/locked.html" in [t.name for t in responses[-1].templates]


def test_locked_account_refuses_the_right_password(client, sign_in, people):
    _fail(sign_in, "t_shegong", 5)

    response = sign_in("t_shegong", factories.PASSWORD)

    assert response.status_code == 429
    assert "accounts/locked.html" in [t.name for t in response.templates]
    assert "账号已临时锁定" in response.content.decode()
    assert session_user_id(client) is None
    assert audit_actions(action=AuditEntry.Action.LOGIN) == []


def test_lockout_writes_locked_out_audit_entry(sign_in, people):
    _fail(sign_in, "t_shegong", 5)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOCKED_OUT)
    assert entry.detail == {"login": "t_shegong"}


def test_lockout_is_per_account_not_per_address(client, sign_in, people):
    _fail(sign_in, "t_shegong", 5)

    # Another account from the same address still signs in.
    assert sign_in("t_dudao", factories.PASSWORD).status_code == 302
    assert session_user_id(client) == people["supervisor"].pk


def test_lockout_ends_after_cool_off(client, sign_in, people, settings):
    _fail(sign_in, "t_shegong", 5)
    assert sign_in("t_shegong", factories.PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = sign_in("t_shegong", factories.PASSWORD)

    assert response.status_code == 302
    assert session_user_id(client) == people["worker"].pk


def test_lockout_still_holds_just_before_cool_off_ends(client, sign_in, people, settings):
    _fail(sign_in, "t_shegong", 5)

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    )

    assert sign_in("t_shegong", factories.PASSWORD).status_code == 429
    assert session_user_id(client) is None


def test_successful_sign_in_resets_failure_count(client, sign_in, people):
    _fail(sign_in, "t_shegong", 4)
    assert sign_in("t_shegong", factories.PASSWORD).status_code == 302
    client.logout()

    # Had the four failures been kept, this one would lock the account.
    responses = _fail(sign_in, "t_shegong", 1)

    assert responses[0].status_code == 200
    assert sign_in("t_shegong", factories.PASSWORD).status_code == 302


def test_lockout_covers_sign_in_by_mobile_number(client, sign_in, people):
    worker = people["worker"]
    worker.mobile = "13812345678"
    worker.save()
    _fail(sign_in, "t_shegong", 5)

    response = sign_in("13812345678", factories.PASSWORD)

    assert response.status_code == 429
    assert session_user_id(client) is None


def test_failures_under_mobile_number_lock_that_spelling(client, sign_in, people):
    worker = people["worker"]
    worker.mobile = "13812345678"
    worker.save()
    _fail(sign_in, "13812345678", 5)

    assert sign_in("13812345678", factories.PASSWORD).status_code == 429
