"""The media benchmark's simulated participants: pre-encoded VP8 and Opus sent without
encoding, received without decoding, so the participants' processes cost little."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import math
import os
import pickle
import tempfile
import time
from collections import Counter
from pathlib import Path

import av
from aiohttp import ClientSession, WSMsgType
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from conference.media import network, passthrough

WIDTH, HEIGHT, FPS = 640, 360, 30
ROOT = Path(__file__).resolve().parent.parent
LOG = Path(tempfile.gettempdir()) / "vcourt-bench-media.log"  # the processes' stderr


# -- the participants' process ------------------------------------------------------------------


def pre_encoded() -> tuple[list[bytes], list[bytes]]:
    """pre_encode(), cached in the temp dir so each participants' process starts quickly."""
    cache = Path(tempfile.gettempdir()) / f"vcourt-bench-media-{WIDTH}x{HEIGHT}-v2.pickle"
    if cache.exists():
        video, audio = pickle.loads(cache.read_bytes())
        return video, audio
    media = pre_encode()
    tmp = cache.with_suffix(f".{os.getpid()}")
    tmp.write_bytes(pickle.dumps(media))
    tmp.replace(cache)
    return media


def pre_encode() -> tuple[list[bytes], list[bytes]]:
    """Two seconds of VP8 640x360 (a moving bar, keyframe first) and one second of Opus."""
    enc = av.CodecContext.create("libvpx", "w")
    enc.width, enc.height, enc.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    enc.time_base = fractions.Fraction(1, FPS)
    enc.bit_rate = 800_000
    enc.options = {"deadline": "realtime", "cpu-used": "8", "kf-max-dist": "600"}
    video: list[bytes] = []
    # camera-like content: a noisy band changes every frame, so VP8 spends its bit rate the
    # way it does on a real camera (several RTP packets per frame)
    for i in range(2 * FPS):
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        stride = frame.planes[0].line_size
        band = HEIGHT // 3
        noise = bytes(b >> 3 for b in os.urandom(stride * band))
        flat = bytes([60 + (i % 30)]) * (stride * (HEIGHT - band))
        frame.planes[0].update(flat + noise)
        for plane in frame.planes[1:]:
            plane.update(b"\x80" * plane.buffer_size)
        frame.pts = i
        video += [bytes(p) for p in enc.encode(frame)]
    video += [bytes(p) for p in enc.encode(None)]
    aenc = av.CodecContext.create("libopus", "w")
    aenc.sample_rate, aenc.layout, aenc.format = 48000, "stereo", "s16"
    aenc.time_base = fractions.Fraction(1, 48000)
    audio: list[bytes] = []
    for i in range(50):
        sound = av.AudioFrame(format="s16", layout="stereo", samples=960)
        pcm = b"".join(
            int(6000 * math.sin(2 * math.pi * 440 * (i * 960 + n) / 48000)).to_bytes(
                2, "little", signed=True
            )
            * 2
            for n in range(960)
        )
        sound.planes[0].update(pcm)
        sound.sample_rate, sound.pts = 48000, i * 960
        audio += [bytes(p) for p in aenc.encode(sound)]
    return video, audio


class PacketTrack(MediaStreamTrack):
    """Sends pre-encoded packets in real time; a keyframe request restarts the loop at frame 0."""

    def __init__(self, kind: str, packets: list[bytes]) -> None:
        super().__init__()
        self.kind = kind
        self.packets = packets
        self.rate = FPS if kind == "video" else 50
        self.step = (90000 if kind == "video" else 48000) // self.rate
        self.clock = 90000 if kind == "video" else 48000
        self.n = 0
        self.pos = 0
        self.start: float | None = None

    def keyframe(self) -> None:
        self.pos = 0

    async def recv(self) -> av.Packet:  # type: ignore[override]
        if self.start is None:
            self.start = time.monotonic()
        delay = self.start + self.n / self.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        packet = av.Packet(self.packets[self.pos % len(self.packets)])
        packet.pts = self.n * self.step
        packet.time_base = fractions.Fraction(1, self.clock)
        self.n += 1
        self.pos += 1
        return packet


