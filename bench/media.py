"""Media server CPU per forwarded stream: pass-through against aiortc's MediaRelay.

    python -m bench media                # the whole report (several minutes)
    python -m bench media --quick        # a smaller run

The server runs in its own process (a tiny WebSocket signalling in front of MediaServer); the
simulated participants run in one or two other processes and send pre-encoded VP8 640x360 at
30 fps and Opus (no encoding), and receive without decoding, so they cost little. The server's
CPU is its own process time (os.times: every thread) over the measuring window.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from aiortc import RTCRtpReceiver
from aiortc.contrib.media import MediaRelay

from bench._media_participants import (
    LOG,
    ROOT,
    participants,
    pre_encoded,
)
from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media import passthrough
from conference.media.connection import Connection, Slot
from conference.media.forwarding import Gate
from conference.media.passthrough import PassThroughSource
from conference.media.server import Hearing, MediaServer
from conference.settings import load_settings

# -- the server process --------------------------------------------------------------------------


class RelayServer(MediaServer):
    """The baseline: aiortc decodes every received track; MediaRelay hands the frames to each
    subscriber's sender, which encodes them again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relay = MediaRelay()

    def _make_source(self, receiver: RTCRtpReceiver, kind: MediaKind) -> PassThroughSource | None:
        return None

    def _new_slot(self, hearing: Hearing, conn: Connection, pub: Connection) -> Slot:
        assert pub.remote_track is not None
        track = self.relay.subscribe(pub.remote_track)
        track._id = pub.participant_id  # the msid track id: whose media it is
        transceiver = conn.pc.addTransceiver(track, direction="sendonly")
        passthrough.label_sender(transceiver.sender, pub.participant_id)
        gate = Gate(lambda p: None, video=False, request_keyframe=lambda: None)
        return Slot(pub.participant_id, transceiver, track, gate)


async def serve(mode: str, port: int, participants: int) -> None:
    settings = load_settings(
        data_dir=Path(tempfile.mkdtemp(prefix="vcourt-bench-")),
        media_gather_addresses=["127.0.0.1"],
        media_connect_timeout_seconds=60,
        media_negotiation_timeout_seconds=60,
        media_stats_interval_seconds=5,
    )
    server = (RelayServer if mode == "relay" else MediaServer)(settings)
    ids = [f"p{n}" for n in range(participants)]
    await server.apply_routing("bench", [MediaFacts(i, True, True) for i in ids])
    sockets: dict[str, web.WebSocketResponse] = {}

    async def offer(hearing_id: str, pid: str, kind: MediaKind, sdp: str) -> None:
        await sockets[pid].send_json({"type": "offer", "p": pid, "kind": kind.value, "sdp": sdp})

    server.on_offer = offer

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        async for msg in ws:
            data = json.loads(msg.data)
            pid, kind = data["p"], MediaKind(data["kind"])
            sockets[pid] = ws
            if data["type"] == "connect":
                answer = await server.connect("bench", pid, kind, data["sdp"])
                await ws.send_json({"type": "answer", "p": pid, "kind": kind.value, "sdp": answer})
            elif data["type"] == "answer":
                await server.accept_answer(pid, kind, data["sdp"])
        return ws

    async def cpu(request: web.Request) -> web.Response:
        t = os.times()
        slots = [
            s
            for h in server.hearings.values()
            for c in h.connections.values()
            for s in c.slots.values()
        ]
        dropped = sum(getattr(getattr(s.track, "queue", None), "dropped", 0) for s in slots)
        conns = [c for h in server.hearings.values() for c in h.connections.values()]
        video_in = sum(c.source.frames for c in conns if c.source and c.kind is MediaKind.VIDEO)
        video_out = sum(
            getattr(s.track, "sent", 0)
            for c in conns
            if c.kind is MediaKind.VIDEO
            for s in c.slots.values()
        )
        return web.json_response(
            {
                "cpu": t.user + t.system,
                "user": t.user,
                "system": t.system,
                "wall": time.monotonic(),
                "queue_drops": dropped,
                "video_in": video_in,
                "video_out": video_out,
            }
        )

    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    app.router.add_get("/cpu", cpu)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def udp_rcvbuf_errors() -> int:
    """Datagrams the kernel dropped for full receive buffers (whole machine)."""
    lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()]
    udp = [line for line in lines if line and line[0] == "Udp:"]
    return int(udp[1][udp[0].index("RcvbufErrors")])


def spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "bench.media", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=LOG.open("a"),
        text=True,
    )


async def read_json(proc: subprocess.Popen[str], event: str) -> dict[str, Any]:
    assert proc.stdout is not None
    while True:
        line = await asyncio.to_thread(proc.stdout.readline)
        if not line:
            raise RuntimeError(f"participants process ended before {event!r}")
        with contextlib.suppress(ValueError):
            data: dict[str, Any] = json.loads(line)
            if data.get("event") == event:
                return data


async def run_once(
    mode: str, n: int, kinds: list[str], window: float, client_procs: int
) -> dict[str, Any]:
    try:
        return await _run_once(mode, n, kinds, window, client_procs)
    except RuntimeError as exc:
        return {
            "mode": mode,
            "n": n,
            "kinds": "+".join(kinds),
            "server_cpu_pct": None,
            "streams": n * (n - 1) * len(kinds),
            "pct_per_stream": None,
            "whole": False,
            "tracks_up": 0,
            "tracks": n * (n - 1) * len(kinds),
            "video_fps_min": None,
            "client_cpu_pct": [],
            "load": round(os.getloadavg()[0], 1),
            "server_system_pct": None,
            "rcvbuf_errors": None,
            "error": str(exc),
        }


