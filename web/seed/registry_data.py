"""The demo court registry: the Supreme People's Court, the three High People's Courts,
the 63 provincial courts and about 700 district courts, with their video endpoints.

Pure data and pure functions, no I/O. Everything here is deterministic: the same call
returns the same courts and endpoints, in the same order, on every run and machine
(variation comes from `zlib.crc32` of the code, never from `random` or `hash`).

Territorial jurisdiction of the High Courts follows Nghị quyết 957/NQ-UBTVQH13 (2015):
Hà Nội 28 provinces (Hà Tĩnh and north), Đà Nẵng 12 (Quảng Bình to Khánh Hòa plus
Kon Tum, Gia Lai, Đắk Lắk), TP. Hồ Chí Minh 23 (the rest of the south, including
Đắk Nông, Lâm Đồng, Ninh Thuận and Bình Thuận). Provinces and districts are those in
force before the 2025 reorganisation.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass

from conference.domain.courts import (
    Capabilities,
    Court,
    CourtLevel,
    Endpoint,
    EndpointKind,
    validate_code,
)
from web.seed.districts_central import DISTRICTS_CENTRAL
from web.seed.districts_north import DISTRICTS_NORTH
from web.seed.districts_south import DISTRICTS_SOUTH

COURT_PREFIX = "Tòa án nhân dân"

SUPREME_CODE = "TANDTC"
SUPREME_NAME = f"{COURT_PREFIX} tối cao"
SUPREME_PROVINCE = "Hà Nội"

HIGH_HN = "TANDCC-HN"
HIGH_DN = "TANDCC-DN"
HIGH_HCM = "TANDCC-HCM"


@dataclass(frozen=True)
class HighCourt:
    code: str
    seat: str  # as written in the court's name
    province: str  # as written in `Court.province`

    @property
    def name(self) -> str:
        return f"{COURT_PREFIX} cấp cao tại {self.seat}"


HIGH_COURTS: tuple[HighCourt, ...] = (
    HighCourt(HIGH_HN, "Hà Nội", "Hà Nội"),
    HighCourt(HIGH_DN, "Đà Nẵng", "Đà Nẵng"),
    HighCourt(HIGH_HCM, "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"),
)


@dataclass(frozen=True)
class Province:
    code: str  # short ASCII code; the provincial court is `TAND-<code>`
    name: str  # as written in `Court.province`
    unit: str  # "tỉnh" or "thành phố" (centrally-run city)
    high_court: str
    official: str = ""  # the name after the unit word, when it differs from `name`

    @property
    def full_name(self) -> str:
        return f"{self.unit} {self.official or self.name}"

    @property
    def court_code(self) -> str:
        return f"TAND-{self.code}"

    @property
    def court_name(self) -> str:
        return f"{COURT_PREFIX} {self.full_name}"

    @property
    def is_city(self) -> bool:
        return self.unit == "thành phố"


def _provinces(high_court: str, unit: str, pairs: str) -> list[Province]:
    out = []
    for item in pairs.split(","):
        code, name = item.strip().split(" ", 1)
        out.append(Province(code, name, unit, high_court))
    return out


PROVINCES: tuple[Province, ...] = (
    # High People's Court at Hà Nội: 28.
    *_provinces(HIGH_HN, "thành phố", "HN Hà Nội, HP Hải Phòng"),
    *_provinces(
        HIGH_HN,
        "tỉnh",
        "HG Hà Giang, CB Cao Bằng, BK Bắc Kạn, TQ Tuyên Quang, LCA Lào Cai,"
        " DB Điện Biên, LCH Lai Châu, SL Sơn La, YB Yên Bái, HB Hòa Bình,"
        " TN Thái Nguyên, LS Lạng Sơn, QNI Quảng Ninh, BG Bắc Giang, PT Phú Thọ,"
        " VP Vĩnh Phúc, BN Bắc Ninh, HD Hải Dương, HY Hưng Yên, TB Thái Bình,"
        " HNA Hà Nam, ND Nam Định, NB Ninh Bình, TH Thanh Hóa, NA Nghệ An, HT Hà Tĩnh",
    ),
    # High People's Court at Đà Nẵng: 12.
    *_provinces(HIGH_DN, "tỉnh", "QB Quảng Bình, QT Quảng Trị, TTH Thừa Thiên Huế"),
    *_provinces(HIGH_DN, "thành phố", "DNG Đà Nẵng"),
    *_provinces(
        HIGH_DN,
        "tỉnh",
        "QNA Quảng Nam, QNG Quảng Ngãi, BDI Bình Định, PY Phú Yên, KH Khánh Hòa,"
        " KT Kon Tum, GL Gia Lai, DLK Đắk Lắk",
    ),
    # High People's Court at TP. Hồ Chí Minh: 23.
    Province("HCM", "TP. Hồ Chí Minh", "thành phố", HIGH_HCM, official="Hồ Chí Minh"),
    *_provinces(HIGH_HCM, "thành phố", "CT Cần Thơ"),
    *_provinces(
        HIGH_HCM,
        "tỉnh",
        "DNO Đắk Nông, LD Lâm Đồng, NT Ninh Thuận, BTH Bình Thuận, BP Bình Phước,"
        " TNI Tây Ninh, BD Bình Dương, DNA Đồng Nai, BRVT Bà Rịa - Vũng Tàu,"
        " LA Long An, TG Tiền Giang, BTR Bến Tre, TV Trà Vinh, VL Vĩnh Long,"
        " DT Đồng Tháp, AG An Giang, KG Kiên Giang, HAG Hậu Giang, ST Sóc Trăng,"
        " BL Bạc Liêu, CM Cà Mau",
    ),
)

DISTRICTS: dict[str, list[str]] = {**DISTRICTS_NORTH, **DISTRICTS_CENTRAL, **DISTRICTS_SOUTH}

# Unit words of district-level units, with the letters used to tell apart two units of
# the same name in one province (e.g. thị xã Kỳ Anh and huyện Kỳ Anh, both in Hà Tĩnh).
DISTRICT_UNITS: dict[str, str] = {"thành phố": "TP", "thị xã": "TX", "quận": "Q", "huyện": "H"}

# Detention facilities with a video endpoint, by province code; one per province unless
# listed here.
DETENTION_SITES: dict[str, tuple[str, ...]] = {
    "HN": (
        "Trại tạm giam số 1 Công an thành phố Hà Nội",
        "Trại tạm giam số 2 Công an thành phố Hà Nội",
    ),
    "HCM": ("Trại tạm giam Chí Hòa, Công an Thành phố Hồ Chí Minh",),
}

# Courtrooms per court by level; the centrally-run cities' courts and urban districts
# (quận, and thành phố Thủ Đức) have more.
COURTROOMS = {CourtLevel.SUPREME: 6, CourtLevel.HIGH: 4, CourtLevel.PROVINCIAL: 2}
CITY_COURTROOMS = 4
URBAN_DISTRICT_COURTROOMS = 2

# About one endpoint in fifty below the high courts is under maintenance.
DISABLED_ONE_IN = 50

ALL_CODECS = ("VP8", "VP9", "H264", "AV1")
MODERN_CODECS = ("VP8", "VP9", "H264")
BASIC_CODECS = ("VP8", "H264")


def ascii_slug(text: str) -> str:
    """`Điện Biên Phủ` -> `DIENBIENPHU`: upper-case ASCII letters and digits only."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.upper() if c.isascii() and c.isalnum())


