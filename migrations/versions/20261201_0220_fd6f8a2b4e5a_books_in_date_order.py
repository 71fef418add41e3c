"""books: 序时控制, vouchers posted in date order within a month (on by default)

Revision ID: fd6f8a2b4e5a
Revises: fc5e7f1a3d49
Create Date: 2026-12-01 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd6f8a2b4e5a'
down_revision = 'fc5e7f1a3d49'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('books', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_date_order', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('books', schema=None) as batch_op:
        batch_op.drop_column('in_date_order')
