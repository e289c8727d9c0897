"""A 社工 signs in in a real browser, sees their own station, and cannot open another's."""

import os
import shutil

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                       reason="Debian chromium is not installed (make browser-deps)"),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls below are
# plain synchronous test set-up, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_worker_sees_own_station_and_not_another(page, live_server, transactional_db, tmp_path):
    from tests.factories import Network

    net = Network()
    people = net.users()
    worker = people["worker"]

    page.goto(f"{live_server.url}/stations/")
    assert "/accounts/login/" in page.url  # deny by default: not signed in
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/stations/")

    table = page.locator("table")
    assert table.get_by_text(net.station_a.name).is_visible()
    assert table.get_by_text(net.room_a1.name).is_visible()
    assert page.get_by_text(net.station_b.name).count() == 0
    assert page.get_by_text(net.other_station.name).count() == 0
    # The menu offers only what a 社工 may use.
    assert page.locator("nav, aside").get_by_text("审计日志").count() == 0

    table.get_by_role("link", name=net.station_a.name).click()
    page.wait_for_url(f"{live_server.url}/stations/{net.station_a.pk}/")
    assert page.get_by_role("heading", name=net.station_a.name).is_visible()
    page.screenshot(path=str(tmp_path / "own-station.png"), full_page=True)

    response = page.goto(f"{live_server.url}/stations/{net.station_b.pk}/")
    assert response.status == 404
    assert page.get_by_text("不在您的工作范围内").is_visible()
    assert page.get_by_text(net.station_b.name).count() == 0
