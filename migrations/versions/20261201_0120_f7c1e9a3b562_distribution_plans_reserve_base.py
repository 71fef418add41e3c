"""distribution plans: what the reserve is a percentage of (the law's base by default, or the
distributable amount when the articles say so)

Revision ID: f7c1e9a3b562
Revises: f5b8d2e7a914
Create Date: 2026-12-01 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7c1e9a3b562'
down_revision = 'f5b8d2e7a914'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'reserve_base', sa.Enum('year_surplus', 'distributable',
                                    name='distribution_reserve_base', native_enum=False,
                                    create_constraint=True, length=32),
            server_default='year_surplus', nullable=False))


def downgrade():
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_distribution_plans_distribution_reserve_base'),
                                 type_='check')
        batch_op.drop_column('reserve_base')
