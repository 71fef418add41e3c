"""id lookups: each ID number typed that was already registered, counted per user so the
person form cannot test ID numbers in bulk

Revision ID: fa3c5d8e1b27
Revises: f9e2b7c4d318
Create Date: 2026-12-01 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa3c5d8e1b27'
down_revision = 'f9e2b7c4d318'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('id_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_id_lookups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_id_lookups'))
    )
    with op.batch_alter_table('id_lookups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_id_lookups_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('id_lookups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_id_lookups_user_id'))
    op.drop_table('id_lookups')
