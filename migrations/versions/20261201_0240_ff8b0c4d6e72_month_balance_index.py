"""ledger: the month-balance index (organisation × month × account × kind), built from the
posted lines of the books already there

Revision ID: ff8b0c4d6e72
Revises: fe7a9b3c5d61
Create Date: 2026-12-01 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ff8b0c4d6e72'
down_revision = 'fe7a9b3c5d61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'month_balances',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('ym', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('debit', sa.BigInteger(), nullable=False),
        sa.Column('credit', sa.BigInteger(), nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('flow', 'opening', 'closing')",
                           name=op.f('ck_month_balances_kind')),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_month_balances_account_id_accounts')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_month_balances_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('organisation_id', 'ym', 'account_id', 'kind',
                                name=op.f('pk_month_balances')),
    )
    lines = sa.table('voucher_lines', sa.column('organisation_id'), sa.column('account_id'),
                     sa.column('on', sa.Date()), sa.column('debit', sa.BigInteger()),
                     sa.column('credit', sa.BigInteger()), sa.column('posted', sa.Boolean()),
                     sa.column('opening', sa.Boolean()), sa.column('closing', sa.Boolean()))
    month = sa.extract('year', lines.c.on) * 100 + sa.extract('month', lines.c.on)
    kind = sa.case((lines.c.opening.is_(True), 'opening'),
                   (lines.c.closing.is_(True), 'closing'), else_='flow')
    built = (sa.select(lines.c.organisation_id, sa.cast(month, sa.Integer), lines.c.account_id,
                       kind, sa.func.sum(lines.c.debit), sa.func.sum(lines.c.credit),
                       sa.func.count())
             .where(lines.c.posted.is_(True))
             .group_by(lines.c.organisation_id, sa.cast(month, sa.Integer), lines.c.account_id,
                       kind))
    index = sa.table('month_balances', sa.column('organisation_id'), sa.column('ym'),
                     sa.column('account_id'), sa.column('kind'), sa.column('debit'),
                     sa.column('credit'), sa.column('lines'))
    op.execute(index.insert().from_select(
        ['organisation_id', 'ym', 'account_id', 'kind', 'debit', 'credit', 'lines'], built))


def downgrade():
    op.drop_table('month_balances')
