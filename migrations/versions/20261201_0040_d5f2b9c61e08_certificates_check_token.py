"""certificates: a random token in the check address, so serials cannot be enumerated

Revision ID: d5f2b9c61e08
Revises: c3e8a1f05b27
Create Date: 2026-12-01 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f2b9c61e08'
down_revision = 'c3e8a1f05b27'
branch_labels = None
depends_on = None


def upgrade():
    # certificates already printed keep their address without a token
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('token')
