"""Sign in with an OpenID Connect provider, tested against a real one (conftest.py:
panva's oidc-provider on loopback), mostly from the attacker's side: login CSRF,
replayed answers, unverified and reused email addresses, a skipped second
factor, open redirects, and an answer from another provider (mix-up)."""
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from authapp import create_app
from authapp.extensions import db
from authapp.models import User
from authapp.oidc import accounts
from authapp.oidc.models import Identity
from conftest import PASSWORD, PRODUCTION, all_at_once, held_at_a_barrier, mail_settings, oidc_settings, ready

FRONTEND = "http://localhost:3000"


@pytest.fixture
def app(tmp_path, mail_server, inbox, provider):
    """The usual test app (conftest.py), configured for our provider."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = ready(create_app("testing", SQLALCHEMY_DATABASE_URI=url, **mail_settings(mail_server),
                           **oidc_settings(provider)), inbox)
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def start(browser, path="/auth/oidc/start"):
    """The authorization URL the app sends the browser to."""
    answer = browser.get(path)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return answer.headers["Location"]


def callback_path(url):
    """The provider's redirect to http://localhost/auth/oidc/callback?..., as the test client's path."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", "/auth/oidc/callback"), url
    return f"{parts.path}?{parts.query}"


def sign_in_with(browser, provider, sub):
    """The whole round trip in `browser`: start, sign in at the provider as `sub`, come back."""
    back = provider.sign_in(start(browser), sub)
    return browser.get(callback_path(back))


def result(answer):
    """What the app tells the front end: {"oidc": "signed_in"} or {"oidc_error": "..."}."""
    assert answer.status_code == 302, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    assert location.startswith(FRONTEND + "/?"), location
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def me(browser):
    answer = browser.get("/auth/me")
    return answer.get_json()["user"] if answer.status_code == 200 else None


def log_in(browser, username="alice", password=PASSWORD):
    assert browser.post("/auth/login", json={"username": username, "password": password}).status_code == 200


def link(browser, provider, sub, proof=None):
    """Alice (logged in) links the identity `sub`, proving it is her with her password."""
    answer = browser.post("/auth/identities/link/start", json=proof or {"password": PASSWORD})
    assert answer.status_code == 302, answer.get_json()
    return browser.get(callback_path(provider.sign_in(answer.headers["Location"], sub)))


def identities_of(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return [(i.issuer, i.subject) for i in db.session.scalars(db.select(Identity).where(Identity.user == user))]


# --- The flow ----------------------------------------------------------------

@pytest.mark.contract
def test_start_sends_the_browser_with_state_nonce_and_pkce_s256(client, provider):
    """The authorization request carries everything that binds the answer to this browser."""
    url = urlsplit(start(client))
    params = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.discovery()["authorization_endpoint"]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert params["state"][0] and params["nonce"][0]
    assert params["redirect_uri"] == ["http://localhost/auth/oidc/callback"]


@pytest.mark.contract
def test_a_verified_address_nobody_holds_gets_a_new_account(client, provider):
    """Carol's provider vouches for her address and no account has it: a new
    account, verified, signed in."""
    assert result(sign_in_with(client, provider, "carol-at-provider")) == {"oidc": "signed_in"}
    user = me(client)
    assert (user["email"], user["email_verified"]) == ("carol@example.com", True)


def test_a_new_account_gets_no_password_anyone_knows(app, client, provider):
    """The password nobody knows doesn't log in: not empty, not the email."""
    sign_in_with(client, provider, "carol-at-provider")
    username = me(client)["username"]
    client.post("/auth/logout")
    for guess in ("", "carol@example.com", username, "carol-at-provider"):
        assert client.post("/auth/login", json={"username": username, "password": guess}).status_code in (400, 401)


def test_the_same_subject_signs_into_the_same_account_even_with_a_new_email(client, provider):
    """The provider's email changes; the subject doesn't, so neither does the account."""
    sign_in_with(client, provider, "carol-at-provider")
    first = me(client)["id"]
    client.post("/auth/logout")
    provider.change_account("carol-at-provider", email="carol@new.example")
    assert result(sign_in_with(client, provider, "carol-at-provider")) == {"oidc": "signed_in"}
    assert me(client)["id"] == first


def test_a_new_person_with_an_old_address_gets_no_old_account(app, client, provider):
    """Carol left the address at the provider; someone else (another subject) has it
    now. He does not get carol's account."""
    sign_in_with(client, provider, "carol-at-provider")
    client.post("/auth/logout")
    provider.change_account("carol-at-provider", email="carol@new.example")
    provider.change_account("alice-lookalike", email="carol@example.com")
    assert result(sign_in_with(client, provider, "alice-lookalike")) == {"oidc_error": "account_exists"}
    assert me(client) is None


def test_two_identities_with_one_new_address_at_once_make_one_account(app, provider, monkeypatch):
    """Two identities vouched for the same new address, arriving together: both
    find no account with it before either writes. The database's UNIQUE keeps one
    account; the other answer is account_exists, not a 500 and not a shared account."""
    provider.change_account("alice-lookalike", email="carol@example.com")
    browsers = [app.test_client(), app.test_client()]
    answers = [provider.sign_in(start(browser), sub)
               for browser, sub in zip(browsers, ["carol-at-provider", "alice-lookalike"])]
    held_at_a_barrier(monkeypatch, accounts, "new_username", parties=2)  # both past the check, then on
    results = []

    def come_back(browser, answer):
        results.append(browser.get(callback_path(answer)))
        return results[-1]

    all_at_once(*[lambda b=browser, a=answer: come_back(b, a) for browser, answer in zip(browsers, answers)])
    assert sorted(list(result(answer).values())[0] for answer in results) == ["account_exists", "signed_in"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)
                                 .where(User.email == "carol@example.com")) == 1


