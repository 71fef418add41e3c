"""member accounts of a cooperative: how the year's 公积金 is quantified, the subsidy property
quantified equally, and each line's quantified shares

Revision ID: fb4d6e9f2c38
Revises: fa3c5d8e1b27
Create Date: 2026-12-01 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fb4d6e9f2c38'
down_revision = 'fa3c5d8e1b27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'reserve_quantify_by', sa.Enum('volume', 'capital', name='distribution_quantify_by',
                                           native_enum=False, create_constraint=True,
                                           length=32),
            server_default='volume', nullable=False))
        batch_op.add_column(sa.Column('subsidy_property', sa.BigInteger(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserve_share', sa.BigInteger(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('reserve_before', sa.BigInteger(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('subsidy_share', sa.BigInteger(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.drop_column('subsidy_share')
        batch_op.drop_column('reserve_before')
        batch_op.drop_column('reserve_share')
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_distribution_plans_distribution_quantify_by'),
                                 type_='check')
        batch_op.drop_column('subsidy_property')
        batch_op.drop_column('reserve_quantify_by')
