"""scheduling: busy intervals per person and endpoint, filled from the hearings; on
PostgreSQL an exclusion constraint that makes a double booking impossible. The index on
lower(participants.name) goes: lawyers and interpreters are found by their busy intervals.

Revision ID: c004_busy_intervals
Revises: c003_notice_secrets
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "c004_busy_intervals"
down_revision = "c003_notice_secrets"
branch_labels = None
depends_on = None

# A snapshot of the booking rules as they stand at this revision (migrations do not import
# the product's code): conference/domain/booking.py BUSY_ROLES, PersonKey, RELEASED_STATES.
BUSY_ROLES = ("presiding_judge", "panel_member", "clerk", "procurator", "lawyer", "interpreter")
RELEASED = ("cancelled", "closed")
BATCH = 5000


def _normalise(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _named_key(role: str, name: str, language: str | None) -> tuple[str, str]:
    if role == "interpreter":
        return "interpreter", f"{_normalise(name)}|{(language or '').lower()}"
    return ("lawyer" if role == "lawyer" else "person"), _normalise(name)


def upgrade() -> None:
    op.create_table(
        "busy_intervals",
        sa.Column("hearing_id", sa.String(length=32), nullable=False),
        sa.Column("resource_kind", sa.String(length=20), nullable=False),
        sa.Column("resource_key", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_busy_intervals_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "hearing_id", "resource_kind", "resource_key", name=op.f("pk_busy_intervals")
        ),
    )
    op.create_index(
        "ix_busy_intervals_resource",
        "busy_intervals",
        ["resource_kind", "resource_key", "starts_at"],
    )
    _fill()
    op.drop_index("ix_participants_name_lower", table_name="participants")
    if op.get_bind().dialect.name == "postgresql":
        _refuse_existing_double_bookings()
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE busy_intervals ADD CONSTRAINT busy_intervals_no_overlap EXCLUDE USING"
            " gist (resource_kind WITH =, resource_key WITH =,"
            " tstzrange(starts_at, ends_at) WITH &&)"
        )


def _fill() -> None:
    """Endpoints and staff in SQL; lawyers, interpreters and others known by name in Python
    (their key is the name normalised as the booking rules do, which SQL cannot)."""
    released = ", ".join(f"'{s}'" for s in RELEASED)
    roles = ", ".join(f"'{r}'" for r in BUSY_ROLES)
    op.execute(
        f"""
        INSERT INTO busy_intervals (hearing_id, resource_kind, resource_key, starts_at, ends_at)
        SELECT h.id, 'endpoint', e.code, h.starts_at, h.ends_at
        FROM hearings h JOIN (
            SELECT id AS hid, central_endpoint AS code FROM hearings
            WHERE central_endpoint IS NOT NULL
            UNION SELECT hearing_id, endpoint_code FROM hearing_endpoints
            UNION SELECT hearing_id, endpoint_code FROM participants
            WHERE endpoint_code IS NOT NULL
        ) e ON e.hid = h.id
        WHERE h.state NOT IN ({released})
        """
    )
    op.execute(
        f"""
        INSERT INTO busy_intervals (hearing_id, resource_kind, resource_key, starts_at, ends_at)
        SELECT DISTINCT h.id, 'staff', p.staff_username, h.starts_at, h.ends_at
        FROM participants p JOIN hearings h ON h.id = p.hearing_id
        WHERE p.staff_username IS NOT NULL AND p.role IN ({roles})
          AND h.state NOT IN ({released})
        """
    )
    intervals = sa.table(
        "busy_intervals",
        sa.column("hearing_id", sa.String),
        sa.column("resource_kind", sa.String),
        sa.column("resource_key", sa.Text),
        sa.column("starts_at", sa.DateTime(timezone=True)),
        sa.column("ends_at", sa.DateTime(timezone=True)),
    )
    batch: list[dict[str, Any]] = []
    for row in _named_rows(f"({roles})", f"({released})"):
        batch.append(row)
        if len(batch) >= BATCH:
            op.get_bind().execute(sa.insert(intervals), batch)
            batch = []
    if batch:
        op.get_bind().execute(sa.insert(intervals), batch)


def _named_rows(roles: str, released: str) -> Iterator[dict[str, Any]]:
    rows = op.get_bind().execute(
        sa.text(
            f"""
            SELECT p.hearing_id, p.role, p.name, p.language, h.starts_at, h.ends_at
            FROM participants p JOIN hearings h ON h.id = p.hearing_id
            WHERE p.staff_username IS NULL AND p.role IN {roles}
              AND h.state NOT IN {released}
            ORDER BY p.hearing_id
            """
        ).columns(
            sa.column("hearing_id", sa.String),
            sa.column("role", sa.String),
            sa.column("name", sa.String),
            sa.column("language", sa.String),
            sa.column("starts_at", sa.DateTime(timezone=True)),
            sa.column("ends_at", sa.DateTime(timezone=True)),
        )
    ).all()
    seen: set[tuple[str, str, str]] = set()
    for hearing_id, role, name, language, starts_at, ends_at in rows:
        kind, key = _named_key(role, name, language)
        if (hearing_id, kind, key) in seen:  # the same person twice in one hearing
            continue
        seen.add((hearing_id, kind, key))
        yield {
            "hearing_id": hearing_id,
            "resource_kind": kind,
            "resource_key": key,
            "starts_at": starts_at,
            "ends_at": ends_at,
        }


def _refuse_existing_double_bookings() -> None:
    """Before the guard can be added, no two active hearings may already share a person or an
    endpoint at an overlapping time (the old check-then-save let some through). Say which,
    so that someone can move or cancel one of each pair; nothing is changed meanwhile."""
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                """
                SELECT a.resource_kind, a.resource_key, a.hearing_id, a.starts_at,
                       b.hearing_id, b.starts_at
                FROM busy_intervals a JOIN busy_intervals b
                  ON b.resource_kind = a.resource_kind AND b.resource_key = a.resource_key
                 AND b.hearing_id > a.hearing_id
                 AND b.starts_at < a.ends_at AND a.starts_at < b.ends_at
                ORDER BY a.starts_at, a.resource_kind, a.resource_key
                LIMIT 20
                """
            )
        )
        .all()
    )
    if clashes:
        listed = "; ".join(
            f"{kind} {key}: hearing {one} at {one_at:%Y-%m-%d %H:%M} UTC and hearing {two} at"
            f" {two_at:%Y-%m-%d %H:%M} UTC"
            for kind, key, one, one_at, two, two_at in clashes
        )
        raise RuntimeError(
            "cannot add the guard against double bookings: these active hearings already"
            f" share a person or an endpoint at overlapping times (first 20): {listed}."
            " Move or cancel one hearing of each pair (PATCH /api/v1/hearings/{id}, or POST"
            " /api/v1/hearings/{id}/cancel), then run `vcourt db upgrade` again."
        )


def downgrade() -> None:
    op.create_index("ix_participants_name_lower", "participants", [sa.text("lower(name)")])
    op.drop_table("busy_intervals")
