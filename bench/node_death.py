"""Node death: how long after a node is killed (-9) the court sees its people disconnected.

    python -m bench node_death --n 1 50 --runs 3

Two real `vcourt serve` nodes over a redis-server and one SQLite database, with the default
node heartbeat and dead-after settings (or --heartbeat / --dead-after). The presiding judge is
on node A; N endpoint participants join on node B and are admitted. Node B is killed with
SIGKILL; measured on the judge's side: time until the first and the last of the N is shown
`participant_disconnected`. Then all N rejoin through node A: time until every one is back,
admitted (not in the waiting room).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.signaling import book, servers
from conference.settings import Settings, load_settings
from conference.store.db import upgrade
from signaling.client import SignalingClient


async def run_case(n: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="vcourt-bench-"))
    settings = load_settings(
        data_dir=tmp, database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", secret_key="bench-secret"
    )
    await asyncio.to_thread(upgrade, settings.effective_database_url)
    booked = await book(settings, n)
    hid = booked["hearing_id"]
    with servers(settings, 2) as started:
        (a, _), (b, node_b) = started
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            judge = await SignalingClient.connect(a, session=http)
            await judge.join(bearer=booked["judge"], hearing_id=hid)
            await judge.request("open")
            await judge.request("start")
            people = []
            for token in booked["links"]:
                c = await SignalingClient.connect(b, session=http, light=True)
                welcome = await c.join(token=token, within=60)
                await judge.request("admit", participant_id=welcome.participant_id)
                await c.wait_for_event("participant_admitted", within=60)
                people.append(welcome.participant_id)

            dropped: dict[str, float] = {}
            t0 = time.perf_counter()
            node_b.kill()
            node_b.wait()
            while len(dropped) < n:
                m = await judge.wait_for_event("participant_disconnected", within=300)
                dropped.setdefault(m.event["participant_id"], time.perf_counter() - t0)

            t1 = time.perf_counter()

            async def rejoin(token: str) -> SignalingClient:
                c = await SignalingClient.connect(a, session=http, light=True)
                welcome = await c.join(token=token, within=60)
                presence = {e.participant_id: e.presence for e in welcome.roster}
                assert presence[welcome.participant_id] == "admitted", presence
                return c

            back = await asyncio.gather(*(rejoin(t) for t in booked["links"]))
            rejoined = time.perf_counter() - t1
            for c in back:
                await c.close()
            await judge.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "n": n,
        "first": min(dropped.values()),
        "last": max(dropped.values()),
        "rejoined": rejoined,
    }


def main(argv: list[str]) -> int:
    defaults = Settings.model_fields
    parser = argparse.ArgumentParser(prog="python -m bench node_death")
    parser.add_argument("--n", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--heartbeat", type=float, default=defaults["signaling_node_heartbeat_seconds"].default
    )
    parser.add_argument(
        "--dead-after", type=float, default=defaults["signaling_node_dead_after_seconds"].default
    )
    args = parser.parse_args(argv)
    os.environ["VCOURT_SIGNALING_NODE_HEARTBEAT_SECONDS"] = str(args.heartbeat)
    os.environ["VCOURT_SIGNALING_NODE_DEAD_AFTER_SECONDS"] = str(args.dead_after)
    print(f"node heartbeat {args.heartbeat} s, dead after {args.dead_after} s")
    print("| N on the killed node | run | first shown disconnected | last | all back through A |")
    print("| --- | --- | --- | --- | --- |")
    for n in args.n:
        for run in range(1, args.runs + 1):
            r = asyncio.run(run_case(n))
            print(
                f"| {n} | {run} | {r['first']:.2f} s | {r['last']:.2f} s | {r['rejoined']:.2f} s |",
                flush=True,
            )
    return 0
