"""Passkeys in a real browser: Debian's Chromium, driven by Playwright, with a
virtual authenticator (Chrome DevTools Protocol, WebAuthn domain) in place of
a phone or a fingerprint reader. The client (client/passkeys.js) and the
last step's API run on http://localhost, as a learner runs them: passkeys
belong to a domain name, so http://127.0.0.1 can't have any.

The journey: register, follow the mailed link, log in with the password, add
a passkey, log out, sign in with it and no username, remove it, and see it
refused afterwards; plus a passkey that a look-alike site made for its own
RP ID, relayed to our API, refused; and, with two-factor on, adding a passkey
asks for a code."""
import itertools
import re
from types import SimpleNamespace

import pyotp
import pytest

import memo
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser, screenshot
from browser_servers import ApiServer, StaticSite, configured_client
from conftest import STEPS

PASSKEYS = 8  # the first step with passkeys
PASSKEY_STEPS = [step for step in STEPS[-1:] if int(step.name[:2]) >= PASSKEYS]
PASSWORD = "correct horse battery staple"
USER_NUMBERS = itertools.count(1)
# What the issue asks of the virtual authenticator: a platform authenticator
# (built into the device) that keeps discoverable credentials and verifies
# its user (a PIN or a fingerprint, here always given).
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}


