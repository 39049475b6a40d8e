"""add two-factor authentication

users.totp_secret and users.totp_last_step, users.second_factor_failures,
and the recovery_codes and pending_logins tables. Accounts from before this
step get NULL in the first two columns (and 0 failures): two-factor is off for
them until their owners turn it on, and they log in exactly as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN, not a batch operation: on SQLite a batch
    # would rebuild the users table without AUTOINCREMENT (see 0004).
    op.add_column('users', sa.Column('totp_secret', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('second_factor_failures', sa.Integer(), server_default='0', nullable=False))
    op.create_table('recovery_codes',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'code_hash', name=op.f('pk_recovery_codes'))
    )
    op.create_table('pending_logins',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_logins_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_logins'))
    )
    op.create_index(op.f('ix_pending_logins_user_id'), 'pending_logins', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pending_logins_user_id'), table_name='pending_logins')
    op.drop_table('pending_logins')
    op.drop_table('recovery_codes')
    op.drop_column('users', 'second_factor_failures')  # SQLite 3.35+ drops a column in place
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_secret')
