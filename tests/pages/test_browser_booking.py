from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveApp
from tests.fixtures.database import run_in_thread
from tests.pages.browser import DESK, serious_violations, shot, sign_in
from tests.pages.helpers import add_hearing
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
CLERK = next(a for a in DEMO_ACCOUNTS if a.role == "clerk")


@pytest.fixture
def clerk_page(chromium: Any, live_app: LiveApp) -> Iterator[Page]:
    context = chromium.new_context(**DESK)
    page = context.new_page()
    sign_in(page, live_app.url, CLERK.username, CLERK.password)
    try:
        yield page
    finally:
        context.close()


def test_the_week_calendar_shows_booked_hearings(
    clerk_page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    monday = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 court time
    for day, title in [(0, "Ly hôn Nguyễn – Trần"), (2, "Tranh chấp đất đai"), (2, "Thừa kế")]:
        starts = monday + timedelta(days=day, minutes=30 * len(title) % 120)
        run_in_thread(
            lambda title=title, starts=starts: asyncio.run(
                add_hearing(
                    live_app.database_url,
                    court_code="TAND-HN",
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90),
                    endpoint="TAND-HN-P1",
                )
            )
        )
    page = clerk_page
    page.goto(f"{live_app.url}/schedule?court=TAND-HN&date=2026-03-02&view=week")
    blocks = page.locator("#calendar .cal-block")
    expect(blocks).to_have_count(3)
    expect(blocks.filter(has_text="Thừa kế")).to_be_visible()
    shot(page, artifacts, "01-week")
    assert serious_violations(page) == []
    blocks.filter(has_text="Thừa kế").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thừa kế")
    shot(page, artifacts, "02-hearing")
    assert serious_violations(page) == []


def test_the_booking_form_is_labelled_and_builds_participants(
    clerk_page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    page = clerk_page
    page.goto(f"{live_app.url}/book?court=TAND-HN&date=2026-03-02")
    page.get_by_label("Tiêu đề").fill("Tranh chấp hợp đồng mua bán")
    page.get_by_label("Số thụ lý").fill("12/2024/TLST-DS")
    page.get_by_label("Điểm cầu trung tâm (phòng xử án)").select_option("TAND-HN-P1")
    page.get_by_role("button", name="Thêm người tham gia").click()
    expect(page.get_by_label("Họ và tên")).to_be_focused()
    page.get_by_label("Họ và tên").fill("Nguyễn Văn A")
    page.get_by_label("Email hoặc số điện thoại nhận giấy triệu tập").fill("a@example.vn")
    payload = page.evaluate("async () => (await import('/static/js/booking.js')).payload()")
    assert payload["starts_at"] == "2026-03-02T08:00"
    assert payload["central_endpoint"] == "TAND-HN-P1"
    assert payload["participants"] == [
        {"role": "party", "name": "Nguyễn Văn A", "email": "a@example.vn"}
    ]
    shot(page, artifacts, "01-booking-form")
    assert serious_violations(page) == []


def _next_week() -> str:
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=7)).date().isoformat()


