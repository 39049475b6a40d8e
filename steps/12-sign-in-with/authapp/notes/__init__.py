"""Notes, each owned by a user. Every query names the owner: another user's
note is a 404, like a note that doesn't exist. An admin may delete any, in sudo mode."""
from flask import Blueprint, g
from werkzeug.exceptions import NotFound

from ..access import may, token_or_session
from ..audit import log_event
from ..errors import FieldErrors
from ..extensions import db
from ..sudo import require_recent_proof
from ..validation import json_object, required_strings
from .models import TEXT_MAX_LENGTH, Note

bp = Blueprint("notes", __name__, url_prefix="/notes")
NOTE_ID = "<int(max=2147483647):note_id>"  # a larger id is no row: SQLite would raise on it


@bp.post("")
@token_or_session("notes:write")
def add():
    (text,) = required_strings(json_object(), "text")
    if len(text) > TEXT_MAX_LENGTH:
        raise FieldErrors("some fields are invalid", {"text": f"must be at most {TEXT_MAX_LENGTH} characters"})
    # Only the fields we name: an "id", "user_id" or "roles" in the body is never read.
    note = Note(user_id=g.user.id, text=text)
    db.session.add(note)
    db.session.commit()
    return {"note": note.to_dict()}, 201


@bp.get("")
@token_or_session("notes:read")
def list_notes():
    mine = db.session.scalars(db.select(Note).where(Note.user_id == g.user.id).order_by(Note.id))
    return {"notes": [note.to_dict() for note in mine]}


@bp.get(f"/{NOTE_ID}")
@token_or_session("notes:read")
def show(note_id):
    return {"note": own_note(note_id).to_dict()}


@bp.delete(f"/{NOTE_ID}")
@token_or_session("notes:write")
def delete(note_id):
    note = db.session.get(Note, note_id)
    if note is not None and note.user_id != g.user.id and may("notes:delete-any"):
        require_recent_proof()  # an admin's power: only in sudo mode (sudo.py)
        log_event("note_deleted_by_admin", user=g.user, target=note.user_id, note=note.id)
    else:
        note = own_note(note_id)
    db.session.delete(note)
    db.session.commit()
    return "", 204


def own_note(note_id):
    note = db.session.scalar(db.select(Note).where(Note.id == note_id, Note.user_id == g.user.id))
    if note is None:
        raise NotFound("you have no note with this id")
    return note
