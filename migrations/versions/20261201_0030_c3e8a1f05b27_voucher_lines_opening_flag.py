"""voucher lines: the 建账 voucher's lines are flagged as opening balances

Revision ID: c3e8a1f05b27
Revises: b7d41c2e9a55
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e8a1f05b27'
down_revision = 'b7d41c2e9a55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE voucher_lines SET opening = true WHERE voucher_id IN "
               "(SELECT id FROM vouchers WHERE kind = 'opening')")


def downgrade():
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.drop_column('opening')
