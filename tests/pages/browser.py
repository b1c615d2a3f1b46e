"""Steps the browser tests share: sign in, take a screenshot, run axe-core, read getStats."""

from __future__ import annotations

import re
import time
from email.message import Message
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.fixtures.browser import axe_script

SERIOUS = {"serious", "critical"}
# Browser contexts the journeys use: a party on a phone, staff at a desk (the console taller).
PHONE: dict[str, Any] = {"viewport": {"width": 414, "height": 896}, "is_mobile": True}
DESK: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
CONSOLE: dict[str, Any] = {"viewport": {"width": 1280, "height": 1000}}


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def shot(page: Page, folder: Path, step: str, *, full_page: bool = True) -> Path:
    path = folder / f"{step}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the current page, summarised."""
    # Through DevTools, not a <script> tag: the pages' CSP rightly refuses inline scripts.
    page.evaluate(f"() => {{ {axe_script()}\n }}")
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def media_stats(page: Page) -> dict[str, int]:
    stats: dict[str, int] = page.evaluate("async () => await window.__vcourtMedia.framesDecoded()")
    return stats


def wait_for_video(page: Page, within: float = 20) -> dict[str, int]:
    """Until this browser has decoded frames of someone else's video (getStats)."""
    deadline = time.monotonic() + within
    while True:
        stats = media_stats(page)
        if stats["video"] > 0:
            return stats
        if time.monotonic() > deadline:
            raise AssertionError(f"no video decoded: {stats}")
        page.wait_for_timeout(250)


def audio_packets_in(page: Page, seconds: float) -> int:
    before = media_stats(page)["audio"]
    page.wait_for_timeout(seconds * 1000)
    return media_stats(page)["audio"] - before


def video_frames_in(page: Page, seconds: float) -> int:
    before = media_stats(page)["video"]
    page.wait_for_timeout(seconds * 1000)
    return media_stats(page)["video"] - before


def link_and_pin(mail: Message) -> tuple[str, str | None]:
    """The join link and the PIN (if any) in a notice e-mail's plain text, as a party reads it."""
    parts = mail.walk() if mail.is_multipart() else [mail]
    text = "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )
    link = re.search(r"https?://\S+/join/\S+", text)
    assert link, f"the notice e-mail carries no join link: {text}"
    pin = re.search(r"PIN: (\d{4,12})", text)
    return link.group(0).rstrip(".,)"), pin.group(1) if pin else None


def reload_until(page: Page, locator: Any, text: str, within: float = 10) -> None:
    """A server-rendered page shows the state as of loading: reload until it shows `text`
    (a delivery report arriving), then assert it, so a failure names what was missing."""
    deadline = time.monotonic() + within
    while text not in locator.inner_text() and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(locator).to_contain_text(text)
