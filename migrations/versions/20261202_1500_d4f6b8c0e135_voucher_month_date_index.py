"""vouchers: an index by organisation, month and date, so 序时控制's "latest posted voucher of
the month" is read from the index and not by scanning the month (a million-voucher book)

Revision ID: d4f6b8c0e135
Revises: c3e5a7b9d024
Create Date: 2026-12-02 15:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4f6b8c0e135'
down_revision = 'c3e5a7b9d024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_vouchers_month_on', 'vouchers',
                    ['organisation_id', 'year', 'month', 'on', 'number'], unique=False)


def downgrade():
    op.drop_index('ix_vouchers_month_on', table_name='vouchers')
