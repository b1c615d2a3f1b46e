"""signalling: hearing record (event log) and join-link state

Revision ID: b001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b001"
down_revision = "0001"
branch_labels = ("signaling",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hearing_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hearing_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_hearing_events_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_events")),
        sa.UniqueConstraint("hearing_id", "seq", name=op.f("uq_hearing_events_hearing_id")),
    )
    with op.batch_alter_table("hearing_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_events_hearing_id"), ["hearing_id"], unique=False
        )
    op.create_table(
        "participant_links",
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("link_version", sa.Integer(), nullable=False),
        sa.Column("link_revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("pin_attempts", sa.Integer(), nullable=False),
        sa.Column("pin_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_links_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_participant_links")),
    )


def downgrade() -> None:
    op.drop_table("participant_links")
    with op.batch_alter_table("hearing_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_events_hearing_id"))
    op.drop_table("hearing_events")
