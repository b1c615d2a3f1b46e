"""The IT view: every endpoint as a small coloured cell, grouped by province and court level.

The picture is built by a pure function (`build_picture`) from the registry rows, the hearings in
progress (booked in a live hearing, or connected to one: signalling's FleetView) and a presence
map when there is one. Nothing reports yet whether an endpoint outside a hearing is switched on
(that needs an agent at the site), so such an endpoint shows as "unknown", and the page says
why, rather than pretending to know. The nodes table comes from signalling too: this node's
live hearings, connections and load, and a note when other nodes exist that it cannot list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiohttp import web
from sqlalchemy import select

from conference.domain.access import ApiRole
from conference.domain.courts import CourtLevel
from conference.domain.hearings import HearingState
from conference.store.tables import EndpointRow, HearingEndpointRow, HearingRow
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from signaling.fleet import NodeLoad, load_per_core
from signaling.keys import FLEET
from web.pages.render import render, staff_page

routes = web.RouteTableDef()


class EndpointState(StrEnum):
    ONLINE = "online"
    IN_SESSION = "in_session"
    OFFLINE = "offline"
    UNKNOWN = "unknown"
    DISABLED = "disabled"


LIVE_HEARING_STATES = (HearingState.OPEN, HearingState.IN_SESSION, HearingState.PAUSED)
LEVEL_ORDER = list(CourtLevel)


@dataclass(frozen=True)
class Cell:
    code: str
    site_name: str
    court_name: str
    kind: str
    state: EndpointState


@dataclass
class Group:
    province: str
    levels: dict[CourtLevel, list[Cell]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(c) for c in self.levels.values())


@dataclass
class Picture:
    groups: list[Group]
    counts: dict[EndpointState, int]
    total: int
    shown: int
    presence_known: bool


@dataclass(frozen=True)
class FleetQuery:
    q: str = ""
    province: str = ""
    level: CourtLevel | None = None
    state: EndpointState | None = None


def fold(text: str) -> str:
    """Lower case without accents, so 'ha noi' finds 'Hà Nội'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def state_of(enabled: bool, in_hearing: bool, online: bool | None) -> EndpointState:
    if not enabled:
        return EndpointState.DISABLED
    if in_hearing:
        return EndpointState.IN_SESSION
    if online is None:
        return EndpointState.UNKNOWN
    return EndpointState.ONLINE if online else EndpointState.OFFLINE


def build_picture(
    endpoints: Iterable[Any],
    in_hearing: set[str],
    presence: Mapping[str, bool] | None,
    query: FleetQuery,
) -> Picture:
    """Group endpoints (rows with .code, .site_name, .kind, .enabled, .court) into the picture."""
    counts = dict.fromkeys(EndpointState, 0)
    groups: dict[str, Group] = {}
    total = shown = 0
    needle = fold(query.q.strip())
    for row in endpoints:
        total += 1
        online = None if presence is None else presence.get(row.code, False)
        state = state_of(row.enabled, row.code in in_hearing, online)
        counts[state] += 1
        court = row.court
        if query.province and court.province != query.province:
            continue
        if query.level and court.level != query.level.value:
            continue
        if query.state and state != query.state:
            continue
        if needle and not any(
            needle in fold(t) for t in (row.code, row.site_name, court.name, court.province)
        ):
            continue
        shown += 1
        group = groups.setdefault(court.province, Group(court.province))
        group.levels.setdefault(CourtLevel(court.level), []).append(
            Cell(row.code, row.site_name, court.name, row.kind, state)
        )
    ordered = sorted(groups.values(), key=lambda g: fold(g.province))
    for group in ordered:
        group.levels = {lvl: group.levels[lvl] for lvl in LEVEL_ORDER if lvl in group.levels}
    return Picture(ordered, counts, total, shown, presence is not None)


async def endpoints_in_hearings(session: Any, now: datetime) -> set[str]:
    live = [s.value for s in LIVE_HEARING_STATES]
    central = await session.scalars(
        select(HearingRow.central_endpoint).where(
            HearingRow.state.in_(live), HearingRow.central_endpoint.is_not(None)
        )
    )
    components = await session.scalars(
        select(HearingEndpointRow.endpoint_code)
        .join(HearingRow, HearingRow.id == HearingEndpointRow.hearing_id)
        .where(HearingRow.state.in_(live))
    )
    return {c for c in central if c} | set(components)


@dataclass(frozen=True)
class Nodes:
    loads: list[NodeLoad]
    complete: bool  # False: other nodes run that this one cannot list


async def nodes_of(app: web.Application) -> Nodes:
    fleet = app.get(FLEET)
    if fleet is None:  # signalling does not run in this process: only its load is known
        return Nodes([NodeLoad(app[SETTINGS].node_name, None, None, load_per_core())], False)
    return Nodes(await fleet.nodes(), fleet.all_nodes)


def parse_query(params: Mapping[str, str]) -> FleetQuery:
    level = params.get("level", "")
    state = params.get("state", "")
    return FleetQuery(
        q=params.get("q", "")[:100],
        province=params.get("province", "")[:80],
        level=CourtLevel(level) if level in CourtLevel.__members__.values() else None,
        state=EndpointState(state) if state in EndpointState.__members__.values() else None,
    )


@routes.get("/fleet", name="fleet")
@staff_page(ApiRole.ADMIN)
async def fleet_page(request: web.Request) -> web.StreamResponse:
    query = parse_query(request.query)
    fleet = request.app.get(FLEET)
    async with request.app[SESSIONS]() as session:
        rows = (await session.scalars(select(EndpointRow).order_by(EndpointRow.code))).all()
        busy = await endpoints_in_hearings(session, request.app[CLOCK]())
    if fleet is not None:
        busy |= await fleet.connected_endpoints()
    # No presence map: nothing reports whether an endpoint outside a hearing is on.
    picture = build_picture(rows, busy, None, query)
    provinces = sorted({r.court.province for r in rows}, key=fold)
    as_list = request.query.get("view") == "list"
    return await render(
        request,
        "fleet.html",
        picture=picture,
        query=query,
        provinces=provinces,
        levels=LEVEL_ORDER,
        states=list(EndpointState),
        nodes=await nodes_of(request.app),
        as_list=as_list,
    )


__all__ = ["EndpointState", "FleetQuery", "build_picture"]
