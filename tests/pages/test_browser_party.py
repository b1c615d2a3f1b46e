"""The party's journey in a real browser with Chromium's fake camera and microphone: the device
check shows the camera and the microphone level, explains a refused permission or a missing
device, and leads to the waiting room."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveApp
from tests.fixtures.database import run_in_thread
from tests.pages.browser import PHONE, serious_violations, shot
from tests.pages.helpers import add_hearing, add_participant, join_token

pytestmark = pytest.mark.browser
SECRET = "browser-test-secret"


@pytest.fixture
def link(live_app: LiveApp) -> str:
    async def book() -> str:
        starts = datetime.now(UTC) + timedelta(hours=1)
        hearing = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Tranh chấp hợp đồng thuê nhà",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        party = await add_participant(live_app.database_url, hearing, "Phạm Thị Bình")
        return f"{live_app.url}/join/{join_token(SECRET, hearing, party)}"

    return run_in_thread(lambda: asyncio.run(book()))


@pytest.fixture
def party(chromium: Any) -> Iterator[Page]:
    context = chromium.new_context(**PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_device_check_then_waiting_room(party: Page, link: str, artifacts: Path) -> None:
    party.goto(link)
    expect(party.get_by_role("heading", level=1)).to_have_text("Tranh chấp hợp đồng thuê nhà")
    expect(party.locator("#camera-status")).to_have_text(
        "Camera hoạt động: bạn sẽ thấy hình của mình."
    )
    party.wait_for_function("() => document.getElementById('preview').videoWidth > 0")
    party.wait_for_function("() => document.getElementById('mic-level').value > 0")
    expect(party.locator("#mic-status")).to_contain_text("Micro hoạt động")
    assert party.locator("#camera-select option").count() >= 1
    shot(party, artifacts, "01-device-check")
    assert serious_violations(party) == []

    party.get_by_role("button", name="Phát âm thanh thử").click()
    expect(party.locator("#speaker-status")).to_have_text("Đang phát âm thanh…")
    expect(party.locator("#speaker-status")).to_have_text("")

    party.get_by_role("button", name="Vào phòng chờ").click()
    expect(party.get_by_role("heading", name="Phòng chờ")).to_be_focused()
    expect(party.get_by_text("Tiếp theo sẽ thế nào")).to_be_visible()
    shot(party, artifacts, "02-waiting-room")
    assert serious_violations(party) == []


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("NotAllowedError", "Trình duyệt chưa được phép dùng camera và micro"),
        ("NotFoundError", "Không tìm thấy camera hoặc micro"),
    ],
)
def test_a_refused_permission_or_missing_device_is_explained(
    chromium: Any, link: str, artifacts: Path, error: str, message: str
) -> None:
    context = chromium.new_context()
    # What Chromium itself answers when the person clicks Block, or has no device.
    context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        f" Promise.reject(new DOMException('refused', '{error}'));"
    )
    page = context.new_page()
    try:
        page.goto(link)
        expect(page.get_by_role("alert")).to_contain_text(message)
        expect(page.get_by_role("button", name="Vào phòng chờ")).to_be_disabled()
        shot(page, artifacts, f"01-{error}")
    finally:
        context.close()
