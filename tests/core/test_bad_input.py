"""Input no form can hold is refused cleanly, on SQLite and PostgreSQL alike."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/users/?q=a%00b", "/agencies/?q=a%00b", "/stations/?q=a%00b",
                                 "/audit/?actor=a%00b"])
def test_nul_in_a_search_is_a_400_not_a_crash(login, people, url):
    response = login(people["street"]).get(url)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


def test_nul_in_the_login_form_is_refused(client, net):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": PASSWORD})
    assert response.status_code == 400


def test_nul_in_an_api_sign_in_is_just_a_failed_sign_in(client, net):
    response = client.post("/api/v1/auth/token", {"username": "a\x00b", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(("url", "expected"), [
    ("/stations/?page=abc", 200),  # django-tables2 falls back to the first page
    ("/stations/?sort=bogus", 200),  # an unknown sort is ignored
    ("/stations/?under=abc", 200),  # the filter bar names the error
    ("/divisions/abc/", 404),
    ("/stations/99999999999999999999/", 404),
])
def test_odd_urls_do_not_crash(login, people, url, expected):
    assert login(people["street"]).get(url).status_code == expected


def test_a_malformed_filter_is_named_on_the_page(login, people):
    page = login(people["street"]).get("/stations/?under=abc").content.decode()
    assert "区划代码：区划代码应为不超过12位的数字。" in page


def test_the_export_link_carries_the_filter_shown(login, people):
    page = login(people["street"]).get("/stations/?tier=room", headers={"HX-Request": "true"}).content.decode()
    assert "/stations/?tier=room&amp;export=xlsx" in page
