import pytest

from wushe.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(people):
    key, _ = api_token_issue(user=people["street"])
    return {"Authorization": f"Bearer {key}"}


def test_a_mistyped_filter_is_an_error_not_everything(client, auth):
    response = client.get("/api/v1/stations?tier=bogus", headers=auth)

    assert response.status_code == 422
    assert "tier" in str(response.json())


def test_page_size_is_capped(client, auth, net):
    assert client.get("/api/v1/stations?limit=500", headers=auth).status_code == 200
    assert client.get("/api/v1/stations?limit=501", headers=auth).status_code == 422
