"""Case records (hồ sơ vụ án) and the courts' case-number format."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from conference.domain.errors import InvalidValue, NotAllowed


class CaseType(StrEnum):
    CRIMINAL = "criminal"
    CIVIL = "civil"
    FAMILY = "family"
    BUSINESS = "business"
    LABOUR = "labour"
    ADMINISTRATIVE = "administrative"
    BANKRUPTCY = "bankruptcy"


class Confidentiality(StrEnum):
    PUBLIC = "public"
    CLOSED = "closed"  # xét xử kín / in camera
    STATE_SECRET = "state_secret"


class Stage(StrEnum):
    FIRST_INSTANCE = "TLST"  # thụ lý sơ thẩm
    APPEAL = "TLPT"  # thụ lý phúc thẩm
    CASSATION = "TLGĐT"  # thụ lý giám đốc thẩm
    REOPENING = "TLTT"  # thụ lý tái thẩm


# Type codes as the courts write them; ASCII spellings (Đ -> D) are accepted on input.
TYPE_CODES: dict[str, CaseType] = {
    "HS": CaseType.CRIMINAL,
    "DS": CaseType.CIVIL,
    "HNGĐ": CaseType.FAMILY,
    "KDTM": CaseType.BUSINESS,
    "LĐ": CaseType.LABOUR,
    "HC": CaseType.ADMINISTRATIVE,
    "PS": CaseType.BANKRUPTCY,
}
CODE_FOR_TYPE = {v: k for k, v in TYPE_CODES.items()}

EXPECTED_FORM = (
    "number/year/STAGE-TYPE, e.g. '12/2024/TLST-DS': STAGE is one of "
    + ", ".join(s.value for s in Stage)
    + "; TYPE is one of "
    + ", ".join(TYPE_CODES)
)

_PATTERN = re.compile(r"^(\d{1,6})/(\d{4})/([A-ZĐ]+)-([A-ZĐ]+)$")


def _canonical(code: str) -> str:
    # Accept 'D' where the courts write 'Đ' (keyboards without Vietnamese input).
    for real in [*TYPE_CODES, *(s.value for s in Stage)]:
        if code == real.replace("Đ", "D"):
            return real
    return code


@dataclass(frozen=True)
class CaseNumber:
    """A parsed số thụ lý: `12/2024/TLST-DS`."""

    number: int
    year: int
    stage: Stage
    type_code: str

    @property
    def case_type(self) -> CaseType:
        return TYPE_CODES[self.type_code]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}/{self.stage.value}-{self.type_code}"

    @classmethod
    def parse(cls, raw: str) -> CaseNumber:
        text = unicodedata.normalize("NFC", raw.strip()).upper()
        match = _PATTERN.match(text)
        if not match:
            raise InvalidValue(
                f"case number {raw!r} is malformed; expected {EXPECTED_FORM}", field="case_number"
            )
        number, year, stage, type_code = match.groups()
        stage, type_code = _canonical(stage), _canonical(type_code)
        if stage not in {s.value for s in Stage}:
            raise InvalidValue(
                f"case number {raw!r} has unknown stage {stage!r}; expected {EXPECTED_FORM}",
                field="case_number",
            )
        if type_code not in TYPE_CODES:
            raise InvalidValue(
                f"case number {raw!r} has unknown type code {type_code!r};"
                f" expected {EXPECTED_FORM}",
                field="case_number",
            )
        if int(number) == 0:
            raise InvalidValue("case number must start with a number above 0", field="case_number")
        if not 1990 <= int(year) <= 2100:
            raise InvalidValue(
                f"case number {raw!r} has year {year}; expected a year between 1990 and 2100",
                field="case_number",
            )
        return cls(int(number), int(year), Stage(stage), type_code)


class PartyRole(StrEnum):
    PLAINTIFF = "plaintiff"  # nguyên đơn
    DEFENDANT = "defendant"  # bị đơn / bị cáo
    RELATED_PARTY = "related_party"  # người có quyền lợi, nghĩa vụ liên quan
    VICTIM = "victim"  # bị hại
    LAWYER = "lawyer"
    WITNESS = "witness"
    INTERPRETER = "interpreter"


@dataclass(frozen=True)
class CaseParty:
    name: str
    role: PartyRole
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    id_number: str | None = None  # CCCD, checked at the door


@dataclass(frozen=True)
class Case:
    case_number: CaseNumber
    case_type: CaseType
    court_code: str
    title: str
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    judges: tuple[str, ...] = ()  # staff usernames
    parties: tuple[CaseParty, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.case_number.case_type != self.case_type:
            raise InvalidValue(
                f"case number {self.case_number} is a {self.case_number.case_type.value} case"
                f" (type code {self.case_number.type_code}), but the case type says"
                f" {self.case_type.value}",
                field="case_type",
            )


STATE_SECRET_REASON = (
    "online hearings are not allowed for cases classified as state secrets"
    " (Resolution 33/2021/QH15 on online trials, Article 2)"
)


def ensure_may_hold_online(confidentiality: Confidentiality) -> None:
    if confidentiality is Confidentiality.STATE_SECRET:
        raise NotAllowed(STATE_SECRET_REASON, field="case_number")
