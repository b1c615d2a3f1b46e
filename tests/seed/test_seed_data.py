"""The demo court registry is realistic and internally consistent (pure, no database)."""

from __future__ import annotations

from collections import Counter

import pytest

from conference.domain.courts import (
    CODE_PATTERN,
    VIDEO_RESOLUTIONS,
    Court,
    CourtLevel,
    Endpoint,
    EndpointKind,
    check_parent,
)
from web.seed.registry_data import (
    DISTRICTS,
    HIGH_DN,
    HIGH_HCM,
    HIGH_HN,
    PROVINCES,
    SUPREME_CODE,
    ascii_slug,
    build_registry,
)


@pytest.fixture(scope="module")
def registry() -> tuple[list[Court], list[Endpoint]]:
    return build_registry()


@pytest.fixture(scope="module")
def courts(registry: tuple[list[Court], list[Endpoint]]) -> list[Court]:
    return registry[0]


@pytest.fixture(scope="module")
def endpoints(registry: tuple[list[Court], list[Endpoint]]) -> list[Endpoint]:
    return registry[1]


def by_level(courts: list[Court], level: CourtLevel) -> list[Court]:
    return [c for c in courts if c.level is level]


def test_build_is_deterministic(registry: tuple[list[Court], list[Endpoint]]) -> None:
    assert build_registry() == registry


def test_court_codes_are_valid_and_unique(courts: list[Court]) -> None:
    codes = [c.code for c in courts]
    assert len(codes) == len(set(codes))
    assert all(CODE_PATTERN.match(code) for code in codes), codes


def test_endpoint_codes_are_valid_and_unique(endpoints: list[Endpoint]) -> None:
    codes = [e.code for e in endpoints]
    assert len(codes) == len(set(codes))
    assert all(CODE_PATTERN.match(code) for code in codes), codes


def test_levels(courts: list[Court]) -> None:
    counts = Counter(c.level for c in courts)
    assert counts[CourtLevel.SUPREME] == 1
    assert counts[CourtLevel.HIGH] == 3
    assert counts[CourtLevel.PROVINCIAL] == 63
    assert 650 <= counts[CourtLevel.DISTRICT] <= 750


def test_supreme_and_high_courts(courts: list[Court]) -> None:
    supreme = by_level(courts, CourtLevel.SUPREME)[0]
    assert (supreme.code, supreme.name, supreme.province) == (
        SUPREME_CODE,
        "Tòa án nhân dân tối cao",
        "Hà Nội",
    )
    assert supreme.parent_code is None
    high = {c.code: c for c in by_level(courts, CourtLevel.HIGH)}
    assert set(high) == {HIGH_HN, HIGH_DN, HIGH_HCM}
    assert high[HIGH_DN].name == "Tòa án nhân dân cấp cao tại Đà Nẵng"
    assert high[HIGH_HCM].province == "TP. Hồ Chí Minh"


def test_every_parent_exists_one_level_up_and_comes_first(courts: list[Court]) -> None:
    seen: dict[str, Court] = {}
    for court in courts:
        parent = seen.get(court.parent_code) if court.parent_code else None
        assert court.parent_code is None or parent is not None, f"{court.code}: parent first"
        check_parent(court.level, parent.level if parent else None)
        seen[court.code] = court


def test_names_are_vietnamese_court_names(courts: list[Court]) -> None:
    assert all(c.name.startswith("Tòa án nhân dân ") for c in courts)
    names = {c.code: c.name for c in courts}
    assert names["TAND-HN"] == "Tòa án nhân dân thành phố Hà Nội"
    assert names["TAND-NA"] == "Tòa án nhân dân tỉnh Nghệ An"
    assert names["TAND-HCM"] == "Tòa án nhân dân thành phố Hồ Chí Minh"
    assert names["TAND-HN-BADINH"] == "Tòa án nhân dân quận Ba Đình"
    assert names["TAND-HCM-Q1"] == "Tòa án nhân dân quận 1"
    assert names["TAND-HCM-THUDUC"] == "Tòa án nhân dân thành phố Thủ Đức"
    # Two units of one name in a province get distinct codes.
    assert names["TAND-HT-TXKYANH"] == "Tòa án nhân dân thị xã Kỳ Anh"
    assert names["TAND-HT-HKYANH"] == "Tòa án nhân dân huyện Kỳ Anh"
    district_names = [(c.province, c.name) for c in by_level(courts, CourtLevel.DISTRICT)]
    assert len(district_names) == len(set(district_names))