def test_the_clerk_books_a_hearing_through_the_form(
    clerk_page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    page = clerk_page
    day = _next_week()
    page.goto(f"{live_app.url}/book?court=TAND-HN&date={day}")
    expect(page.locator("#booking-unavailable")).to_have_count(0)
    page.get_by_label("Số thụ lý").fill(f"210/{day[:4]}/TLST-HS")
    page.get_by_label("Tiêu đề").fill("Xét xử sơ thẩm vụ lừa đảo")
    page.get_by_label("Giờ bắt đầu (giờ Việt Nam)").fill("14:00")
    page.get_by_label("Điểm cầu trung tâm (phòng xử án)").select_option("TAND-HN-P2")
    page.get_by_label("Thẩm phán chủ tọa").select_option("hung.tq")
    page.get_by_role("button", name="Thêm người tham gia").click()
    page.get_by_label("Họ và tên").fill("Lê Thị Hồng")
    page.get_by_label("Email hoặc số điện thoại nhận giấy triệu tập").fill("hong.lt@example.vn")
    shot(page, artifacts, "01-filled")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()
    page.wait_for_url(f"{live_app.url}/hearings/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xét xử sơ thẩm vụ lừa đảo")
    participants = page.locator("#participants")
    expect(participants).to_contain_text("Trần Quốc Hùng")
    expect(participants).to_contain_text("Lê Thị Hồng")
    expect(page.locator("dl.kv")).to_contain_text("14:00–15:00")
    shot(page, artifacts, "02-booked")

    party_row = participants.locator("tr", has_text="Lê Thị Hồng")
    expect(party_row).to_contain_text("Chưa gửi")
    page.get_by_role("button", name="Gửi giấy triệu tập cho mọi người").click()
    expect(party_row.locator(".notice-state")).to_contain_text("Lần 1")
    expect(party_row.locator(".notice-state")).to_contain_text("email · hong.lt@example.vn")
    mail = live_app.mailbox.wait_for("hong.lt@example.vn")
    assert "Xét xử sơ thẩm vụ lừa đảo" in str(mail.get("Subject")) or mail.is_multipart()
    # The server records "sent" right after the SMTP server accepts the mail; reload until then.
    deadline = time.monotonic() + 15
    while "đã gửi" not in party_row.locator(".notice-state").inner_text():
        assert time.monotonic() < deadline, "the delivery never showed as sent"
        page.reload()
    shot(page, artifacts, "03-notices")
    assert serious_violations(page) == []


def test_a_refused_booking_says_why_next_to_the_field(
    clerk_page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    page = clerk_page
    day = _next_week()
    page.goto(f"{live_app.url}/book?court=TAND-HN&date={day}")
    page.get_by_label("Số thụ lý").fill(f"999/{day[:4]}/TLST-HS")
    page.get_by_label("Tiêu đề").fill("Không có vụ án này")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()
    expect(page.locator("#save-result")).to_contain_text("Chưa đặt được lịch:")
    expect(page.locator("#case_number-error")).to_contain_text("does not exist")
    expect(page.get_by_label("Số thụ lý")).to_have_attribute("aria-invalid", "true")
    assert "/book" in page.url
    shot(page, artifacts, "01-refused")


def test_conflicts_show_as_you_type_and_a_free_slot_fixes_them(
    clerk_page: Page, live_app: LiveApp, artifacts: Path
) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    day = (datetime.now(tz) + timedelta(days=8)).date()
    taken = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz)
    run_in_thread(
        lambda: asyncio.run(
            add_hearing(
                live_app.database_url,
                court_code="TAND-HN",
                title="Phiên đã có",
                starts_at=taken,
                ends_at=taken + timedelta(hours=2),
                endpoint="TAND-HN-P3",
            )
        )
    )
    page = clerk_page
    page.goto(f"{live_app.url}/book?court=TAND-HN&date={day.isoformat()}")
    page.get_by_label("Điểm cầu trung tâm (phòng xử án)").select_option("TAND-HN-P3")
    page.get_by_label("Giờ bắt đầu (giờ Việt Nam)").fill("09:30")
    page.get_by_label("Tiêu đề").fill("Phiên mới")
    result = page.locator("#check-result")
    expect(result).to_contain_text("case_number")  # the check says what is missing
    page.get_by_label("Số thụ lý").fill(f"210/{day.year}/TLST-HS")
    expect(result).to_contain_text("Trùng lịch:")
    expect(result).to_contain_text("Điểm cầu TAND-HN-P3 đã có lịch cho “Phiên đã có”.")
    slots = result.locator(".free-slots button")
    expect(slots.first).to_be_visible()
    shot(page, artifacts, "01-conflict")
    assert serious_violations(page) == []

    slots.first.click()
    expect(result).to_contain_text("Không trùng lịch")
    assert page.get_by_label("Giờ bắt đầu (giờ Việt Nam)").input_value() != "09:30"
    shot(page, artifacts, "02-free-slot")
