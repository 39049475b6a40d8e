"""add users.email_verified

New accounts start unverified. Accounts made before this step are
grandfathered as verified: they registered under rules that asked for no
proof, and turning every existing user away at the next login would be an
outage. The price: an address mistyped or squatted before this step counts as
verified (a stricter site leaves them unverified and lets each owner use
/auth/resend-verification once).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('email_verified', sa.Boolean))


def upgrade():
    # A plain ALTER TABLE ... ADD COLUMN, not a batch operation: a batch would
    # rebuild the users table on SQLite, and the rebuilt table would lose
    # AUTOINCREMENT (0001), so a deleted user's id could be handed out again.
    op.add_column('users', sa.Column('email_verified', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(users.update().values(email_verified=True))  # every existing account


def downgrade():
    op.drop_column('users', 'email_verified')  # SQLite 3.35+ drops a column in place
