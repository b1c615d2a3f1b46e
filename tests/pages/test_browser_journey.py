"""The whole journey in real browsers, with media: a clerk books a hearing and serves the
notice; the judge opens the console, the party opens the link from the e-mail, passes the
device check and waits; the judge admits them and each browser decodes the other's video
through the court's media server; the judge records, mutes the party and closes; the record
shows both people and the recording's hashes."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveApp
from tests.pages.browser import (
    CONSOLE,
    DESK,
    PHONE,
    audio_packets_in,
    link_and_pin,
    media_stats,
    reload_until,
    serious_violations,
    shot,
    sign_in,
    wait_for_video,
)
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
CLERK = next(a for a in DEMO_ACCOUNTS if a.role == "clerk")
JUDGE = next(a for a in DEMO_ACCOUNTS if a.role == "judge")
PARTY = "Lê Thị Hồng"


@pytest.fixture
def three_people(chromium: Any) -> Iterator[tuple[Page, Page, Page]]:
    clerk = chromium.new_context(**DESK)
    judge = chromium.new_context(**CONSOLE)
    party = chromium.new_context(**PHONE)
    try:
        yield clerk.new_page(), judge.new_page(), party.new_page()
    finally:
        for context in (clerk, judge, party):
            context.close()


def _next_week() -> str:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=7)).date().isoformat()


def test_book_join_admit_see_each_other_record_mute_and_close(
    three_people: tuple[Page, Page, Page], live_app: LiveApp, artifacts: Path
) -> None:
    clerk, judge, party = three_people
    base = live_app.url
    email = f"hong.{int(time.time() * 1000) % 10**8}@example.vn"

    # The clerk books the hearing and serves the notice by e-mail.
    sign_in(clerk, base, CLERK.username, CLERK.password)
    day = _next_week()
    clerk.goto(f"{base}/book?court=TAND-HN&date={day}")
    clerk.get_by_label("Số thụ lý").fill(f"210/{day[:4]}/TLST-HS")
    clerk.get_by_label("Tiêu đề").fill("Xét xử trực tuyến vụ trộm cắp")
    clerk.get_by_label("Giờ bắt đầu (giờ Việt Nam)").fill("15:30")
    clerk.get_by_label("Điểm cầu trung tâm (phòng xử án)").select_option("TAND-HN-P4")
    clerk.get_by_label("Thẩm phán chủ tọa").select_option(JUDGE.username)
    clerk.get_by_role("button", name="Thêm người tham gia").click()
    clerk.get_by_label("Họ và tên").fill(PARTY)
    clerk.get_by_label("Email hoặc số điện thoại nhận giấy triệu tập").fill(email)
    clerk.get_by_role("button", name="Đặt lịch", exact=True).click()
    clerk.wait_for_url(f"{base}/hearings/**")
    hearing_id = clerk.url.rstrip("/").split("/")[-1]
    clerk.get_by_role("button", name="Gửi giấy triệu tập cho mọi người").click()
    link, pin = link_and_pin(live_app.mailbox.wait_for(email))
    assert pin, "the notice e-mail carries no PIN"
    reload_until(clerk, clerk.locator("#participants tr", has_text=PARTY), "đã gửi")
    shot(clerk, artifacts, "01-clerk-booked-and-served")
    clerk.get_by_role("link", name=f"210/{day[:4]}/TLST-HS").click()
    reload_until(
        clerk,
        clerk.locator(
            f"tr:has(a[href='/hearings/{hearing_id}']) .case-participant", has_text=PARTY
        ),
        "giấy triệu tập lần 1 (email đã gửi)",
    )
    shot(clerk, artifacts, "01b-case-page-shows-the-notice")

    # The judge opens the console: their own camera is on, the waiting room opens.
    sign_in(judge, base, JUDGE.username, JUDGE.password)
    judge.goto(f"{base}/hearings/{hearing_id}/room")
    expect(judge.locator("#connection")).to_have_text("Đã kết nối")
    judge.get_by_role("button", name="Mở phòng chờ").click()
    expect(judge.locator("#room-state")).to_have_text("Phòng chờ đang mở")
    judge.get_by_role("button", name="Bắt đầu phiên tòa").click()
    expect(judge.locator("#room-state")).to_have_text("Đang xét xử")
    expect(judge.locator("#console")).to_have_attribute("data-media-video", "connected")

    # The party opens the link from the e-mail, checks the devices and waits.
    party.goto(link)
    expect(party.locator("#camera-status")).to_contain_text("Camera hoạt động")
    shot(party, artifacts, "02-party-device-check")
    party.locator("#device-ok").click()
    party.locator("#pin").fill(pin)
    party.locator("#enter-waiting").click()
    expect(party.locator("#wait-status")).to_contain_text("Bạn đang ở phòng chờ")
    expect(party.locator("#journey")).to_have_attribute("data-media-video", "connected")
    assert media_stats(party)["video"] == 0  # nothing reaches the waiting room
    shot(party, artifacts, "03-party-waiting")

    waiting = judge.locator("#waiting-list li", has_text=PARTY)
    waiting.get_by_label("Giấy tờ tùy thân đã xem (loại và số)").fill("CCCD 001090012345")
    waiting.get_by_role("button", name="Xác nhận danh tính").click()
    expect(waiting).to_contain_text("đã kiểm tra danh tính")
    shot(judge, artifacts, "04-judge-sees-the-party-waiting")
    waiting.get_by_role("button", name="Cho vào").click()
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")

    # Each browser decodes the other's video, and knows whose it is.
    judge_sees = wait_for_video(judge)
    party_sees = wait_for_video(party)
    assert judge_sees["width"] > 0 and party_sees["width"] > 0
    expect(party.locator(f"#videos figure:has-text('{JUDGE.full_name}')")).to_be_visible()
    present = judge.locator("#present-list li", has_text=PARTY)
    expect(judge.locator(f"#videos figure:has-text('{PARTY}')")).to_be_visible()
    expect(present.locator("[data-quality]")).to_have_attribute(
        "data-quality", "good", timeout=15000
    )
    shot(judge, artifacts, "05-judge-sees-the-party")
    shot(party, artifacts, "06-party-sees-the-judge")
    assert serious_violations(judge) == []
    assert serious_violations(party) == []

    # Recording: the judge switches it on, the party is told.
    judge.get_by_role("button", name="Bắt đầu ghi hình").click()
    expect(judge.locator("#recording-indicator")).to_be_visible()
    expect(party.locator("#recording-indicator")).to_have_text(
        "● Tòa án đang ghi hình phiên tòa này."
    )
    shot(party, artifacts, "07-party-told-of-recording")

    # The judge mutes the party: the judge's browser stops receiving their sound.
    assert audio_packets_in(judge, 2) > 40
    present.get_by_role("button", name="Tắt micro").click()
    expect(present).to_contain_text("đã tắt micro")
    judge.wait_for_timeout(500)
    assert audio_packets_in(judge, 2) < 10
    shot(judge, artifacts, "08-judge-muted-the-party")

    judge.get_by_role("button", name="Dừng ghi hình").click()
    expect(judge.locator("#recording-indicator")).to_be_hidden()
    expect(party.locator("#recording-indicator")).to_be_hidden()
    judge.on("dialog", lambda dialog: dialog.accept())
    judge.get_by_role("button", name="Kết thúc phiên tòa").click()
    expect(judge.locator("#room-state")).to_have_text("Đã kết thúc")
    expect(party.locator("#wait-status")).to_have_text(
        "Phiên tòa đã kết thúc. Cảm ơn bạn đã tham gia."
    )
    shot(party, artifacts, "09-party-after-close")

    # The record: both people, the recording decisions, and each file's hash.
    judge.goto(f"{base}/hearings/{hearing_id}/record")
    record = judge.locator("body")
    expect(record).to_contain_text(PARTY)
    expect(record).to_contain_text(JUDGE.full_name)
    expect(record).to_contain_text("recording started")
    expect(record).to_contain_text("unbroken hash chain")
    expect(judge.locator("code", has_text=re.compile("^[0-9a-f]{64}$"))).to_have_count(4)
    shot(judge, artifacts, "10-record")
