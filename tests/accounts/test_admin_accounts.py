"""三员分立: the 系统管理员 manages accounts, but not those of the other administrators."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["secadmin", "auditor"])
def test_sysadmin_cannot_reset_another_administrators_password(login, people, target):
    victim = people[target]
    before = victim.password

    response = login(people["sysadmin"]).post(f"/accounts/users/{victim.pk}/password/")

    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.password == before


def test_sysadmin_still_manages_ordinary_accounts(login, people):
    response = login(people["sysadmin"]).post(f"/accounts/users/{people['worker'].pk}/password/")

    assert response.status_code == 200
    people["worker"].refresh_from_db()
    assert people["worker"].must_change_password is True
