"""Browser tests: Debian's Chromium driven by Playwright against the live server."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings, request):
    # The live server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    folder = OUTPUT / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "last.png"), full_page=True)
    context.close()


def focused_error_summary(page, *, viewport_height: int):
    """The page came back with errors: its title says so, and the error summary has
    the focus and is on the screen. Returns the summary."""
    assert page.title().startswith("Lỗi: ")
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("element => element === document.activeElement")
    top = summary.evaluate("element => element.getBoundingClientRect().top")
    assert -1 < top < viewport_height, "the summary is on the screen"
    return summary


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
