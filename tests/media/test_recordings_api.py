"""Recordings through the app: stored with their hash, listed and downloaded by court staff
only; ICE servers for the holder of a join link."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from conference.domain.access import ApiRole
from conference.domain.hearings import Role
from conference.domain.links import JoinClaims, sign_join_token
from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media.setup import MEDIA_SERVER
from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.participant_links import issue_link, revoke_link
from conference.store.tables import CourtRow, HearingRow, ParticipantRow
from tests.fixtures.app import MakeToken
from tests.media.peers import Peer, Signalling
from web.app import create_app

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def add_hearing(settings: Settings) -> str:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            s.add(
                CourtRow(code="TAND-HN", name="TAND Hà Nội", level="provincial", province="Hà Nội")
            )
            hearing = HearingRow(
                kind="hearing",
                court_code="TAND-HN",
                title="Vụ án dân sự 12/2024",
                starts_at=NOW,
                ends_at=NOW + timedelta(hours=2),
                state="in_session",
                created_at=NOW,
                updated_at=NOW,
            )
            s.add(hearing)
            await s.flush()
            for n, pid in enumerate(("judge", "party")):
                s.add(
                    ParticipantRow(
                        id=pid,
                        hearing_id=hearing.id,
                        position=n,
                        role="party",
                        name=pid,
                        created_at=NOW,
                    )
                )
            return hearing.id
    finally:
        await engine.dispose()


@pytest.fixture
def app_settings(settings: Settings, loopback_ice: None) -> Settings:
    return settings.model_copy(update={"media_gather_addresses": ["127.0.0.1"]})


async def test_a_finished_recording_is_stored_listed_and_downloaded_by_staff_only(
    app_settings: Settings, aiohttp_client: Any, make_token: MakeToken
) -> None:
    hearing_id = await add_hearing(app_settings)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(app_settings))
    server = client.app[MEDIA_SERVER]
    sig = Signalling(server)
    judge = sig.add(Peer(server, hearing_id, "judge", luma=40))
    party = sig.add(Peer(server, hearing_id, "party", luma=200))
    await server.apply_routing(
        hearing_id, [MediaFacts("judge", True, True), MediaFacts("party", True, True)]
    )
    await judge.join()
    await party.join()
    await server.start_recording(hearing_id)
    await judge.wait_for("party", MediaKind.VIDEO, 20)
    infos = await server.stop_recording(hearing_id)
    assert len(infos) == 4

    clerk = await make_token(ApiRole.CLERK)
    resp = await client.get(f"/api/v1/hearings/{hearing_id}/recordings", headers=clerk)
    assert resp.status == 200, await resp.text()
    listed = await resp.json()
    assert {(r["participant_id"], r["kind"], r["sha256"]) for r in listed} == {
        (i.participant_id, i.kind.value, i.sha256) for i in infos
    }
    video = next(r for r in listed if r["participant_id"] == "party" and r["kind"] == "video")
    resp = await client.get(f"/api/v1/recordings/{video['id']}/file", headers=clerk)
    assert resp.status == 200
    body = await resp.read()
    assert hashlib.sha256(body).hexdigest() == video["sha256"]
    assert resp.headers["Content-Type"] == "video/webm"

    integration = await make_token(ApiRole.INTEGRATION)
    for url in (
        f"/api/v1/hearings/{hearing_id}/recordings",
        f"/api/v1/recordings/{video['id']}/file",
    ):
        assert (await client.get(url, headers=integration)).status == 403
        assert (await client.get(url)).status == 401  # a party has a link, never a token
    assert (await client.get("/api/v1/recordings/nope/file", headers=clerk)).status == 404
    for peer in (judge, party):
        await peer.leave()


async def test_ice_servers_for_a_join_link(app_settings: Settings, aiohttp_client: Any) -> None:
    app_settings = app_settings.model_copy(
        update={
            "media_turn_urls": ["turn:127.0.0.1:3478"],
            "media_turn_secret": SecretStr("s3cret"),
            "media_stun_urls": ["stun:127.0.0.1:3478"],
        }
    )
    hearing_id = await add_hearing(app_settings)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(app_settings))
    claims = JoinClaims(hearing_id, "party", Role.PARTY, 1, datetime.now(UTC) + timedelta(hours=1))
    token = sign_join_token(claims, app_settings.signing_secret())
    resp = await client.get("/api/v1/ice-servers", params={"token": token})
    assert resp.status == 200, await resp.text()
    stun, turn = await resp.json()
    assert stun == {"urls": ["stun:127.0.0.1:3478"], "username": None, "credential": None}
    assert turn["urls"] == ["turn:127.0.0.1:3478"]
    expiry, who = turn["username"].split(":")
    assert who == "party" and int(expiry) > datetime.now(UTC).timestamp()

    forged = sign_join_token(claims, b"another secret")
    resp = await client.get("/api/v1/ice-servers", params={"token": forged})
    assert resp.status == 403, await resp.text()
    problem = await resp.json()
    assert problem["code"] == "link_forged" and "signature" in problem["detail"]


async def test_ice_servers_refuse_a_superseded_revoked_or_cancelled_link(
    app_settings: Settings, aiohttp_client: Any
) -> None:
    """TURN credentials are for a link that still opens the hearing, as joining checks it:
    not a superseded or revoked link, nor any link of a cancelled hearing."""
    app_settings = app_settings.model_copy(
        update={"media_turn_urls": ["turn:127.0.0.1:3478"], "media_turn_secret": SecretStr("s")}
    )
    hearing_id = await add_hearing(app_settings)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(app_settings))
    engine = create_engine(app_settings.effective_database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as s, s.begin():
            first = await issue_link(s, app_settings, "party", datetime.now(UTC))
        resp = await client.get("/api/v1/ice-servers", params={"token": first.token})
        assert resp.status == 200, await resp.text()

        async with sessions() as s, s.begin():
            second = await issue_link(s, app_settings, "party", datetime.now(UTC), rotate=True)
        resp = await client.get("/api/v1/ice-servers", params={"token": first.token})
        assert resp.status == 403
        problem = await resp.json()
        assert problem["code"] == "link_superseded", problem
        assert "newer notice" in problem["detail"] and "credential" not in problem

        async with sessions() as s, s.begin():
            await revoke_link(s, "party", datetime.now(UTC))
        resp = await client.get("/api/v1/ice-servers", params={"token": second.token})
        assert resp.status == 403
        problem = await resp.json()
        assert problem["code"] == "link_revoked" and "revoked" in problem["detail"]

        async with sessions() as s, s.begin():
            third = await issue_link(s, app_settings, "party", datetime.now(UTC), rotate=True)
            hearing = await s.get(HearingRow, hearing_id)
            assert hearing is not None
            hearing.state = "cancelled"
        resp = await client.get("/api/v1/ice-servers", params={"token": third.token})
        assert resp.status == 403
        assert (await resp.json())["code"] == "hearing_cancelled"
    finally:
        await engine.dispose()
    documented = (await (await client.get("/api/v1/openapi.json")).json())["paths"]
    assert "403" in documented["/api/v1/ice-servers"]["get"]["responses"]
