"""Attendance per site of a meeting or hearing: JSON, CSV, and a printable HTML report with a
bar chart (inline SVG) of minutes per site, in Vietnamese or English (scheduling routes)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from conference.domain.access import Action
from conference.domain.clock import to_court_time
from conference.domain.meetings import SiteAttendance, attendance, attendance_csv
from conference.store import hearings_repo
from conference.store.tables import HearingRow
from scheduler.attendance import invited_sites, stays_of
from web.api.common import CourtTime, Out, Strict, found
from web.api.registry import ApiRoutes, Call

# Listed in web/app.py after the scheduling table, under the same OpenAPI tag.
routes = ApiRoutes("scheduling")

LABELS = {
    "vi": {
        "title": "Điểm cầu tham dự",
        "site": "Điểm cầu",
        "court": "Tòa án",
        "minutes": "Số phút",
        "joins": "Lần vào",
        "attended": "Có mặt",
        "yes": "có",
        "no": "không",
        "chart": "Số phút tham dự theo điểm cầu",
        "summary": "{present}/{total} điểm cầu có mặt",
    },
    "en": {
        "title": "Sites attending",
        "site": "Site",
        "court": "Court",
        "minutes": "Minutes",
        "joins": "Joins",
        "attended": "Present",
        "yes": "yes",
        "no": "no",
        "chart": "Minutes attended per site",
        "summary": "{present} of {total} sites present",
    },
}


class SiteOut(Out):
    endpoint_code: str
    site: str
    court_code: str
    court: str
    attended: bool
    joins: int
    minutes: int
    first_joined: CourtTime | None
    last_left: CourtTime | None


class AttendanceOut(Out):
    hearing_id: str
    title: str
    starts_at: CourtTime
    ends_at: CourtTime
    sites: int
    present: int
    items: list[SiteOut]


class ReportQuery(Strict):
    lang: Literal["vi", "en"] = Field(default="vi")


async def _report(call: Call[Any, Any]) -> tuple[HearingRow, list[SiteAttendance]]:
    async with call.session() as s:
        hearing_id = call.path("hearing_id")
        row = found(await hearings_repo.get_hearing(s, hearing_id), "hearing", hearing_id)
        sites = await invited_sites(s, row)
        stays = await stays_of(s, row.id)
    return row, attendance(sites, stays, ends_at=row.ends_at)


@routes.route(
    "GET",
    "/hearings/{hearing_id}/attendance",
    summary="Attendance per site: which endpoint joined, when, for how long",
    action=Action.READ_HEARINGS,
    response=AttendanceOut,
)
async def attendance_json(call: Call[None, None]) -> AttendanceOut:
    h, rows = await _report(call)
    return AttendanceOut(
        hearing_id=h.id,
        title=h.title,
        starts_at=h.starts_at,
        ends_at=h.ends_at,
        sites=len(rows),
        present=sum(r.attended for r in rows),
        items=[
            SiteOut(
                endpoint_code=r.site.code,
                site=r.site.name,
                court_code=r.site.court_code,
                court=r.site.court_name,
                attended=r.attended,
                joins=r.joins,
                minutes=r.minutes,
                first_joined=r.first_joined,
                last_left=r.last_left,
            )
            for r in rows
        ],
    )


@routes.route(
    "GET",
    "/hearings/{hearing_id}/attendance.csv",
    summary="Attendance per site as CSV (UTF-8, court time)",
    action=Action.READ_HEARINGS,
    response_type="text/csv",
)
async def attendance_as_csv(call: Call[None, None]) -> web.Response:
    row, rows = await _report(call)
    body = attendance_csv(rows, call.settings.tz)
    return web.Response(
        body=body.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="attendance-{row.id}.csv"'},
    )


@routes.route(
    "GET",
    "/hearings/{hearing_id}/attendance.html",
    summary="Attendance report page with a bar chart of minutes per site",
    action=Action.READ_HEARINGS,
    query=ReportQuery,
    response_type="text/html",
)
async def attendance_page(call: Call[ReportQuery, None]) -> web.Response:
    row, rows = await _report(call)
    starts = to_court_time(row.starts_at, call.settings.tz)
    page = render_report(row.title, starts, rows, call.query.lang)
    return web.Response(text=page, content_type="text/html", charset="utf-8")


def bar_chart(rows: list[SiteAttendance], caption: str) -> str:
    """Horizontal bars, one per site, scaled to the longest stay; labelled with minutes."""
    bar_h, gap, label_w, width = 18, 6, 260, 640
    longest = max((r.minutes for r in rows), default=0) or 1
    height = len(rows) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><title>{escape(caption)}</title>'
    ]
    for i, r in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = round((width - label_w - 60) * r.minutes / longest)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(r.site.name)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#1f5fa8"'
            f' data-site="{escape(r.site.code)}" data-minutes="{r.minutes}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{r.minutes}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_report(title: str, starts: datetime, rows: list[SiteAttendance], lang: str) -> str:
    t = LABELS[lang]
    present = sum(r.attended for r in rows)
    body_rows = "".join(
        f"<tr><td>{escape(r.site.name)} ({escape(r.site.code)})</td>"
        f"<td>{escape(r.site.court_name)}</td><td>{t['yes'] if r.attended else t['no']}</td>"
        f"<td>{r.joins}</td><td>{r.minutes}</td></tr>"
        for r in rows
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t['title'])}: {escape(title)}</title></head><body>"
        f"<h1>{escape(t['title'])}</h1><p>{escape(title)} — {starts:%d/%m/%Y %H:%M}</p>"
        f"<p>{escape(t['summary'].format(present=present, total=len(rows)))}</p>"
        f"<figure><figcaption>{escape(t['chart'])}</figcaption>{bar_chart(rows, t['chart'])}"
        f"</figure><table><thead><tr><th>{t['site']}</th><th>{t['court']}</th>"
        f"<th>{t['attended']}</th><th>{t['joins']}</th><th>{t['minutes']}</th></tr></thead>"
        f"<tbody>{body_rows}</tbody></table></body></html>"
    )
