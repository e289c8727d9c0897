"""Managing accounts within scope: list, detail, create, edit, role grant and revoke."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.helpers import audit_actions, redirect_path
from tests.factories import user
from wushe.accounts import services
from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import Role
from wushe.core.models import AuditEntry

USERS = "/accounts/users/"
NEW = "/accounts/users/new/"


def _detail(user) -> str:
    return f"/accounts/users/{user.pk}/"


def _listed(response) -> set[str]:
    return {u.username for u in response.context["table"].data.data}


def _new_worker_form(station, **extra) -> dict:
    form = {"username": "xin_shegong", "full_name": "新社工", "mobile": "", "role": Role.WORKER,
            "station": station.pk, "division": ""}
    form.update(extra)
    return form


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def head_client(login, people):
    return login(people["head"])


@pytest.fixture
def street_client(login, people):
    return login(people["street"])


# --- listing and viewing ------------------------------------------------------------


def test_worker_cannot_list_accounts(login, people):
    response = login(people["worker"]).get(USERS)

    assert response.status_code == 403


def test_worker_denial_is_audited(login, people):
    login(people["worker"]).get(USERS)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.actor_id == people["worker"].pk
    assert entry.detail == {"path": USERS, "needs": "user.view"}


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(USERS)

    assert response.status_code == 302
    assert redirect_path(response) == "/accounts/login/"


def test_street_manager_lists_only_own_street(street_client):
    response = street_client.get(USERS)

    assert response.status_code == 200
    assert _listed(response) == {"t_jiedao", "t_zhanzhang", "t_shegong", "t_dudao", "t_zuzhi",
                                 "t_zhiyuan"}


def test_head_lists_own_station_and_below(head_client):
    listed = _listed(head_client.get(USERS))

    assert "t_shegong" in listed
    assert not listed & {"t_shegong_b", "t_shegong_c", "t_minzheng", "t_admin"}


@pytest.mark.parametrize("other", ["worker_other", "worker_b"])
def test_street_manager_gets_404_outside_street(street_client, people, other):
    assert street_client.get(_detail(people[other])).status_code == 404


def test_street_manager_sees_user_in_street(street_client, people):
    response = street_client.get(_detail(people["worker"]))

    assert response.status_code == 200
    assert response.context["target"] == people["worker"]
    assert response.context["manageable"] is True


def test_sysadmin_lists_everyone(login, people):
    response = login(people["sysadmin"]).get(USERS)

    assert _listed(response) == set(User.objects.values_list("username", flat=True))


def test_sysadmin_sees_any_detail(login, people):
    client = login(people["sysadmin"])

    assert client.get(_detail(people["worker_other"])).status_code == 200


def test_user_list_search_by_mobile(login, people):
    worker = people["worker"]
    worker.mobile = "13812345678"
    worker.save()

    response = login(people["sysadmin"]).get(USERS, {"q": "138 1234 5678"})

    assert _listed(response) == {"t_shegong"}


def test_unknown_user_is_404(login, people):
    assert login(people["sysadmin"]).get("/accounts/users/999999/").status_code == 404


# --- creating accounts ----------------------------------------------------------------


def test_head_can_create_worker_leaving_division_blank(head_client, net):
    response = head_client.post(NEW, _new_worker_form(net.station_a, division=""))

    assert "accounts/user_created.html" in [t.name for t in response.templates]
    assert User.objects.filter(username="xin_shegong").exists()


def test_head_can_create_worker_at_own_station(head_client, net):
    response = head_client.post(NEW, _new_worker_form(net.station_a))

    assert response.status_code == 200
    assert "accounts/user_created.html" in [t.name for t in response.templates]
    password = response.context["password"]
    assert password and password in response.content.decode()
    user = User.objects.get(username="xin_shegong")
    assert user.check_password(password)
    assert user.must_change_password is True


def test_created_worker_holds_role_at_the_station(head_client, net, people):
    head_client.post(NEW, _new_worker_form(net.station_a))

    assignment = RoleAssignment.objects.get(user__username="xin_shegong")
    assert (assignment.role, assignment.station, assignment.division) == (Role.WORKER, net.station_a, None)
    assert assignment.granted_by == people["head"]


def test_account_creation_is_audited(head_client, net):
    head_client.post(NEW, _new_worker_form(net.station_a))

    user = User.objects.get(username="xin_shegong")
    assert audit_actions(object_id=str(user.pk)) == ["password_changed", "user_created", "role_granted"]


def test_head_is_offered_only_in_scope_stations(head_client, net):
    response = head_client.get(NEW)

    offered = set(response.context["form"].fields["station"].queryset)
    assert offered == {net.station_a, net.room_a1}


def test_head_cannot_create_worker_at_another_streets_station(head_client, net):
    response = head_client.post(NEW, _new_worker_form(net.station_b))

    assert response.status_code == 200
    assert "station" in response.context["form"].errors
    assert not User.objects.filter(username="xin_shegong").exists()


def test_head_is_not_offered_civil_role(head_client):
    response = head_client.get(NEW)

    offered = {value for value, _label in response.context["form"].fields["role"].choices}
    assert offered == {Role.WORKER, Role.SUPERVISOR, Role.VOLUNTEER}


def test_head_cannot_create_civil_account(head_client, net):
    form = {**_new_worker_form(net.station_a), "role": Role.CIVIL, "station": "",
            "division": net.street_a.code}

    response = head_client.post(NEW, form)

    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="xin_shegong").exists()


def test_head_cannot_grant_civil_role_through_service(people, net):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people["head"], user=people["worker"], role=Role.CIVIL,
                            division=net.street_a)

    assert not RoleAssignment.objects.filter(user=people["worker"], role=Role.CIVIL).exists()


def test_worker_cannot_create_accounts(login, people):
    assert login(people["worker"]).get(NEW).status_code == 403


def test_duplicate_username_is_a_form_error(head_client, net):
    response = head_client.post(NEW, _new_worker_form(net.station_a, username="t_shegong"))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.filter(username="t_shegong").count() == 1


# --- editing ----------------------------------------------------------------------------


def test_deactivating_oneself_is_refused(login, people):
    admin = people["sysadmin"]

    response = login(admin).post(f"/accounts/users/{admin.pk}/edit/",
                                 {"full_name": "管理员", "mobile": ""}, follow=True)

    admin.refresh_from_db()
    assert admin.is_active is True
    assert "不能停用自己的账号。" in _messages(response)


def test_head_cannot_manage_own_account_from_the_user_pages(head_client, people):
    """A 站长 does not outrank their own role; their own account is changed on 我的账号."""
    head = people["head"]

    response = head_client.post(f"/accounts/users/{head.pk}/edit/", {"full_name": "站长", "mobile": ""})

    assert response.status_code == 404
    head.refresh_from_db()
    assert head.is_active is True


def test_head_can_deactivate_own_worker(head_client, people):
    worker = people["worker"]

    response = head_client.post(f"/accounts/users/{worker.pk}/edit/", {"full_name": "社工", "mobile": ""})

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.is_active is False
    assert audit_actions(action=AuditEntry.Action.USER_CHANGED, object_id=str(worker.pk)) == [
        "user_changed"
    ]


def test_street_manager_cannot_edit_user_outside_street(street_client, people):
    other = people["worker_b"]

    response = street_client.post(f"/accounts/users/{other.pk}/edit/", {"full_name": "x", "mobile": ""})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active is True


def test_street_manager_cannot_reset_password_outside_street(street_client, people):
    other = people["worker_other"]

    response = street_client.post(f"/accounts/users/{other.pk}/password/")

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.must_change_password is False


def test_manager_cannot_manage_user_who_also_works_elsewhere(street_client, people, net):
    worker = people["worker"]
    RoleAssignment.objects.create(user=worker, role=Role.WORKER, station=net.station_b)

    response = street_client.post(f"/accounts/users/{worker.pk}/password/")

    assert response.status_code == 404
    assert street_client.get(_detail(worker)).context["manageable"] is False


# --- granting and revoking roles -------------------------------------------------------


def test_secadmin_can_grant_platform_role(login, people):
    newcomer = user("xin_shenji")

    response = login(people["secadmin"]).post(f"/accounts/users/{newcomer.pk}/roles/",
                                              {"role": Role.AUDITOR, "station": "", "division": ""})

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.AUDITOR, station=None,
                                         division=None).exists()


def test_platform_role_is_not_added_to_a_network_account(people):
    with pytest.raises(ValidationError):
        services.role_grant(actor=people["secadmin"], user=people["worker"], role=Role.AUDITOR)
    assert not people["worker"].assignments.filter(role=Role.AUDITOR).exists()


def test_network_role_is_not_added_to_an_administrator(people, net):
    with pytest.raises(ValidationError):
        services.role_grant(actor=people["secadmin"], user=people["auditor"], role=Role.HEAD,
                            station=net.station_a)


def test_secadmin_cannot_grant_roles_to_itself(people, net):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people["secadmin"], user=people["secadmin"], role=Role.AUDITOR)


def test_the_same_station_role_cannot_be_granted_twice(people, net):
    with pytest.raises(ValidationError):
        services.role_grant(actor=people["head"], user=people["worker"], role=Role.WORKER,
                            station=net.station_a)


def test_secadmin_grants_platform_role_through_service(people):
    assignment = services.role_grant(actor=people["secadmin"], user=user("xin_admin"), role=Role.SYSADMIN)

    assert assignment.pk is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_GRANTED)
    assert entry.actor_id == people["secadmin"].pk
    assert entry.detail == {"role": "sysadmin", "place": "全平台"}


@pytest.mark.parametrize("actor", ["sysadmin", "civil", "street", "head"])
def test_only_secadmin_grants_platform_roles(people, actor):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people[actor], user=people["worker"], role=Role.AUDITOR)


def test_sysadmin_cannot_grant_any_role(people, net):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people["sysadmin"], user=people["worker"], role=Role.WORKER,
                            station=net.station_a)


def test_street_manager_grants_head_in_own_street(people, net):
    services.role_grant(actor=people["street"], user=people["worker"], role=Role.HEAD,
                        station=net.station_a)

    assert RoleAssignment.objects.filter(user=people["worker"], role=Role.HEAD).exists()


def test_street_manager_cannot_grant_in_other_street(people, net):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people["street"], user=people["worker"], role=Role.WORKER,
                            station=net.station_b)


def test_role_grant_via_view_in_scope(street_client, people, net):
    worker = people["worker"]

    response = street_client.post(f"/accounts/users/{worker.pk}/roles/",
                                  {"role": Role.SUPERVISOR, "station": net.station_a.pk,
                                   "division": net.street_a.code}, follow=True)

    assert "已授予角色。" in _messages(response)
    assert RoleAssignment.objects.filter(user=worker, role=Role.SUPERVISOR, station=net.station_a).exists()


def test_role_grant_via_view_outside_scope_is_refused(street_client, people, net):
    worker = people["worker"]

    response = street_client.post(f"/accounts/users/{worker.pk}/roles/",
                                  {"role": Role.WORKER, "station": net.station_b.pk,
                                   "division": net.street_b.code}, follow=True)

    assert _messages(response)
    assert not RoleAssignment.objects.filter(user=worker, station=net.station_b).exists()


def test_revoking_a_role_writes_audit_entry(head_client, people):
    worker = people["worker"]
    assignment = worker.assignments.get()

    response = head_client.post(f"/accounts/users/{worker.pk}/roles/{assignment.pk}/revoke/")

    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_REVOKED)
    assert entry.actor_id == people["head"].pk
    assert entry.object_id == str(worker.pk)
    assert entry.detail == {"role": "worker", "place": "西园街道社会工作服务站"}
    assert entry.division_code == "340104005000"


def test_head_cannot_revoke_the_street_managers_role(head_client, people):
    street = people["street"]
    assignment = street.assignments.get()

    head_client.post(f"/accounts/users/{street.pk}/roles/{assignment.pk}/revoke/")

    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert audit_actions(action=AuditEntry.Action.ROLE_REVOKED) == []


def test_revoking_outside_scope_is_404(street_client, people):
    other = people["worker_b"]
    assignment = other.assignments.get()

    response = street_client.post(f"/accounts/users/{other.pk}/roles/{assignment.pk}/revoke/")

    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()




def test_head_cannot_reset_street_managers_password(head_client, people):
    street = people["street"]

    response = head_client.post(f"/accounts/users/{street.pk}/password/")

    assert response.status_code in (403, 404)
    street.refresh_from_db()
    assert street.must_change_password is False


def test_head_cannot_deactivate_street_manager(head_client, people):
    street = people["street"]

    head_client.post(f"/accounts/users/{street.pk}/edit/", {"full_name": "街道", "mobile": ""})

    street.refresh_from_db()
    assert street.is_active is True


def test_head_can_reset_own_workers_password(head_client, people):
    worker = people["worker"]

    response = head_client.post(f"/accounts/users/{worker.pk}/password/")

    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.check_password(response.context["password"])
