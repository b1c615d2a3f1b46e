"""Bookings made at the same moment: of twenty clerks booking the same courtroom, judge and
time, exactly one gets the booking and nineteen get the same explained 409 as any clash — on
SQLite and on PostgreSQL, through real HTTP requests to the whole app."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.web.helpers import Client, Headers, add_case, add_registry, book, hearing_body, ok

JUDGE = [{"role": "presiding_judge", "staff_username": "hung.tq"}]


def refusal(title: str, at: str) -> str:
    return (
        f"the booking conflicts: endpoint TAND-HN-P1 is already booked for {title!r} at {at};"
        f" judge Trần Quốc Hùng is already booked for {title!r} at {at}"
        " (POST /api/v1/bookings/check offers free slots)"
    )


async def answers(responses: list[Any]) -> list[tuple[int, Any]]:
    return [(r.status, await r.json()) for r in responses]


async def test_twenty_simultaneous_bookings_of_one_room_and_judge_make_one(
    client: Client, admin: Headers
) -> None:
    await add_registry(client, admin)
    await add_case(client, admin)
    body = hearing_body(component_endpoints=[], participants=JUDGE)
    requests = [
        client.post("/api/v1/hearings", json={**body, "title": f"Phiên {i}"}, headers=admin)
        for i in range(20)
    ]
    results = await answers(await asyncio.gather(*requests))

    created = [out for status, out in results if status == 201]
    assert len(created) == 1, [status for status, _ in results]
    winner = created[0]["title"]
    refused = [out["detail"] for status, out in results if status == 409]
    assert refused == [refusal(winner, "2030-03-15 09:00-11:00")] * 19
    listed = await ok(await client.get("/api/v1/hearings?limit=100", headers=admin))
    assert [h["title"] for h in listed["items"]] == [winner]


async def test_twenty_hearings_moved_onto_one_slot_at_once_leave_one_there(
    client: Client, admin: Headers
) -> None:
    await add_registry(client, admin)
    await add_case(client, admin)
    ids = []
    for i in range(20):  # Thursday 07:30, 07:40, ... 10:40, ten minutes each
        minute = 7 * 60 + 30 + 10 * i
        booked = await book(
            client,
            admin,
            title=f"Phiên {i}",
            starts_at=f"2030-03-14T{minute // 60:02d}:{minute % 60:02d}:00",
            duration_minutes=10,
            component_endpoints=[],
            participants=JUDGE,
        )
        ids.append(booked["id"])
    friday = {"starts_at": "2030-03-15T09:00:00"}
    requests = [client.patch(f"/api/v1/hearings/{i}", json=friday, headers=admin) for i in ids]
    results = await answers(await asyncio.gather(*requests))

    moved = [out for status, out in results if status == 200]
    assert len(moved) == 1, [status for status, _ in results]
    refused = [out["detail"] for status, out in results if status == 409]
    assert refused == [refusal(moved[0]["title"], "2030-03-15 09:00-09:10")] * 19
    listed = await ok(await client.get("/api/v1/hearings?day=2030-03-15", headers=admin))
    assert [h["id"] for h in listed["items"]] == [moved[0]["id"]]
