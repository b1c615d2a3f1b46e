"""The hearing in real browsers, beyond the main journey (test_browser_journey.py): a party
coming back after a dropped connection, and a wrong PIN explained."""

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
from tests.pages.browser import DESK, PHONE, shot, sign_in
from tests.pages.helpers import add_hearing, add_participant, join_token
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
JUDGE = next(a for a in DEMO_ACCOUNTS if a.role == "judge")
SECRET = "browser-test-secret"


@pytest.fixture
def hearing(live_app: LiveApp) -> tuple[str, str]:
    """A hearing starting soon, presided over by the demo judge, with one party: (id, link)."""

    async def book() -> tuple[str, str]:
        starts = datetime.now(UTC) + timedelta(minutes=10)
        hearing_id = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Tranh chấp hợp đồng vay",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            judge=JUDGE.username,
            judge_name=JUDGE.full_name,
        )
        party = await add_participant(live_app.database_url, hearing_id, "Phạm Thị Bình")
        return hearing_id, f"{live_app.url}/join/{join_token(SECRET, hearing_id, party)}"

    return run_in_thread(lambda: asyncio.run(book()))


@pytest.fixture
def two_browsers(chromium: Any) -> Iterator[tuple[Page, Page]]:
    judge = chromium.new_context(**DESK)
    party = chromium.new_context(**PHONE)
    try:
        yield judge.new_page(), party.new_page()
    finally:
        judge.close()
        party.close()


def test_party_rejoins_after_a_dropped_connection(
    two_browsers: tuple[Page, Page], live_app: LiveApp, hearing: tuple[str, str], artifacts: Path
) -> None:
    judge, party = two_browsers
    hearing_id, link = hearing
    sign_in(judge, live_app.url, JUDGE.username, JUDGE.password)
    judge.goto(f"{live_app.url}/hearings/{hearing_id}/room")
    judge.get_by_role("button", name="Mở phòng chờ").click()
    expect(judge.locator("#room-state")).to_have_text("Phòng chờ đang mở")
    party.goto(link)
    party.locator("#device-ok").click()
    party.locator("#enter-waiting").click()
    waiting = judge.locator("#waiting-list li", has_text="Phạm Thị Bình")
    waiting.get_by_label("Giấy tờ tùy thân đã xem (loại và số)").fill("CCCD 001090012345")
    waiting.get_by_role("button", name="Xác nhận danh tính").click()
    expect(waiting).to_contain_text("đã kiểm tra danh tính")
    waiting.get_by_role("button", name="Cho vào").click()
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")

    # The connection drops (the network, not the person): the page reconnects by itself and
    # the party is back in the hearing, not in the waiting room.
    party.evaluate("() => window.__vcourtClient.ws.close()")
    expect(party.locator("#journey")).to_have_attribute("data-connection", "connected")
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")
    expect(judge.locator("#event-log")).to_contain_text("Phạm Thị Bình · đã kết nối lại")
    shot(party, artifacts, "01-rejoined")


def test_a_wrong_pin_is_explained_and_the_right_one_lets_the_party_wait(
    chromium: Any, live_app: LiveApp, artifacts: Path
) -> None:
    from conference.settings import load_settings
    from conference.store.db import create_engine, session_factory
    from signaling.links import issue_link

    async def book_with_pin() -> str:
        starts = datetime.now(UTC) + timedelta(minutes=5)
        hearing_id = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Phiên có mã PIN",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            state="open",
        )
        party = await add_participant(live_app.database_url, hearing_id, "Ngô Văn Tài")
        settings = load_settings(
            database_url=live_app.database_url,
            data_dir=live_app.data_dir,
            secret_key=SECRET,
            public_url=live_app.url,
        )
        engine = create_engine(live_app.database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                link = await issue_link(session, settings, party, datetime.now(UTC), pin="2468")
        finally:
            await engine.dispose()
        return f"{live_app.url}/join/{link.token}"

    link = run_in_thread(lambda: asyncio.run(book_with_pin()))
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(link)
        page.locator("#device-ok").click()
        page.get_by_label("Mã PIN trong giấy triệu tập (nếu có)").fill("1111")
        page.locator("#enter-waiting").click()
        expect(page.locator("#wait-status")).to_contain_text("Bạn chưa vào được:")
        expect(page.locator("#enter-waiting")).to_be_enabled()
        shot(page, artifacts, "01-wrong-pin")
        page.get_by_label("Mã PIN trong giấy triệu tập (nếu có)").fill("2468")
        page.locator("#enter-waiting").click()
        expect(page.locator("#wait-status")).to_contain_text("Bạn đang ở phòng chờ")
        shot(page, artifacts, "02-waiting")
    finally:
        context.close()
