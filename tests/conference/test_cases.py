"""Case numbers as the courts write them, and the online-hearing rule for state secrets."""

from __future__ import annotations

import pytest

from conference.domain.cases import (
    EXPECTED_FORM,
    STATE_SECRET_REASON,
    Case,
    CaseNumber,
    CaseType,
    Confidentiality,
    Stage,
    ensure_may_hold_online,
)
from conference.domain.errors import InvalidValue, NotAllowed


@pytest.mark.parametrize(
    ("raw", "canonical", "case_type", "stage"),
    [
        ("12/2024/TLST-DS", "12/2024/TLST-DS", CaseType.CIVIL, Stage.FIRST_INSTANCE),
        (" 12/2024/tlst-ds ", "12/2024/TLST-DS", CaseType.CIVIL, Stage.FIRST_INSTANCE),
        ("1/1990/TLPT-HS", "1/1990/TLPT-HS", CaseType.CRIMINAL, Stage.APPEAL),
        ("999999/2100/TLTT-HC", "999999/2100/TLTT-HC", CaseType.ADMINISTRATIVE, Stage.REOPENING),
        ("48/2026/TLST-HNGĐ", "48/2026/TLST-HNGĐ", CaseType.FAMILY, Stage.FIRST_INSTANCE),
        ("48/2026/TLST-HNGD", "48/2026/TLST-HNGĐ", CaseType.FAMILY, Stage.FIRST_INSTANCE),
        ("9/2026/TLPT-LĐ", "9/2026/TLPT-LĐ", CaseType.LABOUR, Stage.APPEAL),
        ("9/2026/TLPT-LD", "9/2026/TLPT-LĐ", CaseType.LABOUR, Stage.APPEAL),
        ("3/2025/TLGĐT-KDTM", "3/2025/TLGĐT-KDTM", CaseType.BUSINESS, Stage.CASSATION),
        ("3/2025/TLGDT-KDTM", "3/2025/TLGĐT-KDTM", CaseType.BUSINESS, Stage.CASSATION),
        ("7/2025/TLST-PS", "7/2025/TLST-PS", CaseType.BANKRUPTCY, Stage.FIRST_INSTANCE),
        ("48/2026/tlst-hngđ", "48/2026/TLST-HNGĐ", CaseType.FAMILY, Stage.FIRST_INSTANCE),
    ],
)
def test_good_case_numbers(raw: str, canonical: str, case_type: CaseType, stage: Stage) -> None:
    number = CaseNumber.parse(raw)
    assert str(number) == canonical
    assert number.case_type is case_type
    assert number.stage is stage


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "is malformed"),
        ("12-2024-TLST-DS", "is malformed"),
        ("12/24/TLST-DS", "is malformed"),
        ("12/2024/TLST/DS", "is malformed"),
        ("12/2024/TLSTDS", "is malformed"),
        ("1234567/2024/TLST-DS", "is malformed"),
        ("A1/2024/TLST-DS", "is malformed"),
        ("12/2024/TLXX-DS", "unknown stage 'TLXX'"),
        ("12/2024/TLST-XY", "unknown type code 'XY'"),
        ("12/2024/TLST-Đ", "unknown type code 'Đ'"),
        ("12/1989/TLST-DS", "year 1989"),
        ("12/2101/TLST-DS", "year 2101"),
        ("0/2024/TLST-DS", "above 0"),
    ],
)
def test_bad_case_numbers_say_what_is_expected(raw: str, says: str) -> None:
    with pytest.raises(InvalidValue) as err:
        CaseNumber.parse(raw)
    assert says in err.value.message
    assert err.value.field == "case_number"
    if "above 0" not in says:
        assert EXPECTED_FORM in err.value.message or "between 1990 and 2100" in err.value.message


def test_expected_form_lists_every_stage_and_type() -> None:
    for stage in Stage:
        assert stage.value in EXPECTED_FORM
    for code in ("HS", "DS", "HNGĐ", "KDTM", "LĐ", "HC", "PS"):
        assert code in EXPECTED_FORM
    assert "12/2024/TLST-DS" in EXPECTED_FORM


def test_the_case_type_must_match_the_number() -> None:
    number = CaseNumber.parse("12/2024/TLST-DS")
    Case(number, CaseType.CIVIL, "TAND-HN", "Tranh chấp hợp đồng")
    with pytest.raises(InvalidValue) as err:
        Case(number, CaseType.CRIMINAL, "TAND-HN", "Tranh chấp hợp đồng")
    assert "civil case (type code DS)" in err.value.message
    assert err.value.field == "case_type"


@pytest.mark.parametrize("level", list(Confidentiality))
def test_only_state_secrets_cannot_be_heard_online(level: Confidentiality) -> None:
    if level is Confidentiality.STATE_SECRET:
        with pytest.raises(NotAllowed) as err:
            ensure_may_hold_online(level)
        assert err.value.message == STATE_SECRET_REASON
        assert "33/2021/QH15" in err.value.message
    else:
        ensure_may_hold_online(level)
