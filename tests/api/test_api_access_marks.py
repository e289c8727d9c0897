"""Deny by default in the API too: every operation states the action it needs."""

import pytest

from wushe.accounts.services import api_token_issue
from wushe.api.urls import api
from wushe.core.access import PUBLIC


def operations():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def test_every_operation_has_an_access_mark():
    unmarked = [path for path, op in operations() if getattr(op.view_func, "wushe_access", None) is None]
    assert unmarked == []


def test_only_signing_in_is_public():
    public = [path for path, op in operations() if op.view_func.wushe_access == PUBLIC]
    assert public == ["/auth/token"]


@pytest.mark.django_db
def test_a_role_without_the_action_gets_403(client, people):
    key, _ = api_token_issue(user=people["volunteer"])  # 志愿者 holds no network action
    response = client.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色无权使用该接口。"
