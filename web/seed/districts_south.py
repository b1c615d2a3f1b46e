"""District-level courts of the 23 provinces under the High People's Court at
TP. Hồ Chí Minh.

Province -> district-level units, as they stood before the 2025 reorganisation.
"""

from __future__ import annotations

# fmt: off
DISTRICTS_SOUTH: dict[str, list[str]] = {
    "TP. Hồ Chí Minh": [
        "thành phố Thủ Đức", "quận 1", "quận 3", "quận 4", "quận 5", "quận 6",
        "quận 7", "quận 8", "quận 10", "quận 11", "quận 12", "quận Bình Tân",
        "quận Bình Thạnh", "quận Gò Vấp", "quận Phú Nhuận", "quận Tân Bình",
        "quận Tân Phú", "huyện Bình Chánh", "huyện Cần Giờ", "huyện Củ Chi",
        "huyện Hóc Môn", "huyện Nhà Bè",
    ],
    "Cần Thơ": [
        "quận Ninh Kiều", "quận Bình Thủy", "quận Cái Răng", "quận Ô Môn",
        "quận Thốt Nốt", "huyện Phong Điền", "huyện Cờ Đỏ", "huyện Thới Lai",
        "huyện Vĩnh Thạnh",
    ],
    "Đắk Nông": [
        "thành phố Gia Nghĩa", "huyện Đắk Glong", "huyện Cư Jút", "huyện Đắk Mil",
        "huyện Krông Nô", "huyện Đắk Song", "huyện Đắk R'lấp", "huyện Tuy Đức",
    ],
    "Lâm Đồng": [
        "thành phố Đà Lạt", "thành phố Bảo Lộc", "huyện Đam Rông", "huyện Lạc Dương",
        "huyện Lâm Hà", "huyện Đơn Dương", "huyện Đức Trọng", "huyện Di Linh",
        "huyện Bảo Lâm", "huyện Đạ Huoai", "huyện Đạ Tẻh", "huyện Cát Tiên",
    ],
    "Ninh Thuận": [
        "thành phố Phan Rang - Tháp Chàm", "huyện Bác Ái", "huyện Ninh Sơn",
        "huyện Ninh Hải", "huyện Ninh Phước", "huyện Thuận Bắc", "huyện Thuận Nam",
    ],
    "Bình Thuận": [
        "thành phố Phan Thiết", "thị xã La Gi", "huyện Tuy Phong", "huyện Bắc Bình",
        "huyện Hàm Thuận Bắc", "huyện Hàm Thuận Nam", "huyện Tánh Linh",
        "huyện Đức Linh", "huyện Hàm Tân", "huyện Phú Quý",
    ],
    "Bình Phước": [
        "thành phố Đồng Xoài", "thị xã Bình Long", "thị xã Phước Long",
        "thị xã Chơn Thành", "huyện Bù Gia Mập", "huyện Lộc Ninh", "huyện Bù Đốp",
        "huyện Hớn Quản", "huyện Đồng Phú", "huyện Bù Đăng", "huyện Phú Riềng",
    ],
    "Tây Ninh": [
        "thành phố Tây Ninh", "thị xã Hòa Thành", "thị xã Trảng Bàng", "huyện Tân Biên",
        "huyện Tân Châu", "huyện Dương Minh Châu", "huyện Châu Thành", "huyện Gò Dầu",
        "huyện Bến Cầu",
    ],
    "Bình Dương": [
        "thành phố Thủ Dầu Một", "thành phố Thuận An", "thành phố Dĩ An",
        "thành phố Tân Uyên", "thành phố Bến Cát", "huyện Bàu Bàng", "huyện Dầu Tiếng",
        "huyện Phú Giáo", "huyện Bắc Tân Uyên",
    ],
    "Đồng Nai": [
        "thành phố Biên Hòa", "thành phố Long Khánh", "huyện Tân Phú", "huyện Vĩnh Cửu",
        "huyện Định Quán", "huyện Trảng Bom", "huyện Thống Nhất", "huyện Cẩm Mỹ",
        "huyện Long Thành", "huyện Xuân Lộc", "huyện Nhơn Trạch",
    ],
    "Bà Rịa - Vũng Tàu": [
        "thành phố Vũng Tàu", "thành phố Bà Rịa", "thị xã Phú Mỹ", "huyện Châu Đức",
        "huyện Xuyên Mộc", "huyện Long Điền", "huyện Đất Đỏ", "huyện Côn Đảo",
    ],
    "Long An": [
        "thành phố Tân An", "thị xã Kiến Tường", "huyện Tân Hưng", "huyện Vĩnh Hưng",
        "huyện Mộc Hóa", "huyện Tân Thạnh", "huyện Thạnh Hóa", "huyện Đức Huệ",
        "huyện Đức Hòa", "huyện Bến Lức", "huyện Thủ Thừa", "huyện Tân Trụ",
        "huyện Cần Đước", "huyện Cần Giuộc", "huyện Châu Thành",
    ],
    "Tiền Giang": [
        "thành phố Mỹ Tho", "thành phố Gò Công", "thị xã Cai Lậy", "huyện Tân Phước",
        "huyện Cái Bè", "huyện Cai Lậy", "huyện Châu Thành", "huyện Chợ Gạo",
        "huyện Gò Công Tây", "huyện Gò Công Đông", "huyện Tân Phú Đông",
    ],
    "Bến Tre": [
        "thành phố Bến Tre", "huyện Châu Thành", "huyện Chợ Lách", "huyện Mỏ Cày Nam",
        "huyện Mỏ Cày Bắc", "huyện Giồng Trôm", "huyện Bình Đại", "huyện Ba Tri",
        "huyện Thạnh Phú",
    ],
    "Trà Vinh": [
        "thành phố Trà Vinh", "thị xã Duyên Hải", "huyện Càng Long", "huyện Cầu Kè",
        "huyện Tiểu Cần", "huyện Châu Thành", "huyện Cầu Ngang", "huyện Trà Cú",
        "huyện Duyên Hải",
    ],
    "Vĩnh Long": [
        "thành phố Vĩnh Long", "thị xã Bình Minh", "huyện Long Hồ", "huyện Mang Thít",
        "huyện Vũng Liêm", "huyện Tam Bình", "huyện Trà Ôn", "huyện Bình Tân",
    ],
    "Đồng Tháp": [
        "thành phố Cao Lãnh", "thành phố Sa Đéc", "thành phố Hồng Ngự",
        "huyện Tân Hồng", "huyện Hồng Ngự", "huyện Tam Nông", "huyện Tháp Mười",
        "huyện Cao Lãnh", "huyện Thanh Bình", "huyện Lấp Vò", "huyện Lai Vung",
        "huyện Châu Thành",
    ],
    "An Giang": [
        "thành phố Long Xuyên", "thành phố Châu Đốc", "thị xã Tân Châu",
        "thị xã Tịnh Biên", "huyện An Phú", "huyện Phú Tân", "huyện Châu Phú",
        "huyện Tri Tôn", "huyện Chợ Mới", "huyện Châu Thành", "huyện Thoại Sơn",
    ],
    "Kiên Giang": [
        "thành phố Rạch Giá", "thành phố Hà Tiên", "thành phố Phú Quốc",
        "huyện Kiên Lương", "huyện Hòn Đất", "huyện Tân Hiệp", "huyện Châu Thành",
        "huyện Giồng Riềng", "huyện Gò Quao", "huyện An Biên", "huyện An Minh",
        "huyện Vĩnh Thuận", "huyện U Minh Thượng", "huyện Giang Thành",
        "huyện Kiên Hải",
    ],
    "Hậu Giang": [
        "thành phố Vị Thanh", "thành phố Ngã Bảy", "thị xã Long Mỹ", "huyện Châu Thành A",
        "huyện Châu Thành", "huyện Phụng Hiệp", "huyện Vị Thủy", "huyện Long Mỹ",
    ],
    "Sóc Trăng": [
        "thành phố Sóc Trăng", "thị xã Vĩnh Châu", "thị xã Ngã Năm", "huyện Kế Sách",
        "huyện Mỹ Tú", "huyện Cù Lao Dung", "huyện Long Phú", "huyện Mỹ Xuyên",
        "huyện Thạnh Trị", "huyện Châu Thành", "huyện Trần Đề",
    ],
    "Bạc Liêu": [
        "thành phố Bạc Liêu", "thị xã Giá Rai", "huyện Hồng Dân", "huyện Phước Long",
        "huyện Vĩnh Lợi", "huyện Đông Hải", "huyện Hòa Bình",
    ],
    "Cà Mau": [
        "thành phố Cà Mau", "huyện U Minh", "huyện Thới Bình", "huyện Trần Văn Thời",
        "huyện Cái Nước", "huyện Đầm Dơi", "huyện Năm Căn", "huyện Phú Tân",
        "huyện Ngọc Hiển",
    ],
}
# fmt: on
