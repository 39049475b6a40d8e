"""The passkey routes. py_webauthn (Duo Labs) writes the options and checks
the answers: their binary formats, the signature, the origin and the RP ID.

    POST   /auth/passkeys/register/options  {"password", "name"}  options for navigator.credentials.create()
                                            (with two-factor on, a "code" or "recovery_code" too)
    POST   /auth/passkeys/register/verify   what create() answered   201 {"passkey"}
    POST   /auth/passkeys/login/options                            options for navigator.credentials.get()
    POST   /auth/passkeys/login/verify      what get() answered      200 {"user"}, and a session
    GET    /auth/passkeys                                          this account's passkeys
    DELETE /auth/passkeys/<id>              {"password"}           204 (with two-factor on, a code too)
"""
from flask import Blueprint, current_app, g, request
from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    decode_credential_public_key,
    decoded_public_key_to_cryptography,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from werkzeug.exceptions import BadRequest, Conflict, Forbidden, NotFound, Unauthorized

from ..access import public
from ..audit import log_event
from ..browsers import remember_browser
from ..extensions import db
from ..limits import account_key, address_key, rate_limited
from ..mail import send_mail
from ..models import User, utcnow
from ..proofs import require_proof
from ..sessions import login_required, revoke_sessions, start_session
from ..validation import json_object, no_form_body
from .answers import expected, made_on_our_page, read_answer, refused
from .ceremonies import start_ceremony, take_ceremony
from .models import Passkey
from .names import passkey_name

bp = Blueprint("passkeys", __name__, url_prefix="/auth/passkeys")

# Nobody guesses a signature, so a login needs no count per name or account;
# per address, against floods (each options request stores a challenge).
# Adding and removing ask for the password: few guesses at it. Each limit is
# one count for the routes that share it.
passkey_login_limit = rate_limited("PASSKEY_LOGIN_LIMIT_PER_ADDRESS", "too many passkey logins from your address",
                                   by=address_key, shared=True)
passkey_change_limit = rate_limited("PASSKEY_CHANGE_LIMIT_PER_ACCOUNT", "too many passkey changes",
                                    by=account_key, shared=True)

CREDENTIAL_ID_MAX_LENGTH = 1023
# Discoverable ("resident") credentials: the authenticator keeps the account
# with the key, so a login needs no username. User verification: it signs
# only once the user has unlocked it (PIN, fingerprint, face).
PASSKEY = AuthenticatorSelectionCriteria(resident_key=ResidentKeyRequirement.REQUIRED,
                                         user_verification=UserVerificationRequirement.REQUIRED)


@bp.before_request
def room_for_an_authenticators_answer():
    request.max_content_length = current_app.config["PASSKEY_MAX_CONTENT_LENGTH"]


@bp.get("")
@login_required
def list_passkeys():
    return {"passkeys": [passkey.to_dict() for passkey in passkeys_of(g.user)]}


@bp.post("/register/options")
@passkey_change_limit
@login_required
def register_options():
    data = json_object()
    name = passkey_name(data)
    mine = passkeys_of(g.user)
    if len(mine) >= current_app.config["PASSKEYS_PER_ACCOUNT"]:  # before the proof: it would use up a code
        raise Conflict(f"an account can have {len(mine)} passkeys at most: remove one first")
    # A session left open on a shared computer must not add a way in: the password
    # again and, with two-factor on, a code, since a passkey logs in without one
    # (login_verify). The proof every such change asks for (proofs.py).
    require_proof(g.user, data)
    options = generate_registration_options(
        rp_id=current_app.config["WEBAUTHN_RP_ID"], rp_name=current_app.config["WEBAUTHN_RP_NAME"],
        user_name=g.user.username,
        user_id=mine[0].user_handle if mine else None,  # None: a new random one
        timeout=timeout_in_ms(), authenticator_selection=PASSKEY,
        # The authenticator makes no second passkey for this account.
        exclude_credentials=[PublicKeyCredentialDescriptor(id=passkey.credential_id) for passkey in mine])
    start_ceremony("register", options.challenge, g.user, options.user.id, name)
    return options_to_json_dict(options)


