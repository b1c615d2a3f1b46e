"""The party's link over HTTP: a good link opens the journey; a forged, expired or foreign link
gets a plain explanation and nothing about the hearing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings
from tests.pages.helpers import add_hearing, add_participant, join_token

Client = TestClient[Any, Any]


async def booked(settings: Settings) -> tuple[str, str]:
    url = settings.effective_database_url
    starts = datetime.now(UTC) + timedelta(hours=1)
    from tests.pages.test_staff_pages import seeded

    await seeded(url)
    hearing = await add_hearing(
        url,
        court_code="TAND-HN",
        title="Tranh chấp hợp đồng thuê nhà",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    return hearing, await add_participant(url, hearing, "Phạm Thị Bình")


async def test_a_good_link_opens_the_device_check(client: Client, settings: Settings) -> None:
    hearing, party = await booked(settings)
    token = join_token("test-signing-secret", hearing, party)
    response = await client.get(f"/join/{token}")
    html = await response.text()
    assert response.status == 200
    assert "Tranh chấp hợp đồng thuê nhà" in html and "Phạm Thị Bình" in html
    assert 'src="/static/js/join.js"' in html


async def test_a_forged_link_explains_and_shows_nothing(client: Client, settings: Settings) -> None:
    hearing, party = await booked(settings)
    token = join_token("another-secret", hearing, party)
    response = await client.get(f"/join/{token}")
    html = await response.text()
    assert response.status == 403
    assert "Đường dẫn này không hợp lệ" in html
    assert "Tranh chấp" not in html


async def test_an_expired_link_says_to_ask_for_a_new_notice(
    client: Client, settings: Settings
) -> None:
    hearing, party = await booked(settings)
    token = join_token("test-signing-secret", hearing, party, hours=-1)
    response = await client.get(f"/join/{token}?lang=en")
    assert response.status == 410
    assert "This link has expired" in await response.text()


async def test_a_link_to_a_participant_of_another_hearing_is_refused(
    client: Client, settings: Settings
) -> None:
    _, party = await booked(settings)
    other, _ = await booked(settings)
    token = join_token("test-signing-secret", other, party)
    response = await client.get(f"/join/{token}")
    assert response.status == 410


async def _set_link_state(
    settings: Settings, participant: str, *, version: int, revoked: bool
) -> None:
    from conference.store.db import create_engine, session_factory
    from conference.store.participant_links import ParticipantLinkRow

    now = datetime.now(UTC)
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add(
                ParticipantLinkRow(
                    participant_id=participant,
                    link_version=version,
                    link_revoked_at=now if revoked else None,
                    updated_at=now,
                )
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("version", "revoked", "explained"),
    [
        (2, False, "A newer notice replaced this link"),  # the clerk sent a new link
        (1, True, "The court has withdrawn this link"),
    ],
)
async def test_a_replaced_or_revoked_link_explains_itself_on_opening(
    client: Client, settings: Settings, version: int, revoked: bool, explained: str
) -> None:
    hearing, party = await booked(settings)
    token = join_token("test-signing-secret", hearing, party)  # version 1
    await _set_link_state(settings, party, version=version, revoked=revoked)
    response = await client.get(f"/join/{token}?lang=en")
    html = await response.text()
    assert response.status == 410
    assert explained in html
    assert "Tranh chấp" not in html