# --- Email addresses: never a key ----------------------------------------------

def test_an_unverified_address_of_someone_else_is_refused(app, client, alice, provider):
    """Mallory typed alice's address at the provider and never proved it: no
    session, and nothing linked to alice's account."""
    assert result(sign_in_with(client, provider, "mallory-unverified")) == {"oidc_error": "email_not_verified"}
    assert me(client) is None
    assert identities_of(app, "alice@example.com") == []


def test_an_unverified_address_nobody_holds_makes_no_account(app, client, provider):
    """Else the first to type an address at a provider would hold it here (pre-hijacking)."""
    provider.change_account("mallory-unverified", email="dave@example.com")
    assert result(sign_in_with(client, provider, "mallory-unverified")) == {"oidc_error": "email_not_verified"}
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "dave@example.com")) is None


def test_email_verified_as_a_string_is_not_a_yes(client, provider):
    """Only the JSON value true: a provider's "false" string is truthy in Python."""
    provider.change_account("carol-at-provider", email_verified="false")
    assert result(sign_in_with(client, provider, "carol-at-provider")) == {"oidc_error": "email_not_verified"}


def test_a_verified_address_of_an_existing_account_does_not_sign_into_it(app, client, alice, provider):
    """The provider vouches for alice@example.com, and alice has an account with it:
    still no session in her account (nOAuth), and nothing linked. She links herself."""
    assert result(sign_in_with(client, provider, "alice-lookalike")) == {"oidc_error": "account_exists"}
    assert me(client) is None
    assert identities_of(app, "alice@example.com") == []


# --- Answers that aren't the answer to this browser's request ---------------------

def test_login_csrf_the_attackers_answer_in_the_victims_browser(app, client, provider):
    """Mallory starts a sign-in in his own browser, signs in at the provider as
    himself and stops before coming back; the victim's browser is made to open
    his answer. It is not the answer to anything this browser started: refused,
    and the victim is not signed in to mallory's account."""
    provider.change_account("mallory-unverified", email="mallory@example.com", email_verified=True)
    attacker = app.test_client()
    answer = provider.sign_in(start(attacker), "mallory-unverified")
    assert result(client.get(callback_path(answer))) == {"oidc_error": "invalid_state"}
    assert me(client) is None


def test_login_csrf_a_signed_in_victim_stays_herself(app, client, alice, provider):
    """The same with the victim logged in: she stays in her own account."""
    log_in(client)
    attacker = app.test_client()
    answer = provider.sign_in(start(attacker), "carol-at-provider")
    assert result(client.get(callback_path(answer))) == {"oidc_error": "invalid_state"}
    assert me(client)["username"] == "alice"


def test_a_replayed_callback_is_refused(client, provider):
    """The answer opened twice in the same browser: its state was used up."""
    back = provider.sign_in(start(client), "carol-at-provider")
    assert result(client.get(callback_path(back))) == {"oidc": "signed_in"}
    client.post("/auth/logout")
    assert result(client.get(callback_path(back))) == {"oidc_error": "invalid_state"}
    assert me(client) is None


