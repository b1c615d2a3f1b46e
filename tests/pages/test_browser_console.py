"""The judge runs the room in real browsers: a witness waits outside until called, a party
goes to a consultation room and back, the hearing pauses and resumes, a microphone is cut
and a witness removed. Each browser shows what happened to its person, and the media follows
the room: nobody outside or in consultation receives the hearing's video."""

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
from tests.pages.browser import (
    CONSOLE,
    PHONE,
    media_stats,
    serious_violations,
    shot,
    sign_in,
    video_frames_in,
    wait_for_video,
)
from tests.pages.helpers import add_hearing, add_participant, join_token
from web.pages.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
JUDGE = next(a for a in DEMO_ACCOUNTS if a.role == "judge")
SECRET = "browser-test-secret"
PARTY, WITNESS = "Phạm Thị Bình", "Đỗ Văn Chứng"


@pytest.fixture
def links(live_app: LiveApp) -> tuple[str, str, str]:
    """A hearing presided over by the demo judge: (id, party's link, witness's link)."""

    async def book() -> tuple[str, str, str]:
        starts = datetime.now(UTC) + timedelta(minutes=10)
        hearing_id = await add_hearing(
            live_app.database_url,
            court_code="TAND-HN",
            title="Tranh chấp quyền sử dụng đất",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            judge=JUDGE.username,
            judge_name=JUDGE.full_name,
        )
        party = await add_participant(live_app.database_url, hearing_id, PARTY)
        witness = await add_participant(live_app.database_url, hearing_id, WITNESS, "witness")
        base = f"{live_app.url}/join/"
        return (
            hearing_id,
            base + join_token(SECRET, hearing_id, party),
            base + join_token(SECRET, hearing_id, witness, role="witness"),
        )

    return run_in_thread(lambda: asyncio.run(book()))


@pytest.fixture
def judge_party_witness(chromium: Any) -> Iterator[tuple[Page, Page, Page]]:
    contexts = [
        chromium.new_context(**CONSOLE),
        chromium.new_context(**PHONE),
        chromium.new_context(**PHONE),
    ]
    try:
        judge, party, witness = (c.new_page() for c in contexts)
        yield judge, party, witness
    finally:
        for context in contexts:
            context.close()


def enter_and_be_admitted(
    judge: Page, page: Page, link: str, name: str, *, typing_seconds: float = 0
) -> None:
    page.goto(link)
    page.locator("#device-ok").click()
    page.locator("#enter-waiting").click()
    expect(page.locator("#wait-status")).to_contain_text("Bạn đang ở phòng chờ")
    waiting = judge.locator("#waiting-list li", has_text=name)
    document = waiting.get_by_label("Giấy tờ tùy thân đã xem (loại và số)")
    document.fill("CCCD 001090067890")
    if typing_seconds:
        # the lists redraw on every quality report (every 2 s): what the clerk typed stays
        judge.wait_for_timeout(typing_seconds * 1000)
        expect(document).to_have_value("CCCD 001090067890")
        expect(document).to_be_focused()
    waiting.get_by_role("button", name="Xác nhận danh tính").click()
    expect(waiting).to_contain_text("đã kiểm tra danh tính")
    waiting.get_by_role("button", name="Cho vào").click()