def split_unit(district: str) -> tuple[str, str]:
    """`huyện Kỳ Anh` -> (`huyện`, `Kỳ Anh`)."""
    for unit in DISTRICT_UNITS:
        if district.startswith(unit + " "):
            return unit, district[len(unit) + 1 :]
    raise ValueError(f"district {district!r} does not start with one of {list(DISTRICT_UNITS)}")


def district_codes(province: Province, districts: list[str]) -> list[str]:
    """Court codes for a province's districts: `TAND-<province>-<slug>`, where the slug
    is the district's name (`BADINH`), `Q1` for numbered quận, and carries the unit's
    letters (`TXKYANH`, `HKYANH`) when two units of the province share a name."""
    slugs = [ascii_slug(split_unit(d)[1]) for d in districts]
    codes = []
    for district, slug in zip(districts, slugs, strict=True):
        unit, _ = split_unit(district)
        if slug.isdigit() or slugs.count(slug) > 1:
            slug = DISTRICT_UNITS[unit] + slug
        codes.append(validate_code(f"{province.court_code}-{slug}", "court code"))
    return codes


def _bucket(code: str, n: int) -> int:
    return zlib.crc32(code.encode("utf-8")) % n


def build_courts() -> list[Court]:
    """All courts, parents before children."""
    courts = [Court(SUPREME_CODE, SUPREME_NAME, CourtLevel.SUPREME, SUPREME_PROVINCE)]
    courts += [
        Court(h.code, h.name, CourtLevel.HIGH, h.province, SUPREME_CODE) for h in HIGH_COURTS
    ]
    courts += [
        Court(p.court_code, p.court_name, CourtLevel.PROVINCIAL, p.name, p.high_court)
        for p in PROVINCES
    ]
    for p in PROVINCES:
        districts = DISTRICTS[p.name]
        for code, district in zip(district_codes(p, districts), districts, strict=True):
            name = f"{COURT_PREFIX} {district}"
            courts.append(Court(code, name, CourtLevel.DISTRICT, p.name, p.court_code))
    return courts


