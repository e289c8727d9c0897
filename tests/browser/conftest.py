"""The browser the browser tests share: Debian's Chromium, headless, one context per page."""

import pytest

from tests.browser import CHROMIUM


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
def new_page(browser):
    contexts = []

    def _open():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
