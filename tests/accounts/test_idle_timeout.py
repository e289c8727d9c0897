"""Idle sessions are signed out (IdleTimeoutMiddleware)."""

import time
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages

from tests.accounts.helpers import audit_actions, redirect_path, session_user_id
from wushe.accounts.middleware import LAST_SEEN
from wushe.core.models import AuditEntry

IDLE_MESSAGE = "您已长时间未操作"


def _idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def _request_ignoring_errors(client, path="/"):
    """A request whose server error would not raise: these tests assert effects, not the page."""
    client.raise_request_exception = False
    try:
        return client.get(path)
    finally:
        client.raise_request_exception = True


@pytest.fixture
def worker_client(login, people):
    return login(people["worker"])


def test_sign_in_stamps_last_seen(worker_client):
    assert abs(worker_client.session[LAST_SEEN] - time.time()) < 60


def test_idle_session_is_ended(worker_client):
    _idle_for(worker_client, 31 * 60)

    _request_ignoring_errors(worker_client)

    assert session_user_id(worker_client) is None
    response = worker_client.get("/")
    assert response.status_code == 302
    assert redirect_path(response) == "/accounts/login/"


def test_idle_request_is_redirected_to_login(worker_client):
    _idle_for(worker_client, 31 * 60)

    response = worker_client.get("/stations/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/stations/"


def test_idle_sign_out_writes_audit_entry(worker_client, people):
    _idle_for(worker_client, 31 * 60)

    _request_ignoring_errors(worker_client)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.IDLE_LOGOUT)
    assert entry.actor_id == people["worker"].pk
    # The sign-out itself is recorded as well.
    assert audit_actions(actor=people["worker"])[-2:] == ["idle_logout", "logout"]


def test_idle_sign_out_tells_the_user_why(worker_client):
    _idle_for(worker_client, 31 * 60)

    response = worker_client.get("/", follow=True)

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(IDLE_MESSAGE in t for t in texts)


def test_session_within_the_window_is_kept(worker_client, people):
    _idle_for(worker_client, 29 * 60)

    response = worker_client.get("/")

    assert response.status_code == 200
    assert session_user_id(worker_client) == people["worker"].pk
    assert audit_actions(action=AuditEntry.Action.IDLE_LOGOUT) == []


def test_activity_refreshes_the_stamp(worker_client):
    _idle_for(worker_client, 29 * 60)

    worker_client.get("/")

    assert time.time() - worker_client.session[LAST_SEEN] < 60


def test_shorter_idle_timeout_from_settings(worker_client, settings):
    settings.WUSHE_IDLE_TIMEOUT = timedelta(minutes=5)
    _idle_for(worker_client, 6 * 60)

    _request_ignoring_errors(worker_client)

    assert session_user_id(worker_client) is None
    assert audit_actions(action=AuditEntry.Action.IDLE_LOGOUT) == ["idle_logout"]


def test_longer_idle_timeout_from_settings(worker_client, settings, people):
    settings.WUSHE_IDLE_TIMEOUT = timedelta(hours=2)
    _idle_for(worker_client, 31 * 60)

    response = worker_client.get("/")

    assert response.status_code == 200
    assert session_user_id(worker_client) == people["worker"].pk


def test_anonymous_requests_are_not_touched(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert LAST_SEEN not in client.session
