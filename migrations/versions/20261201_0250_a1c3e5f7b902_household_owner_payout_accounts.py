"""households: the organisation that keeps their identity data; memberships: each
organisation's own payout account

Revision ID: a1c3e5f7b902
Revises: ff8b0c4d6e72
Create Date: 2026-12-01 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b902'
down_revision = 'ff8b0c4d6e72'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_households_owner_organisation_id_organisations'), 'organisations',
            ['owner_organisation_id'], ['id'])
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_name', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('bank_account', sa.String(length=40), server_default='',
                                      nullable=False))
    # The households already there are kept by their village's collective, or else by the
    # first organisation they joined.
    op.execute(
        "UPDATE households SET owner_organisation_id = (SELECT o.id FROM organisations o "
        "WHERE o.village_id = households.village_id AND o.kind = 'village_collective' "
        "ORDER BY o.id LIMIT 1)")
    op.execute(
        "UPDATE households SET owner_organisation_id = (SELECT m.organisation_id FROM "
        "memberships m WHERE m.household_id = households.id ORDER BY m.id LIMIT 1) "
        "WHERE owner_organisation_id IS NULL")


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('bank_account')
        batch_op.drop_column('bank_name')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_households_owner_organisation_id_organisations'),
                                 type_='foreignkey')
        batch_op.drop_column('owner_organisation_id')
