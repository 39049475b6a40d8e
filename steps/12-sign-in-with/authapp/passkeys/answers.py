"""Reading and judging an authenticator's answer: what py_webauthn parses
and checks, made into clear errors, and the checks it leaves to us."""
from flask import current_app
from webauthn.helpers import parse_client_data_json
from werkzeug.exceptions import BadRequest

from ..audit import log_event
from ..validation import json_object


def read_answer(parse):
    """The authenticator's answer (the JSON of create() or get()), parsed by
    py_webauthn; a 400 if it can't be. Its parts are base64url text around
    binary structures (CBOR, ASN.1, signatures) that an attacker shapes at
    will, and whatever can't read them raises: py_webauthn its own exceptions,
    base64, cbor2 and cryptography theirs. Each means a bad answer, never a 500."""
    data = json_object()
    try:
        return parse(data)
    except Exception as error:  # noqa: BLE001
        raise BadRequest(f"not an authenticator's answer: {reason(error)}") from error


def refused(why, kind, user):
    """The error to raise for an answer that failed a check (`why`: the
    exception, or a sentence). The reason is in it: a wrong WEBAUTHN_ORIGIN
    or RP ID shows up here, for instance."""
    why = reason(why) if isinstance(why, Exception) else why
    log_event("passkey_refused", user=user, reason=why)
    return kind(f"passkey not accepted: {why}")


def reason(error):
    """What went wrong, in a line. py_webauthn's "See __cause__ for more info"
    points at the error underneath: say what that one says instead."""
    text = str(error).removesuffix(" See __cause__ for more info")
    if error.__cause__ is not None:
        text = f"{text.rstrip('.')}: {error.__cause__}"
    text = (text or type(error).__name__)[:200]
    # The text can quote the answer (a client data "type" of "\ud800"): escape what UTF-8 can't carry.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def made_on_our_page(credential):
    """WebAuthn (7.1 and 7.2, crossOrigin and topOrigin): an answer made in a
    frame that another site's page holds is refused, since our pages are never
    framed: such a page could trick a click out of the user. py_webauthn leaves
    this check to us."""
    if parse_client_data_json(credential.response.client_data_json).cross_origin:
        raise ValueError("it was made in a frame on another site's page")


def expected():
    """What the answer must say it was made for: our RP ID and the front end's origin."""
    return {"expected_rp_id": current_app.config["WEBAUTHN_RP_ID"],
            "expected_origin": current_app.config["WEBAUTHN_ORIGIN"]}
