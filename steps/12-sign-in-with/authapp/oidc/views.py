"""The routes: sign in with the provider, and the identities linked to an account.

    GET    /auth/oidc/start               a top-level navigation: off to the provider
    GET    /auth/oidc/callback            the provider sends the browser back here
    GET    /auth/identities               the identities linked to this account
    POST   /auth/identities/link/start    password (+ code), as a form or JSON: link one more, off to the provider
    DELETE /auth/identities/<id>          {"password"} (+ "code"): unlink one

The callback always answers with a redirect to FRONTEND_URL, never to an
address from the request (no open redirect): ?oidc=signed_in, ?oidc=linked,
?oidc=two_factor_required, or ?oidc_error=<code> and no session."""
from urllib.parse import urlencode

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.exceptions import NotFound

from ..access import public
from ..audit import log_event
from ..extensions import db
from ..limits import account_key, rate_limited
from ..models import User
from ..proofs import require_proof
from ..sessions import current_session, login_required, start_session
from ..two_factor.pending import start_pending_login
from ..validation import json_object
from .accounts import SignInRefused, account_for, link
from .client import metadata, provider
from .models import Identity
from .settings import configured

bp = Blueprint("oidc", __name__, url_prefix="/auth")

# What goes wrong talking to a provider: its refusals, a bad or forged token, no answer.
PROVIDER_TROUBLE = (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError)


@bp.before_request
def only_when_configured():
    """No provider configured: these routes don't exist."""
    if not configured(current_app.config):
        abort(404)


@bp.get("/oidc/start")
@public
def start():
    return off_to_the_provider()


@bp.get("/oidc/callback")
@public
def callback():
    linking = session.pop("oidc_link", None)
    try:
        issuer, subject, userinfo = provider_answer()
        if linking and linking["state"] == request.args.get("state"):
            return finish_link(linking["user_id"], issuer, subject, userinfo)
        return sign_in(account_for(issuer, subject, userinfo))
    except SignInRefused as refused:
        log_event("oidc_refused", reason=refused.code)
        return back_to_the_front_end(oidc_error=refused.code)


@bp.get("/identities")
@login_required
def identities():
    found = db.session.scalars(db.select(Identity).where(Identity.user_id == g.user.id).order_by(Identity.id))
    return {"identities": [identity.to_dict() for identity in found]}


@bp.post("/identities/link/start")
@rate_limited("REAUTHENTICATE_LIMIT_PER_ACCOUNT", "too many re-authentications", by=account_key)
@login_required
def link_start():
    require_proof(g.user, proof_in_the_body())  # a stolen session alone can't add a way in
    return off_to_the_provider(linking_user=g.user)


@bp.delete("/identities/<int:identity_id>")
@rate_limited("REAUTHENTICATE_LIMIT_PER_ACCOUNT", "too many re-authentications", by=account_key)
@login_required
def unlink(identity_id):
    identity = db.session.get(Identity, identity_id)
    if identity is None or identity.user_id != g.user.id:
        raise NotFound("no such identity")  # another account's: not ours to confirm
    # The password: whoever gives it keeps a way in, so this never removes the last one.
    # An account made by signing in with a provider has none until its owner sets one
    # ("forgot password"), so its only identity stays.
    require_proof(g.user, json_object())
    db.session.delete(identity)
    db.session.commit()
    log_event("identity_unlinked", user=g.user, issuer=identity.issuer)
    return "", 204


def proof_in_the_body():
    """The password (+ code): a JSON object from a program, or the fields of a
    form the browser posts as a top-level navigation (fetch() can't follow a
    302 to another site). Any page can post a form, so one posted from another
    site's page is refused by its Origin header (security.py: refuse_unknown_origins)."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return {name: request.form.get(name) for name in ("password", "code", "recovery_code")}
    return json_object()


def redirect_uri():
    """Where the provider sends the browser back: the one production names
    (OIDC_REDIRECT_URI), else this request's own address, Host header and all."""
    return current_app.config["OIDC_REDIRECT_URI"] or url_for("oidc.callback", _external=True)