async def participants(
    url: str, ids: list[str], everyone: int, kinds: list[str], window: float
) -> None:
    # like the server: loopback candidates only (nothing else is ours), large receive buffers
    network.configure_network(["127.0.0.1"], 4 * 1024 * 1024)
    video, audio = pre_encoded()
    counts: Counter[tuple[str, str, str]] = Counter()  # (subscriber, publisher, kind)
    sending: list[PacketTrack] = []
    pcs: dict[tuple[str, str], RTCPeerConnection] = {}
    answers: dict[tuple[str, str], asyncio.Future[str]] = {}
    async with ClientSession() as http, http.ws_connect(url, max_msg_size=0) as ws:

        async def reader() -> None:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    break
                data = json.loads(msg.data)
                key = (data["p"], data["kind"])
                if data["type"] == "answer":
                    answers[key].set_result(data["sdp"])
                else:
                    pc = pcs[key]
                    await pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
                    await pc.setLocalDescription(await pc.createAnswer())
                    await ws.send_json(
                        {
                            "type": "answer",
                            "p": data["p"],
                            "kind": data["kind"],
                            "sdp": pc.localDescription.sdp,
                        }
                    )

        read_task = asyncio.ensure_future(reader())
        for pid in ids:
            for kind in kinds:
                pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
                pcs[(pid, kind)] = pc

                def on_track(
                    track: MediaStreamTrack,
                    pid: str = pid,
                    kind: str = kind,
                    pc: RTCPeerConnection = pc,
                ) -> None:
                    for t in pc.getTransceivers():
                        if t.receiver.track is track:
                            src = passthrough.install_receiver(t.receiver, kind)
                            key = (pid, track.id, kind)

                            def count(packet: av.Packet, key: tuple[str, str, str] = key) -> None:
                                counts[key] += 1

                            src.add_sink(
                                "count",
                                count,
                            )

                pc.on("track", on_track)
                track = PacketTrack(kind, video if kind == "video" else audio)
                sending.append(track)
                t = pc.addTransceiver(track, direction="sendonly")
                passthrough.attach_sender(t.sender, track.keyframe)
                await pc.setLocalDescription(await pc.createOffer())
                answers[(pid, kind)] = asyncio.get_running_loop().create_future()
                await ws.send_json(
                    {"type": "connect", "p": pid, "kind": kind, "sdp": pc.localDescription.sdp}
                )
                answer = await answers[(pid, kind)]
                await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        # whole: every participant here receives every other participant's every kind
        wanted = {
            (s, f"p{n}", k) for s in ids for n in range(everyone) if f"p{n}" != s for k in kinds
        }
        t0 = time.monotonic()
        whole = False
        while time.monotonic() - t0 < 30:
            if all(counts[w] > FPS for w in wanted):
                whole = True
                break
            await asyncio.sleep(0.2)
        up = sum(1 for w in wanted if counts[w] > 0)
        print(
            json.dumps({"event": "up", "whole": whole, "tracks_up": up, "tracks": len(wanted)}),
            flush=True,
        )
        await asyncio.sleep(2)  # settle
        before = dict(counts)
        sent0 = [t.n for t in sending if t.kind == "video"]
        pk0 = await packets_sent(pcs)
        cpu0 = sum(os.times()[:2])
        start = time.monotonic()
        print(json.dumps({"event": "start"}), flush=True)
        await asyncio.sleep(window)
        span = time.monotonic() - start
        client_cpu = (sum(os.times()[:2]) - cpu0) / span
        pk1 = await packets_sent(pcs)
        rates = {w: (counts[w] - before.get(w, 0)) / span for w in wanted}
        video_rates = sorted(r for w, r in rates.items() if w[2] == "video")
        audio_rates = sorted(r for w, r in rates.items() if w[2] == "audio")
        print(
            json.dumps(
                {
                    "event": "done",
                    "whole": whole,
                    "tracks_up": up,
                    "tracks": len(wanted),
                    "video_fps_min": video_rates[0] if video_rates else None,
                    "video_fps_median": video_rates[len(video_rates) // 2] if video_rates else None,
                    "audio_pps_min": audio_rates[0] if audio_rates else None,
                    "client_cpu": client_cpu,
                    "video_pps_sent": [
                        round((pk1.get(k, 0) - v) / span) for k, v in sorted(pk0.items())
                    ],
                    "sent_fps": [
                        round((t.n - n0) / span, 1)
                        for t, n0 in zip(
                            [t for t in sending if t.kind == "video"], sent0, strict=True
                        )
                    ],
                    "video_rates": [round(r, 1) for r in video_rates],
                    "video_kbps": sum(len(v) for v in video) * 8 / 2 / 1000,
                }
            ),
            flush=True,
        )
        read_task.cancel()
        for pc in pcs.values():
            await pc.close()


# -- the orchestrator ---------------------------------------------------------------------------


async def packets_sent(pcs: dict[tuple[str, str], RTCPeerConnection]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (pid, kind), pc in pcs.items():
        if kind == "video":
            for sender in pc.getSenders():
                if isinstance(sender.track, PacketTrack):
                    with contextlib.suppress(Exception):  # a dead connection has no stats
                        for st in (await sender.getStats()).values():
                            if st.type == "outbound-rtp":
                                out[pid] = st.packetsSent
    return out
