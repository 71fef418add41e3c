"""role assignments: the county reviewer (县级农经统计审核), held on each township whose
summaries it reviews

Revision ID: a7c9e1f3b468
Revises: e5a7c9d1f246
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b468'
down_revision = 'e5a7c9d1f246'
branch_labels = None
depends_on = None

_ROLES = ('admin', 'accountant', 'reviewer', 'cashier', 'supervisor', 'member',
          'township_auditor')
_OLD_SCOPE = ("(role = 'admin' AND organisation_id IS NULL AND township_id IS NULL)"
              " OR (role = 'township_auditor' AND township_id IS NOT NULL"
              " AND organisation_id IS NULL)"
              " OR (role NOT IN ('admin', 'township_auditor')"
              " AND organisation_id IS NOT NULL AND township_id IS NULL)")
_NEW_SCOPE = ("(role = 'admin' AND organisation_id IS NULL AND township_id IS NULL)"
              " OR (role IN ('township_auditor', 'county_reviewer') AND township_id IS NOT NULL"
              " AND organisation_id IS NULL)"
              " OR (role NOT IN ('admin', 'township_auditor', 'county_reviewer')"
              " AND organisation_id IS NOT NULL AND township_id IS NULL)")


def _roles(names):
    return "role IN (" + ", ".join(f"'{name}'" for name in names) + ")"


def _replace(scope, roles):
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_constraint('scope_matches_role', type_='check')
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('scope_matches_role', scope)
        batch_op.create_check_constraint('role', _roles(roles))


def upgrade():
    _replace(_NEW_SCOPE, (*_ROLES, 'county_reviewer'))


def downgrade():
    op.execute("DELETE FROM role_assignments WHERE role = 'county_reviewer'")
    _replace(_OLD_SCOPE, _ROLES)
