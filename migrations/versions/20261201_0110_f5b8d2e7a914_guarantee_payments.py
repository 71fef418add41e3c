"""guarantee payments: 保底 paid during the year, by voucher, read back by the plan; and why a
household was paid more than was due

Revision ID: f5b8d2e7a914
Revises: f2a6c8d41e03
Create Date: 2026-12-01 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5b8d2e7a914'
down_revision = 'f2a6c8d41e03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guarantee_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_guarantee_payments_household_id_households')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_guarantee_payments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_guarantee_payments_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantee_payments'))
    )
    with op.batch_alter_table('guarantee_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guarantee_payments_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guarantee_payments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guarantee_payments_voucher_id'), ['voucher_id'], unique=False)
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overpaid_note', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('distribution_lines', schema=None) as batch_op:
        batch_op.drop_column('overpaid_note')
    with op.batch_alter_table('guarantee_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guarantee_payments_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_guarantee_payments_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_guarantee_payments_household_id'))
    op.drop_table('guarantee_payments')
