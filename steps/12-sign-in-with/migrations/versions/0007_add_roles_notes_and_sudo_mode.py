"""add roles, notes and sudo mode

Two new tables, notes and user_roles, and two new columns that may be empty:
users.disabled_at (no account is disabled) and sessions.proved_at (a session
from before this step has no recent proof, so an admin logs in again, or
re-authenticates, before her first admin route). Nobody is an admin until
`flask grant-role NAME admin` says so.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE TABLE and ALTER TABLE ... ADD COLUMN, no batch operation: a
    # batch would rebuild the users table on SQLite and lose AUTOINCREMENT (see 0004).
    op.create_table('notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=2000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    op.create_index(op.f('ix_notes_user_id'), 'notes', ['user_id'], unique=False)
    op.create_table('user_roles',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_index(op.f('ix_user_roles_role'), 'user_roles', ['role'], unique=False)
    op.add_column('sessions', sa.Column('proved_at', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('disabled_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('users', 'disabled_at')  # SQLite 3.35+ drops a column in place
    op.drop_column('sessions', 'proved_at')
    op.drop_index(op.f('ix_user_roles_role'), table_name='user_roles')
    op.drop_table('user_roles')
    op.drop_index(op.f('ix_notes_user_id'), table_name='notes')
    op.drop_table('notes')