def test_the_judge_runs_the_room_and_every_page_follows(
    judge_party_witness: tuple[Page, Page, Page],
    live_app: LiveApp,
    links: tuple[str, str, str],
    artifacts: Path,
) -> None:
    judge, party, witness = judge_party_witness
    hearing_id, party_link, witness_link = links
    sign_in(judge, live_app.url, JUDGE.username, JUDGE.password)
    judge.goto(f"{live_app.url}/hearings/{hearing_id}/room")
    judge.get_by_role("button", name="Mở phòng chờ").click()
    judge.get_by_role("button", name="Bắt đầu phiên tòa").click()
    expect(judge.locator("#room-state")).to_have_text("Đang xét xử")

    enter_and_be_admitted(judge, party, party_link, PARTY)
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")
    wait_for_video(party)

    # An admitted witness waits outside: told so, and sent no picture of the hearing.
    enter_and_be_admitted(judge, witness, witness_link, WITNESS, typing_seconds=4.5)
    expect(witness.locator("#wait-status")).to_have_text("Xin chờ: thẩm phán sẽ mời bạn vào.")
    outside = judge.locator("#outside-list li", has_text=WITNESS)
    expect(outside).to_be_visible()
    expect(witness.locator("#journey")).to_have_attribute("data-media-video", "connected")
    assert video_frames_in(witness, 2) == 0
    shot(witness, artifacts, "01-witness-waits-outside")

    outside.get_by_role("button", name="Mời vào").click()
    expect(witness.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")
    wait_for_video(witness)
    expect(judge.locator(f"#videos figure:has-text('{WITNESS}')")).to_be_visible()
    # the judge and the party now each decode two people's video, one being the witness's
    for page in (judge, party):
        page.wait_for_function(
            "async () => (await window.__vcourtMedia.framesDecoded()).videoTracks >= 2"
        )
    shot(judge, artifacts, "02-judge-with-party-and-witness")
    assert serious_violations(judge) == []

    # The party goes to a consultation room: the hearing's video stops reaching them, and
    # the judge no longer sees them; back in the hearing it flows again.
    present = judge.locator("#present-list li", has_text=PARTY)
    present.get_by_role("button", name="Sang phòng trao đổi riêng").click()
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở phòng trao đổi riêng.")
    expect(judge.locator(f"#videos figure:has-text('{PARTY}')")).to_be_hidden()
    party.wait_for_timeout(500)
    assert video_frames_in(party, 2) == 0
    shot(party, artifacts, "03-party-in-consultation")
    away = judge.locator("#outside-list li", has_text=PARTY)
    away.get_by_role("button", name="Trở lại phiên tòa").click()
    expect(party.locator("#hearing-status")).to_have_text("Bạn đang ở trong phiên tòa.")
    before = media_stats(party)["video"]
    expect(judge.locator(f"#videos figure:has-text('{PARTY}')")).to_be_visible()
    party.wait_for_function(
        f"async () => (await window.__vcourtMedia.framesDecoded()).video > {before}"
    )

    # Pause and resume: the party is told to stay.
    judge.get_by_role("button", name="Tạm dừng").click()
    expect(judge.locator("#room-state")).to_have_text("Tạm dừng")
    expect(party.locator("#paused-indicator")).to_be_visible()
    shot(party, artifacts, "04-party-told-the-hearing-is-paused")
    judge.get_by_role("button", name="Tiếp tục").click()
    expect(judge.locator("#room-state")).to_have_text("Đang xét xử")
    expect(party.locator("#paused-indicator")).to_be_hidden()

    # The judge cuts the party's microphone: the party's page says so, and back on.
    present.get_by_role("button", name="Tắt micro").click()
    expect(party.locator("#muted-indicator")).to_be_visible()
    shot(party, artifacts, "05-party-told-the-microphone-is-off")
    present.get_by_role("button", name="Bật micro").click()
    expect(party.locator("#muted-indicator")).to_be_hidden()

    # The witness is removed: their page says so and the judge's list no longer has them.
    judge.on("dialog", lambda dialog: dialog.accept())
    judge.locator("#present-list li", has_text=WITNESS).get_by_role(
        "button", name="Mời ra khỏi phiên tòa"
    ).click()
    expect(witness.locator("#wait-status")).to_have_text("Thẩm phán đã mời bạn ra khỏi phiên tòa.")
    expect(judge.locator("#present-list li", has_text=WITNESS)).to_have_count(0)
    log = judge.locator("#event-log")
    expect(log).to_contain_text(f"{WITNESS} · được mời vào")
    expect(log).to_contain_text(f"{PARTY} · sang phòng trao đổi riêng")
    expect(log).to_contain_text(f"{WITNESS} · bị mời ra khỏi phiên tòa · do tòa án quyết định")
    shot(witness, artifacts, "06-witness-removed")
    shot(judge, artifacts, "07-judge-after-removal")
