"""distribution lines: the 亩-days the line's 保底 is computed on, so the plan shows its formula

Revision ID: f8d3a6b2c147
Revises: f7c1e9a3b562
Create Date: 2026-12-01 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8d3a6b2c147'
down_revision = 'f7c1e9a3b562'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_days', sa.Numeric(precision=20, scale=4),
                                      server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.drop_column('area_days')
