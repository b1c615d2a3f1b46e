"""The aiortc/aioice versions whose internals vcourt's media code was read against.

`passthrough.py` (aiortc's receiver and sender) and `network.py` (aioice's sockets) reach into
private parts of these libraries. Importing either checks the installed versions here, so an
upgrade fails loudly at start-up instead of quietly losing media.
"""

from __future__ import annotations

import aioice
import aiortc

TESTED_AIORTC = ("1.16.0",)
TESTED_AIOICE = ("0.13.0",)


class UntestedAiortc(RuntimeError):
    """The installed aiortc/aioice is not one this code was checked against."""


def check_versions(aiortc_version: str, aioice_version: str) -> None:
    if aiortc_version not in TESTED_AIORTC or aioice_version not in TESTED_AIOICE:
        raise UntestedAiortc(
            f"conference/media/passthrough.py and network.py reach into aiortc/aioice internals"
            f" and were tested with aiortc {', '.join(TESTED_AIORTC)} and aioice"
            f" {', '.join(TESTED_AIOICE)}; this machine has aiortc {aiortc_version} and aioice"
            f" {aioice_version}. Install a tested version (pip install"
            f" 'aiortc=={TESTED_AIORTC[-1]}' 'aioice=={TESTED_AIOICE[-1]}'), or re-check the"
            " internals named in those modules' docstrings and add the version to"
            " conference/media/pinned.py (TESTED_AIORTC, TESTED_AIOICE)."
        )


check_versions(aiortc.__version__, aioice.__version__)
