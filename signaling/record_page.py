"""The printable hearing record (biên bản): attendance, state history, identity checks,
recordings with their hashes."""

from __future__ import annotations

from html import escape
from typing import Any

from aiohttp import web

from conference.domain.access import Action
from conference.store.tables import HearingRow
from conference.wiring.keys import SESSIONS
from conference.wiring.principals import require
from signaling import record

# The page's only style, inline so the record prints alone; the Content-Security-Policy allows
# exactly this text by its hash (web/headers.py), so keep it a constant.
RECORD_STYLE = (
    "body{font-family:serif;max-width:50em;margin:2em auto}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:4px}"
    "@media print{body{margin:0}}"
)


async def load_report(request: web.Request, hearing_id: str) -> dict[str, Any] | None:
    async with request.app[SESSIONS]() as session:
        hearing = await session.get(HearingRow, hearing_id)
        if hearing is None:
            return None
        rows = await record.entries(session, hearing_id)
        result = record.report(hearing, rows)
        result["verification"] = record.verify_rows(hearing_id, rows).__dict__
        return result


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


async def record_page(request: web.Request) -> web.Response:
    await require(request, Action.READ_HEARINGS)
    hearing_id = request.match_info["hearing_id"]
    report = await load_report(request, hearing_id)
    if report is None:
        raise web.HTTPNotFound(text=f"hearing {hearing_id} does not exist")
    e = escape
    rows = "".join(
        f"<tr><td>{e(a['name'])}</td><td>{e(a['role'])}</td><td>"
        + "<br>".join(f"{e(p['joined'] or '')} – {e(p['left'] or '')}" for p in a["periods"])
        + f"</td><td>{_minutes(a['total_seconds'])}</td></tr>"
        for a in report["attendance"]
    )
    states = "".join(
        f"<li>{e(s['at'])}: {e(s['from'])} → {e(s['to'])} ({e(s['by'])})"
        + (f" — {e(s['reason'])}" if s["reason"] else "")
        + "</li>"
        for s in report["state_history"]
    )
    checks = "".join(
        f"<li>{e(c['at'])}: {e(c['participant'])} — {e(c['document'])},"
        f" {'verified' if c['verified'] else 'NOT verified'} by {e(c['checked_by'])}"
        + (f" ({e(c['notes'])})" if c["notes"] else "")
        + "</li>"
        for c in report["identity_checks"]
    )
    decisions = "".join(
        f"<li>{e(d['at'])}: {e(d['decision'].replace('participant_', '').replace('_', ' '))}"
        f" {e(d['participant'] or '')} by {e(d['by'])}"
        + (f" — {e(d['reason'])}" if d["reason"] else "")
        + "</li>"
        for d in report["decisions"]
    )
    recordings = "".join(
        f"<tr><td>{e(r['participant'])}</td><td>{e(r['kind'])}</td><td>{e(r['started_at'])}"
        f" – {e(r['ended_at'])}</td><td>{r['bytes']:,}</td><td><code>{e(r['file'])}</code><br>"
        f"<small>SHA-256 <code>{e(r['sha256'])}</code></small></td></tr>"
        for r in report["recordings"]
    )
    v = report["verification"]
    integrity = (
        f"the record's {v['entries']} entries form an unbroken hash chain"
        f" (last hash {e(report['last_hash'])})"
        if v["ok"]
        else f"THE RECORD FAILS VERIFICATION: {e(v['problem'] or '')}"
    )
    case = f" — case {e(report['case_number'])}" if report["case_number"] else ""
    html = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>Biên bản phiên tòa / Hearing record — {e(report["title"])}</title>
<style>{RECORD_STYLE}</style></head><body>
<h1>Biên bản phiên tòa trực tuyến<br><small>Online hearing record</small></h1>
<p><b>{e(report["title"])}</b>{case}</p>
<p>State: {e(report["state"])}{"" if report["final"] else " (not closed yet: provisional)"}.
Started {e(report["started_at"] or "—")}, closed {e(report["closed_at"] or "—")},
duration {_minutes(report["duration_seconds"])}.</p>
<h2>Attendance / Thành phần tham dự</h2>
<table><tr><th>Name</th><th>Role</th><th>Joined – left</th><th>Total</th></tr>{rows}</table>
<h2>Identity checks / Kiểm tra căn cước</h2><ul>{checks or "<li>none</li>"}</ul>
<h2>Recordings / Ghi âm, ghi hình</h2>
<table><tr><th>Speaker</th><th>Track</th><th>From – to</th><th>Bytes</th><th>File</th></tr>
{recordings or '<tr><td colspan="5">none</td></tr>'}</table>
<h2>Admission and recording decisions</h2><ul>{decisions or "<li>none</li>"}</ul>
<h2>Hearing states</h2><ul>{states or "<li>none</li>"}</ul>
<p><small>Integrity: {integrity}.</small></p>
</body></html>"""
    return web.Response(text=html, content_type="text/html")
