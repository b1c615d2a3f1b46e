"""Write the demo court registry to the database (`vcourt seed`).

Idempotent and non-destructive: only codes missing from the database are inserted; a
court or endpoint that already exists is left exactly as it is, even if an administrator
has changed it since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.courts import Capabilities, Court, Endpoint
from conference.store.tables import CourtRow, EndpointRow
from web.seed.registry_data import build_registry


@dataclass(frozen=True)
class SeedReport:
    courts_inserted: int
    courts_existing: int
    endpoints_inserted: int
    endpoints_existing: int

    @property
    def inserted(self) -> int:
        return self.courts_inserted + self.endpoints_inserted

    def __str__(self) -> str:
        return (
            f"courts: {self.courts_inserted} inserted, {self.courts_existing} already present;"
            f" endpoints: {self.endpoints_inserted} inserted,"
            f" {self.endpoints_existing} already present"
        )


def capabilities_dict(caps: Capabilities) -> dict[str, Any]:
    return {
        "max_resolution": caps.max_resolution,
        "codecs": list(caps.codecs),
        "bandwidth_kbps": caps.bandwidth_kbps,
    }


def court_row(court: Court) -> CourtRow:
    return CourtRow(
        code=court.code,
        name=court.name,
        level=court.level.value,
        province=court.province,
        parent_code=court.parent_code,
    )


def endpoint_row(endpoint: Endpoint) -> EndpointRow:
    return EndpointRow(
        code=endpoint.code,
        court_code=endpoint.court_code,
        site_name=endpoint.site_name,
        kind=endpoint.kind.value,
        capabilities=capabilities_dict(endpoint.capabilities),
        enabled=endpoint.enabled,
    )


async def seed_registry(session: AsyncSession) -> SeedReport:
    """Insert the courts and endpoints of the demo registry that are not there yet."""
    courts, endpoints = build_registry()

    court_codes = [c.code for c in courts]
    existing_courts = set(
        (await session.scalars(select(CourtRow.code).where(CourtRow.code.in_(court_codes)))).all()
    )
    endpoint_codes = [e.code for e in endpoints]
    existing_endpoints = set(
        (
            await session.scalars(
                select(EndpointRow.code).where(EndpointRow.code.in_(endpoint_codes))
            )
        ).all()
    )

    # Courts come parents first; flush them before the endpoints that refer to them.
    new_courts = [court_row(c) for c in courts if c.code not in existing_courts]
    session.add_all(new_courts)
    await session.flush()
    new_endpoints = [endpoint_row(e) for e in endpoints if e.code not in existing_endpoints]
    session.add_all(new_endpoints)
    await session.commit()

    return SeedReport(
        courts_inserted=len(new_courts),
        courts_existing=len(existing_courts),
        endpoints_inserted=len(new_endpoints),
        endpoints_existing=len(existing_endpoints),
    )
