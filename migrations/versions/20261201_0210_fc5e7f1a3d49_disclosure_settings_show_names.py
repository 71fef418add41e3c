"""disclosure settings: whether people's names appear in full on public pages

Revision ID: fc5e7f1a3d49
Revises: fb4d6e9f2c38
Create Date: 2026-12-01 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fc5e7f1a3d49'
down_revision = 'fb4d6e9f2c38'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_names', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('disclosure_settings', schema=None) as batch_op:
        batch_op.drop_column('show_names')
