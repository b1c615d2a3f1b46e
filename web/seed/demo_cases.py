"""Demo staff, cases and today's hearings (`vcourt seed`), on top of the demo registry.

Idempotent by natural keys: staff by username, cases by case number, hearings by title and
start. Nothing that exists is changed. Hearings are booked for "today" in court time, relative
to `now`, when today is a working day in the configured court calendar, else for the next
working day (the seed may run on a weekend or during Tết). Bookings go through the same
booking use case as the API (scheduler.booking.book: court hours, holidays, double bookings),
so the demo data obeys the rules it demonstrates; only the clock is not checked, so that a demo
started at 16:00 still shows the morning's hearings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.calendar import CourtCalendar
from conference.domain.cases import Case, CaseNumber, CaseParty, Confidentiality, PartyRole
from conference.domain.clock import COURT_TZ, to_court_time
from conference.domain.hearings import HearingKind, HearingPlan, Participant, Role
from conference.settings import Settings
from conference.store import cases_repo, hearings_repo
from conference.store.bookings import ValidBooking
from conference.store.tables import HearingRow, StaffRow
from scheduler.booking import book, calendar_from_settings

# username, full name, role, court
STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("tuan.nm", "Nguyễn Minh Tuấn", "judge", "TANDTC"),
    ("hung.tq", "Trần Quốc Hùng", "judge", "TAND-HN"),
    ("lan.ntp", "Nguyễn Thị Phương Lan", "judge", "TAND-HN"),
    ("ha.vt", "Vũ Thu Hà", "clerk", "TAND-HN"),
    ("dung.lv", "Lê Văn Dũng", "judge", "TAND-HN-BADINH"),
    ("mai.pt", "Phạm Thị Mai", "judge", "TAND-HN-BADINH"),
    ("trang.dt", "Đỗ Thu Trang", "clerk", "TAND-HN-BADINH"),
    ("phuc.nh", "Nguyễn Hoàng Phúc", "judge", "TAND-HCM"),
    ("thao.lt", "Lê Thu Thảo", "clerk", "TAND-HCM"),
)

P = PartyRole


def number_for(key: str, year: int) -> str:
    """`210/TLST-HS` -> `210/2026/TLST-HS`: demo cases are numbered in the current year."""
    number, kind = key.split("/")
    return f"{number}/{year}/{kind}"


def demo_cases(year: int) -> list[Case]:
    def case(
        key: str,
        court: str,
        title: str,
        *,
        judges: tuple[str, ...],
        parties: tuple[CaseParty, ...],
        confidentiality: Confidentiality = Confidentiality.PUBLIC,
    ) -> Case:
        parsed = CaseNumber.parse(number_for(key, year))
        return Case(parsed, parsed.case_type, court, title, confidentiality, judges, parties)

    return [
        case(
            "210/TLST-HS",
            "TAND-HN",
            "Nguyễn Văn Khánh phạm tội lừa đảo chiếm đoạt tài sản (Điều 174 BLHS)",
            judges=("hung.tq", "lan.ntp"),
            parties=(
                CaseParty("Nguyễn Văn Khánh", P.DEFENDANT, id_number="001090012345"),
                CaseParty("Lê Thị Hồng", P.VICTIM, "hong.lt@example.vn", "0912 345 678"),
                CaseParty("Luật sư Phạm Minh Tuấn", P.LAWYER, "tuan.pm@luatsu.example.vn"),
                CaseParty("Đỗ Văn Lâm", P.WITNESS, phone="0987 654 321"),
            ),
        ),
        case(
            "15/TLST-HS",
            "TAND-HN",
            "Vụ án cố ý làm lộ bí mật nhà nước (Điều 337 BLHS)",
            confidentiality=Confidentiality.STATE_SECRET,
            judges=("hung.tq",),
            parties=(CaseParty("Bị cáo (thông tin mật)", P.DEFENDANT),),
        ),
        case(
            "125/TLST-DS",
            "TAND-HN-BADINH",
            "Tranh chấp hợp đồng vay tài sản",
            judges=("dung.lv",),
            parties=(
                CaseParty(
                    "Nguyễn Văn Bình",
                    P.PLAINTIFF,
                    "binh.nv@example.vn",
                    "0903 111 222",
                    "12 phố Đội Cấn, quận Ba Đình, Hà Nội",
                    "001085004321",
                ),
                CaseParty("Trần Thị Hoa", P.DEFENDANT, "hoa.tt@example.com", "0913 222 333"),
                CaseParty("Luật sư Vũ Đức Anh", P.LAWYER, "anh.vd@example.vn"),
                CaseParty("Phan Văn Long", P.WITNESS, phone="0904 555 666"),
            ),
        ),
        case(
            "48/TLST-HNGĐ",
            "TAND-HN-BADINH",
            "Ly hôn, tranh chấp nuôi con chung và chia tài sản chung",
            confidentiality=Confidentiality.CLOSED,
            judges=("mai.pt",),
            parties=(
                CaseParty("Hoàng Thị Thu", P.PLAINTIFF, "thu.ht@example.com", "0936 777 888"),
                CaseParty("Đặng Quốc Việt", P.DEFENDANT, "viet.dq@example.vn", "0977 888 999"),
            ),
        ),
        case(
            "77/TLST-KDTM",
            "TAND-HCM",
            "Tranh chấp hợp đồng mua bán hàng hóa giữa Công ty TNHH Phú Thịnh và Công ty CP"
            " Sao Mai",
            judges=("phuc.nh",),
            parties=(
                CaseParty("Công ty TNHH Phú Thịnh", P.PLAINTIFF, "phapche@phuthinh.example.vn"),
                CaseParty("Công ty CP Sao Mai", P.DEFENDANT, "legal@saomai.example.com"),
                CaseParty("Luật sư Trương Thị Ngân", P.LAWYER, "ngan.tt@example.vn"),
            ),
        ),
        case(
            "9/TLPT-LĐ",
            "TAND-HN",
            "Tranh chấp về đơn phương chấm dứt hợp đồng lao động (phúc thẩm)",
            judges=("lan.ntp",),
            parties=(
                CaseParty("Bùi Thị Lan Anh", P.PLAINTIFF, "lananh.bt@example.com"),
                CaseParty("Công ty TNHH Điện tử Hòa Bình", P.DEFENDANT, "hr@hoabinh.example.vn"),
            ),
        ),
    ]


@dataclass(frozen=True)
class DemoHearing:
    case_key: str | None  # "210/TLST-HS": number/stage-type, the year is filled in
    title: str
    at: time  # court time, today
    minutes: int
    central: str
    components: tuple[str, ...]
    participants: tuple[Participant, ...]
    kind: HearingKind = HearingKind.HEARING


R = Role
MEETING_SITES = (
    ("TANDCC-HN-HOP", "TAND cấp cao tại Hà Nội, phòng họp trực tuyến"),
    ("TANDCC-DN-HOP", "TAND cấp cao tại Đà Nẵng, phòng họp trực tuyến"),
    ("TANDCC-HCM-HOP", "TAND cấp cao tại TP. Hồ Chí Minh, phòng họp trực tuyến"),
    ("TAND-HN-HT", "TAND thành phố Hà Nội, hội trường"),
    ("TAND-HCM-HT", "TAND Thành phố Hồ Chí Minh, hội trường"),
    ("TAND-DNG-HT", "TAND thành phố Đà Nẵng, hội trường"),
)

DEMO_HEARINGS: tuple[DemoHearing, ...] = (
    DemoHearing(
        "210/TLST-HS",
        "Xét xử sơ thẩm: Nguyễn Văn Khánh, lừa đảo chiếm đoạt tài sản",
        time(8, 30),
        150,
        "TAND-HN-P1",
        ("TAND-HN-TTG",),
        (
            Participant(R.PRESIDING_JUDGE, "Trần Quốc Hùng", staff_username="hung.tq"),
            Participant(R.PANEL_MEMBER, "Nguyễn Thị Phương Lan", staff_username="lan.ntp"),
            Participant(R.PANEL_MEMBER, "Hội thẩm nhân dân Đặng Văn Sơn"),
            Participant(R.CLERK, "Vũ Thu Hà", staff_username="ha.vt"),
            Participant(R.PROCURATOR, "Kiểm sát viên Bùi Thị Ngọc", email="ngoc.bt@example.vn"),
            Participant(R.DEFENDANT, "Nguyễn Văn Khánh", endpoint_code="TAND-HN-TTG"),
            Participant(R.LAWYER, "Phạm Minh Tuấn", email="tuan.pm@luatsu.example.vn"),
            Participant(R.PARTY, "Lê Thị Hồng", email="hong.lt@example.vn", phone="0912345678"),
            Participant(R.WITNESS, "Đỗ Văn Lâm", phone="0987654321"),
        ),
    ),
    DemoHearing(
        "125/TLST-DS",
        "Xét xử sơ thẩm: tranh chấp hợp đồng vay tài sản",
        time(9, 0),
        120,
        "TAND-HN-BADINH-P1",
        (),
        (
            Participant(R.PRESIDING_JUDGE, "Lê Văn Dũng", staff_username="dung.lv"),
            Participant(R.CLERK, "Đỗ Thu Trang", staff_username="trang.dt"),
            Participant(R.PARTY, "Nguyễn Văn Bình", email="binh.nv@example.vn"),
            Participant(R.PARTY, "Trần Thị Hoa", email="hoa.tt@example.com"),
            Participant(R.LAWYER, "Vũ Đức Anh", email="anh.vd@example.vn"),
            Participant(R.WITNESS, "Phan Văn Long", phone="0904555666"),
        ),
    ),
    DemoHearing(
        "77/TLST-KDTM",
        "Phiên họp kiểm tra việc giao nộp, tiếp cận, công khai chứng cứ và hòa giải",
        time(10, 0),
        90,
        "TAND-HCM-P1",
        (),
        (
            Participant(R.PRESIDING_JUDGE, "Nguyễn Hoàng Phúc", staff_username="phuc.nh"),
            Participant(R.CLERK, "Lê Thu Thảo", staff_username="thao.lt"),
            Participant(
                R.PARTY, "Đại diện Công ty TNHH Phú Thịnh", email="phapche@phuthinh.example.vn"
            ),
            Participant(R.PARTY, "Đại diện Công ty CP Sao Mai", email="legal@saomai.example.com"),
            Participant(R.LAWYER, "Trương Thị Ngân", email="ngan.tt@example.vn"),
        ),
    ),
    DemoHearing(
        "48/TLST-HNGĐ",
        "Xét xử kín: ly hôn, tranh chấp nuôi con chung",
        time(14, 0),
        120,
        "TAND-HN-BADINH-P2",
        (),
        (
            Participant(R.PRESIDING_JUDGE, "Phạm Thị Mai", staff_username="mai.pt"),
            Participant(R.CLERK, "Đỗ Thu Trang", staff_username="trang.dt"),
            Participant(R.PARTY, "Hoàng Thị Thu", email="thu.ht@example.com"),
            Participant(R.PARTY, "Đặng Quốc Việt", email="viet.dq@example.vn"),
        ),
    ),
    DemoHearing(
        None,
        "Tập huấn trực tuyến: tổ chức phiên tòa trực tuyến theo Nghị quyết 33/2021/QH15",
        time(15, 0),
        120,
        "TANDTC-HT",
        tuple(code for code, _ in MEETING_SITES),
        (
            Participant(R.PRESIDING_JUDGE, "Nguyễn Minh Tuấn", staff_username="tuan.nm"),
            *(Participant(R.ENDPOINT, name, endpoint_code=code) for code, name in MEETING_SITES),
        ),
        kind=HearingKind.MEETING,
    ),
)


def demo_day(now: datetime, calendar: CourtCalendar) -> date:
    """Today in court time if the court sits today, else the next day it sits."""
    day = to_court_time(now).date()
    for _ in range(60):
        if calendar.day_off_reason(day) is None:
            return day
        day += timedelta(days=1)
    raise ValueError("the court calendar has no working day in the next 60 days")


async def seed_demo_cases(session: AsyncSession, now: datetime, settings: Settings) -> str:
    """Add the demo staff, cases and the day's hearings that are not there yet."""
    year = to_court_time(now).year
    today = demo_day(now, calendar_from_settings(settings))

    known = await cases_repo.staff_by_username(session, [s[0] for s in STAFF])
    new_staff = [
        StaffRow(username=u, full_name=n, role=r, court_code=c, active=True)
        for u, n, r, c in STAFF
        if u not in known
    ]
    session.add_all(new_staff)
    await session.flush()

    new_cases = 0
    ids: dict[str, str] = {}
    for case in demo_cases(year):
        row = await cases_repo.get_case_by_number(session, str(case.case_number))
        if row is None:
            row = cases_repo.write_case(session, None, case, now)
            new_cases += 1
            await session.flush()
        ids[str(case.case_number)] = row.id
    await session.commit()

    def insert(valid: ValidBooking) -> HearingRow:
        case_id = valid.case.id if valid.case else None
        return hearings_repo.insert_hearing(
            session, valid.plan, case_id=case_id, court_code=valid.court_code, now=now
        )

    new_hearings = 0
    for demo in DEMO_HEARINGS:
        number = number_for(demo.case_key, year) if demo.case_key else None
        starts = datetime.combine(today, demo.at, tzinfo=COURT_TZ)
        case_id = ids[number] if number else None
        if await hearings_repo.find_hearing(
            session, title=demo.title, starts_at=starts, case_id=case_id
        ):
            continue
        plan = HearingPlan(
            kind=demo.kind,
            title=demo.title,
            starts_at=starts,
            duration=timedelta(minutes=demo.minutes),
            central_endpoint=demo.central,
            component_endpoints=demo.components,
            case_number=number,
            participants=demo.participants,
        )
        await book(session, plan, insert, settings=settings, now=None)
        new_hearings += 1
    await session.commit()
    return (
        f"demo: {len(new_staff)} staff, {new_cases} cases, {new_hearings} hearings for"
        f" {today.isoformat()} added ({len(known)} staff, {len(ids) - new_cases} cases,"
        f" {len(DEMO_HEARINGS) - new_hearings} hearings already present)"
    )