def capabilities_for(court: Court, kind: EndpointKind, code: str) -> Capabilities:
    """Higher courts have newer room systems; district courts and detention facilities
    range from 720p on a good line down to 360p on a thin one in the mountains."""
    if court.level is CourtLevel.SUPREME:
        return Capabilities("1080p", ALL_CODECS, 20_000)
    if court.level is CourtLevel.HIGH:
        return Capabilities("1080p", MODERN_CODECS, 12_000)
    if kind is EndpointKind.DETENTION_FACILITY:
        if _bucket(code, 3) == 0:
            return Capabilities("480p", ("H264",), 1_024)
        return Capabilities("720p", BASIC_CODECS, 2_000)
    if court.level is CourtLevel.PROVINCIAL:
        if _bucket(court.code, 5) == 0:  # not yet re-equipped
            return Capabilities("720p", MODERN_CODECS, 4_000)
        return Capabilities("1080p", MODERN_CODECS, 8_000)
    unit, _ = split_unit(court.name.removeprefix(COURT_PREFIX + " "))
    if unit != "huyện":
        return Capabilities("720p", MODERN_CODECS, 3_000)
    bucket = _bucket(court.code, 10)
    if bucket <= 5:
        return Capabilities("720p", BASIC_CODECS, 2_000)
    if bucket <= 7:
        return Capabilities("480p", BASIC_CODECS, 1_500)
    if bucket == 8:
        return Capabilities("480p", ("H264",), 1_024)
    return Capabilities("360p", ("H264",), 512)


def _courtroom_count(court: Court, provinces: dict[str, Province]) -> int:
    if court.level is CourtLevel.PROVINCIAL:
        return CITY_COURTROOMS if provinces[court.code].is_city else COURTROOMS[court.level]
    if court.level is CourtLevel.DISTRICT:
        unit, name = split_unit(court.name.removeprefix(COURT_PREFIX + " "))
        urban = unit == "quận" or (unit, name) == ("thành phố", "Thủ Đức")
        return URBAN_DISTRICT_COURTROOMS if urban else 1
    return COURTROOMS[court.level]


def _sites(court: Court, provinces: dict[str, Province]) -> list[tuple[str, str, EndpointKind]]:
    """(code suffix, site name, kind) of each endpoint at a court."""
    sites = [
        (f"P{n}", f"Phòng xử án số {n}", EndpointKind.COURTROOM)
        for n in range(1, _courtroom_count(court, provinces) + 1)
    ]
    if court.level is CourtLevel.DISTRICT:
        return sites
    sites.append(("HOP", "Phòng họp trực tuyến", EndpointKind.MEETING_ROOM))
    hall = "Hội trường lớn" if court.level is CourtLevel.SUPREME else "Hội trường"
    sites.append(("HT", hall, EndpointKind.TRAINING_HALL))
    if court.level is CourtLevel.PROVINCIAL:
        province = provinces[court.code]
        names = DETENTION_SITES.get(province.code, (f"Trại tạm giam Công an {province.full_name}",))
        for n, name in enumerate(names, start=1):
            suffix = "TTG" if n == 1 else f"TTG{n}"
            sites.append((suffix, name, EndpointKind.DETENTION_FACILITY))
    return sites


def build_endpoints(courts: list[Court]) -> list[Endpoint]:
    provinces = {p.court_code: p for p in PROVINCES}
    endpoints = []
    for court in courts:
        for suffix, site, kind in _sites(court, provinces):
            code = validate_code(f"{court.code}-{suffix}", "endpoint code")
            lower = court.level in (CourtLevel.PROVINCIAL, CourtLevel.DISTRICT)
            enabled = not (lower and _bucket(code, DISABLED_ONE_IN) == 0)
            caps = capabilities_for(court, kind, code)
            endpoints.append(Endpoint(code, court.code, site, kind, caps, enabled))
    return endpoints


def build_registry() -> tuple[list[Court], list[Endpoint]]:
    """The whole demo registry: courts (parents before children) and their endpoints."""
    courts = build_courts()
    return courts, build_endpoints(courts)
