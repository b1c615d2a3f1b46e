"""The printable notice (service by post) read back from its PDF: every line, the personal
link included, stays inside the page, and the link reads whole when its pieces are joined."""

from __future__ import annotations

from datetime import UTC, datetime

from conference.domain.hearings import Role
from conference.domain.links import JoinClaims, sign_join_token
from scheduler.notice_pdf import notice_pdf
from tests.scheduler.pdf_text import MARGIN, printed_lines, printed_text

TOLERANCE = 1.0  # points: glyph side bearings


def a_link() -> str:
    claims = JoinClaims(
        hearing_id="5f0c8a2e9b7d4c1fa3e6b8d2c4f7a901",
        participant_id="9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
        role=Role.INTERPRETER,
        link_version=12,
        expires_at=datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
    )
    token = sign_join_token(claims, b"a signing secret")
    return f"https://phientoa-truc-tuyen.toaan.gov.vn/vcourt/join/{token}"


def summons(link: str, extra_lines: int = 0) -> str:
    lines = [
        "Tòa án nhân dân thành phố Hà Nội",
        "GIẤY TRIỆU TẬP (SỬA ĐỔI, LẦN 3)",
        "",
        "Kính gửi: Nguyễn Thị Phương Thảo (Người phiên dịch)",
        "",
        "Tòa án triệu tập Ông/Bà tham gia phiên tòa trực tuyến:",
        "  Vụ án: 125/2026/TLST-KDTM — Tranh chấp hợp đồng mua bán hàng hóa quốc tế giữa Công ty"
        " TNHH Thương mại và Dịch vụ Hoàng Long và Công ty Cổ phần Xuất nhập khẩu Minh Phát",
        "  Thời gian: 08 giờ 30, ngày 23/11/2026 (giờ Việt Nam), dự kiến 180 phút",
        *[f"Dòng ghi chú số {i}: nội dung thông báo của Tòa án." for i in range(extra_lines)],
        "Cách tham gia: mở đường liên kết cá nhân dưới đây bằng trình duyệt.",
        f"  Đường liên kết: {link}",
        "  Mã PIN: 493027",
    ]
    return "\n".join(lines)


def test_the_printed_link_wraps_inside_the_page_and_reads_whole() -> None:
    link = a_link()
    assert len(link) > 150
    pdf = notice_pdf(summons(link), link, title="GIẤY TRIỆU TẬP")
    lines = printed_lines(pdf)
    assert lines
    outside = [
        (line.text, round(line.x0), round(line.x1))
        for line in lines
        if line.x0 < MARGIN - TOLERANCE or line.x1 > line.page_width - MARGIN + TOLERANCE
    ]
    assert outside == []
    assert link in printed_text(pdf)
    assert "Mã PIN: 493027" in printed_text(pdf)


def test_a_long_notice_continues_on_a_second_page() -> None:
    link = a_link()
    pdf = notice_pdf(summons(link, extra_lines=30), link, title="GIẤY TRIỆU TẬP")
    lines = printed_lines(pdf)
    assert {line.page for line in lines} == {1, 2}
    assert link in printed_text(pdf) and "Dòng ghi chú số 29" in printed_text(pdf)
