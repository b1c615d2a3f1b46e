"""District-level courts of the 12 provinces under the High People's Court at Đà Nẵng.

Province -> district-level units, as they stood before the 2025 reorganisation. Island
districts without a court of their own (Hoàng Sa, Trường Sa, Cồn Cỏ) are left out.
"""

from __future__ import annotations

# fmt: off
DISTRICTS_CENTRAL: dict[str, list[str]] = {
    "Quảng Bình": [
        "thành phố Đồng Hới", "thị xã Ba Đồn", "huyện Minh Hóa", "huyện Tuyên Hóa",
        "huyện Quảng Trạch", "huyện Bố Trạch", "huyện Quảng Ninh", "huyện Lệ Thủy",
    ],
    "Quảng Trị": [
        "thành phố Đông Hà", "thị xã Quảng Trị", "huyện Vĩnh Linh", "huyện Hướng Hóa",
        "huyện Gio Linh", "huyện Đakrông", "huyện Cam Lộ", "huyện Triệu Phong",
        "huyện Hải Lăng",
    ],
    "Thừa Thiên Huế": [
        "thành phố Huế", "thị xã Hương Thủy", "thị xã Hương Trà", "huyện Phong Điền",
        "huyện Quảng Điền", "huyện Phú Vang", "huyện Phú Lộc", "huyện A Lưới",
        "huyện Nam Đông",
    ],
    "Đà Nẵng": [
        "quận Hải Châu", "quận Thanh Khê", "quận Sơn Trà", "quận Ngũ Hành Sơn",
        "quận Liên Chiểu", "quận Cẩm Lệ", "huyện Hòa Vang",
    ],
    "Quảng Nam": [
        "thành phố Tam Kỳ", "thành phố Hội An", "thị xã Điện Bàn", "huyện Tây Giang",
        "huyện Đông Giang", "huyện Đại Lộc", "huyện Duy Xuyên", "huyện Quế Sơn",
        "huyện Nam Giang", "huyện Phước Sơn", "huyện Hiệp Đức", "huyện Thăng Bình",
        "huyện Tiên Phước", "huyện Bắc Trà My", "huyện Nam Trà My", "huyện Núi Thành",
        "huyện Phú Ninh", "huyện Nông Sơn",
    ],
    "Quảng Ngãi": [
        "thành phố Quảng Ngãi", "thị xã Đức Phổ", "huyện Bình Sơn", "huyện Trà Bồng",
        "huyện Sơn Tịnh", "huyện Tư Nghĩa", "huyện Sơn Hà", "huyện Sơn Tây",
        "huyện Minh Long", "huyện Nghĩa Hành", "huyện Mộ Đức", "huyện Ba Tơ",
        "huyện Lý Sơn",
    ],
    "Bình Định": [
        "thành phố Quy Nhơn", "thị xã An Nhơn", "thị xã Hoài Nhơn", "huyện An Lão",
        "huyện Hoài Ân", "huyện Phù Mỹ", "huyện Vĩnh Thạnh", "huyện Tây Sơn",
        "huyện Phù Cát", "huyện Tuy Phước", "huyện Vân Canh",
    ],
    "Phú Yên": [
        "thành phố Tuy Hòa", "thị xã Sông Cầu", "thị xã Đông Hòa", "huyện Đồng Xuân",
        "huyện Tuy An", "huyện Sơn Hòa", "huyện Sông Hinh", "huyện Tây Hòa",
        "huyện Phú Hòa",
    ],
    "Khánh Hòa": [
        "thành phố Nha Trang", "thành phố Cam Ranh", "thị xã Ninh Hòa", "huyện Cam Lâm",
        "huyện Vạn Ninh", "huyện Khánh Vĩnh", "huyện Diên Khánh", "huyện Khánh Sơn",
    ],
    "Kon Tum": [
        "thành phố Kon Tum", "huyện Đắk Glei", "huyện Ngọc Hồi", "huyện Đắk Tô",
        "huyện Kon Plông", "huyện Kon Rẫy", "huyện Đắk Hà", "huyện Sa Thầy",
        "huyện Tu Mơ Rông", "huyện Ia H'Drai",
    ],
    "Gia Lai": [
        "thành phố Pleiku", "thị xã An Khê", "thị xã Ayun Pa", "huyện KBang",
        "huyện Đak Đoa", "huyện Chư Păh", "huyện Ia Grai", "huyện Mang Yang",
        "huyện Kông Chro", "huyện Đức Cơ", "huyện Chư Prông", "huyện Chư Sê",
        "huyện Đak Pơ", "huyện Ia Pa", "huyện Krông Pa", "huyện Phú Thiện",
        "huyện Chư Pưh",
    ],
    "Đắk Lắk": [
        "thành phố Buôn Ma Thuột", "thị xã Buôn Hồ", "huyện Ea H'leo", "huyện Ea Súp",
        "huyện Buôn Đôn", "huyện Cư M'gar", "huyện Krông Búk", "huyện Krông Năng",
        "huyện Ea Kar", "huyện M'Đrắk", "huyện Krông Bông", "huyện Krông Pắc",
        "huyện Krông A Na", "huyện Lắk", "huyện Cư Kuin",
    ],
}
# fmt: on
