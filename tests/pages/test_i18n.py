"""Languages: the Vietnamese catalog covers every message; ?lang switches and is remembered;
times are shown in court time in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from web.pages.i18n import CourtTimeFormat, load_translations
from web.pages.messages import untranslated


def test_every_message_has_a_vietnamese_translation() -> None:
    assert untranslated("vi") == []


def test_the_catalog_compiles_from_the_po_file() -> None:
    assert load_translations("vi").gettext("Sign in") == "Đăng nhập"
    assert load_translations("en").gettext("Sign in") == "Sign in"


def test_times_are_court_time_in_the_readers_language() -> None:
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    assert CourtTimeFormat("vi", tz).time(moment) == "08:30"
    assert "tháng 3" in CourtTimeFormat("vi", tz).date(moment)
    assert "March" in CourtTimeFormat("en", tz).date(moment)


async def test_vietnamese_by_default_and_english_one_click_away(
    client: TestClient[Any, Any],
) -> None:
    first = await client.get("/signin")
    html = await first.text()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert 'href="/signin?lang=en"' in html

    switched = await client.get("/signin?lang=en")
    assert switched.cookies["vcourt_lang"].value == "en"
    assert '<html lang="en">' in await switched.text()

    remembered = await client.get("/signin")
    assert "Staff sign-in" in await remembered.text()

    back = await client.get("/signin?lang=vi")
    assert "Cán bộ đăng nhập" in await back.text()
