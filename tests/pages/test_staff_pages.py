"""The staff pages over HTTP: the fleet picture, the schedule, the hearing and case pages,
the booking form, and who may open which."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from tests.pages.helpers import add_hearing, add_staff, csrf_from
from web.pages.fleet import EndpointState, FleetQuery, build_picture
from web.seed.loader import seed_registry

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"


async def signed_in(client: Client, db_url: str, role: str, username: str = "") -> str:
    username = username or f"{role}.one"
    await add_staff(db_url, username, PASSWORD, role=role, court_code=None)
    token = csrf_from(await (await client.get("/signin")).text())
    response = await client.post(
        "/signin",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 303
    return username


async def seeded(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            await seed_registry(session)
    finally:
        await engine.dispose()


@pytest.fixture
def url(settings: Settings) -> str:
    return settings.effective_database_url


async def test_only_admins_see_the_fleet(client: Client, url: str) -> None:
    await signed_in(client, url, "clerk")
    response = await client.get("/fleet")
    assert response.status == 403
    assert "Không dành cho vai trò của bạn" in await response.text()


async def test_fleet_shows_every_endpoint_and_counts_states(client: Client, url: str) -> None:
    await seeded(url)
    hearing_at = datetime.now(UTC)
    await add_hearing(
        url,
        court_code="TAND-HN",
        title="Phiên đang diễn ra",
        starts_at=hearing_at,
        ends_at=hearing_at + timedelta(hours=1),
        endpoint="TAND-HN-P1",
        state="in_session",
    )
    await signed_in(client, url, "admin")
    html = await (await client.get("/fleet")).text()
    assert html.count('role="img"') == 1100
    assert 'data-code="TAND-HN-P1" aria-label="TAND-HN-P1 · ' in html
    assert 'class="cell state-in_session" role="img" data-code="TAND-HN-P1"' in html

    found = await (await client.get("/fleet?q=TAND-HN-P1&view=list")).text()
    assert "<table" in found and "TAND-HN-P1" in found


def test_the_picture_plugs_in_presence_and_filters() -> None:
    class Court:
        def __init__(self, province: str, level: str) -> None:
            self.province, self.level, self.name = province, level, f"Tòa {province}"

    class Row:
        def __init__(self, code: str, province: str, enabled: bool = True) -> None:
            self.code, self.site_name, self.kind, self.enabled = code, "Phòng", "courtroom", enabled
            self.court = Court(province, "provincial")

    rows = [Row("A-1", "Hà Nội"), Row("A-2", "Hà Nội", False), Row("B-1", "Huế"), Row("C-1", "Huế")]
    unknown = build_picture(rows, set(), None, FleetQuery())
    assert unknown.counts[EndpointState.UNKNOWN] == 3
    assert unknown.counts[EndpointState.DISABLED] == 1
    live = build_picture(rows, {"C-1"}, {"A-1": True}, FleetQuery())
    assert live.counts[EndpointState.ONLINE] == 1
    assert live.counts[EndpointState.OFFLINE] == 1
    assert live.counts[EndpointState.IN_SESSION] == 1
    found = build_picture(rows, set(), None, FleetQuery(q="ha noi"))
    assert [g.province for g in found.groups] == ["Hà Nội"] and found.shown == 2


async def test_schedule_draws_a_judges_hearing_in_court_time(client: Client, url: str) -> None:
    await seeded(url)
    judge = await signed_in(client, url, "judge")
    starts = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 court time
    hearing_id = await add_hearing(
        url,
        court_code="TAND-HN",
        title="Tranh chấp hợp đồng",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        judge=judge,
    )
    html = await (await client.get("/schedule?date=2026-03-02")).text()
    assert f'href="/hearings/{hearing_id}"' in html
    assert "09:00–10:30" in html
    week = await (await client.get("/schedule?date=2026-03-04&view=week")).text()
    assert f'href="/hearings/{hearing_id}"' in week
    other_day = await (await client.get("/schedule?date=2026-03-03")).text()
    assert f'href="/hearings/{hearing_id}"' not in other_day

    page = await client.get(f"/hearings/{hearing_id}")
    text = await page.text()
    assert page.status == 200
    assert "Tranh chấp hợp đồng" in text and "Thẩm phán chủ tọa" in text


async def test_judges_cannot_open_the_booking_form(client: Client, url: str) -> None:
    await signed_in(client, url, "judge")
    assert (await client.get("/book")).status == 403


async def test_the_booking_form_names_its_apis(client: Client, url: str) -> None:
    await signed_in(client, url, "clerk")
    response = await client.get("/book?court=TAND-HN&date=2026-03-02")
    html = await response.text()
    assert response.status == 200
    assert 'id="booking"' in html
    assert 'src="/static/js/booking.js"' in html
    assert 'data-csrf="' + csrf_from(html) + '"' in html


async def test_an_unknown_hearing_is_404(client: Client, url: str) -> None:
    await signed_in(client, url, "clerk")
    assert (await client.get("/hearings/nope")).status == 404


async def test_the_hearing_room_page_renders_for_its_judge(client: Client, url: str) -> None:
    await seeded(url)
    judge = await signed_in(client, url, "judge")
    starts = datetime.now(UTC) + timedelta(hours=1)
    hearing_id = await add_hearing(
        url,
        court_code="TAND-HN",
        title="Phiên xét xử",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        judge=judge,
    )
    details = await (await client.get(f"/hearings/{hearing_id}")).text()
    assert f'href="/hearings/{hearing_id}/room"' in details
    response = await client.get(f"/hearings/{hearing_id}/room")
    html = await response.text()
    assert response.status == 200
    assert f'data-hearing="{hearing_id}"' in html
    strings = json.loads(html.split('id="console-strings">', 1)[1].split("</script>", 1)[0])
    assert strings["admit"] == "Cho vào"
    assert 'src="/static/js/console.js"' in html


async def test_the_case_page_lists_parties_and_hearings(
    client: Client, url: str, settings: Settings
) -> None:
    from web.seed.demo_cases import seed_demo_cases

    await seeded(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            await seed_demo_cases(session, datetime.now(UTC), settings)
        async with session_factory(engine)() as session:
            from sqlalchemy import select

            from conference.store.tables import CaseRow, HearingRow

            case = await session.scalar(select(CaseRow).where(CaseRow.court_code == "TAND-HN"))
            assert case is not None
            hearings = (
                await session.scalars(select(HearingRow).where(HearingRow.case_id == case.id))
            ).all()
    finally:
        await engine.dispose()
    await signed_in(client, url, "clerk")
    html = await (await client.get(f"/cases/{case.id}")).text()
    assert case.case_number in html
    for party in case.parties:
        assert party.name in html
    for hearing in hearings:
        assert f'href="/hearings/{hearing.id}"' in html
    assert (await client.get("/cases/nope")).status == 404