@pytest.fixture(scope="module")  # Playwright stops after this file: other files may start their own
def browser():
    require_browser()  # no browser: in CI a failure, elsewhere a skip (browser.py)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def stack(request, browser, tmp_path_factory):
    """The API and the client, both on localhost, with WEBAUTHN_ORIGIN set to
    the client's origin (a port the kernel picked, not 3000) and the default RP
    ID, "localhost". Both servers bind port 0; the client's config.js names
    the API once the API has said where it listens."""
    step = request.param
    workdir = tmp_path_factory.mktemp(step.name)
    site = StaticSite(workdir / "client")  # serves the folder written below
    client_url = f"http://localhost:{site.port}"
    try:
        # Extra: passkeys belong to the client's origin; WEBAUTHN_RP_ID keeps its default.
        api = ApiServer(step, workdir, cors_origins=[client_url], frontend_url=client_url,
                        extra={"WEBAUTHN_ORIGIN": client_url})
        configured_client(workdir / "client", f"http://localhost:{api.port}")
        yield SimpleNamespace(step=step, api=api, client_url=client_url,
                              look_alike_url=f"http://evil.localhost:{site.port}")
        api.stop()
    finally:
        site.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    context.set_default_timeout(120_000)  # a hang guard: a busy machine is slow, not wrong
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def authenticator(page):
    """A virtual authenticator in this tab: (the CDP session, its id)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return SimpleNamespace(devtools=devtools, id=added["authenticatorId"])


def stored_credentials(authenticator):
    return authenticator.devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator.id})["credentials"]


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def message(page, card):
    return page.locator(f"#{card} .message")


def register_and_log_in(page, stack):
    """A new account, verified through its mailed link, logged in with its password."""
    n = next(USER_NUMBERS)
    user = SimpleNamespace(username=f"passkeyuser{n}", email=f"passkeyuser{n}@example.com")
    page.goto(stack.client_url)
    for name, value in (("username", user.username), ("email", user.email), ("password", PASSWORD)):
        page.fill(f"#register [name={name}]", value)
    page.click("#register button")
    expect(message(page, "register")).to_contain_text(f"Follow the link we mailed to {user.email}")
    page.goto(stack.api.verification_link(user.email))
    page.fill("#verify [name=password]", PASSWORD)
    page.click("#verify button")
    expect(message(page, "verify")).to_contain_text("Verified")
    page.fill("#login [name=username]", user.username)
    page.fill("#login [name=password]", PASSWORD)
    page.click("#login button")
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    return user


def steps(selection):
    return pytest.mark.parametrize("stack", selection, ids=[s.name for s in selection], indirect=True)


@steps(PASSKEY_STEPS)
def test_add_a_passkey_sign_in_with_it_alone_and_remove_it(stack, page, authenticator):
    user = register_and_log_in(page, stack)
    expect(page.locator("#passkey-login")).to_be_visible()  # GET / named a step with passkeys

    page.fill("#add-passkey [name=password]", PASSWORD)
    page.fill("#add-passkey [name=name]", "laptop")
    page.click("#add-passkey-button")
    expect(message(page, "add-passkey")).to_have_text(
        'Passkey "laptop" added. Log out, then try "Sign in with a passkey".')
    expect(page.locator("#passkey-list li")).to_have_count(1)
    expect(page.locator("#passkey-list li")).to_contain_text("laptop: added")
    screenshot(page, "16-passkey-added", "#add-passkey")
    (credential,) = stored_credentials(authenticator)
    assert credential["rpId"] == "localhost" and credential["isResidentCredential"] is True
    assert "A passkey was added to your account" in stack.api.output()

    page.click("#logout")
    expect(page.locator("#status")).to_have_text("Not logged in")
    page.click("#passkey-login button")  # no username typed anywhere
    expect(message(page, "passkey-login")).to_have_text(
        f"Welcome, {user.username}: signed in with a passkey, no password typed.")
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    screenshot(page, "17-passkey-sign-in", "#passkey-login")
    page.click("#whoami")
    expect(message(page, "account")).to_have_text(f"You are {user.username} ({user.email}).")
    assert stored_credentials(authenticator)[0]["signCount"] == credential["signCount"] + 1  # it signed once more

    page.click("#list-passkeys")
    expect(page.locator("#passkey-list li")).to_contain_text("last used")
    page.fill("#add-passkey [name=password]", PASSWORD)
    page.click("#passkey-list button")
    expect(message(page, "add-passkey")).to_have_text(
        "Passkey removed: it logs in no more, and your other sessions have ended.")
    expect(page.locator("#passkey-list li")).to_have_count(0)
    assert "A passkey was removed from your account" in stack.api.output()

    # The device still holds it: only the server has forgotten it.
    page.click("#logout")
    page.click("#passkey-login button")
    expect(message(page, "passkey-login")).to_have_text("passkey not accepted: it is not registered here (removed?)")
    expect(page.locator("#status")).to_have_text("Not logged in")
    assert len(stored_credentials(authenticator)) == 1
    assert unexpected_console_errors(page) == []


@steps(PASSKEY_STEPS)
def test_a_passkey_made_for_another_rp_id_is_refused(stack, page, authenticator):
    # A look-alike site (evil.localhost) relays our options to the browser,
    # with its own name as RP ID: the browser allows that only for its own
    # domain, makes the passkey for it, and writes its origin into what is
    # signed. Relayed back to our API, the answer is refused.
    register_and_log_in(page, stack)
    options = page.evaluate("""async () => (await callApi("POST", "/auth/passkeys/register/options",
                                                           {password: "%s", name: "relayed"})).body""" % PASSWORD)
    page.goto(stack.look_alike_url)
    relayed = page.evaluate("""async (options) => {
        options.rp = {id: "evil.localhost", name: "Flask Auth"};
        const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
        return (await navigator.credentials.create({publicKey})).toJSON();
    }""", options)
    assert [credential["rpId"] for credential in stored_credentials(authenticator)] == ["evil.localhost"]

    page.goto(stack.client_url)  # the same browser, still logged in, still in the ceremony
    answer = page.evaluate("""async (relayed) => await callApi("POST", "/auth/passkeys/register/verify",
                                                                relayed)""", relayed)
    assert answer["status"] == 400
    assert re.fullmatch(r'passkey not accepted: Unexpected client data origin "http://evil\.localhost:\d+", '
                        r'expected "http://localhost:\d+"', answer["body"]["error"]), answer["body"]
    page.click("#list-passkeys")
    expect(message(page, "add-passkey")).to_have_text("No passkeys yet.")

    # And the browser itself never hands a passkey of evil.localhost to our page.
    page.click("#logout")
    page.click("#passkey-login button")
    expect(message(page, "passkey-login")).to_contain_text("The browser said NotAllowedError")
    expect(page.locator("#status")).to_have_text("Not logged in")


@steps(PASSKEY_STEPS)
def test_with_two_factor_on_adding_a_passkey_takes_a_code(stack, page, authenticator):
    # A passkey will log in without the code, so adding one asks for it (the
    # card's code field; a recovery code works there too).
    register_and_log_in(page, stack)
    setup = page.evaluate("""async (password) => await callApi("POST", "/auth/2fa/setup", {password})""", PASSWORD)
    totp = pyotp.TOTP(setup["body"]["secret"])
    confirmed = page.evaluate("""async (code) => await callApi("POST", "/auth/2fa/confirm", {code})""", totp.now())
    assert confirmed["status"] == 200, confirmed

    page.fill("#add-passkey [name=password]", PASSWORD)
    page.click("#add-passkey-button")
    expect(page.locator('#add-passkey [data-error-for="code"]')).to_have_text("code is required (or a recovery_code)")
    assert stored_credentials(authenticator) == []  # refused before the authenticator was asked

    page.fill("#add-passkey [name=code]", confirmed["body"]["recovery_codes"][0])
    page.click("#add-passkey-button")
    expect(message(page, "add-passkey")).to_have_text(
        'Passkey "passkey" added. Log out, then try "Sign in with a passkey".')
    assert len(stored_credentials(authenticator)) == 1
    assert unexpected_console_errors(page) == []


def unexpected_console_errors(page):
    """Chromium logs each 4xx answer in the console. Anything else there (a CORS
    or Content-Security-Policy error, a missing file) would be a bug."""
    answers = ("status of 400 (BAD REQUEST)", "status of 401 (UNAUTHORIZED)", "status of 403 (FORBIDDEN)")
    return [error for error in page.console_errors if not error.endswith(answers)]


def memo_inputs(item):
    """client/ in Chromium against the last step (tests/browser*.py are helpers, always read)."""
    return ["client", *(memo.steps_of(item) or ["steps"]), memo.CHROMIUM]
