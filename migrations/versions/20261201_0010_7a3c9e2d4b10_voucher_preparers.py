"""vouchers: everyone who saved a voucher's lines is one of its preparers

Revision ID: 7a3c9e2d4b10
Revises: 5e55a0c0b7e1
Create Date: 2026-12-01 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c9e2d4b10'
down_revision = '5e55a0c0b7e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voucher_preparers',
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voucher_preparers_user_id_users')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_preparers_voucher_id_vouchers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('voucher_id', 'user_id', name=op.f('pk_voucher_preparers'))
    )
    op.execute("INSERT INTO voucher_preparers (voucher_id, user_id) "
               "SELECT id, preparer_id FROM vouchers")


def downgrade():
    op.drop_table('voucher_preparers')
