"""stored_file_chunks: files kept in the database (STORAGE = "database")

Revision ID: b2d4f6a8c013
Revises: a1c3e5f7b902
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c013'
down_revision = 'a1c3e5f7b902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_file_chunks',
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'seq', name=op.f('pk_stored_file_chunks')))


def downgrade():
    op.drop_table('stored_file_chunks')
