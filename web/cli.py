"""The `vcourt` command: serve, db upgrade, seed, config check, token create."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from conference.domain.access import ApiRole
from conference.domain.clock import system_clock
from conference.settings import ConfigError, Settings, load_settings
from conference.store.db import create_engine, session_factory, upgrade
from signaling import cli as signaling_cli
from web.pages.cli import add_staff_command, staff_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vcourt", description=__doc__)
    parser.add_argument("--config", help="TOML configuration file (or VCOURT_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", help="serve the web app, API and signalling")
    sub.add_parser("demo", help="migrate, seed demo data, print credentials and serve")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    seed = sub.add_parser("seed", help="load the demo registry, staff, cases and hearings")
    seed.add_argument("--registry-only", action="store_true")
    config = sub.add_parser("config", help="configuration")
    config.add_argument("action", choices=["check"])
    token = sub.add_parser("token", help="API tokens")
    token.add_argument("action", choices=["create"])
    token.add_argument("--role", required=True, choices=[r.value for r in ApiRole])
    token.add_argument("--name", default="cli")
    sched = sub.add_parser(
        "scheduler", help="the job runner (reminders, rooms, deliveries); pull cases now"
    )
    sched.add_argument("action", choices=["run", "pull-cases"])
    for extend in EXTRA_COMMANDS:
        extend(sub)

    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"vcourt: {exc}", file=sys.stderr)
        return 2
    handler = COMMANDS.get(args.command)
    if handler is None:
        parser.error(f"unknown command {args.command}")
    return handler(settings, args)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from conference.wiring.logs import configure_logging
    from web.app import create_app

    configure_logging(settings.log_format, settings.log_level)
    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    settings.signing_secret()  # generate it now, not on a first request
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        shutdown_timeout=5,
    )
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    import secrets

    from web.auth import TOKEN_PREFIX, create_token
    from web.seed.demo import DEMO_CREDENTIALS, seed_all

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    print(asyncio.run(seed_all(settings)))
    token = (
        settings.demo_token.get_secret_value()
        if settings.demo_token
        else TOKEN_PREFIX + "demo-" + secrets.token_urlsafe(16)
    )

    async def store_token() -> None:
        engine = create_engine(settings.effective_database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                await create_token(
                    session, role=ApiRole.ADMIN, name="demo", now=system_clock(), token=token
                )
        finally:
            await engine.dispose()

    asyncio.run(store_token())
    base = settings.base_url
    print(
        f"""
vcourt demo is starting on {base}

  Pages:          {base}/
  API docs:       {base}/api/v1/docs
  OpenAPI:        {base}/api/v1/openapi.json
  Health:         {base}/healthz   {base}/readyz   {base}/metrics

  Admin API token: {token}
     try: curl -H 'Authorization: Bearer {token}' {base}/api/v1/endpoints?limit=5
"""
        + "".join(f"  {line}\n" for line in DEMO_CREDENTIALS)
        + f"\n  Data is kept in {settings.data_dir.resolve()} (delete it to start over).\n",
        flush=True,
    )
    return _serve(settings, args)


def _db(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    print(f"database schema is up to date ({_masked_db(settings)})")
    return 0


def _config(settings: Settings, args: argparse.Namespace) -> int:
    print(json.dumps(settings.masked(), indent=2, ensure_ascii=False, default=str))
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from web.auth import create_token

    async def run() -> str:
        engine = create_engine(settings.effective_database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                return await create_token(
                    session, role=ApiRole(args.role), name=args.name, now=system_clock()
                )
        finally:
            await engine.dispose()

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    print(asyncio.run(run()))
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from web.seed.demo import seed_all

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    report = asyncio.run(seed_all(settings, registry_only=args.registry_only))
    print(report)
    return 0


def _scheduler(settings: Settings, args: argparse.Namespace) -> int:
    from scheduler.cli import main as run_scheduler
    from scheduler.cli import pull_cases_main

    if args.action == "pull-cases":
        return pull_cases_main(settings)
    return run_scheduler(settings)


def _masked_db(settings: Settings) -> str:
    return str(settings.masked()["effective_database_url"])


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "serve": _serve,
    "demo": _demo,
    "db": _db,
    "config": _config,
    "token": _token,
    "seed": _seed,
    "scheduler": _scheduler,
    "staff": staff_command,
    "record": signaling_cli.run,
}
# Feature areas' sub-commands: each adds its parser; its handler is in COMMANDS.
EXTRA_COMMANDS: list[Callable[[Any], None]] = [add_staff_command, signaling_cli.add_parser]


if __name__ == "__main__":
    sys.exit(main())
