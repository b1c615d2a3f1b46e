"""The benchmark chart draws what the media table says, and says so when there is no table."""

from __future__ import annotations

from pathlib import Path

from bench.chart import main, parse

TABLE = """
| passthrough | 3 | video | 8.9 % | 6 | 1.48 % | 6/6 | 30.0 | 0.9 % | 0 | 0.9 |
| relay | 3 | video | 68.3 % | 6 | 11.39 % | 6/6 | 30.0 | 5.2 % | 0 | 0.7 |
| relay | 10 | audio | 36.2 % | 90 | 0.4 % | 54/90 | None | 5.8 % | 0 | 3.7 |
"""


def test_each_row_becomes_a_bar_with_its_numbers(tmp_path: Path) -> None:
    bars = parse(TABLE)
    assert [(b.server, b.people, b.media, b.pct_per_stream) for b in bars] == [
        ("passthrough", 3, "video", 1.48),
        ("relay", 3, "video", 11.39),
        ("relay", 10, "audio", 0.4),
    ]
    source, target = tmp_path / "b.md", tmp_path / "c.svg"
    source.write_text(TABLE)
    assert main([str(source), str(target)]) == 0
    drawn = target.read_text()
    assert drawn.count("<rect x=") == 3 + 2  # three bars and two legend keys
    assert ">0.4 %*<" in drawn  # MediaRelay fell behind there: starred
    assert ">1.48 %<" in drawn


def test_no_table_is_an_error_not_an_empty_chart(tmp_path: Path) -> None:
    source = tmp_path / "empty.md"
    source.write_text("# nothing measured yet\n")
    assert main([str(source), str(tmp_path / "c.svg")]) == 1
    assert not (tmp_path / "c.svg").exists()
