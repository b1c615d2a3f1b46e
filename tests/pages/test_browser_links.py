"""The clerk serves notices and manages a party's join link on the hearing page, in Chromium:
the delivery state shows on the hearing and case pages, a new link replaces the old one
(which then explains itself), and a revoked link stops working at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import LiveApp
from tests.fixtures.database import run_in_thread
from tests.pages.browser import (
    DESK,
    PHONE,
    link_and_pin,
    reload_until,
    serious_violations,
    shot,
    sign_in,
)
from tests.pages.helpers import add_hearing, add_participant, join_token
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
CLERK = next(a for a in DEMO_ACCOUNTS if a.role == "clerk")
PARTY = "Trịnh Văn Khải"
EMAIL = "khai@example.vn"


def test_a_new_link_replaces_the_old_and_a_revoked_link_stops(
    chromium: Any, live_app: LiveApp, artifacts: Path
) -> None:
    async def book() -> str:
        starts = datetime.now(UTC) + timedelta(days=2)
        hearing_id = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Tranh chấp hợp đồng mua bán",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        await add_participant(live_app.database_url, hearing_id, PARTY, email=EMAIL)
        return hearing_id

    hearing_id = run_in_thread(lambda: asyncio.run(book()))
    clerk_context = chromium.new_context(**DESK)
    party_context = chromium.new_context(**PHONE)
    clerk, party = clerk_context.new_page(), party_context.new_page()
    try:
        sign_in(clerk, live_app.url, CLERK.username, CLERK.password)
        clerk.goto(f"{live_app.url}/hearings/{hearing_id}")
        row = clerk.locator("#participants tr", has_text=PARTY)
        expect(row).to_contain_text("Chưa gửi")  # no notice issued yet
        clerk.get_by_role("button", name="Gửi giấy triệu tập cho mọi người").click()
        old_link, _ = link_and_pin(live_app.mailbox.wait_for(EMAIL))
        reload_until(clerk, row, f"email · {EMAIL}: đã gửi")
        assert serious_violations(clerk) == []
        party.goto(old_link)
        expect(party.locator("#camera-status")).to_contain_text("Camera hoạt động")

        row.get_by_role("button", name="Cấp đường dẫn mới").click()
        new_link = row.locator(".link-result a")
        expect(new_link).to_be_visible()
        fresh = new_link.get_attribute("href")
        assert fresh and fresh.startswith(f"{live_app.url}/join/") and fresh != old_link
        shot(clerk, artifacts, "01-clerk-gave-a-new-link")

        party.goto(old_link)
        expect(party.locator("h1")).to_have_text("Không dùng được đường dẫn này")
        expect(party.locator("[role=alert]")).to_contain_text("giấy triệu tập mới hơn")
        shot(party, artifacts, "02-old-link-explains")
        party.goto(fresh)
        expect(party.locator("#camera-status")).to_contain_text("Camera hoạt động")

        clerk.on("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Thu hồi đường dẫn").click()
        expect(row.locator(".link-result")).to_have_text(
            "Đã thu hồi đường dẫn: đường dẫn không còn dùng được."
        )
        party.goto(fresh)
        expect(party.locator("[role=alert]")).to_have_text(
            "Tòa án đã thu hồi đường dẫn này. Hãy liên hệ thư ký tòa án."
        )
        shot(party, artifacts, "03-revoked-link-explains")
    finally:
        clerk_context.close()
        party_context.close()


def test_a_link_of_a_cancelled_hearing_says_it_is_cancelled(
    chromium: Any, live_app: LiveApp, artifacts: Path
) -> None:
    async def book() -> str:
        starts = datetime.now(UTC) + timedelta(days=2)
        hearing_id = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Tranh chấp quyền sử dụng đất",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            state="cancelled",
        )
        party = await add_participant(live_app.database_url, hearing_id, PARTY, email=EMAIL)
        return join_token("browser-test-secret", hearing_id, party)

    token = run_in_thread(lambda: asyncio.run(book()))
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_app.url}/join/{token}")
        expect(page.locator("h1")).to_have_text("Phiên tòa này đã bị hủy")
        expect(page.locator("[role=alert]")).to_contain_text(
            "Tòa án đã hủy phiên tòa “Tranh chấp quyền sử dụng đất”"
        )
        expect(page.locator("#camera-status")).to_have_count(0)  # no device check
        assert serious_violations(page) == []
        shot(page, artifacts, "01-cancelled")
    finally:
        context.close()
