"""ffprobe (Debian's ffmpeg package): what a court's player would read from a recording."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest


def ffprobe(path: Path) -> dict[str, Any]:
    binary = shutil.which("ffprobe")
    if binary is None:
        pytest.fail("ffprobe is not installed; run: sudo apt-get install -y ffmpeg")
    out = subprocess.run(
        [
            binary,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
