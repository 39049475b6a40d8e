"""add device authorizations and refresh tokens

Three new tables: device_authorizations (an app's request for tokens, until
its user decides and it collects them), refresh_families (one sign-in of
one app) and refresh_tokens. Codes and tokens are stored as SHA-256 digests,
never as they were shown. No existing row changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_authorizations',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_code', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('interval', sa.Integer(), nullable=False),
        sa.Column('next_poll_at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('denied_at', sa.DateTime(), nullable=True),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_device_authorizations_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_device_authorizations')),
        sa.UniqueConstraint('user_code', name=op.f('uq_device_authorizations_user_code'))
    )
    op.create_index(op.f('ix_device_authorizations_user_id'), 'device_authorizations', ['user_id'], unique=False)
    op.create_table('refresh_families',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refresh_families_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_families'))
    )
    op.create_index(op.f('ix_refresh_families_user_id'), 'refresh_families', ['user_id'], unique=False)
    op.create_table('refresh_tokens',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('family_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['family_id'], ['refresh_families.id'],
                                name=op.f('fk_refresh_tokens_family_id_refresh_families'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_tokens'))
    )
    op.create_index(op.f('ix_refresh_tokens_family_id'), 'refresh_tokens', ['family_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_refresh_tokens_family_id'), table_name='refresh_tokens')
    op.drop_table('refresh_tokens')
    op.drop_index(op.f('ix_refresh_families_user_id'), table_name='refresh_families')
    op.drop_table('refresh_families')
    op.drop_index(op.f('ix_device_authorizations_user_id'), table_name='device_authorizations')
    op.drop_table('device_authorizations')
