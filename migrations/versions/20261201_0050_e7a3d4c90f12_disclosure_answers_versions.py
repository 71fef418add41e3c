"""disclosure answers: every version of an answer to a member's question is kept

Revision ID: e7a3d4c90f12
Revises: d5f2b9c61e08
Create Date: 2026-12-01 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3d4c90f12'
down_revision = 'd5f2b9c61e08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_disclosure_answers_by_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['disclosure_questions.id'], name=op.f('fk_disclosure_answers_question_id_disclosure_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_answers'))
    )
    with op.batch_alter_table('disclosure_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_answers_question_id'), ['question_id'], unique=False)
    # the answers given so far are their first version
    op.execute("INSERT INTO disclosure_answers (question_id, text, by_id, at) "
               "SELECT id, answer, answered_by_id, answered_at FROM disclosure_questions "
               "WHERE answered_by_id IS NOT NULL AND answered_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('disclosure_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_answers_question_id'))
    op.drop_table('disclosure_answers')
