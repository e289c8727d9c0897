import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from wushe.core.audit import client_ip

pytestmark = pytest.mark.django_db


def test_demo_data_is_refused_outside_a_demo_install(settings):
    settings.WUSHE_DEMO = False
    with pytest.raises(CommandError, match="WUSHE_DEMO=1"):
        call_command("seed_demo")


def test_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_client_address_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.WUSHE_BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"  # a client's own header is not trusted by default
    settings.WUSHE_BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"  # the address our proxy saw
