"""wrap legacy password hashes

Every hash made at Werkzeug's default cost (steps 01-04) is hashed again at
today's cost, so that no weak hash stays in the database: authapp/hashing.py.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from authapp.hashing import wrap

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('password_hash', sa.String))


def upgrade():
    legacy = current_app.config['LEGACY_PASSWORD_HASH_METHOD']
    method = current_app.config['PASSWORD_HASH_METHOD']
    connection = op.get_bind()
    old = connection.execute(
        sa.select(users.c.id, users.c.password_hash).where(users.c.password_hash.startswith(legacy + '$'))).all()
    for user_id, stored in old:
        connection.execute(users.update().where(users.c.id == user_id).values(password_hash=wrap(stored, method)))


def downgrade():
    # A wrapped hash can't be unwrapped, and step 04's code can't check one.
    raise NotImplementedError("0003 can't be undone: restore a backup taken before the upgrade")
