"""Configuration is validated at start with messages that name the setting."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from conference.settings import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test states its own environment; the caller's VCOURT_* must not leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("VCOURT_"):
            monkeypatch.delenv(name)


def test_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'vcourt.db'}"
    assert settings.masked()["bus"] == "in-process"


@pytest.mark.parametrize(
    ("name", "value", "mentioned"),
    [
        ("VCOURT_PORT", "99999", "VCOURT_PORT"),
        ("VCOURT_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("VCOURT_DATABASE_URL", "mysql://x", "postgresql+asyncpg"),
        ("VCOURT_REDIS_URL", "http://x", "redis://"),
        ("VCOURT_SIGNALING_NODE_DEAD_AFTER_SECONDS", "6", "twice VCOURT_SIGNALING_NODE_HEART"),
        ("VCOURT_NOTICE_KEY", "not-a-key", "VCOURT_NOTICE_KEY"),
        ("VCOURT_NOTICE_KEY", " , ", "at least one key"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, mentioned: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert mentioned in str(err.value)


def test_environment_beats_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vcourt.toml"
    config.write_text('port = 9000\nhost = "127.0.0.2"\n')
    monkeypatch.setenv("VCOURT_PORT", "9100")
    settings = load_settings(config)
    assert (settings.host, settings.port) == ("127.0.0.2", 9100)


def test_a_broken_toml_file_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "vcourt.toml"
    config.write_text("port = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_secrets_are_masked(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        secret_key="s3cret-value",
        database_url="postgresql+asyncpg://court:hunter2@db.example/vcourt",
        redis_url="redis://:redispass@cache:6379/0",
    )
    shown = str(settings.masked())
    for secret in ("s3cret-value", "hunter2", "redispass"):
        assert secret not in shown


def test_the_signing_secret_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    first = settings.signing_secret()
    assert len(first) >= 32
    assert load_settings(data_dir=tmp_path).signing_secret() == first
    assert (tmp_path / "signing-secret").stat().st_mode & 0o077 == 0


def test_the_shipped_example_configuration_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "deploy" / "vcourt.toml.example"
    settings = load_settings(example)
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.effective_database_url.startswith("postgresql+asyncpg://")


def test_the_notice_key_is_generated_once_into_the_data_dir_and_masked(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    [key] = settings.notice_keys()
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert (tmp_path / "notice-key").stat().st_mode & 0o777 == 0o600
    assert load_settings(data_dir=tmp_path).notice_keys() == [key]  # the same on restart
    shown = settings.masked()
    assert shown["notice_key_source"] == f"generated file {tmp_path / 'notice-key'}"

    configured = base64.urlsafe_b64encode(b"k" * 32).decode()
    older = base64.urlsafe_b64encode(b"o" * 32).decode()
    settings = load_settings(data_dir=tmp_path, notice_key=f"{configured}, {older}")
    assert settings.notice_keys() == [configured.encode(), older.encode()]  # first one seals
    assert settings.masked()["notice_key"] == "********"
    assert configured not in str(settings.masked())
