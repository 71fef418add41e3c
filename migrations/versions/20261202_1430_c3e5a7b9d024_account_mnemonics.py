"""accounts: 助记码, the pinyin initials an accountant types to find an account, generated for
the accounts already there

Revision ID: c3e5a7b9d024
Revises: b2d4f6a8c013
Create Date: 2026-12-02 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e5a7b9d024'
down_revision = 'b2d4f6a8c013'
branch_labels = None
depends_on = None


def upgrade():
    from coopledger.ledger.mnemonics import mnemonic_of

    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('mnemonic', sa.String(length=16), server_default='',
                                   nullable=False))
    accounts = sa.table('accounts', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('mnemonic', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(accounts.c.id, accounts.c.name)).all()
    for account_id, name in rows:
        connection.execute(accounts.update().where(accounts.c.id == account_id)
                           .values(mnemonic=mnemonic_of(name)))


def downgrade():
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('mnemonic')
