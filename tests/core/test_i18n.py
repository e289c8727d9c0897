"""The UI is zh-Hans by default; zh-Hant and English can be chosen."""

import pytest

pytestmark = pytest.mark.django_db


def test_default_is_simplified_chinese(client):
    page = client.get("/accounts/login/").content.decode()
    assert "五社联动服务平台" in page
    assert 'lang="zh-hans"' in page


@pytest.mark.parametrize(("language", "title"), [("zh-hant", "五社聯動服務平臺"), ("en", "Five-Sector")])
def test_language_switch(client, language, title):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/accounts/login/"}, follow=True)
    page = response.content.decode()
    assert title in page
    assert f'lang="{language}"' in page


def test_dates_are_iso_in_every_language(client, login, people, net, settings):
    import datetime

    net.station_a.opened_on = datetime.date(2024, 1, 23)
    net.station_a.save()
    c = login(people["worker"])
    for language in ("zh-hans", "zh-hant", "en"):
        c.post("/i18n/setlang/", {"language": language, "next": "/"})
        assert "2024-01-23" in c.get(f"/stations/{net.station_a.pk}/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "五社联动服务平台" in page