@bp.post("/register/verify")
@passkey_change_limit
@login_required
def register_verify():
    credential = read_answer(parse_registration_credential_json)
    ceremony = take_ceremony("register")
    if ceremony is None or ceremony.user_id != g.user.id:
        raise BadRequest("no passkey is being added in this browser: ask for options first (they last 5 minutes)")
    try:
        verified = verify_registration_response(credential=credential, expected_challenge=ceremony.challenge,
                                                require_user_verification=True, **expected())
        check_what_py_webauthn_leaves_to_us(credential, verified)
        made_on_our_page(credential)
    except Exception as error:  # noqa: BLE001 (read_answer says why)
        raise refused(error, BadRequest, g.user) from error
    passkey = Passkey(user_id=g.user.id, credential_id=verified.credential_id,
                      public_key=verified.credential_public_key, user_handle=ceremony.user_handle,
                      sign_count=verified.sign_count, backed_up=verified.credential_backed_up,
                      backup_eligible=verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE,
                      name=ceremony.name)
    # One addition at a time per account: PostgreSQL locks the user's row here; SQLite
    # lets one writer in at a time anyway. So the check after the INSERT sees the others.
    db.session.execute(db.select(User.id).where(User.id == g.user.id).with_for_update())
    db.session.add(passkey)
    try:
        db.session.flush()
    except IntegrityError:  # this credential is registered already: the UNIQUE constraint said no
        db.session.rollback()
        raise Conflict("this passkey is registered already") from None
    if problem := rule_broken_by_the_new_passkey(g.user):
        db.session.rollback()
        raise Conflict(problem)
    db.session.commit()
    log_event("passkey_added", user=g.user, passkey=passkey.id)
    send_mail(g.user.email, "A passkey was added to your account",
              f"The passkey \"{passkey.name}\" can now log in to {g.user.username}, without the password.\n\n"
              "If that wasn't you, reset your password now with 'forgot password', log in, and remove it.\n")
    return {"passkey": passkey.to_dict()}, 201


def rule_broken_by_the_new_passkey(user):
    """Options asked for in two browsers at once both pass the checks made then;
    so once the new passkey is in, look again: a cap, and one user handle per account."""
    mine = passkeys_of(user)
    if len(mine) > current_app.config["PASSKEYS_PER_ACCOUNT"]:
        return f"an account can have {current_app.config['PASSKEYS_PER_ACCOUNT']} passkeys at most: remove one first"
    if len({passkey.user_handle for passkey in mine}) > 1:
        return "another passkey was added to this account meanwhile: ask for options again"
    return None


def check_what_py_webauthn_leaves_to_us(credential, verified):
    """The answer's id is the id of the credential it holds, which has 1023
    bytes at most (WebAuthn, registering a credential); and its public key is
    one that can check signatures (a point on its curve), or the passkey could
    never log in."""
    if verified.credential_id != credential.raw_id:
        raise InvalidRegistrationResponse("the answer's id is not the id of the credential in it")
    if len(verified.credential_id) > CREDENTIAL_ID_MAX_LENGTH:
        raise InvalidRegistrationResponse(f"a credential id has {CREDENTIAL_ID_MAX_LENGTH} bytes at most")
    decoded_public_key_to_cryptography(decode_credential_public_key(verified.credential_public_key))


@bp.post("/login/options")
@public
@passkey_login_limit
def login_options():
    no_form_body()  # a page on another site could post a form here
    # No list of credentials: any passkey of ours on the authenticator will do,
    # and it names its account itself. Nobody types, or learns, a username.
    options = generate_authentication_options(rp_id=current_app.config["WEBAUTHN_RP_ID"], timeout=timeout_in_ms(),
                                              user_verification=UserVerificationRequirement.REQUIRED)
    start_ceremony("login", options.challenge)
    return options_to_json_dict(options)


