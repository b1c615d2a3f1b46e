"""A printable notice for service by post: the text, and a QR code of the personal link.

Lines are wrapped to the measured width of the page's text column (a link, which has no
spaces, is broken where it reaches the margin; it is unchanged when the pieces are joined), and
continue on a new page when the page is full. DejaVu Sans shows Vietnamese diacritics (Debian:
fonts-dejavu-core)."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT = "DejaVuSans"
SIZE = 11
LEADING = 6 * mm
MARGIN = 20 * mm
QR_SIZE = 45 * mm
SCAN_HINT = "Quét mã QR để mở đường liên kết / scan to open the link"
COURT_COPY = (
    "Bản lưu của Tòa án: đường liên kết và mã PIN chỉ có trong bản gửi người nhận"
    " / Court's copy: the link and the PIN are only in the copy sent to the addressee"
)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        if not FONT_PATH.exists():
            raise RuntimeError(
                f"{FONT_PATH} is missing; install it with: apt-get install -y fonts-dejavu-core"
            )
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
    return FONT


def wrap(line: str, width: float, font: str = FONT, size: float = SIZE) -> list[str]:
    """`line` in pieces no wider than `width` points: broken at spaces where it can, inside a
    word (a link) where it must; continuation pieces keep the line's indentation."""

    def fits(s: str) -> bool:
        return pdfmetrics.stringWidth(s, font, size) <= width

    if fits(line):
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    pieces: list[str] = []
    current = indent
    for word in line.lstrip(" ").split(" "):
        candidate = f"{current} {word}" if current.strip() else current + word
        if fits(candidate):
            current = candidate
            continue
        if current.strip():
            pieces.append(current)
            current = indent
        while not fits(current + word):  # a word longer than the line: cut it at the margin
            cut = len(word)
            while cut > 1 and not fits(current + word[:cut]):
                cut -= 1
            pieces.append(current + word[:cut])
            word = word[cut:]
        current += word
    if current.strip():
        pieces.append(current)
    return pieces


def notice_pdf(text: str, join_url: str | None, *, title: str) -> bytes:
    """The notice on A4; with `join_url`, a QR code of it under the text (the addressee's
    copy), without, a line saying it is the court's copy."""
    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    column = width - 2 * MARGIN
    bottom = MARGIN + QR_SIZE + 2 * mm  # the QR code and its hint sit below the text
    y = height - 25 * mm
    pdf.setFont(font, SIZE)
    for line in text.splitlines():
        for piece in wrap(line, column, font, SIZE):
            if y < bottom:
                pdf.showPage()
                pdf.setFont(font, SIZE)
                y = height - 25 * mm
            pdf.drawString(MARGIN, y, piece)
            y -= LEADING
    pdf.setFont(font, 8)
    if join_url:
        image = qrcode.make(join_url, box_size=6, border=2)
        buffer = io.BytesIO()
        image.save(buffer)
        buffer.seek(0)
        pdf.drawImage(ImageReader(buffer), width - MARGIN - QR_SIZE, MARGIN, QR_SIZE, QR_SIZE)
        pdf.drawString(MARGIN, MARGIN + 2 * mm, SCAN_HINT)
    else:
        for i, piece in enumerate(wrap(COURT_COPY, column, font, 8)):
            pdf.drawString(MARGIN, MARGIN + 2 * mm - i * 4 * mm, piece)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
