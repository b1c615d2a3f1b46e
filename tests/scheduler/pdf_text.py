"""What a printed page shows, read back from the PDF by pdfminer.six (which places each glyph
from the font's own widths): the text lines with their horizontal extent."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

MARGIN = 20 * 72 / 25.4  # the printed notice's side margins, 20 mm, in points


@dataclass(frozen=True)
class PrintedLine:
    page: int
    text: str
    x0: float
    x1: float
    page_width: float


def printed_lines(pdf: bytes) -> list[PrintedLine]:
    lines = []
    # a small line margin keeps each drawn line its own line
    params = LAParams(line_margin=0.1, char_margin=1.0)
    for number, page in enumerate(extract_pages(io.BytesIO(pdf), laparams=params), start=1):
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                if isinstance(line, LTTextLine):
                    lines.append(
                        PrintedLine(
                            number, line.get_text().rstrip("\n"), line.x0, line.x1, page.width
                        )
                    )
    return lines


def printed_text(pdf: bytes) -> str:
    """Every line's text, top to bottom, joined without separators (a link broken over two
    lines reads whole again)."""
    return "".join(line.text.strip() for line in printed_lines(pdf))
