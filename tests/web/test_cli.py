"""The `vcourt` command as an operator uses it, in a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def vcourt(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"VCOURT_DATA_DIR": str(tmp_path), "VCOURT_LOG_FORMAT": "text"}


def test_config_check_prints_the_configuration_with_secrets_masked(env: dict[str, str]) -> None:
    result = vcourt("config", "check", env={**env, "VCOURT_SECRET_KEY": "very-secret-1"})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["secret_key"] == "********"
    assert "very-secret-1" not in result.stdout
    assert shown["bus"] == "in-process"


def test_a_bad_setting_stops_with_its_name(env: dict[str, str]) -> None:
    result = vcourt("config", "check", env={**env, "VCOURT_PORT": "eighty"})
    assert result.returncode == 2
    assert "VCOURT_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_then_token_create(env: dict[str, str], tmp_path: Path) -> None:
    result = vcourt("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "vcourt.db").exists()
    token = vcourt("token", "create", "--role", "clerk", env=env)
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("vct_")
    bad = vcourt("token", "create", "--role", "emperor", env=env)
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