def test_a_replayed_code_with_a_copied_cookie_is_refused(app, client, provider):
    """A thief with a copy of the browser's cookie from before the answer (the state
    still in it) and the answer's URL: the provider redeems a code once."""
    url = start(client)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    back = provider.sign_in(url, "carol-at-provider")
    assert result(client.get(callback_path(back))) == {"oidc": "signed_in"}
    assert result(copy.get(callback_path(back))) == {"oidc_error": "provider_error"}
    assert me(copy) is None


def test_an_answer_from_another_provider_is_refused(client, provider, second_provider):
    """Mix-up (RFC 9207): the browser started with our provider; an answer made by
    another provider (the attacker's, with a code of its own and this browser's
    state) names its issuer, and is refused before any code is sent anywhere."""
    ours = urlsplit(start(client))
    theirs = f"{second_provider.discovery()['authorization_endpoint']}?{ours.query}"
    answer = second_provider.sign_in(theirs, "carol-at-provider")
    assert parse_qs(urlsplit(answer).query)["iss"] == [second_provider.issuer]
    assert result(client.get(callback_path(answer))) == {"oidc_error": "wrong_issuer"}
    assert me(client) is None


def test_an_answer_without_iss_is_refused(client, provider):
    """Our provider promises `iss` in every answer (discovery); one without it isn't its answer."""
    back = provider.sign_in(start(client), "carol-at-provider")
    without_iss = {name: values for name, values in parse_qs(urlsplit(back).query).items() if name != "iss"}
    query = "&".join(f"{name}={values[0]}" for name, values in without_iss.items())
    assert result(client.get(f"/auth/oidc/callback?{query}")) == {"oidc_error": "wrong_issuer"}
    assert me(client) is None


def test_userinfo_about_another_subject_is_refused(client, provider):
    """A provider whose UserInfo answer names another `sub` than the ID token (the
    fixture's "liar"): its claims may be about somebody else. Authlib doesn't check this."""
    assert result(sign_in_with(client, provider, "liar")) == {"oidc_error": "subject_mismatch"}
    assert me(client) is None


# --- Second factor ---------------------------------------------------------------

def test_two_factor_is_not_skipped(client, alice, provider, clock):
    """Alice linked her provider and turned two-factor on: the provider proves who
    she is there, not that she has her phone. Only the pending login of step 07."""
    log_in(client)
    assert result(link(client, provider, "alice-at-provider")) == {"oidc": "linked"}
    secret = client.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    assert client.post("/auth/2fa/confirm", json={"code": clock.code(secret)}).status_code == 200
    client.post("/auth/logout")
    assert result(sign_in_with(client, provider, "alice-at-provider")) == {"oidc": "two_factor_required"}
    assert me(client) is None
    clock.tick()  # the next code: the one that confirmed the setup is used up
    assert client.post("/auth/login/2fa", json={"code": clock.code(secret)}).status_code == 200
    assert me(client)["username"] == "alice"


# --- Redirects -----------------------------------------------------------------

def test_the_callback_goes_only_to_the_front_end(client, provider):
    """No `next` is read: whatever the request says, back to FRONTEND_URL."""
    back = provider.sign_in(start(client, "/auth/oidc/start?next=https://evil.example/"), "carol-at-provider")
    answer = client.get(callback_path(back) + "&next=https://evil.example/&redirect_uri=https://evil.example/")
    assert result(answer) == {"oidc": "signed_in"}


def test_a_forged_host_header_gets_no_code_sent_elsewhere(client, provider):
    """The redirect URI comes from the request's Host; the provider only sends codes
    to the registered one, so a forged Host gets an error page, not a code."""
    answer = client.get("/auth/oidc/start", headers={"Host": "evil.example"})
    forged = answer.headers["Location"]
    assert parse_qs(urlsplit(forged).query)["redirect_uri"] == ["http://evil.example/auth/oidc/callback"]
    refused = requests.get(forged, allow_redirects=False, timeout=30)
    assert refused.status_code == 400 and "Location" not in refused.headers


def test_a_named_redirect_uri_ignores_the_host_header(app, client, provider):
    """Production names its redirect URI (OIDC_REDIRECT_URI): a forged Host header
    changes nothing in what the provider is asked to send the code to."""
    app.config["OIDC_REDIRECT_URI"] = "http://localhost/auth/oidc/callback"
    answer = client.get("/auth/oidc/start", headers={"Host": "evil.example"})
    asked = answer.headers["Location"]
    assert parse_qs(urlsplit(asked).query)["redirect_uri"] == ["http://localhost/auth/oidc/callback"]
    assert callback_path(provider.sign_in(asked, "carol-at-provider"))


