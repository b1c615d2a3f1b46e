"""TURN credentials (coturn REST API form) and ICE server lists, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from conference.domain.errors import InvalidValue
from conference.media.ice import ice_servers_for, turn_credentials
from conference.settings import ConfigError, Settings, load_settings

NOW = datetime(2025, 11, 25, 1, 0, tzinfo=UTC)


def test_credentials_match_coturns_rest_api_form() -> None:
    # expected value computed independently:
    # echo -n "1764036000:party7" | openssl dgst -sha1 -hmac court-turn-secret -binary | base64
    creds = turn_credentials(b"court-turn-secret", "party7", NOW, timedelta(hours=1))
    assert creds.username == "1764036000:party7"
    assert creds.password == "ZzFSymmcH/rC0DhfXtf4qUeaj4o="
    assert creds.expires_at == NOW + timedelta(hours=1)


def test_credentials_change_with_the_participant_and_the_time() -> None:
    a = turn_credentials(b"s", "a", NOW, timedelta(hours=1))
    assert a != turn_credentials(b"s", "b", NOW, timedelta(hours=1))
    assert a != turn_credentials(b"s", "a", NOW + timedelta(seconds=1), timedelta(hours=1))
    assert a != turn_credentials(b"t", "a", NOW, timedelta(hours=1))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InvalidValue, match="secret is empty"):
        turn_credentials(b"", "a", NOW, timedelta(hours=1))
    with pytest.raises(InvalidValue, match="without ':'"):
        turn_credentials(b"s", "a:b", NOW, timedelta(hours=1))


def settings(tmp_path: Path, **kw: Any) -> Settings:
    return load_settings(data_dir=tmp_path, **kw)


def test_ice_servers_from_configuration(tmp_path: Path) -> None:
    assert ice_servers_for(settings(tmp_path), "p", NOW) == []
    s = settings(
        tmp_path,
        media_stun_urls=["stun:turn.example.vn:3478"],
        media_turn_urls=["turn:turn.example.vn:3478", "turns:turn.example.vn:5349"],
        media_turn_secret=SecretStr("x"),
        media_turn_ttl_seconds=600,
    )
    stun, turn = ice_servers_for(s, "p", NOW)
    assert stun.as_json() == {"urls": ["stun:turn.example.vn:3478"]}
    assert turn.urls == ["turn:turn.example.vn:3478", "turns:turn.example.vn:5349"]
    assert turn.username == f"{int((NOW + timedelta(seconds=600)).timestamp())}:p"


def test_turn_without_a_secret_says_which_setting_is_missing(tmp_path: Path) -> None:
    s = settings(tmp_path, media_turn_urls=["turn:t.example.vn:3478"])
    with pytest.raises(InvalidValue, match="VCOURT_MEDIA_TURN_SECRET"):
        ice_servers_for(s, "p", NOW)


def test_a_misspelt_ice_url_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"MEDIA_TURN_URLS.*must start with turn: or turns:"):
        settings(tmp_path, media_turn_urls=["stun:t.example.vn"])
