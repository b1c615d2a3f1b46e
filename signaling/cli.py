"""`vcourt record verify HEARING`: check a hearing record's hash chain."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from conference.settings import Settings
from conference.store.db import create_engine, session_factory, upgrade
from signaling import record


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("record", help="hearing records (the tamper-evident event log)")
    parser.add_argument("action", choices=["verify"])
    parser.add_argument("hearing_id", help="the hearing's id")


def run(settings: Settings, args: argparse.Namespace) -> int:
    async def check() -> record.Verification:
        engine = create_engine(settings.effective_database_url)
        try:
            async with session_factory(engine)() as session:
                return await record.verify(session, args.hearing_id)
        finally:
            await engine.dispose()

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    result = asyncio.run(check())
    if result.ok:
        print(f"record of hearing {args.hearing_id}: {result.entries} entries, chain intact")
        return 0
    print(f"record of hearing {args.hearing_id} FAILS verification: {result.problem}")
    return 1