@pytest.mark.parametrize("query", [
    "", "state=nothing&code=nothing", "error=access_denied", "error=%3Cscript%3E&error_description=x",
    "code=x&state=y&iss=http%3A%2F%2Fevil.example", "code=" + "A" * 3000,
])
def test_hostile_callbacks_get_a_clean_redirect(client, provider, query):
    """Whatever comes to the callback: a 302 to the front end with an error, never a 500."""
    client.get("/auth/oidc/start")  # a sign-in in progress, with a state of its own
    answer = result(client.get(f"/auth/oidc/callback?{query}"))
    assert set(answer) == {"oidc_error"}
    assert me(client) is None


def test_the_user_refusing_at_the_provider_is_a_clean_error(client, provider):
    """The user presses "Refuse" at the provider: access_denied, no session."""
    assert result(client.get(callback_path(provider.refuse(start(client))))) == {"oidc_error": "access_denied"}


# --- Linking and unlinking -------------------------------------------------------

def test_linking_needs_the_password(app, client, alice, provider):
    """A stolen session alone can't add the thief's identity as a way in."""
    log_in(client)
    assert client.post("/auth/identities/link/start", json={"password": "wrong " + PASSWORD}).status_code == 403
    assert client.post("/auth/identities/link/start", json={}).status_code == 400
    assert identities_of(app, "alice@example.com") == []


def test_a_page_on_another_site_cannot_start_a_link(app, client, alice, provider):
    """CSRF linking: a form on the attacker's page, posted by the victim's browser
    with her cookie, would link whoever is signed in at the provider in that browser
    (the attacker, after a login CSRF there). The browser names the attacker's
    page in Origin, and the form is refused before the password is even read."""
    log_in(client)
    for origin in ("https://attacker.example", "null"):  # null: a sandboxed frame or a data: page
        answer = client.post("/auth/identities/link/start", data={"password": PASSWORD},
                             headers={"Origin": origin})
        assert answer.status_code == 403 and "Location" not in answer.headers
    assert identities_of(app, "alice@example.com") == []
    # The same form from the front end's page goes on to the provider: the refusal was the Origin's.
    same = client.post("/auth/identities/link/start", data={"password": PASSWORD}, headers={"Origin": FRONTEND})
    assert same.status_code == 302


def test_the_front_ends_form_starts_a_link(client, alice, provider):
    """The browser client posts a plain form (a top-level navigation, so the
    browser follows the 302 to the provider): from the front end's origin it links."""
    log_in(client)
    answer = client.post("/auth/identities/link/start", data={"password": PASSWORD, "code": ""},
                         headers={"Origin": FRONTEND})
    assert answer.status_code == 302, answer.get_json()
    back = provider.sign_in(answer.headers["Location"], "alice-at-provider")
    assert result(client.get(callback_path(back))) == {"oidc": "linked"}
    wrong = client.post("/auth/identities/link/start", data={"password": "wrong " + PASSWORD},
                        headers={"Origin": FRONTEND})
    assert wrong.status_code == 403 and "Location" not in wrong.headers


def test_a_linked_identity_signs_in_and_is_listed(client, alice, provider):
    """Alice links her provider account (with another address), then signs in with it."""
    log_in(client)
    assert result(link(client, provider, "alice-at-provider")) == {"oidc": "linked"}
    listed = client.get("/auth/identities").get_json()["identities"]
    assert [(i["issuer"], i["email"]) for i in listed] == [(provider.issuer, "alice@provider.example")]
    client.post("/auth/logout")
    assert result(sign_in_with(client, provider, "alice-at-provider")) == {"oidc": "signed_in"}
    assert me(client)["username"] == "alice"


def test_an_identity_of_another_account_is_not_taken(app, client, alice, provider):
    """Carol's identity signs in to carol's account; alice can't link it to hers."""
    carol = app.test_client()
    sign_in_with(carol, provider, "carol-at-provider")
    log_in(client)
    assert result(link(client, provider, "carol-at-provider")) == {"oidc_error": "identity_taken"}
    assert identities_of(app, "alice@example.com") == []


def test_a_link_answer_in_another_browser_links_nothing(app, client, alice, provider):
    """Alice's link answer opened in a browser where she hasn't started it: a sign-in
    answer to nothing, refused."""
    log_in(client)
    answer = client.post("/auth/identities/link/start", json={"password": PASSWORD})
    back = provider.sign_in(answer.headers["Location"], "carol-at-provider")
    other = app.test_client()
    assert result(other.get(callback_path(back))) == {"oidc_error": "invalid_state"}
    assert identities_of(app, "alice@example.com") == []


