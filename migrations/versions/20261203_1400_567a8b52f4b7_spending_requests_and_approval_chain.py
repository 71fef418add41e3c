"""spending: each township's approval chain and limits, spending requests (支出申请), their
approval steps and scans, the organisations let off them; the roles village_head (村主要负责人/理事长) and township_leader
(乡镇分管领导)

Revision ID: 567a8b52f4b7
Revises: f6b8d0e2a357
Create Date: 2026-12-03 13:42:02.508802

"""
from alembic import op
import sqlalchemy as sa


_ROLES = ('admin', 'accountant', 'reviewer', 'cashier', 'supervisor', 'member',
          'township_auditor', 'county_reviewer')
_TOWNSHIP_OLD = "'township_auditor', 'county_reviewer'"
_TOWNSHIP_NEW = "'township_auditor', 'county_reviewer', 'township_leader'"


def _scope(township_roles):
    return ("(role = 'admin' AND organisation_id IS NULL AND township_id IS NULL)"
            f" OR (role IN ({township_roles}) AND township_id IS NOT NULL"
            " AND organisation_id IS NULL)"
            f" OR (role NOT IN ('admin', {township_roles})"
            " AND organisation_id IS NOT NULL AND township_id IS NULL)")


def _roles(names):
    return "role IN (" + ", ".join(f"'{name}'" for name in names) + ")"


def _replace(scope, roles):
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_constraint('scope_matches_role', type_='check')
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('scope_matches_role', scope)
        batch_op.create_check_constraint('role', _roles(roles))


# revision identifiers, used by Alembic.
revision = '567a8b52f4b7'
down_revision = 'f6b8d0e2a357'
branch_labels = None
depends_on = None


def upgrade():
    _replace(_scope(_TOWNSHIP_NEW), (*_ROLES, 'village_head', 'township_leader'))
    op.create_table('spending_chain_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'accountant', 'reviewer', 'cashier', 'supervisor', 'member', 'township_auditor', 'county_reviewer', 'village_head', 'township_leader', name='chain_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('from_amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_spending_chain_steps_township_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_chain_steps')),
    sa.UniqueConstraint('township_id', 'position', name='uq_spending_chain_position')
    )
    with op.batch_alter_table('spending_chain_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_chain_steps_township_id'), ['township_id'], unique=False)

    op.create_table('spending_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('cash_limit', sa.BigInteger(), nullable=False),
    sa.Column('resolution_from', sa.BigInteger(), nullable=False),
    sa.Column('scans_required', sa.Boolean(), nullable=False),
    sa.Column('requests_from', sa.Date(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['township_id'], ['townships.id'], name=op.f('fk_spending_settings_township_id_townships')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_spending_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_settings')),
    sa.UniqueConstraint('township_id', name=op.f('uq_spending_settings_township_id'))
    )
    op.create_table('spending_exemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_spending_exemptions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_spending_exemptions_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_exemptions')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_spending_exemptions_organisation_id'))
    )
    op.create_table('spending_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'approved', 'paid', name='request_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('payee', sa.String(length=100), nullable=False),
    sa.Column('payee_bank', sa.String(length=100), nullable=False),
    sa.Column('payee_account', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('method', sa.Enum('bank', 'cash', name='payment_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('resolution_ref', sa.String(length=100), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('bank_reference', sa.String(length=64), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_spending_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_spending_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_spending_requests_paid_by_id_users')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_spending_requests_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_requests')),
    sa.UniqueConstraint('organisation_id', 'year', 'number', name='uq_spending_request_number'),
    sa.UniqueConstraint('voucher_id', name=op.f('uq_spending_requests_voucher_id'))
    )
    with op.batch_alter_table('spending_requests', schema=None) as batch_op:
        batch_op.create_index('ix_spending_requests_org_state', ['organisation_id', 'state'], unique=False)

    op.create_table('spending_request_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['spending_requests.id'], name=op.f('fk_spending_request_scans_request_id_spending_requests')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_spending_request_scans_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_request_scans'))
    )
    with op.batch_alter_table('spending_request_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_request_scans_request_id'), ['request_id'], unique=False)

    op.create_table('spending_request_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'accountant', 'reviewer', 'cashier', 'supervisor', 'member', 'township_auditor', 'county_reviewer', 'village_head', 'township_leader', name='step_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', 'skipped', name='step_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_spending_request_steps_decided_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['spending_requests.id'], name=op.f('fk_spending_request_steps_request_id_spending_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_request_steps')),
    sa.UniqueConstraint('request_id', 'round', 'position', name='uq_spending_request_step')
    )
    with op.batch_alter_table('spending_request_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_request_steps_request_id'), ['request_id'], unique=False)



def downgrade():
    op.execute("DELETE FROM role_assignments WHERE role IN ('village_head', 'township_leader')")
    _replace(_scope(_TOWNSHIP_OLD), _ROLES)
    with op.batch_alter_table('spending_request_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_request_steps_request_id'))

    op.drop_table('spending_request_steps')
    with op.batch_alter_table('spending_request_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_request_scans_request_id'))

    op.drop_table('spending_request_scans')
    with op.batch_alter_table('spending_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_spending_requests_org_state')

    op.drop_table('spending_requests')
    op.drop_table('spending_exemptions')
    op.drop_table('spending_settings')
    with op.batch_alter_table('spending_chain_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_chain_steps_township_id'))

    op.drop_table('spending_chain_steps')
