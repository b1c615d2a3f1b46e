"""The Content-Security-Policy in a real browser: the two pages styled inline (the printable
hearing record and the API docs) keep their style, an injected inline script does not run,
and no other site can frame a page. The other pages are covered by their own browser tests,
which fail on any policy violation (tests/fixtures/browser.py, `no_csp_violations`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveApp, WatchedBrowser
from tests.pages.browser import DESK, sign_in
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == "admin")


@pytest.fixture
def page(chromium: Any, live_app: LiveApp) -> Iterator[Page]:
    context = chromium.new_context(**DESK)
    page = context.new_page()
    try:
        sign_in(page, live_app.url, ADMIN.username, ADMIN.password)
        yield page
    finally:
        context.close()


def computed(page: Page, selector: str, prop: str) -> str:
    value: str = page.eval_on_selector(
        selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')"
    )
    return value


def test_the_inline_styled_pages_keep_their_style(page: Page, live_app: LiveApp) -> None:
    page.goto(f"{live_app.url}/api/v1/docs")
    expect(page.locator("h1")).to_contain_text("vcourt API")
    assert computed(page, "body", "max-width") == "960px"  # 60rem, from the inline style
    assert computed(page, ".op", "border-top-style") == "solid"

    hearings = page.request.get(f"{live_app.url}/api/v1/hearings?limit=1").json()
    hearing_id = hearings["items"][0]["id"]
    page.goto(f"{live_app.url}/hearings/{hearing_id}/record")
    expect(page.locator("h1")).to_contain_text("Biên bản phiên tòa trực tuyến")
    assert computed(page, "table", "border-collapse") == "collapse"


def test_an_injected_inline_script_does_not_run(
    page: Page, live_app: LiveApp, chromium: WatchedBrowser
) -> None:
    page.goto(f"{live_app.url}/schedule")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
                const s = document.createElement('script');
                s.textContent = 'window.__injected = true';
                document.body.append(s);
            }"""
        )
    assert page.evaluate("() => window.__injected === true") is False
    refused, chromium.csp_violations[:] = list(chromium.csp_violations), []
    assert len(refused) == 1 and "script-src 'self'" in refused[0], refused


def test_another_site_cannot_frame_a_page(page: Page, live_app: LiveApp) -> None:
    """Chromium refuses the frame (frame-ancestors 'none', X-Frame-Options: DENY) and shows
    its error page in it instead; the API docs page had no such header before."""
    page.goto("about:blank")
    page.set_content(f'<iframe src="{live_app.url}/api/v1/docs"></iframe>')  # waits for load
    framed = page.frames[1]
    assert framed.url.startswith("chrome-error://"), framed.url
    assert "vcourt API" not in framed.content()
