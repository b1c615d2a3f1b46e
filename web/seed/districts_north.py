"""District-level courts of the 28 provinces under the High People's Court at Hà Nội.

Province (as in `PROVINCES`) -> district-level units (quận, huyện, thị xã, thành phố
thuộc tỉnh), each with its type, as they stood before the 2025 reorganisation. Island
districts without a court of their own (Bạch Long Vĩ) are left out.
"""

from __future__ import annotations

# fmt: off
DISTRICTS_NORTH: dict[str, list[str]] = {
    "Hà Nội": [
        "quận Ba Đình", "quận Hoàn Kiếm", "quận Tây Hồ", "quận Long Biên",
        "quận Cầu Giấy", "quận Đống Đa", "quận Hai Bà Trưng", "quận Hoàng Mai",
        "quận Thanh Xuân", "quận Nam Từ Liêm", "quận Bắc Từ Liêm", "quận Hà Đông",
        "thị xã Sơn Tây", "huyện Ba Vì", "huyện Chương Mỹ", "huyện Đan Phượng",
        "huyện Đông Anh", "huyện Gia Lâm", "huyện Hoài Đức", "huyện Mê Linh",
        "huyện Mỹ Đức", "huyện Phú Xuyên", "huyện Phúc Thọ", "huyện Quốc Oai",
        "huyện Sóc Sơn", "huyện Thạch Thất", "huyện Thanh Oai", "huyện Thanh Trì",
        "huyện Thường Tín", "huyện Ứng Hòa",
    ],
    "Hải Phòng": [
        "quận Hồng Bàng", "quận Ngô Quyền", "quận Lê Chân", "quận Hải An",
        "quận Kiến An", "quận Đồ Sơn", "quận Dương Kinh", "huyện Thủy Nguyên",
        "huyện An Dương", "huyện An Lão", "huyện Kiến Thụy", "huyện Tiên Lãng",
        "huyện Vĩnh Bảo", "huyện Cát Hải",
    ],
    "Hà Giang": [
        "thành phố Hà Giang", "huyện Đồng Văn", "huyện Mèo Vạc", "huyện Yên Minh",
        "huyện Quản Bạ", "huyện Bắc Mê", "huyện Bắc Quang", "huyện Quang Bình",
        "huyện Vị Xuyên", "huyện Hoàng Su Phì", "huyện Xín Mần",
    ],
    "Cao Bằng": [
        "thành phố Cao Bằng", "huyện Bảo Lâm", "huyện Bảo Lạc", "huyện Hà Quảng",
        "huyện Trùng Khánh", "huyện Hạ Lang", "huyện Quảng Hòa", "huyện Hòa An",
        "huyện Nguyên Bình", "huyện Thạch An",
    ],
    "Bắc Kạn": [
        "thành phố Bắc Kạn", "huyện Pác Nặm", "huyện Ba Bể", "huyện Ngân Sơn",
        "huyện Bạch Thông", "huyện Chợ Đồn", "huyện Chợ Mới", "huyện Na Rì",
    ],
    "Tuyên Quang": [
        "thành phố Tuyên Quang", "huyện Lâm Bình", "huyện Na Hang", "huyện Chiêm Hóa",
        "huyện Hàm Yên", "huyện Yên Sơn", "huyện Sơn Dương",
    ],
    "Lào Cai": [
        "thành phố Lào Cai", "thị xã Sa Pa", "huyện Bát Xát", "huyện Mường Khương",
        "huyện Si Ma Cai", "huyện Bắc Hà", "huyện Bảo Thắng", "huyện Bảo Yên",
        "huyện Văn Bàn",
    ],
    "Điện Biên": [
        "thành phố Điện Biên Phủ", "thị xã Mường Lay", "huyện Mường Nhé",
        "huyện Mường Chà", "huyện Tủa Chùa", "huyện Tuần Giáo", "huyện Điện Biên",
        "huyện Điện Biên Đông", "huyện Mường Ảng", "huyện Nậm Pồ",
    ],
    "Lai Châu": [
        "thành phố Lai Châu", "huyện Tam Đường", "huyện Mường Tè", "huyện Sìn Hồ",
        "huyện Phong Thổ", "huyện Than Uyên", "huyện Tân Uyên", "huyện Nậm Nhùn",
    ],
    "Sơn La": [
        "thành phố Sơn La", "huyện Quỳnh Nhai", "huyện Thuận Châu", "huyện Mường La",
        "huyện Bắc Yên", "huyện Phù Yên", "huyện Mộc Châu", "huyện Yên Châu",
        "huyện Mai Sơn", "huyện Sông Mã", "huyện Sốp Cộp", "huyện Vân Hồ",
    ],
    "Yên Bái": [
        "thành phố Yên Bái", "thị xã Nghĩa Lộ", "huyện Lục Yên", "huyện Văn Yên",
        "huyện Mù Cang Chải", "huyện Trấn Yên", "huyện Trạm Tấu", "huyện Văn Chấn",
        "huyện Yên Bình",
    ],
    "Hòa Bình": [
        "thành phố Hòa Bình", "huyện Đà Bắc", "huyện Lương Sơn", "huyện Kim Bôi",
        "huyện Cao Phong", "huyện Tân Lạc", "huyện Mai Châu", "huyện Lạc Sơn",
        "huyện Yên Thủy", "huyện Lạc Thủy",
    ],
    "Thái Nguyên": [
        "thành phố Thái Nguyên", "thành phố Sông Công", "thành phố Phổ Yên",
        "huyện Định Hóa", "huyện Phú Lương", "huyện Đồng Hỷ", "huyện Võ Nhai",
        "huyện Đại Từ", "huyện Phú Bình",
    ],
    "Lạng Sơn": [
        "thành phố Lạng Sơn", "huyện Tràng Định", "huyện Bình Gia", "huyện Văn Lãng",
        "huyện Cao Lộc", "huyện Văn Quan", "huyện Bắc Sơn", "huyện Hữu Lũng",
        "huyện Chi Lăng", "huyện Lộc Bình", "huyện Đình Lập",
    ],
    "Quảng Ninh": [
        "thành phố Hạ Long", "thành phố Móng Cái", "thành phố Cẩm Phả",
        "thành phố Uông Bí", "thị xã Đông Triều", "thị xã Quảng Yên",
        "huyện Bình Liêu", "huyện Tiên Yên", "huyện Đầm Hà", "huyện Hải Hà",
        "huyện Ba Chẽ", "huyện Vân Đồn", "huyện Cô Tô",
    ],
    "Bắc Giang": [
        "thành phố Bắc Giang", "thị xã Việt Yên", "huyện Yên Thế", "huyện Tân Yên",
        "huyện Lạng Giang", "huyện Lục Nam", "huyện Lục Ngạn", "huyện Sơn Động",
        "huyện Yên Dũng", "huyện Hiệp Hòa",
    ],
    "Phú Thọ": [
        "thành phố Việt Trì", "thị xã Phú Thọ", "huyện Đoan Hùng", "huyện Hạ Hòa",
        "huyện Thanh Ba", "huyện Phù Ninh", "huyện Yên Lập", "huyện Cẩm Khê",
        "huyện Tam Nông", "huyện Lâm Thao", "huyện Thanh Sơn", "huyện Thanh Thủy",
        "huyện Tân Sơn",
    ],
    "Vĩnh Phúc": [
        "thành phố Vĩnh Yên", "thành phố Phúc Yên", "huyện Lập Thạch", "huyện Tam Dương",
        "huyện Tam Đảo", "huyện Bình Xuyên", "huyện Yên Lạc", "huyện Vĩnh Tường",
        "huyện Sông Lô",
    ],
    "Bắc Ninh": [
        "thành phố Bắc Ninh", "thành phố Từ Sơn", "thị xã Quế Võ", "thị xã Thuận Thành",
        "huyện Yên Phong", "huyện Tiên Du", "huyện Gia Bình", "huyện Lương Tài",
    ],
    "Hải Dương": [
        "thành phố Hải Dương", "thành phố Chí Linh", "thị xã Kinh Môn", "huyện Nam Sách",
        "huyện Kim Thành", "huyện Thanh Hà", "huyện Cẩm Giàng", "huyện Bình Giang",
        "huyện Gia Lộc", "huyện Tứ Kỳ", "huyện Ninh Giang", "huyện Thanh Miện",
    ],
    "Hưng Yên": [
        "thành phố Hưng Yên", "thị xã Mỹ Hào", "huyện Văn Lâm", "huyện Văn Giang",
        "huyện Yên Mỹ", "huyện Ân Thi", "huyện Khoái Châu", "huyện Kim Động",
        "huyện Tiên Lữ", "huyện Phù Cừ",
    ],
    "Thái Bình": [
        "thành phố Thái Bình", "huyện Quỳnh Phụ", "huyện Hưng Hà", "huyện Đông Hưng",
        "huyện Thái Thụy", "huyện Tiền Hải", "huyện Kiến Xương", "huyện Vũ Thư",
    ],
    "Hà Nam": [
        "thành phố Phủ Lý", "thị xã Duy Tiên", "huyện Kim Bảng", "huyện Thanh Liêm",
        "huyện Bình Lục", "huyện Lý Nhân",
    ],
    "Nam Định": [
        "thành phố Nam Định", "huyện Mỹ Lộc", "huyện Vụ Bản", "huyện Ý Yên",
        "huyện Nghĩa Hưng", "huyện Nam Trực", "huyện Trực Ninh", "huyện Xuân Trường",
        "huyện Giao Thủy", "huyện Hải Hậu",
    ],
    "Ninh Bình": [
        "thành phố Ninh Bình", "thành phố Tam Điệp", "huyện Nho Quan", "huyện Gia Viễn",
        "huyện Hoa Lư", "huyện Yên Khánh", "huyện Kim Sơn", "huyện Yên Mô",
    ],
    "Thanh Hóa": [
        "thành phố Thanh Hóa", "thành phố Sầm Sơn", "thị xã Bỉm Sơn", "thị xã Nghi Sơn",
        "huyện Mường Lát", "huyện Quan Hóa", "huyện Bá Thước", "huyện Quan Sơn",
        "huyện Lang Chánh", "huyện Ngọc Lặc", "huyện Cẩm Thủy", "huyện Thạch Thành",
        "huyện Hà Trung", "huyện Vĩnh Lộc", "huyện Yên Định", "huyện Thọ Xuân",
        "huyện Thường Xuân", "huyện Triệu Sơn", "huyện Thiệu Hóa", "huyện Hoằng Hóa",
        "huyện Hậu Lộc", "huyện Nga Sơn", "huyện Như Xuân", "huyện Như Thanh",
        "huyện Nông Cống", "huyện Đông Sơn", "huyện Quảng Xương",
    ],
    "Nghệ An": [
        "thành phố Vinh", "thị xã Cửa Lò", "thị xã Thái Hòa", "thị xã Hoàng Mai",
        "huyện Quế Phong", "huyện Quỳ Châu", "huyện Kỳ Sơn", "huyện Tương Dương",
        "huyện Nghĩa Đàn", "huyện Quỳ Hợp", "huyện Quỳnh Lưu", "huyện Con Cuông",
        "huyện Tân Kỳ", "huyện Anh Sơn", "huyện Diễn Châu", "huyện Yên Thành",
        "huyện Đô Lương", "huyện Thanh Chương", "huyện Nghi Lộc", "huyện Nam Đàn",
        "huyện Hưng Nguyên",
    ],
    "Hà Tĩnh": [
        "thành phố Hà Tĩnh", "thị xã Hồng Lĩnh", "thị xã Kỳ Anh", "huyện Hương Sơn",
        "huyện Đức Thọ", "huyện Vũ Quang", "huyện Nghi Xuân", "huyện Can Lộc",
        "huyện Hương Khê", "huyện Thạch Hà", "huyện Cẩm Xuyên", "huyện Kỳ Anh",
        "huyện Lộc Hà",
    ],
}
# fmt: on
