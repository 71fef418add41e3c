"""voucher_templates: vouchers kept as patterns (凭证模板) to start a new voucher from

Revision ID: e5a7c9d1f246
Revises: d4f6b8c0e135
Create Date: 2026-12-02 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f246'
down_revision = 'd4f6b8c0e135'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'voucher_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_voucher_templates_created_by_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_voucher_templates_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_templates')),
        sa.UniqueConstraint('organisation_id', 'name',
                            name=op.f('uq_voucher_templates_organisation_id_name')))
    op.create_index(op.f('ix_voucher_templates_organisation_id'), 'voucher_templates',
                    ['organisation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_voucher_templates_organisation_id'), table_name='voucher_templates')
    op.drop_table('voucher_templates')
