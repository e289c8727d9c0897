import pytest

from tests.accounts.helpers import LOGIN_URL


@pytest.fixture
def sign_in(client):
    """POST the real login form; return the (unfollowed) response."""

    def _sign_in(username, password):
        return client.post(LOGIN_URL, {"username": username, "password": password})

    return _sign_in
