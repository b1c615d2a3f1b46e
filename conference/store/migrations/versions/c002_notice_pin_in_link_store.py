"""scheduling: notices no longer keep a PIN hash (the participant-link store holds it)

Revision ID: c002
Revises: c001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c002"
down_revision = "c001"
branch_labels = None
# Notices now issue their links through participant_links (signalling's b001 table).
depends_on = ("b001",)


def upgrade() -> None:
    # A plain column: ALTER TABLE … DROP COLUMN works on PostgreSQL and SQLite >= 3.35
    # (no table copy, so the deliveries' foreign keys to notices are left alone).
    op.drop_column("notices", "pin_hash")


def downgrade() -> None:
    op.add_column("notices", sa.Column("pin_hash", sa.String(length=200), nullable=True))