async def _run_once(
    mode: str, n: int, kinds: list[str], window: float, client_procs: int
) -> dict[str, Any]:
    port = free_port()
    server = spawn("server", mode, str(port), str(n))
    assert server.stdout is not None
    try:
        line = await asyncio.to_thread(server.stdout.readline)
        if "ready" not in line:
            raise RuntimeError("server did not start")
        ids = [f"p{i}" for i in range(n)]
        groups = [ids[i::client_procs] for i in range(client_procs)]
        clients = [
            spawn(
                "participants",
                f"http://127.0.0.1:{port}/ws",
                ",".join(g),
                str(n),
                ",".join(kinds),
                str(window),
            )
            for g in groups
            if g
        ]
        try:
            ups = [await read_json(c, "up") for c in clients]
            await asyncio.gather(*(read_json(c, "start") for c in clients))
            errors0 = udp_rcvbuf_errors()
            async with ClientSession() as http:
                a = await (await http.get(f"http://127.0.0.1:{port}/cpu")).json()
                dones = await asyncio.gather(*(read_json(c, "done") for c in clients))
                b = await (await http.get(f"http://127.0.0.1:{port}/cpu")).json()
        finally:
            for c in clients:
                c.terminate()
                c.wait(10)
    finally:
        server.terminate()
        server.wait(10)
    wall = b["wall"] - a["wall"]
    cpu = (b["cpu"] - a["cpu"]) / wall
    streams = n * (n - 1) * len(kinds)
    fps = [d["video_fps_min"] for d in dones if d["video_fps_min"] is not None]
    return {
        "mode": mode,
        "n": n,
        "kinds": "+".join(kinds),
        "server_cpu_pct": round(100 * cpu, 1),
        "streams": streams,
        "pct_per_stream": round(100 * cpu / streams, 2),
        "whole": all(u["whole"] for u in ups),
        "tracks_up": sum(u["tracks_up"] for u in ups),
        "tracks": sum(u["tracks"] for u in ups),
        "video_fps_min": round(min(fps), 1) if fps else None,
        "client_cpu_pct": [round(100 * d["client_cpu"], 1) for d in dones],
        "video_kbps": round(dones[0]["video_kbps"]),
        "load": round(os.getloadavg()[0], 1),
        "server_system_pct": round(100 * (b["system"] - a["system"]) / wall, 1),
        "queue_drops": b["queue_drops"] - a["queue_drops"],
        "server_video_in_fps": round((b["video_in"] - a["video_in"]) / wall / n, 1),
        "server_video_out_fps": round(
            (b["video_out"] - a["video_out"]) / wall / max(1, n * (n - 1)), 1
        ),
        "rcvbuf_errors": udp_rcvbuf_errors() - errors0,
    }


def procs(n: int) -> int:
    """Participant processes: about four participants each, so they are not the bottleneck."""
    return max(1, math.ceil(n / 4))


async def report(quick: bool) -> None:
    pre_encoded()  # once, before any measuring
    window = 5.0 if quick else 8.0
    sizes = [3, 6] if quick else [3, 6, 10]
    rows = []
    print(
        "| server | people | media | server CPU | forwarded streams | CPU per stream"
        " | tracks up | min video fps | of which kernel | rcvbuf drops | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        for kinds in (["video"], ["audio"]):
            for mode in ("passthrough", "relay"):
                r = await run_once(mode, n, kinds, window, procs(n))
                rows.append(r)
                print(
                    f"| {r['mode']} | {n} | {r['kinds']} | {r['server_cpu_pct']} % |"
                    f" {r['streams']} | {r['pct_per_stream']} % | {r['tracks_up']}/{r['tracks']}"
                    f" | {r['video_fps_min']} | {r['server_system_pct']} % | {r['rcvbuf_errors']}"
                    f" | {r['load']} |",
                    flush=True,
                )
    print()
    runs = 3 if quick else 10
    clean = 0
    print(f"8-person hearing, audio+video, pass-through, {runs} runs:")
    for i in range(runs):
        r = await run_once("passthrough", 8, ["audio", "video"], window, procs(8))
        ok = r["whole"] and r["tracks_up"] == r["tracks"] and (r["video_fps_min"] or 0) >= 28.5
        clean += ok
        print(
            f"  run {i + 1}: {r['tracks_up']}/{r['tracks']} tracks, min video fps"
            f" {r['video_fps_min']}, server CPU {r['server_cpu_pct']} %, participants' CPU"
            f" {r['client_cpu_pct']} %, rcvbuf drops {r['rcvbuf_errors']}, load {r['load']}:"
            f" {'ok' if ok else 'NOT OK'}",
            flush=True,
        )
    print(f"  clean runs (all tracks up, every video track >= 28.5 fps): {clean}/{runs}")
    print()
    print("Largest hearing on one core (pass-through, audio+video):")
    for n in [10, 12, 14] if not quick else [12]:
        r = await run_once("passthrough", n, ["audio", "video"], window, procs(n))
        print(
            f"  {n} people: server CPU {r['server_cpu_pct']} %, {r['tracks_up']}/{r['tracks']}"
            f" tracks, min video fps {r['video_fps_min']}, participants' CPU"
            f" {r['client_cpu_pct']} %, rcvbuf drops {r['rcvbuf_errors']}, load {r['load']}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "server":
        asyncio.run(serve(args[1], int(args[2]), int(args[3])))
    elif args and args[0] == "participants":
        url, ids, everyone, kinds, window = args[1:6]
        asyncio.run(
            participants(url, ids.split(","), int(everyone), kinds.split(","), float(window))
        )
    else:
        parser = argparse.ArgumentParser(prog="python -m bench media")
        parser.add_argument("--quick", action="store_true")
        asyncio.run(report(parser.parse_args(args).quick))


if __name__ == "__main__":
    main()
