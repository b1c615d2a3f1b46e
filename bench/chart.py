"""Draw the media benchmark's table as an SVG bar chart, for docs/benchmarks.md.

    python -m bench media > /tmp/media.txt     # or paste the table into docs/benchmarks.md
    python -m bench chart [table file] [svg]    # defaults: docs/benchmarks.md, docs/media-cpu.svg

Reads the rows `| passthrough | 3 | video | ... | 1.48 % | ...` (server, people, media, ...,
CPU per stream) and draws CPU per forwarded stream, pass-through beside MediaRelay, per
hearing size and media kind, with each bar's value and MediaRelay's fps when it fell behind.
Plain SVG text, no plotting library: the chart is part of the docs and must stay diffable.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(
    r"^\| (passthrough|relay) \| (\d+) \| (video|audio) \| [\d.]+ % \| \d+ \| ([\d.]+) % \|"
    r" (\d+)/(\d+) \| ([\d.]+|None) \|",
    re.M,
)
COLOURS = {"passthrough": "#1f6f3f", "relay": "#b3261e"}
LABELS = {"passthrough": "pass-through", "relay": "MediaRelay (decode + encode)"}


@dataclass(frozen=True)
class Bar:
    server: str
    people: int
    media: str
    pct_per_stream: float
    tracks_up: int
    tracks: int
    fps: float | None


def parse(text: str) -> list[Bar]:
    return [
        Bar(m[0], int(m[1]), m[2], float(m[3]), int(m[4]), int(m[5]), _fps(m[6]))
        for m in ROW.findall(text)
    ]


def _fps(value: str) -> float | None:
    return None if value == "None" else float(value)


def svg(bars: list[Bar]) -> str:
    groups = sorted({(b.media, b.people) for b in bars}, key=lambda g: (g[0] != "video", g[1]))
    top = max(b.pct_per_stream for b in bars) * 1.15
    width, height, left, plot_h = 860, 360, 60, 230
    group_w = (width - left - 20) / len(groups)
    bar_w = group_w * 0.34
    y = lambda pct: 20 + plot_h - pct / top * plot_h  # noqa: E731
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12"'
        ' role="img" aria-labelledby="t">',
        '<title id="t">Media server CPU per forwarded stream, pass-through against'
        " MediaRelay</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    for tick in range(0, int(top) + 1, 2):
        out.append(
            f'<line x1="{left}" x2="{width - 20}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"'
            ' stroke="#e3e6ea"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick} %</text>'
        )
    for i, (media, people) in enumerate(groups):
        x0 = left + i * group_w + group_w * 0.15
        for j, server in enumerate(("passthrough", "relay")):
            bar = next(
                (b for b in bars if (b.server, b.media, b.people) == (server, media, people)), None
            )
            if bar is None:
                continue
            x = x0 + j * (bar_w + 4)
            note = f"{bar.pct_per_stream:g} %"
            if bar.tracks_up < bar.tracks or (bar.fps is not None and bar.fps < 28.5):
                note += "*"
            out.append(
                f'<rect x="{x:.1f}" y="{y(bar.pct_per_stream):.1f}" width="{bar_w:.1f}"'
                f' height="{y(0) - y(bar.pct_per_stream):.1f}" fill="{COLOURS[server]}"/>'
                f'<text x="{x + bar_w / 2:.1f}" y="{y(bar.pct_per_stream) - 4:.1f}"'
                f' text-anchor="middle" font-size="11">{escape(note)}</text>'
            )
        out.append(
            f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{20 + plot_h + 18}"'
            f' text-anchor="middle">{people} people, {media}</text>'
        )
    legend_y = height - 50
    for k, server in enumerate(("passthrough", "relay")):
        lx = left + k * 240
        out.append(
            f'<rect x="{lx}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[server]}"/>'
            f'<text x="{lx + 18}" y="{legend_y}">{escape(LABELS[server])}</text>'
        )
    out.append(
        f'<text x="{left}" y="{height - 26}" fill="#555">Share of one core per forwarded'
        " stream (server process time over the forwarded streams).</text>"
        f'<text x="{left}" y="{height - 10}" fill="#555">* fell behind (tracks missing or'
        " under 28.5 fps): the figure understates what it would need.</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    source = Path(args[0]) if args else ROOT / "docs" / "benchmarks.md"
    target = Path(args[1]) if len(args) > 1 else ROOT / "docs" / "media-cpu.svg"
    bars = parse(source.read_text(encoding="utf-8"))
    if not bars:
        print(f"no media benchmark rows in {source}", file=sys.stderr)
        return 1
    target.write_text(svg(bars), encoding="utf-8")
    print(f"{len(bars)} bars drawn to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
