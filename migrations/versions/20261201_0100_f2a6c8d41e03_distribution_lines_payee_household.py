"""distribution lines: the household paid (the heir's, when the holder's shares were inherited)

Revision ID: f2a6c8d41e03
Revises: e7a3d4c90f12
Create Date: 2026-12-01 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a6c8d41e03'
down_revision = 'e7a3d4c90f12'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee_household_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_distribution_lines_payee_household_id_households'),
            'households', ['payee_household_id'], ['id'])
    op.execute("UPDATE distribution_lines SET payee_household_id = household_id")


def downgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_distribution_lines_payee_household_id_households'),
            type_='foreignkey')
        batch_op.drop_column('payee_household_id')
