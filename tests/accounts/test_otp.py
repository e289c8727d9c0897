"""Second factor (TOTP): who must give one, enrolment and verification at /accounts/otp/."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import OTP_URL, audit_actions, redirect_path
from wushe.core.models import AuditEntry


def _token(device) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, digits=device.digits):06d}"


def _wrong_token(device) -> str:
    right = _token(device)
    # Far from any token inside the drift window.
    return f"{(int(right) + 500_000) % 1_000_000:06d}"


@pytest.fixture
def civil(people):
    return people["civil"]


@pytest.fixture
def civil_client(login, civil):
    return login(civil, verified=False)


@pytest.mark.parametrize("role", ["civil", "sysadmin", "secadmin", "auditor"])
def test_unverified_otp_role_is_sent_to_otp_page(login, people, role):
    client = login(people[role], verified=False)

    response = client.get("/stations/")

    assert response.status_code == 302
    assert redirect_path(response) == OTP_URL


@pytest.mark.parametrize("role", ["worker", "head", "street"])
def test_roles_without_otp_requirement_are_not_redirected(login, people, role):
    client = login(people[role], verified=False)

    assert client.get("/stations/").status_code == 200


def test_verified_civil_user_reaches_pages(login, civil):
    assert login(civil).get("/stations/").status_code == 200


def test_demo_account_skips_otp_on_demo_install(civil_client, civil, settings):
    settings.WUSHE_DEMO = True
    civil.is_demo = True
    civil.save()

    assert civil_client.get("/stations/").status_code == 200


def test_demo_account_needs_otp_outside_demo_install(civil_client, civil):
    civil.is_demo = True
    civil.save()

    response = civil_client.get("/stations/")

    assert redirect_path(response) == OTP_URL


def test_demo_install_still_asks_otp_of_real_accounts(civil_client, settings):
    settings.WUSHE_DEMO = True

    response = civil_client.get("/stations/")

    assert redirect_path(response) == OTP_URL


def test_otp_page_creates_unconfirmed_device(civil_client, civil):
    response = civil_client.get(OTP_URL)

    assert response.status_code == 200
    assert response.context["enrolling"] is True
    device = TOTPDevice.objects.get(user=civil)
    assert device.confirmed is False
    assert response.context["secret"]


def test_otp_page_reuses_the_unconfirmed_device(civil_client, civil):
    civil_client.get(OTP_URL)
    civil_client.get(OTP_URL)

    assert TOTPDevice.objects.filter(user=civil).count() == 1


def test_enrolment_with_correct_token_confirms_device(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)

    response = civil_client.post(OTP_URL, {"token": _token(device)})

    assert response.status_code == 302
    assert redirect_path(response) == "/"
    device.refresh_from_db()
    assert device.confirmed is True


def test_enrolment_unlocks_the_pages(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)
    civil_client.post(OTP_URL, {"token": _token(device)})

    assert civil_client.get("/stations/").status_code == 200


def test_enrolment_is_audited(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)
    civil_client.post(OTP_URL, {"token": _token(device)})

    entry = AuditEntry.objects.get(action=AuditEntry.Action.OTP)
    assert entry.actor_id == civil.pk
    assert entry.detail == {"enrolled": True}


def test_otp_returns_to_next_page(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)

    response = civil_client.post(f"{OTP_URL}?next=/stations/", {"token": _token(device)})

    assert response["Location"] == "/stations/"


def test_otp_does_not_redirect_off_site(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)

    response = civil_client.post(f"{OTP_URL}?next=https://evil.example/", {"token": _token(device)})

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_wrong_token_shows_error(civil_client, civil):
    civil_client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=civil)

    response = civil_client.post(OTP_URL, {"token": _wrong_token(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["token"] == ["验证码不正确或已过期，请重新输入。"]
    device.refresh_from_db()
    assert device.confirmed is False
    assert redirect_path(civil_client.get("/stations/")) == OTP_URL
    assert audit_actions(action=AuditEntry.Action.OTP) == []


def test_confirmed_device_is_verified_not_re_enrolled(civil_client, civil):
    device = TOTPDevice.objects.create(user=civil, name="phone", confirmed=True)

    page = civil_client.get(OTP_URL)
    response = civil_client.post(OTP_URL, {"token": _token(device)})

    assert page.context["enrolling"] is False
    assert "secret" not in page.context
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=civil).count() == 1
    assert civil_client.get("/stations/").status_code == 200


def test_otp_page_needs_sign_in(client, db):
    response = client.get(OTP_URL)

    assert response.status_code == 302
    assert redirect_path(response) == "/accounts/login/"
