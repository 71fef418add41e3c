"""filings: submitted versions, explanations, township and county summaries, yearly archives

Revision ID: f6b8d0e2a357
Revises: a7c9e1f3b468
Create Date: 2026-12-03 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6b8d0e2a357'
down_revision = 'a7c9e1f3b468'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('filing_archives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.Column('ledger_head', sa.String(length=64), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_filing_archives_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_filing_archives_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_archives'))
    )
    with op.batch_alter_table('filing_archives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_archives_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('filing_county_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contents', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('produced_by_id', sa.Integer(), nullable=False),
    sa.Column('produced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['produced_by_id'], ['users.id'], name=op.f('fk_filing_county_summaries_produced_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_county_summaries')),
    sa.UniqueConstraint('county', 'year', 'version', name=op.f('uq_filing_county_summaries_county_year_version'))
    )
    op.create_table('filing_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contents', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('produced_by_id', sa.Integer(), nullable=False),
    sa.Column('produced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('produced', 'accepted', 'returned', name='summary_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['produced_by_id'], ['users.id'], name=op.f('fk_filing_summaries_produced_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_filing_summaries_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_filing_summaries_township_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_summaries')),
    sa.UniqueConstraint('township_id', 'year', 'version', name=op.f('uq_filing_summaries_township_id_year_version'))
    )
    with op.batch_alter_table('filing_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_summaries_township_id'), ['township_id'], unique=False)

    op.create_table('filing_explanations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=32), nullable=False),
    sa.Column('row_code', sa.String(length=8), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_filing_explanations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_filing_explanations_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_explanations')),
    sa.UniqueConstraint('organisation_id', 'year', 'form_key', 'row_code', name=op.f('uq_filing_explanations_organisation_id_year_form_key_row_code'))
    )
    with op.batch_alter_table('filing_explanations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_explanations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'accepted', 'returned', name='filing_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('contents', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('ledger_head', sa.String(length=64), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_filings_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_filings_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_filings_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filings')),
    sa.UniqueConstraint('organisation_id', 'year', 'version', name=op.f('uq_filings_organisation_id_year_version'))
    )
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filings_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('filing_archives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_archives_organisation_id'))

    op.drop_table('filing_archives')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filings_organisation_id'))

    op.drop_table('filings')
    with op.batch_alter_table('filing_explanations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_explanations_organisation_id'))

    op.drop_table('filing_explanations')
    with op.batch_alter_table('filing_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_summaries_township_id'))

    op.drop_table('filing_summaries')
    op.drop_table('filing_county_summaries')