def test_63_provinces_with_real_names(courts: list[Court]) -> None:
    provincial = by_level(courts, CourtLevel.PROVINCIAL)
    provinces = {c.province for c in provincial}
    assert len(provinces) == 63
    assert {"Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"} <= provinces
    assert {"Nghệ An", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Cà Mau"} <= provinces
    cities = {c.province for c in provincial if "thành phố" in c.name}
    assert cities == {"Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
    assert set(DISTRICTS) == provinces


def test_high_court_jurisdiction(courts: list[Court]) -> None:
    under = Counter(c.parent_code for c in by_level(courts, CourtLevel.PROVINCIAL))
    assert under == {HIGH_HN: 28, HIGH_DN: 12, HIGH_HCM: 23}
    parent = {c.province: c.parent_code for c in by_level(courts, CourtLevel.PROVINCIAL)}
    assert parent["Hà Tĩnh"] == parent["Hà Giang"] == HIGH_HN
    assert parent["Quảng Bình"] == parent["Khánh Hòa"] == parent["Đắk Lắk"] == HIGH_DN
    assert parent["Lâm Đồng"] == parent["Ninh Thuận"] == parent["Đắk Nông"] == HIGH_HCM


def test_district_courts_sit_in_their_province(courts: list[Court]) -> None:
    by_code = {c.code: c for c in courts}
    for court in by_level(courts, CourtLevel.DISTRICT):
        parent = by_code[court.parent_code or ""]
        assert court.province == parent.province
        assert court.code.startswith(parent.code + "-")
    per_province = Counter(c.province for c in by_level(courts, CourtLevel.DISTRICT))
    assert per_province["Hà Nội"] == 30
    assert per_province["TP. Hồ Chí Minh"] == 22
    assert min(per_province.values()) >= 5


def test_endpoint_counts(endpoints: list[Endpoint]) -> None:
    assert len(endpoints) >= 800
    kinds = Counter(e.kind for e in endpoints)
    assert set(kinds) == set(EndpointKind)
    assert 24 <= kinds[EndpointKind.DETENTION_FACILITY] <= 80


def test_every_endpoint_belongs_to_a_court(courts: list[Court], endpoints: list[Endpoint]):
    codes = {c.code for c in courts}
    assert all(e.court_code in codes for e in endpoints)
    assert all(e.code.startswith(e.court_code + "-") for e in endpoints)


def test_every_court_has_a_courtroom(courts: list[Court], endpoints: list[Endpoint]) -> None:
    with_courtroom = {e.court_code for e in endpoints if e.kind is EndpointKind.COURTROOM}
    assert with_courtroom == {c.code for c in courts}
    assert {f"{c.code}-P1" for c in courts} <= {e.code for e in endpoints}


def test_upper_courts_have_meeting_room_and_hall(
    courts: list[Court], endpoints: list[Endpoint]
) -> None:
    kinds: dict[str, Counter[EndpointKind]] = {c.code: Counter() for c in courts}
    for e in endpoints:
        kinds[e.court_code][e.kind] += 1
    for court in courts:
        k = kinds[court.code]
        if court.level is CourtLevel.DISTRICT:
            assert set(k) == {EndpointKind.COURTROOM}, court.code
        else:
            assert k[EndpointKind.COURTROOM] >= 2, court.code
            assert k[EndpointKind.MEETING_ROOM] == 1, court.code
            assert k[EndpointKind.TRAINING_HALL] == 1, court.code


def test_detention_facilities_hang_off_provincial_courts(
    courts: list[Court], endpoints: list[Endpoint]
) -> None:
    level = {c.code: c.level for c in courts}
    detention = [e for e in endpoints if e.kind is EndpointKind.DETENTION_FACILITY]
    assert all(level[e.court_code] is CourtLevel.PROVINCIAL for e in detention)
    assert all(e.site_name.startswith("Trại tạm giam") for e in detention)
    sites = {e.site_name for e in detention}
    assert "Trại tạm giam Công an tỉnh Nghệ An" in sites
    assert len(sites) == len(detention)


def test_capabilities_follow_the_level(courts: list[Court], endpoints: list[Endpoint]) -> None:
    level = {c.code: c.level for c in courts}
    rank = VIDEO_RESOLUTIONS.index
    for e in endpoints:
        caps = e.capabilities
        if level[e.court_code] in (CourtLevel.SUPREME, CourtLevel.HIGH):
            assert caps.max_resolution == "1080p" and caps.bandwidth_kbps >= 10_000
        if level[e.court_code] is CourtLevel.DISTRICT:
            assert rank(caps.max_resolution) <= rank("720p")
    district = [e for e in endpoints if level[e.court_code] is CourtLevel.DISTRICT]
    resolutions = Counter(e.capabilities.max_resolution for e in district)
    assert {"720p", "480p"} <= set(resolutions)
    assert resolutions["720p"] > len(district) / 2
    assert any(e.capabilities.bandwidth_kbps < 1_000 for e in district)


def test_a_few_endpoints_are_disabled(courts: list[Court], endpoints: list[Endpoint]) -> None:
    disabled = [e for e in endpoints if not e.enabled]
    assert 0.01 * len(endpoints) <= len(disabled) <= 0.04 * len(endpoints)
    level = {c.code: c.level for c in courts}
    assert all(
        level[e.court_code] in (CourtLevel.PROVINCIAL, CourtLevel.DISTRICT) for e in disabled
    )


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Điện Biên Phủ", "DIENBIENPHU"), ("Ia H'Drai", "IAHDRAI"), ("Ứng Hòa", "UNGHOA")],
)
def test_ascii_slug(text: str, slug: str) -> None:
    assert ascii_slug(text) == slug


def test_province_codes_are_unique() -> None:
    assert len({p.code for p in PROVINCES}) == len({p.name for p in PROVINCES}) == 63