def test_unlinking_needs_the_password_and_only_ones_own(app, client, alice, provider):
    """Unlink asks for the password; another account's identity is 404, as if it weren't there."""
    carol = app.test_client()
    sign_in_with(carol, provider, "carol-at-provider")
    carols = carol.get("/auth/identities").get_json()["identities"][0]["id"]
    log_in(client)
    link(client, provider, "alice-at-provider")
    alices = client.get("/auth/identities").get_json()["identities"][0]["id"]
    assert client.delete(f"/auth/identities/{carols}", json={"password": PASSWORD}).status_code == 404
    assert client.delete(f"/auth/identities/{alices}", json={"password": "wrong " + PASSWORD}).status_code == 403
    assert client.delete(f"/auth/identities/{alices}", json={"password": PASSWORD}).status_code == 204
    assert client.get("/auth/identities").get_json() == {"identities": []}
    assert len(carol.get("/auth/identities").get_json()["identities"]) == 1


def test_the_last_way_in_is_never_unlinked(client, provider):
    """An account made by signing in with a provider has no password its owner knows:
    its identity is its only way in, and stays."""
    sign_in_with(client, provider, "carol-at-provider")
    only = client.get("/auth/identities").get_json()["identities"][0]["id"]
    for proof in ({}, {"password": ""}, {"password": "carol@example.com"}):
        assert client.delete(f"/auth/identities/{only}", json=proof).status_code in (400, 403)
    assert len(client.get("/auth/identities").get_json()["identities"]) == 1


@pytest.mark.contract
def test_identities_need_a_session(client, provider):
    """Anonymous: 401 on the account's identity routes."""
    assert client.get("/auth/identities").status_code == 401
    assert client.post("/auth/identities/link/start", json={"password": PASSWORD}).status_code == 401
    assert client.delete("/auth/identities/1", json={"password": PASSWORD}).status_code == 401


# --- Configuration ---------------------------------------------------------------

def test_without_a_provider_the_routes_are_404(tmp_path):
    """Nothing configured: the feature isn't there."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plain.sqlite'}")
    browser = app.test_client()
    for path in ("/auth/oidc/start", "/auth/oidc/callback?code=x&state=y", "/auth/identities"):
        assert browser.get(path).status_code == 404


@pytest.mark.parametrize("given", [("OIDC_ISSUER",), ("OIDC_ISSUER", "OIDC_CLIENT_ID"), ("OIDC_CLIENT_SECRET",)])
def test_a_half_configuration_is_refused_at_start(given):
    """Some of the three settings but not all: a mistake, said at start-up."""
    settings = {"OIDC_ISSUER": "https://id.example.com", "OIDC_CLIENT_ID": "app", "OIDC_CLIENT_SECRET": "s" * 32}
    with pytest.raises(RuntimeError, match="half configured"):
        create_app("testing", **{name: settings[name] for name in given})


def production_settings(tmp_path, mail_server, **oidc):
    return {**PRODUCTION, **mail_settings(mail_server), "OIDC_CLIENT_ID": "app", "OIDC_CLIENT_SECRET": "s" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}", **oidc}


def test_production_refuses_a_plain_http_issuer(tmp_path, mail_server):
    """Discovery, keys and tokens over plain HTTP could come from anyone on the way."""
    settings = production_settings(tmp_path, mail_server, OIDC_ISSUER="http://id.example.com",
                                   OIDC_REDIRECT_URI="https://api.example.com/auth/oidc/callback")
    with pytest.raises(RuntimeError, match="OIDC_ISSUER must be an https"):
        create_app("production", **settings)


def test_production_needs_its_redirect_uri_named(tmp_path, mail_server):
    """Built from the request, the redirect URI would follow a forged Host header:
    production without OIDC_REDIRECT_URI is half configured."""
    settings = production_settings(tmp_path, mail_server, OIDC_ISSUER="https://id.example.com")
    with pytest.raises(RuntimeError, match="half configured: set OIDC_REDIRECT_URI"):
        create_app("production", **settings)
    settings["OIDC_REDIRECT_URI"] = "https://api.example.com/auth/oidc/callback"
    assert create_app("production", **settings).config["OIDC_REDIRECT_URI"] == settings["OIDC_REDIRECT_URI"]
