"""The API's token endpoint applies the sign-in page's second-factor rule."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from wushe.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def post_token(client, **body):
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_civil_official_gets_a_token_with_the_current_code(client, people):
    device = TOTPDevice.objects.create(user=people["civil"], name="phone", confirmed=True)

    response = post_token(client, username="t_minzheng", password=PASSWORD, otp=f"{totp(device.bin_key):06d}")

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=people["civil"]).count() == 1


def test_civil_official_is_refused_with_a_wrong_code(client, people):
    device = TOTPDevice.objects.create(user=people["civil"], name="phone", confirmed=True)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"

    response = post_token(client, username="t_minzheng", password=PASSWORD, otp=wrong)

    assert response.status_code == 403
    assert "动态验证码" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_demo_accounts_on_a_demo_install_need_no_code(client, people, settings):
    settings.WUSHE_DEMO = True
    people["civil"].is_demo = True
    people["civil"].save()

    assert post_token(client, username="t_minzheng", password=PASSWORD).status_code == 200


def test_a_worker_needs_no_code(client, people):
    assert post_token(client, username="t_shegong", password=PASSWORD).status_code == 200
