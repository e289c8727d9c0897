"""/healthz: public, JSON, 503 with a reason when the database does not answer."""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["vendor"] == connection.vendor
    assert body["time"]


@pytest.mark.django_db
def test_healthz_needs_no_sign_in_and_sets_no_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def break_database(monkeypatch, message):
    """Make ``django.db.connection.cursor()`` raise, as when the server is gone."""

    def broken_cursor(*args, **kwargs):
        raise OperationalError(message)

    # On the wrapper class, so undoing the patch leaves no attribute behind on the instance.
    monkeypatch.setattr(type(connections[DEFAULT_DB_ALIAS]), "cursor", broken_cursor)


@pytest.mark.django_db
def test_healthz_503_when_the_database_fails(client, monkeypatch):
    break_database(monkeypatch, "could not connect to server: Connection refused")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "unavailable"
    # The reason is fixed: the driver's message (host, user names) goes to the log only.
    assert body["reason"] == "database unreachable"
    assert "Connection refused" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_recovers_after_the_database_is_back(client, monkeypatch):
    break_database(monkeypatch, "gone")
    assert client.get("/healthz").status_code == 503
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_does_not_echo_the_error(client, monkeypatch):
    break_database(monkeypatch, "x" * 1000)
    body = client.get("/healthz").json()
    assert "xxx" not in body["reason"]


@pytest.mark.django_db
def test_healthz_get_only(client):
    assert client.post("/healthz").status_code == 405
