"""Signalling benchmark: N simulated participants join one hearing at once and are admitted.

    python -m bench signaling --n 10 100 800 --nodes 1 2

For each N and node count it starts real `vcourt serve` processes (two nodes share a
redis-server and the SQLite database), books a hearing with N endpoint participants, lets the
clerk admit everyone as they arrive, and measures: time from connecting to being admitted
(p50, p99), relayed signal.offer messages per second between pairs of participants, and the
servers' resident memory per idle connection (RSS delta / N).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from conference.domain.access import ApiRole
from conference.settings import Settings, load_settings
from conference.store.db import create_engine, session_factory, upgrade
from conference.store.tables import CaseRow, CourtRow, HearingRow, ParticipantRow, StaffRow
from signaling.client import SignalingClient
from signaling.links import issue_link
from web.auth import create_token

ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on {port}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextmanager
def servers(settings: Settings, nodes: int) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    procs: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VCOURT_DATABASE_URL": settings.effective_database_url,
        "VCOURT_DATA_DIR": str(settings.data_dir),
        "VCOURT_SECRET_KEY": "bench-secret",
        "VCOURT_LOG_LEVEL": "WARNING",
        "VCOURT_LOG_FORMAT": "text",
    }
    try:
        if nodes > 1:
            rport = free_port()
            redis = shutil.which("redis-server") or "redis-server"
            rproc = subprocess.Popen(
                [redis, "--port", str(rport), "--bind", "127.0.0.1", "--save", ""],
                stdout=subprocess.DEVNULL,
            )
            procs.append(rproc)
            wait_port(rport, rproc)
            env["VCOURT_REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
        started = []
        for _ in range(nodes):
            port = free_port()
            profile = os.environ.get("VCOURT_BENCH_PROFILE")  # a file: profile the node
            wrap = ["-m", "cProfile", "-o", f"{profile}.{port}"] if profile else []
            proc = subprocess.Popen(
                [sys.executable, *wrap, "-m", "web.cli", "serve"],
                cwd=ROOT,
                env={**env, "VCOURT_PORT": str(port), "VCOURT_HOST": "127.0.0.1"},
            )
            procs.append(proc)
            wait_port(port, proc)
            started.append((f"http://127.0.0.1:{port}", proc))
        yield started
    finally:
        for proc in reversed(procs):
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


async def book(settings: Settings, n: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    engine = create_engine(settings.effective_database_url)
    out: dict[str, Any] = {"links": []}
    try:
        async with session_factory(engine)() as s, s.begin():
            s.add(CourtRow(code="BENCH", name="TAND bench", level="district", province="Hà Nội"))
            await s.flush()
            case = CaseRow(
                case_number="1/2026/TLST-DS",
                case_type="civil",
                court_code="BENCH",
                title="bench",
                confidentiality="public",
                judges=[],
                created_at=now,
                updated_at=now,
            )
            s.add(case)
            await s.flush()
            hearing = HearingRow(
                kind="meeting",
                case_id=case.id,
                court_code="BENCH",
                title="Hội nghị bench",
                starts_at=now,
                ends_at=now + timedelta(hours=2),
                state="scheduled",
                created_at=now,
                updated_at=now,
            )
            s.add(hearing)
            await s.flush()
            out["hearing_id"] = hearing.id
            for position, (key, role) in enumerate(
                [("judge", "presiding_judge"), ("clerk", "clerk")]
            ):
                s.add(
                    StaffRow(
                        username=key,
                        full_name=key,
                        role="judge",
                        court_code="BENCH",
                        password_hash=None,
                        active=True,
                    )
                )
                await s.flush()
                s.add(
                    ParticipantRow(
                        hearing_id=hearing.id,
                        position=position,
                        role=role,
                        name=key,
                        staff_username=key,
                        created_at=now,
                    )
                )
                out[key] = await create_token(
                    s, role=ApiRole.JUDGE, name=key, now=now, staff_username=key
                )
            for i in range(n):
                row = ParticipantRow(
                    hearing_id=hearing.id,
                    position=i + 2,
                    role="endpoint",
                    name=f"Điểm cầu {i + 1}",
                    created_at=now,
                )
                s.add(row)
                await s.flush()
                out["links"].append((await issue_link(s, settings, row.id, now)).token)
    finally:
        await engine.dispose()
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_case(n: int, nodes: int, relay_pairs: int, relay_count: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="vcourt-bench-"))
    settings = load_settings(
        data_dir=tmp, database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", secret_key="bench-secret"
    )
    await asyncio.to_thread(upgrade, settings.effective_database_url)
    booked = await book(settings, n)
    hid = booked["hearing_id"]
    with servers(settings, nodes) as started:
        urls = [u for u, _ in started]
        pids = [p.pid for _, p in started]
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            judge = await SignalingClient.connect(urls[0], session=http)
            clerk = await SignalingClient.connect(urls[-1], session=http)
            await judge.join(bearer=booked["judge"], hearing_id=hid)
            await clerk.join(bearer=booked["clerk"], hearing_id=hid)
            await judge.request("open")
            await judge.request("start")
            await asyncio.sleep(0.5)
            rss_before = sum(rss_kb(p) for p in pids)

            async def admit_arrivals() -> None:
                admitted = 0
                while admitted < n:
                    m = await clerk.wait_for_event(
                        "participant_joined", within=120, presence="waiting"
                    )
                    await clerk.send(
                        clerk.message("admit", participant_id=m.event["participant_id"])
                    )
                    admitted += 1

            admitter = asyncio.create_task(admit_arrivals())
            latencies: list[float] = []
            joined: list[float] = []
            clients: list[SignalingClient] = []

            async def participant(i: int) -> None:
                start = time.perf_counter()
                c = await SignalingClient.connect(urls[i % len(urls)], session=http, light=True)
                clients.append(c)
                await c.join(token=booked["links"][i], within=120)
                joined.append(time.perf_counter() - start)
                await c.wait_for_event("participant_admitted", within=120)
                latencies.append(time.perf_counter() - start)

            t0 = time.perf_counter()
            await asyncio.gather(*(participant(i) for i in range(n)))
            all_in = time.perf_counter() - t0
            await admitter
            await asyncio.sleep(1.0)  # idle
            rss_after = sum(rss_kb(p) for p in pids)

            # relay: pairs of participants exchange signal.offer as fast as they can
            pairs = min(relay_pairs, n // 2)
            by_id = {c.participant_id: c for c in clients}
            ids = [pid for pid in by_id][: pairs * 2]
            received = 0

            async def sender(a: SignalingClient, b_id: str) -> None:
                for k in range(relay_count):
                    await a.send(a.message("signal.offer", to=b_id, sdp=f"v=0 {k}"))

            async def receiver(b: SignalingClient) -> None:
                nonlocal received
                for _ in range(relay_count):
                    await b.wait_for("signal.offer", within=120)
                    received += 1

            t1 = time.perf_counter()
            tasks = []
            for j in range(pairs):
                a, b = by_id[ids[2 * j]], by_id[ids[2 * j + 1]]
                tasks += [sender(a, b.participant_id or ""), receiver(b)]
            await asyncio.gather(*tasks)
            relay_s = time.perf_counter() - t1
            for c in clients:
                await c.close()
            await judge.close()
            await clerk.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "n": n,
        "nodes": nodes,
        "p50": statistics.median(latencies),
        "p99": pct(latencies, 0.99),
        "join_p99": pct(joined, 0.99),
        "all_admitted_s": all_in,
        "relay_per_s": received / relay_s if relay_s else 0.0,
        "relayed": received,
        "kb_per_conn": (rss_after - rss_before) / n,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench signaling")
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100, 800])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--relay-pairs", type=int, default=20)
    parser.add_argument("--relay-count", type=int, default=200)
    args = parser.parse_args(argv)
    print(
        "| N | nodes | join→welcome p99 | join→admitted p50 | p99 | all admitted | relayed msg/s"
        " | RSS per idle connection |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for nodes in args.nodes:
        for n in args.n:
            r = asyncio.run(run_case(n, nodes, args.relay_pairs, args.relay_count))
            print(
                f"| {r['n']} | {r['nodes']} | {r['join_p99']:.2f} s"
                f" | {r['p50']:.2f} s | {r['p99']:.2f} s"
                f" | {r['all_admitted_s']:.2f} s | {r['relay_per_s']:.0f} ({r['relayed']} msgs)"
                f" | {r['kb_per_conn']:.1f} KB |",
                flush=True,
            )
    return 0
