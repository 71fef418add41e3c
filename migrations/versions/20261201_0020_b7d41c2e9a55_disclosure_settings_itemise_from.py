"""disclosure settings: the board notice itemises receipts and payments from this amount

Revision ID: b7d41c2e9a55
Revises: 7a3c9e2d4b10
Create Date: 2026-12-01 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a55'
down_revision = '7a3c9e2d4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('itemise_from', sa.BigInteger(), nullable=False,
                                      server_default='100000'))


def downgrade():
    with op.batch_alter_table('disclosure_settings', schema=None) as batch_op:
        batch_op.drop_column('itemise_from')
