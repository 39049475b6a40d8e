"""Admin routes: a permission each, a second factor and a recent proof of
identity (sudo.py), and a line in the audit log with who did what to whom.

    GET    /admin/users                  200 {"users": [...]}, no secrets
    POST   /admin/users/<id>/disable     200 {"user"}: its sessions end at once
    POST   /admin/users/<id>/enable      200 {"user"}
    DELETE /admin/users/<id>/sessions    204: every session of the user ends
"""
from flask import Blueprint, g
from werkzeug.exceptions import Conflict, NotFound

from ..access import permission_required
from ..audit import log_event
from ..extensions import db
from ..models import User, timestamp, utcnow
from ..roles import UserRole, roles_of
from ..sessions import revoke_sessions
from ..sudo import recent_proof_required
from ..validation import no_form_body

bp = Blueprint("admin", __name__, url_prefix="/admin")
USER_ID = "<int(max=2147483647):user_id>"


@bp.get("/users")
@permission_required("users:read")
@recent_proof_required
def list_users():
    users = db.session.scalars(db.select(User).order_by(User.id)).all()
    roles = roles_by_user()
    return {"users": [listed(user, roles.get(user.id, [])) for user in users]}


@bp.post(f"/users/{USER_ID}/disable")
@permission_required("users:disable")
@recent_proof_required
def disable(user_id):
    no_form_body()  # a page on another site could post a form here
    user = target(user_id)
    if user.id == g.user.id:
        raise Conflict("you can't disable your own account")
    db.session.execute(db.update(User).where(User.id == user.id, User.disabled_at.is_(None))
                       .values(disabled_at=utcnow()))
    revoke_sessions(user)  # logged out everywhere, at once (sessions.py also refuses a disabled user's)
    db.session.commit()
    log_event("user_disabled", user=g.user, target=user.id)
    return {"user": listed_now(user)}


@bp.post(f"/users/{USER_ID}/enable")
@permission_required("users:disable")
@recent_proof_required
def enable(user_id):
    no_form_body()
    user = target(user_id)
    db.session.execute(db.update(User).where(User.id == user.id).values(disabled_at=None))
    db.session.commit()
    log_event("user_enabled", user=g.user, target=user.id)
    return {"user": listed_now(user)}


@bp.delete(f"/users/{USER_ID}/sessions")
@permission_required("sessions:revoke")
@recent_proof_required
def revoke(user_id):
    user = target(user_id)
    revoke_sessions(user)
    db.session.commit()
    log_event("sessions_revoked", user=g.user, target=user.id)
    return "", 204


def target(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("no user has this id")
    return user


def roles_by_user():
    """{user id: [role, ...]} for every user who holds one, in one query."""
    found = {}
    for user_id, role in db.session.execute(db.select(UserRole.user_id, UserRole.role).order_by(UserRole.role)):
        found.setdefault(user_id, []).append(role)
    return found


def listed(user, roles):
    """What an admin sees of a user: a list of fields allowed, not a list of
    fields removed, so a column added later (a secret) is never shown by accident."""
    return {"id": user.id, "username": user.username, "email": user.email, "email_verified": user.email_verified,
            "created_at": timestamp(user.created_at), "disabled": user.disabled_at is not None,
            "two_factor_enabled": user.two_factor_enabled, "roles": roles}


def listed_now(user):
    db.session.refresh(user)  # what was just written, not what was loaded
    return listed(user, roles_of(user))