def off_to_the_provider(linking_user=None):
    """302 to the provider's authorization endpoint, with state, nonce and the PKCE
    challenge, which Authlib keeps in this browser's session cookie until the callback."""
    try:
        metadata()  # discovery, and its issuer checked
        client = provider()
        back_to = redirect_uri()
        authorization = client.create_authorization_url(back_to)
    except PROVIDER_TROUBLE:
        current_app.logger.exception("the OpenID provider can't be reached")
        return back_to_the_front_end(oidc_error="provider_unavailable")
    forget_earlier_attempts()
    client.save_authorize_data(redirect_uri=back_to, **authorization)
    if linking_user is not None:
        session["oidc_link"] = {"state": authorization["state"], "user_id": linking_user.id}
    return redirect(authorization["url"])


def forget_earlier_attempts():
    """One sign-in in progress per browser: each one adds its state to the session
    cookie, and a user who clicks ten times would fill the cookie past what browsers keep."""
    for key in [key for key in session if key.startswith("_state_")]:
        session.pop(key)


def provider_answer():
    """(issuer, subject, userinfo) from the provider's answer, every check passed."""
    try:
        require_our_issuer()
        token = provider().authorize_access_token()  # state, code + verifier, the ID token's checks
        claims = token.get("userinfo")  # the ID token's claims, once Authlib has checked them
        if not claims:  # no ID token at all: Authlib would not complain
            raise SignInRefused("no_id_token")
        userinfo = provider().userinfo(token=token)
    except MismatchingStateError:
        raise SignInRefused("invalid_state") from None  # not the answer to a sign-in this browser started
    except OAuthError as error:
        raise SignInRefused("access_denied" if error.error == "access_denied" else "provider_error") from None
    except PROVIDER_TROUBLE:
        current_app.logger.exception("the OpenID provider's answer was refused")
        raise SignInRefused("provider_error") from None
    # OpenID Connect Core 1.0 section 5.3.2: the UserInfo `sub` MUST be checked
    # against the ID token's; else its claims may be about somebody else.
    if userinfo.get("sub") != claims["sub"]:
        raise SignInRefused("subject_mismatch")
    return claims["iss"], claims["sub"], userinfo


def require_our_issuer():
    """Mix-up defence (RFC 9207): the answer names the provider that sent it. One that
    names another provider, or none when ours promises to, is not our provider's answer."""
    ours = metadata()
    iss = request.args.get("iss")
    if iss != ours["issuer"] and (iss is not None or ours.get("authorization_response_iss_parameter_supported")):
        raise SignInRefused("wrong_issuer")


def sign_in(user):
    """A session, or, with two-factor on, only step 07's pending login: the provider
    proved who the person is at the provider, not that she has the second factor."""
    if user.disabled_at is not None:
        raise SignInRefused("account_disabled")
    if user.two_factor_enabled:
        if not start_pending_login(user, only_while=User.totp_secret.is_not(None)):
            raise SignInRefused("try_again")  # two-factor was turned off at this very moment
        log_event("oidc_login_needs_second_factor", user=user)
        return back_to_the_front_end(oidc="two_factor_required")
    if not start_session(user, only_while=User.totp_secret.is_(None)):
        raise SignInRefused("try_again")  # two-factor (or disabling) came at this very moment
    log_event("oidc_login_succeeded", user=user)
    return back_to_the_front_end(oidc="signed_in")


def finish_link(user_id, issuer, subject, userinfo):
    """Link only to the account that proved itself at link/start, if still logged in here."""
    record = current_session()
    if record is None or record.user_id != user_id:
        raise SignInRefused("login_required")
    link(record.user, issuer, subject, userinfo)
    log_event("identity_linked", user=record.user, issuer=issuer)
    return back_to_the_front_end(oidc="linked")


def back_to_the_front_end(**result):
    return redirect(f"{current_app.config['FRONTEND_URL']}/?{urlencode(result)}", code=302)
