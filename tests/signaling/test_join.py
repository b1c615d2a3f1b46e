"""Joining: links that are forged, expired, revoked or superseded are refused with the reason;
wrong PINs are counted and lock the link; staff join with their own token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.domain.hearings import Role
from conference.domain.links import JoinClaims, sign_join_token
from conference.settings import Settings, load_settings
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.signaling import Hearing, JoinAs

Connect = Callable[[], Awaitable[SignalingClient]]


async def refused(c: SignalingClient, **join: Any) -> SignalingError:
    with pytest.raises(SignalingError) as info:
        await c.join(**join)
    return info.value


async def opened(join: JoinAs) -> SignalingClient:
    judge = await join("judge")
    await judge.request("open")
    return judge


async def test_a_forged_link_is_refused(hearing: Hearing, connect: Connect) -> None:
    token = hearing.links["plaintiff"]
    error = await refused(
        await connect(), token=token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    )
    assert error.code == "link_forged"
    assert "signature" in error.error.message


async def test_an_expired_link_is_refused(
    hearing: Hearing, connect: Connect, settings: Settings
) -> None:
    claims = JoinClaims(
        hearing.id, hearing.pid["plaintiff"], Role.PARTY, 1, datetime.now(UTC) - timedelta(hours=1)
    )
    error = await refused(await connect(), token=sign_join_token(claims, settings.signing_secret()))
    assert error.code == "link_expired" and "expired on" in error.error.message


async def test_a_link_signed_with_another_secret_is_forged(
    hearing: Hearing, connect: Connect
) -> None:
    other = load_settings(secret_key="another-secret").signing_secret()
    claims = JoinClaims(
        hearing.id, hearing.pid["plaintiff"], Role.PARTY, 1, datetime.now(UTC) + timedelta(hours=1)
    )
    error = await refused(await connect(), token=sign_join_token(claims, other))
    assert error.code == "link_forged"


async def test_rotating_a_link_supersedes_the_old_one_and_revoking_stops_it(
    hearing: Hearing, join: JoinAs, connect: Connect, client: TestClient[Any, Any]
) -> None:
    await opened(join)
    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    url = f"/api/v1/hearings/{hearing.id}/participants/{hearing.pid['plaintiff']}/link"
    response = await client.post(url, json={"rotate": True}, headers=headers)
    assert response.status == 201
    issued = await response.json()
    assert issued["link_version"] == 2
    assert issued["url"].endswith("/join/" + issued["token"])

    error = await refused(await connect(), token=hearing.links["plaintiff"])
    assert error.code == "link_superseded"

    assert (await client.delete(url, headers=headers)).status == 204
    error = await refused(await connect(), token=issued["token"])
    assert error.code == "link_revoked"

    again = await (await client.post(url, json={}, headers=headers)).json()
    welcome = await (await connect()).join(token=again["token"])
    assert welcome.participant_id == hearing.pid["plaintiff"]


async def test_only_clerks_and_admins_issue_links(
    hearing: Hearing, client: TestClient[Any, Any]
) -> None:
    headers = {"Authorization": f"Bearer {hearing.bearers['judge']}"}
    url = f"/api/v1/hearings/{hearing.id}/participants/{hearing.pid['plaintiff']}/link"
    response = await client.post(url, json={}, headers=headers)
    assert response.status == 403


async def test_wrong_pins_are_counted_and_lock_the_link(
    hearing: Hearing,
    join: JoinAs,
    connect: Connect,
    client: TestClient[Any, Any],
    settings: Settings,
) -> None:
    await opened(join)
    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    url = f"/api/v1/hearings/{hearing.id}/participants/{hearing.pid['plaintiff']}/link"
    issued = await (await client.post(url, json={"pin": "482913"}, headers=headers)).json()
    assert issued["has_pin"] is True
    c = await connect()
    error = await refused(c, token=issued["token"])
    assert error.code == "link_pin_required"
    for left in range(settings.signaling_pin_max_attempts - 1, 0, -1):
        error = await refused(c, token=issued["token"], pin="000000")
        assert error.code == "link_pin_wrong" and f"{left} attempt(s) left" in error.error.message
    error = await refused(c, token=issued["token"], pin="000000")
    assert error.code == "link_pin_locked"
    # even the right PIN waits out the lock
    error = await refused(c, token=issued["token"], pin="482913")
    assert error.code == "link_pin_locked"


async def test_the_right_pin_lets_the_party_in(
    hearing: Hearing, join: JoinAs, connect: Connect, client: TestClient[Any, Any]
) -> None:
    await opened(join)
    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    url = f"/api/v1/hearings/{hearing.id}/participants/{hearing.pid['plaintiff']}/link"
    issued = await (await client.post(url, json={"pin": "482913"}, headers=headers)).json()
    c = await connect()
    await refused(c, token=issued["token"], pin="111111")
    welcome = await c.join(token=issued["token"], pin="482913")
    assert welcome.roster[0].presence == "waiting"


async def test_staff_join_with_their_own_token_only_for_their_hearing(
    hearing: Hearing, connect: Connect, make_token: Any
) -> None:
    from conference.domain.access import ApiRole

    welcome = await (await connect()).join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
    assert welcome.role == "presiding_judge"
    assert welcome.roster[0].presence == "admitted"
    # an admin token with no staff member behind it is not a participant
    admin = (await make_token(ApiRole.ADMIN))["Authorization"].split()[1]
    error = await refused(await connect(), bearer=admin, hearing_id=hearing.id)
    assert error.code == "not_a_participant"
    error = await refused(await connect(), bearer="vct_unknown", hearing_id=hearing.id)
    assert error.code == "unauthenticated"
    error = await refused(await connect())
    assert error.code == "unauthenticated"


async def test_staff_can_join_with_the_authorization_header(
    hearing: Hearing, client: TestClient[Any, Any]
) -> None:
    base = str(client.make_url("/")).rstrip("/")
    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    async with await SignalingClient.connect(base, headers=headers) as c:
        welcome = await c.join(hearing_id=hearing.id)
        assert welcome.role == "clerk"


async def test_parties_wait_until_the_room_opens(hearing: Hearing, connect: Connect) -> None:
    error = await refused(await connect(), token=hearing.links["plaintiff"])
    assert error.code == "join_refused" and "waiting room opens" in error.error.message


async def test_observers_are_refused_in_camera(settings: Settings, connect: Connect) -> None:
    from tests.fixtures.signaling import book_hearing

    closed = await book_hearing(settings, confidentiality="closed", state="open")
    error = await refused(await connect(), token=closed.links["observer"])
    assert error.code == "join_refused" and "in camera" in error.error.message
