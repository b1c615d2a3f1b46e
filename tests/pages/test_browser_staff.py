"""Court staff in a real browser: sign in, the language switch, the fleet picture and the
schedule, each checked by axe-core for serious accessibility problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveApp
from tests.pages.browser import serious_violations, shot, sign_in
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
ACCOUNTS = {a.role: a for a in DEMO_ACCOUNTS}


@pytest.fixture
def page(chromium: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_admin_signs_in_sees_the_fleet_and_signs_out(
    page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    admin = ACCOUNTS["admin"]
    page.goto(f"{live_app.url}/fleet")
    expect(page).to_have_url(f"{live_app.url}/signin?next=/fleet")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    shot(page, artifacts, "01-signin")
    assert serious_violations(page) == []

    sign_in(page, live_app.url, admin.username, admin.password)
    page.goto(f"{live_app.url}/fleet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Điểm cầu")
    cells = page.locator("#fleet-picture .cell[role=img]")
    expect(cells).to_have_count(1100)
    disabled = page.locator("#fleet-picture .cell.state-disabled")
    summary = page.locator(".counts li[data-state=disabled] strong")
    expect(summary).to_have_text(str(disabled.count()))
    assert disabled.count() > 0
    first = cells.first
    assert "·" in (first.get_attribute("aria-label") or "")
    shot(page, artifacts, "02-fleet")
    assert serious_violations(page) == []

    page.get_by_label("Tìm theo mã, địa điểm hoặc tòa án").fill("ha noi")
    page.get_by_label("Cấp tòa").select_option("provincial")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#fleet-picture .fleet-group h3 span").first).to_have_text("Hà Nội")
    assert 0 < page.locator("#fleet-picture .cell").count() < 50
    shot(page, artifacts, "03-fleet-search")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_app.url}/signin")
    page.goto(f"{live_app.url}/fleet")
    expect(page).to_have_url(f"{live_app.url}/signin?next=/fleet")


def test_a_wrong_password_locks_after_three_tries_with_the_time(
    page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    for _ in range(3):
        sign_in(page, live_app.url, "judge.locked", "not the password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("bị khóa đăng nhập đến")
    shot(page, artifacts, "01-locked")


def test_language_switch_to_english_and_back(
    page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    page.goto(f"{live_app.url}/signin")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    shot(page, artifacts, "01-english")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ đăng nhập")


def test_keyboard_user_skips_to_content_and_signs_in(
    page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    clerk = ACCOUNTS["clerk"]
    page.goto(f"{live_app.url}/signin")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung")
    expect(skip).to_be_focused()
    shot(page, artifacts, "01-skip-link", full_page=False)
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type(clerk.username)
    page.keyboard.press("Tab")
    page.keyboard.type(clerk.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_app.url}/schedule")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lịch")
    shot(page, artifacts, "02-schedule")
    assert serious_violations(page) == []


def test_the_sign_in_page_fits_a_phone(chromium: Any, live_app: LiveApp, artifacts: Path) -> None:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_app.url}/signin")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        button = page.get_by_role("button", name="Đăng nhập").bounding_box()
        assert button is not None and button["height"] >= 44
        shot(page, artifacts, "01-phone")
    finally:
        context.close()
