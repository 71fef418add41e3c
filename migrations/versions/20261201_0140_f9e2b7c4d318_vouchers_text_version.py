"""vouchers: the version of the posted text the hash chain covers (2: every line's 摘要, the
preparers, cashier, poster and every scan's SHA-256)

Revision ID: f9e2b7c4d318
Revises: f8d3a6b2c147
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f9e2b7c4d318'
down_revision = 'f8d3a6b2c147'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_column('text_version')
