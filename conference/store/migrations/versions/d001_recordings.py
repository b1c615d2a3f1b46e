"""media: recordings and their hashes

Revision ID: d001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'd001'
down_revision = '0001'
branch_labels = ('media',)
depends_on = None


def upgrade() -> None:
    op.create_table('recordings',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('hearing_id', sa.String(length=32), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('packets', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_recordings_hearing_id_hearings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
    sa.UniqueConstraint('path', name=op.f('uq_recordings_path'))
    )
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordings_hearing_id'), ['hearing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordings_participant_id'), ['participant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recordings_participant_id'))
        batch_op.drop_index(batch_op.f('ix_recordings_hearing_id'))
    op.drop_table('recordings')
