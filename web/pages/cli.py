"""`vcourt staff set-password USERNAME`: set a staff member's sign-in password.

The password is read from standard input (`--password-stdin`, one line) or asked for twice at a
terminal; it never appears on the command line, where other users could see it.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from conference.settings import Settings
from conference.store.db import create_engine, session_factory, upgrade
from web.pages.accounts import set_password

MIN_LENGTH = 10


def add_staff_command(sub: Any) -> None:
    staff = sub.add_parser("staff", help="staff accounts for the pages")
    staff.add_argument("action", choices=["set-password"])
    staff.add_argument("username")
    staff.add_argument(
        "--password-stdin", action="store_true", help="read the new password from stdin"
    )


def read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def staff_command(settings: Settings, args: argparse.Namespace) -> int:
    try:
        password = read_password(args.password_stdin)
    except ValueError as exc:
        print(f"vcourt: {exc}", file=sys.stderr)
        return 2
    if len(password) < MIN_LENGTH:
        print(
            f"vcourt: the password must have at least {MIN_LENGTH} characters; nothing was changed",
            file=sys.stderr,
        )
        return 2

    async def run() -> None:
        engine = create_engine(settings.effective_database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                await set_password(session, args.username, password)
        finally:
            await engine.dispose()

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    try:
        asyncio.run(run())
    except LookupError as exc:
        print(f"vcourt: {exc.args[0]}; nothing was changed", file=sys.stderr)
        return 1
    print(f"password set for {args.username}; their open sessions were signed out")
    return 0
