"""A printable notice for service by post: the text, and a QR code of the personal link.

DejaVu Sans shows Vietnamese diacritics (Debian: fonts-dejavu-core)."""

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


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        if not FONT_PATH.exists():
            raise RuntimeError(
                f"{FONT_PATH} is missing; install it with: apt-get install -y fonts-dejavu-core"
            )
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
    return FONT


def notice_pdf(text: str, join_url: str, *, title: str) -> bytes:
    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    y = height - 25 * mm
    pdf.setFont(font, 11)
    for line in text.splitlines():
        while len(line) > 95:  # a plain wrap; the templates keep lines short
            pdf.drawString(20 * mm, y, line[:95])
            line, y = line[95:], y - 6 * mm
        pdf.drawString(20 * mm, y, line)
        y -= 6 * mm
    image = qrcode.make(join_url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    buffer.seek(0)
    size = 45 * mm
    pdf.drawImage(ImageReader(buffer), width - 20 * mm - size, 20 * mm, size, size)
    pdf.setFont(font, 8)
    pdf.drawString(20 * mm, 22 * mm, "Quét mã QR để mở đường liên kết / scan to open the link")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
