"""Forced password change, password expiry, and the password policy (services.password_set)."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from tests.accounts.helpers import PASSWORD_URL, audit_actions, redirect_path, session_user_id
from wushe.accounts import services
from wushe.accounts.models import PasswordHistory, RoleAssignment, User
from wushe.accounts.roles import Role
from wushe.core.models import AuditEntry

TEMP = "Temp#Pass2026"
NEW = "Fresh#Word2027"


def _change_form(old, new, repeat=None):
    return {"old_password": old, "new_password1": new, "new_password2": repeat or new}


# --- forced change of an administrator-set password -------------------------------


@pytest.fixture
def newcomer(people, net):
    return services.user_create(actor=people["head"], username="xinlai", full_name="新来的",
                                password=TEMP, role=Role.WORKER, station=net.station_a)


@pytest.fixture
def newcomer_client(client, sign_in, newcomer):
    assert sign_in("xinlai", TEMP).status_code == 302
    return client


def test_created_user_must_change_password(newcomer):
    newcomer.refresh_from_db()

    assert newcomer.must_change_password is True
    assert newcomer.check_password(TEMP)
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.WORKER).count() == 1


def test_street_manager_created_user_must_change_password(people, net):
    user = services.user_create(actor=people["street"], username="xinlai2", full_name="新来的",
                                password=TEMP, role=Role.HEAD, station=net.station_a)

    assert User.objects.get(pk=user.pk).must_change_password is True


def test_forced_change_redirects_pages_to_password_form(newcomer_client):
    response = newcomer_client.get("/stations/")

    assert response.status_code == 302
    assert redirect_path(response) == PASSWORD_URL


def test_forced_change_redirects_home_too(newcomer_client):
    response = newcomer_client.get("/")

    assert response.status_code == 302
    assert redirect_path(response) == PASSWORD_URL


def test_password_form_explains_the_forced_change(newcomer_client):
    response = newcomer_client.get(PASSWORD_URL)

    assert response.status_code == 200
    assert response.context["reason"] == "这是管理员为您设置的初始密码，请先修改为您自己的密码。"


def test_changing_the_password_unlocks_the_pages(newcomer_client, newcomer):
    response = newcomer_client.post(PASSWORD_URL, _change_form(TEMP, NEW))

    assert response.status_code == 302
    assert redirect_path(response) == "/"
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert newcomer.check_password(NEW)
    assert newcomer_client.get("/stations/").status_code == 200


def test_password_change_keeps_the_session(newcomer_client, newcomer):
    newcomer_client.post(PASSWORD_URL, _change_form(TEMP, NEW))

    assert session_user_id(newcomer_client) == newcomer.pk


def test_password_change_is_audited_and_kept_in_history(newcomer_client, newcomer):
    newcomer_client.post(PASSWORD_URL, _change_form(TEMP, NEW))

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_CHANGED).latest("id")
    assert entry.actor_id == newcomer.pk
    assert entry.object_id == str(newcomer.pk)
    assert entry.detail == {"by_admin": False}
    # The temporary password is in the history, so it cannot be chosen again.
    old_hashes = PasswordHistory.objects.filter(user=newcomer).values_list("password", flat=True)
    assert any(check_password(TEMP, h) for h in old_hashes)


def test_password_change_with_wrong_old_password_is_refused(newcomer_client, newcomer):
    response = newcomer_client.post(PASSWORD_URL, _change_form("Not#MyOld2026", NEW))

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True
    assert newcomer_client.get("/stations/").status_code == 302


def test_password_change_with_mismatched_repeat_is_refused(newcomer_client, newcomer):
    response = newcomer_client.post(PASSWORD_URL, _change_form(TEMP, NEW, "Other#Word2027"))

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    newcomer.refresh_from_db()
    assert newcomer.check_password(TEMP)


def test_password_change_keeping_the_temporary_password_is_refused(newcomer_client, newcomer):
    response = newcomer_client.post(PASSWORD_URL, _change_form(TEMP, TEMP))

    assert response.status_code == 200
    assert response.context["form"].errors
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True


def test_admin_password_reset_forces_a_change(login, people):
    worker = people["worker"]
    client = login(people["head"])

    response = client.post(f"/accounts/users/{worker.pk}/password/")

    assert response.status_code == 200
    password = response.context["password"]
    worker.refresh_from_db()
    assert worker.check_password(password)
    assert worker.must_change_password is True
    assert audit_actions(action=AuditEntry.Action.PASSWORD_CHANGED, object_id=str(worker.pk)) == [
        "password_changed"
    ]


# --- expiry -----------------------------------------------------------------------


def _age_password(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def test_expired_password_redirects_to_password_form(login, people):
    worker = people["worker"]
    _age_password(worker, 91)
    client = login(worker)

    response = client.get("/stations/")

    assert response.status_code == 302
    assert redirect_path(response) == PASSWORD_URL


def test_expired_password_form_explains_why(login, people):
    worker = people["worker"]
    _age_password(worker, 91)
    client = login(worker)

    response = client.get(PASSWORD_URL)

    assert response.context["reason"] == "您的密码已超过有效期，请修改后继续使用。"


def test_password_within_expiry_is_fine(login, people):
    worker = people["worker"]
    _age_password(worker, 89)

    assert login(worker).get("/stations/").status_code == 200


def test_expiry_days_zero_disables_expiry(login, people, settings):
    settings.WUSHE_PASSWORD_EXPIRY_DAYS = 0
    worker = people["worker"]
    _age_password(worker, 3650)

    assert login(worker).get("/stations/").status_code == 200


def test_changing_an_expired_password_unlocks_the_pages(login, people):
    worker = people["worker"]
    _age_password(worker, 91)
    client = login(worker)

    response = client.post(PASSWORD_URL, _change_form(factories.PASSWORD, NEW))

    assert response.status_code == 302
    assert client.get("/stations/").status_code == 200


# --- policy -----------------------------------------------------------------------


@pytest.fixture
def worker(people):
    return people["worker"]


def _rejection(user, password) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        services.password_set(user=user, password=password)
    return exc.value.messages


def _rejection_codes(user, password) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        services.password_set(user=user, password=password)
    return {e.code for e in exc.value.error_list}


def test_policy_accepts_a_good_password(worker):
    services.password_set(user=worker, password=NEW)

    worker.refresh_from_db()
    assert worker.check_password(NEW)
    assert worker.must_change_password is False
    assert worker.password_changed_at is not None


def test_policy_rejects_short_password(worker):
    codes = _rejection_codes(worker, "Ab#12345x")  # 9 characters, three classes

    assert codes == {"password_too_short"}
    worker.refresh_from_db()
    assert worker.check_password(factories.PASSWORD)


def test_short_password_message_is_chinese(worker):
    messages = _rejection(worker, "Ab#12345x")

    assert messages == ["密码太短，至少需要 10 个字符。"]


def test_policy_accepts_exactly_ten_characters(worker):
    services.password_set(user=worker, password="Ab#12345xy")

    assert User.objects.get(pk=worker.pk).check_password("Ab#12345xy")


@pytest.mark.parametrize("password", ["lowercase12345", "UPPERCASE12345", "lower#case#word"])
def test_policy_needs_three_character_classes(worker, password):
    messages = _rejection(worker, password)

    assert "密码须包含小写字母、大写字母、数字、符号中的至少三类。" in messages


def test_policy_rejects_password_containing_username(worker):
    messages = _rejection(worker, "X#T_SHEGONG9")

    assert "密码不能包含用户名。" in messages


def test_policy_rejects_the_current_password(worker):
    messages = _rejection(worker, factories.PASSWORD)

    assert "不能使用最近 5 次用过的密码。" in messages


def test_rejected_password_leaves_no_trace(worker):
    before = AuditEntry.objects.count()

    _rejection(worker, "short")

    assert AuditEntry.objects.count() == before
    assert not PasswordHistory.objects.filter(user=worker).exists()


def _used_passwords(user, n) -> list[str]:
    """Give ``user`` ``n`` successive passwords after the factory one; return all, oldest first."""
    used = [factories.PASSWORD]
    for i in range(1, n + 1):
        password = f"Cycle#{i:02d}Word"
        services.password_set(user=user, password=password)
        used.append(password)
    return used


@pytest.mark.parametrize("back", [1, 2, 3, 4, 5])
def test_policy_rejects_reuse_of_the_last_five(worker, back):
    used = _used_passwords(worker, 6)  # the current password is used[-1]

    messages = _rejection(worker, used[-back])

    assert "不能使用最近 5 次用过的密码。" in messages


def test_policy_allows_the_sixth_most_recent_password(worker):
    used = _used_passwords(worker, 6)

    services.password_set(user=worker, password=used[-6])

    assert User.objects.get(pk=worker.pk).check_password(used[-6])


def test_policy_allows_a_password_older_than_the_history(worker):
    used = _used_passwords(worker, 7)

    services.password_set(user=worker, password=used[0])

    assert User.objects.get(pk=worker.pk).check_password(used[0])
