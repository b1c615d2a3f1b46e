"""`vcourt staff set-password`: the password from stdin, hashed with argon2, sessions ended."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from conference.settings import Settings
from tests.pages.helpers import add_staff

ROOT = Path(__file__).resolve().parents[2]


def run_cli(settings: Settings, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VCOURT_DATABASE_URL": settings.effective_database_url,
        "VCOURT_DATA_DIR": str(settings.data_dir),
        "VCOURT_SECRET_KEY": "test",
    }
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def stored_hash(settings: Settings, username: str) -> str:
    url = settings.effective_database_url.replace("+aiosqlite", "")
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT password_hash FROM staff WHERE username = :u"), {"u": username}
        ).scalar_one()
    engine.dispose()
    return str(value)


async def test_set_password_from_stdin(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path)
    await add_staff(sqlite_url, "thu.le", "old password 123")
    done = run_cli(
        settings, "staff", "set-password", "thu.le", "--password-stdin", stdin="new secret pw\n"
    )
    assert done.returncode == 0, done.stderr
    stored = stored_hash(settings, "thu.le")
    assert stored.startswith("$argon2id$")
    assert "new secret pw" not in stored


async def test_set_password_refuses_short_or_unknown(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path)
    short = run_cli(settings, "staff", "set-password", "x", "--password-stdin", stdin="short\n")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    unknown = run_cli(
        settings, "staff", "set-password", "ghost", "--password-stdin", stdin="long enough pw\n"
    )
    assert unknown.returncode == 1
    assert "no staff member with username 'ghost'" in unknown.stderr