@bp.post("/login/verify")
@public
@passkey_login_limit
def login_verify():
    credential = read_answer(parse_authentication_credential_json)
    ceremony = take_ceremony("login")
    if ceremony is None:
        raise BadRequest("no passkey login is waiting in this browser: ask for options first (they last 5 minutes)")
    passkey = db.session.scalar(db.select(Passkey).where(Passkey.credential_id == credential.raw_id))
    # The answer names the account too (the user handle): it must be the passkey's.
    if passkey is None or credential.response.user_handle != passkey.user_handle:
        log_event("passkey_login_refused", reason="not registered here")
        raise Unauthorized("passkey not accepted: it is not registered here (removed?)")
    user = db.session.get(User, passkey.user_id)
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=ceremony.challenge, credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count, require_user_verification=True, **expected())
        made_on_our_page(credential)
    except Exception as error:  # noqa: BLE001 (read_answer says why)
        raise refused(error, Unauthorized, user) from error
    if (verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE) != passkey.backup_eligible:
        # WebAuthn: whether a credential may be backed up is fixed for its life.
        raise refused("its backup eligibility changed since it was added", Unauthorized, user)
    if user.disabled_at is not None:  # the password's rule too (auth.py)
        log_event("login_disabled", user=user)
        raise Forbidden("account disabled")
    if not user.email_verified:  # the password's rule (auth.py), told only to the passkey's holder
        log_event("login_unverified", user=user)
        raise Forbidden("email not verified")
    if not record_use(passkey, verified):
        raise refused("a copy of it signed with the same count at the same moment", Unauthorized, user)
    # User verification was required: the authenticator signed only after a PIN
    # or a biometric, so this proves something the user has and something they
    # know or are, in one step. That is two factors (NIST SP 800-63B-4 calls it
    # a multi-factor cryptographic authenticator): no TOTP code is asked after it.
    start_session(user)  # a new session id, as for every login (commits the new count too)
    remember_browser(user)
    log_event("login_succeeded", user=user, method="passkey")
    return {"user": user.to_dict()}


def record_use(passkey, verified):
    """Store the new sign count and backup state, as one conditional UPDATE
    that matches only while the count just checked is still stored: of two
    answers with the same count at the same instant (a cloned authenticator),
    the database takes one. Synced passkeys always count 0, so both pass."""
    updated = db.session.execute(
        db.update(Passkey).where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, backed_up=verified.credential_backed_up, last_used_at=utcnow()))
    return updated.rowcount == 1


@bp.delete("/<int(max=2147483647):passkey_id>")  # a larger id is no row: SQLite would raise on it
@passkey_change_limit
@login_required
def remove(passkey_id):
    # The whole proof, as for adding one: removing ends every other session, the
    # owner's too, and takes away a way in that can't be phished.
    require_proof(g.user, json_object())
    passkey = db.session.scalar(db.select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == g.user.id))
    if passkey is None:  # someone else's, or nobody's: the same answer
        raise NotFound("you have no passkey with this id")
    db.session.delete(passkey)
    # Removed because a device was lost? Whoever has it may be logged in with
    # it: every session ends, and this browser gets a new one (commits it all).
    revoke_sessions(g.user)
    start_session(g.user)
    log_event("passkey_removed", user=g.user, passkey=passkey_id)
    send_mail(g.user.email, "A passkey was removed from your account",
              f"The passkey \"{passkey.name}\" can no longer log in to {g.user.username}, and every session "
              "of the account has ended.\n\nIf that wasn't you, reset your password now with 'forgot password'.\n")
    return "", 204


def passkeys_of(user):
    return db.session.scalars(db.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)).all()


def timeout_in_ms():
    return int(current_app.config["PASSKEY_CEREMONY_MAX_AGE"].total_seconds() * 1000)
