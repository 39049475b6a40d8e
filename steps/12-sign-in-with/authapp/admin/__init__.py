"""Admin routes: a permission each, sudo mode, and an audit line naming the admin and the target."""
from flask import Blueprint, g
from werkzeug.exceptions import Conflict, NotFound

from ..access import permission_required
from ..audit import log_event
from ..extensions import db
from ..models import User, timestamp, utcnow
from ..roles import roles_of
from ..sessions import revoke_sessions
from ..sudo import recent_proof_required
from ..validation import no_form_body

bp = Blueprint("admin", __name__, url_prefix="/admin")
USER_ID = "<int(max=2147483647):user_id>"


@bp.get("/users")
@permission_required("users:read")
@recent_proof_required
def list_users():
    return {"users": [listed(user) for user in db.session.scalars(db.select(User).order_by(User.id))]}


@bp.post(f"/users/{USER_ID}/disable")
@permission_required("users:disable")
@recent_proof_required
def disable(user_id):
    no_form_body()  # a page on another site could post a form here
    user = target(user_id)
    if user.id == g.user.id:
        raise Conflict("you can't disable your own account")
    user.disabled_at = user.disabled_at or utcnow()
    revoke_sessions(user)  # logged out everywhere, at once
    db.session.commit()
    log_event("user_disabled", user=g.user, target=user.id)
    return {"user": listed(user)}


@bp.post(f"/users/{USER_ID}/enable")
@permission_required("users:disable")
@recent_proof_required
def enable(user_id):
    no_form_body()
    user = target(user_id)
    user.disabled_at = None
    db.session.commit()
    log_event("user_enabled", user=g.user, target=user.id)
    return {"user": listed(user)}


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


def listed(user):
    """Fields allowed, not fields removed: a secret column added later is never shown."""
    return {"id": user.id, "username": user.username, "email": user.email, "email_verified": user.email_verified,
            "created_at": timestamp(user.created_at), "disabled": user.disabled_at is not None,
            "two_factor_enabled": user.two_factor_enabled, "roles": roles_of(user)}
