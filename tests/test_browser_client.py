"""The browser client (client/) in a real browser: Debian's Chromium driven by
Playwright, against each step's API served on its own port.

What a browser shows and curl cannot: CORS, credentials: "include", HttpOnly
and SameSite. From step 06 on, every account follows the link in its
verification mail (read from the API's output) on the client's own page before
it logs in. From step 07 on, a journey turns two-factor authentication on,
logs in with codes that pyotp computes and with a recovery code, and turns it
off. From step 08 on, the passkey forms on an IP address say to use localhost
(the passkey journey itself is tests/test_passkeys_browser.py). From step 09
on, notes, and an admin who disables a user in another browser context. Run
`make screenshots` to refresh docs/assets/client/ from the last step."""
import io
import itertools
import json
import re
import sqlite3
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest
import segno

import memo
from browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, require_browser, screenshot
from browser_servers import ApiServer, StaticSite, configured_client
from conftest import ROOT, STEPS


def number(step):
    return int(step.name[:2])


# Step 03 (the first with sessions) and the last step, which has everything.
SESSION_STEPS = sorted({step for step in STEPS if number(step) == 3} | {STEPS[-1]})
RESET_STEPS = [step for step in SESSION_STEPS if number(step) >= 4]  # forgot/reset/change
VERIFYING = 6  # from this step on, an account follows its mailed link before it can log in
VERIFY_STEPS = [step for step in SESSION_STEPS if number(step) >= VERIFYING]
TWO_FACTOR_STEPS = [step for step in SESSION_STEPS if number(step) >= 7]  # TOTP and recovery codes
# Passkeys: their journey needs localhost (tests/test_passkeys_browser.py); here, the page on an IP address.
PASSKEY_STEPS = [step for step in SESSION_STEPS if number(step) >= 8]
ROLES_STEPS = [step for step in SESSION_STEPS if number(step) >= 9]  # notes, and the users panel for an admin
TOKENS_STEPS = [step for step in SESSION_STEPS if number(step) >= 10]  # the API tokens panel
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new battery staple horse"
USER_NUMBERS = itertools.count(1)


def steps(selection):
    return pytest.mark.parametrize("stack", selection, ids=[s.name for s in selection], indirect=True)


@pytest.fixture(scope="module")  # Playwright stops after this file: other files may start their own
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def served(step, workdir):
    """One step's API plus the client served three ways:
    listed (http://127.0.0.1:P, on the API's CORS list), cross-site (http://localhost:P,
    on the list too, but another site than the API's 127.0.0.1) and unlisted
    (http://127.0.0.1:Q, not on the list)."""
    client_folder = workdir / "client"  # written below, once the API has said where it listens
    listed, unlisted = StaticSite(client_folder), StaticSite(client_folder)
    client_url = f"http://127.0.0.1:{listed.port}"
    cross_site_url = f"http://localhost:{listed.port}"
    try:
        api = ApiServer(step, workdir, cors_origins=[client_url, cross_site_url], frontend_url=client_url)
        configured_client(client_folder, api.url)
        yield SimpleNamespace(step=step, api=api, client_url=client_url, cross_site_url=cross_site_url,
                              unlisted_url=f"http://127.0.0.1:{unlisted.port}")
        api.stop()
    finally:
        listed.stop()
        unlisted.stop()


@pytest.fixture(scope="module")
def stack(request, browser, tmp_path_factory):
    """A step served for every test of this file that asks for that step."""
    with served(request.param, tmp_path_factory.mktemp(request.param.name)) as shared:
        yield shared


@pytest.fixture
def own_stack(request, browser, tmp_path_factory):
    """A step served for one test alone: a journey with several logins. Every test's
    browser is new (unknown) and comes from 127.0.0.1, so on the shared server the
    other tests' logins count against the same 10 a minute per address (step 05)."""
    with served(request.param, tmp_path_factory.mktemp(request.param.name)) as own:
        yield own


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(120_000)  # a hang guard: a busy machine is slow, not wrong
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def new_user():
    n = next(USER_NUMBERS)
    return SimpleNamespace(username=f"learner{n}", email=f"learner{n}@example.com", password=PASSWORD)


def snap(page, stack, name, part=None):
    """A screenshot for the docs, when `make screenshots` asks (last step only)."""
    if stack.step == STEPS[-1]:
        screenshot(page, name, part)


# Small helpers that use the page the way a learner does: type, click, read.
def fill(page, form, **fields):
    for name, value in fields.items():
        page.fill(f"#{form} [name={name}]", value)
    page.click(f"#{form} button")


def message(page, section):
    return page.locator(f"#{section} .message")


def field_error(page, form, name):
    return page.locator(f"#{form} [data-error-for={name}]")


def register(page, stack, user):
    """Register on the page; from step 06 on, also follow the mailed link, then come back."""
    fill(page, "register", username=user.username, email=user.email, password=user.password)
    if number(stack.step) < VERIFYING:
        expect(message(page, "register")).to_have_text(f"Account {user.username} created: now log in.")
        return
    expect(message(page, "register")).to_contain_text(f"Follow the link we mailed to {user.email}")
    here = page.url
    verified = f"Verified: {user.email} is the address of {user.username}."
    follow_verification_link(page, stack, user, user.email, verified)
    page.goto(here)


def follow_verification_link(page, stack, user, address, verified, screenshot=None):
    """What the user does with the mail: open the link, then confirm on the client's page
    with the account's password. Returns the link."""
    link = stack.api.verification_link(address)
    assert link.startswith(stack.client_url + "/verify-email?token=")
    page.goto(link)
    expect(page.locator("#verify")).to_be_visible()
    assert "token" not in page.url  # taken out of the address bar
    expect(message(page, "verify")).to_be_empty()  # nothing is posted before the click
    page.fill("#verify [name=password]", user.password)
    if screenshot:
        snap(page, stack, screenshot, "#verify")
    page.click("#verify button")
    expect(message(page, "verify")).to_have_text(verified)
    return link


def log_in(page, user, password=None):
    fill(page, "login", username=user.username, password=password or user.password)


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


@steps(SESSION_STEPS)
def test_register_login_who_am_i_logout(stack, page):
    page.goto(stack.client_url)
    expect(page.locator("#status")).to_have_text("Not logged in")
    expect(page.locator("#same-site")).to_contain_text("Yes")

    user = new_user()
    fill(page, "register", username=user.username, email="not-an-email", password="too short")
    expect(field_error(page, "register", "email")).to_contain_text("email must be an email address")
    expect(field_error(page, "register", "password")).to_contain_text("password must be at least 15")
    expect(field_error(page, "register", "username")).to_be_empty()
    snap(page, stack, "1-register-errors", "#register")

    register(page, stack, user)
    log_in(page, user)
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    page.click("#whoami")
    expect(message(page, "account")).to_have_text(f"You are {user.username} ({user.email}).")
    snap(page, stack, "2-logged-in")

    page.click("#logout")
    expect(message(page, "account")).to_have_text("Logged out: the server deleted the session.")
    expect(page.locator("#status")).to_have_text("Not logged in")
    page.click("#whoami")
    expect(message(page, "account")).to_have_text("401: login required")
    snap(page, stack, "3-logged-out", "#account")
    assert unexpected_console_errors(page) == []


@steps(SESSION_STEPS)
def test_wrong_password_is_shown_on_the_login_form(stack, page):
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    log_in(page, user, password="not the password at all")
    expect(message(page, "login")).to_have_text("invalid credentials")
    expect(page.locator("#status")).to_have_text("Not logged in")


@steps(SESSION_STEPS)
def test_session_cookie_is_httponly(stack, context, page):
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(page.locator("#status")).to_contain_text("Logged in as")

    session = [cookie for cookie in context.cookies() if cookie["name"] == "session"]
    assert len(session) == 1
    assert session[0]["httpOnly"] is True and session[0]["sameSite"] == "Lax"
    # Cookies belong to a host, not to a port: the client page on 127.0.0.1
    # would see the API's cookie if it were not HttpOnly. A plain cookie on the
    # same host shows that document.cookie does list what it may.
    context.add_cookies([{"name": "visible", "value": "yes", "domain": "127.0.0.1", "path": "/"}])
    assert page.evaluate("document.cookie") == "visible=yes"
    page.goto(stack.api.url + "/")  # and on the API's own origin
    assert page.evaluate("document.cookie") == "visible=yes"


@steps(SESSION_STEPS)
def test_unlisted_origin_cannot_read_who_am_i(stack, context, page):
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(page.locator("#status")).to_contain_text("Logged in as")

    start = before = stack.api.mark()
    other = context.new_page()
    errors = []
    other.on("console", lambda message: message.type == "error" and errors.append(message.text))
    other.goto(stack.unlisted_url)  # the page asks GET /auth/me as it loads
    expect(other.locator("#status")).to_have_text("No answer from the API (see the console)")
    other.click("#whoami")
    expect(message(other, "account")).to_contain_text("does not list this page's origin (CORS)")
    blocked = f"from origin '{stack.unlisted_url}' has been blocked by CORS policy"
    assert any(blocked in error for error in errors), errors
    # The GET did reach the API, with the session cookie (same site), and got a
    # 200: the browser, not the server, keeps the answer from the page.
    assert '"GET /auth/me HTTP/1.1" 200' in stack.api.output(since=before)

    # A JSON POST never leaves the browser: the preflight gets no permission.
    before = stack.api.mark()
    fill(other, "login", username=user.username, password=user.password)
    expect(message(other, "login")).to_contain_text("No answer this page may read")
    log = stack.api.output(since=before)
    assert '"OPTIONS /auth/login HTTP/1.1"' in log
    assert "POST /auth/login" not in log
    assert any("preflight" in error for error in errors), errors
    snap(other, stack, "6-unlisted-origin")
    if SCREENSHOTS and stack.step == STEPS[-1]:  # the real texts, for docs/browser-client.md
        Path(SCREENSHOTS, "cors-console.txt").write_text("\n".join(errors) + "\n")
        requests = [line for line in stack.api.output(since=start).splitlines() if '"' in line]
        Path(SCREENSHOTS, "cors-api-log.txt").write_text("\n".join(requests) + "\n")


@steps(SESSION_STEPS)
def test_cross_site_page_gets_answers_but_no_session(stack, context, page):
    # http://localhost:P is on the CORS list, but the API is on 127.0.0.1:
    # another host name, so another site, and the SameSite=Lax cookie is refused.
    page.goto(stack.cross_site_url)
    expect(page.locator("#same-site")).to_contain_text("Not by host name")
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(message(page, "login")).to_have_text(f'Welcome, {user.username}. Now ask "Who am I?".')
    page.click("#whoami")
    expect(message(page, "account")).to_have_text("401: login required")
    assert [cookie for cookie in context.cookies() if cookie["name"] == "session"] == []
    snap(page, stack, "7-cross-site")


@steps(RESET_STEPS)
def test_forgot_and_reset_password(stack, page):
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    fill(page, "forgot", email=user.email)
    expect(message(page, "forgot")).to_contain_text("if that email is registered")
    snap(page, stack, "4-forgot-password", "#forgot")

    link = stack.api.reset_link(user.email)
    assert link.startswith(stack.client_url + "/")
    page.goto(link)
    expect(page.locator("#reset")).to_be_visible()
    assert "token" not in page.url  # taken out of the address bar
    snap(page, stack, "5-reset-form", "#reset")
    fill(page, "reset", password=NEW_PASSWORD)
    expect(message(page, "reset")).to_contain_text("password changed")

    log_in(page, user)  # the old password no longer works
    expect(message(page, "login")).to_have_text("invalid credentials")
    log_in(page, user, password=NEW_PASSWORD)
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")

    page.goto(link)  # a reset link works once
    fill(page, "reset", password="yet another long password")
    expect(message(page, "reset")).to_contain_text("is invalid, expired or already used")


@steps(RESET_STEPS)
def test_change_password(stack, page):
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(page.locator("#status")).to_contain_text("Logged in as")

    fill(page, "change", current_password="not my password at all", new_password=NEW_PASSWORD)
    expect(field_error(page, "change", "current_password")).to_have_text(
        "current password is not your current password")
    snap(page, stack, "8-change-password-wrong", "#change")
    fill(page, "change", current_password=user.password, new_password="short")
    expect(field_error(page, "change", "new_password")).to_contain_text("new password must be at least 15")
    fill(page, "change", current_password=user.password, new_password=NEW_PASSWORD)
    expect(message(page, "change")).to_contain_text("password changed")
    page.click("#whoami")  # still logged in here
    expect(message(page, "account")).to_have_text(f"You are {user.username} ({user.email}).")

    page.click("#logout")
    log_in(page, user)
    expect(message(page, "login")).to_have_text("invalid credentials")
    log_in(page, user, password=NEW_PASSWORD)
    expect(page.locator("#status")).to_contain_text("Logged in as")


@steps(VERIFY_STEPS)
def test_verify_email_then_change_it(stack, page):
    page.goto(stack.client_url)
    expect(page.locator("#change-email")).to_be_visible()  # GET / named a step that has the route
    user = new_user()
    fill(page, "register", username=user.username, email=user.email, password=user.password)
    expect(message(page, "register")).to_contain_text(f"Follow the link we mailed to {user.email}")

    log_in(page, user)  # the right password, before the link: 403, and no session
    expect(message(page, "login")).to_have_text(
        'email not verified: follow the link we mailed you, or get a new one under "Verify your email".')
    expect(page.locator("#status")).to_have_text("Not logged in")
    snap(page, stack, "9-not-verified", "#login")
    expect(page.locator("#resend [name=email]")).to_have_value(user.email)  # filled in at registration
    page.click("#resend button")
    expect(message(page, "resend")).to_contain_text("a new link is on its way")

    follow_verification_link(page, stack, user, user.email,
                             f"Verified: {user.email} is the address of {user.username}.", screenshot="10-verify-form")
    log_in(page, user)
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")

    new_email = f"{user.username}@new.example"
    fill(page, "change-email", password="not my password at all", new_email=new_email)
    expect(field_error(page, "change-email", "password")).to_have_text("password is not your password")
    fill(page, "change-email", password=user.password, new_email=new_email)
    expect(message(page, "change-email")).to_contain_text(f"confirm the change with the link we mailed to {new_email}")
    snap(page, stack, "11-change-email", "#change-email")
    page.click("#whoami")  # nothing has changed yet
    expect(message(page, "account")).to_have_text(f"You are {user.username} ({user.email}).")
    assert "Your email address is about to change" in stack.api.output()  # the notice to the old address

    link = follow_verification_link(page, stack, user, new_email,
                                    f"Verified: {new_email} is the address of {user.username}.")
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({new_email})")  # same session
    page.goto(link)  # a link works once
    page.fill("#verify [name=password]", user.password)
    page.click("#verify button")
    expect(message(page, "verify")).to_contain_text("is invalid, expired or already used")
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize("own_stack", TWO_FACTOR_STEPS, ids=[s.name for s in TWO_FACTOR_STEPS], indirect=True)
def test_two_factor_on_then_logins_with_a_code_and_a_recovery_code_then_off(own_stack, page):
    stack = own_stack
    page.goto(stack.client_url)
    expect(page.locator("#two-factor-setup")).to_be_visible()  # GET / named a step that has the routes
    expect(page.locator("#login-2fa")).to_be_hidden()
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")

    # Turn it on: the password again, then the QR code, drawn from the SVG the API sent.
    fill(page, "two-factor-setup", password="not my password at all")
    expect(field_error(page, "two-factor-setup", "password")).to_have_text("password is not your password")
    fill(page, "two-factor-setup", password=user.password)
    expect(page.locator("#two-factor-confirm")).to_be_visible()
    secret = page.locator("#two-factor-secret").text_content()
    uri = page.locator("#two-factor-link").get_attribute("href")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    drawn = io.BytesIO()  # what the API draws for this URI (segno, as in authapp/totp.py)
    segno.make_qr(uri).save(drawn, kind="svg", xmldecl=False, scale=4)
    expected_path = re.search(r' d="([^"]+)"', drawn.getvalue().decode())[1]
    assert page.locator("#qr-code svg path").get_attribute("d") == expected_path
    assert page.locator("#qr-code svg *").count() == 1  # the <path>, nothing else
    snap(page, stack, "12-two-factor-scan", "#two-factor-confirm")

    app = pyotp.TOTP(secret)  # plays the authenticator app
    first_code = app.now()
    fill(page, "two-factor-confirm", code=first_code)
    expect(message(page, "two-factor-confirm")).to_contain_text("Two-factor authentication is on.")
    expect(page.locator("#two-factor-scan")).to_be_hidden()
    recovery_codes = page.locator("#recovery-codes li").all_text_contents()
    assert len(set(recovery_codes)) == 10
    snap(page, stack, "13-recovery-codes", "#two-factor-confirm")
    page.click("#recovery-codes-saved")  # shown once: the page keeps no copy
    expect(page.locator("#two-factor-confirm")).to_be_hidden()
    assert page.locator("#recovery-codes li").count() == 0
    assert recovery_codes[0] not in page.locator("#last").text_content()
    page.click("#whoami")  # still logged in: this browser proved the password and a code
    expect(message(page, "account")).to_have_text(f"You are {user.username} ({user.email}).")

    # Log in again: the password alone starts no session, the code does.
    page.click("#logout")
    log_in(page, user)
    expect(message(page, "login")).to_have_text("Password accepted. Now the code from your authenticator app.")
    expect(page.locator("#login-2fa")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Not logged in")
    page.click("#whoami")
    expect(message(page, "account")).to_have_text("401: login required")
    fill(page, "login-2fa", code=first_code)  # it turned two-factor on: used, so refused
    expect(message(page, "login-2fa")).to_have_text(
        "invalid code: each code works once, so type the one your app shows now")
    snap(page, stack, "14-two-factor-login", "#login-2fa")
    fill(page, "login-2fa", code=app.at(time.time() + 30))  # the app's next code
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    expect(page.locator("#login-2fa")).to_be_hidden()

    # The phone is lost: a recovery code instead, typed as people type.
    page.click("#logout")
    log_in(page, user)
    fill(page, "login-2fa", code=recovery_codes[0].lower())
    expect(message(page, "login")).to_contain_text("You have 9 recovery codes left")
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    assert "Subject: A recovery code was used" in stack.api.output()

    # Changing the password takes a code too now, as turning it off does (a recovery code counts).
    fill(page, "change", current_password=user.password, new_password=NEW_PASSWORD)
    expect(field_error(page, "change", "code")).to_have_text("code is required (or a recovery_code)")
    fill(page, "change", current_password=user.password, new_password=NEW_PASSWORD, code=recovery_codes[2])
    expect(message(page, "change")).to_contain_text("password changed")
    user.password = NEW_PASSWORD

    # Turn it off: the password and another recovery code (no code can come from the lost phone).
    fill(page, "two-factor-disable", password=user.password, code=recovery_codes[0])
    expect(field_error(page, "two-factor-disable", "code")).to_have_text("code is not a valid code")
    fill(page, "two-factor-disable", password=user.password, code=recovery_codes[1])
    expect(message(page, "two-factor-disable")).to_contain_text("two-factor authentication is off")
    assert "Subject: Two-factor authentication is off" in stack.api.output()
    page.click("#logout")
    log_in(page, user)  # the password alone again
    expect(page.locator("#status")).to_have_text(f"Logged in as {user.username} ({user.email})")
    expect(page.locator("#login-2fa")).to_be_hidden()
    assert unexpected_console_errors(page) == []


HOSTILE_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="owned"</script></svg>',
    "event handler": ('<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'owned\'">'
                      '<path d="M0 0h1"/></svg>'),
    "foreignObject": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
                     'Your session expired: <a href="https://evil.example">log in again</a></p></foreignObject></svg>',
    "link": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<a xlink:href="javascript:alert(1)"><path d="M0 0h9v9"/></a></svg>',
    "style": '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1" style="fill:url(https://evil.example/x)"/></svg>',
    "remote paint": '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1" stroke="url(https://evil.example/p)"/></svg>',
    "image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/track.png"/></svg>',
    "html, not svg": '<img src="x" onerror="document.title=\'owned\'">',
    "not xml": '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"></svg>',
    "prototype name": '<svg xmlns="http://www.w3.org/2000/svg"><constructor/></svg>',
}


@steps(TWO_FACTOR_STEPS)
def test_the_qr_code_is_shown_only_when_it_is_nothing_but_a_drawing(stack, page):
    # The client inserts SVG text from the API into the page: it must refuse
    # anything but <svg> and <path> with drawing attributes (ASVS 5.0 V1.3.4).
    page.goto(stack.client_url)
    title = page.title()
    for name, svg in HOSTILE_SVGS.items():
        shown = page.evaluate("""svg => {
            const box = document.createElement("div");
            drawQrCode(box, svg);
            return {elements: box.querySelectorAll("*").length, text: box.textContent};
        }""", svg)
        refusal = "(This QR code can't be shown safely: type the secret below instead.)"
        assert shown == {"elements": 0, "text": refusal}, name
    drawn = io.BytesIO()
    segno.make_qr("otpauth://totp/Flask%20Auth:alice?secret=JBSWY3DPEHPK3PXP&issuer=Flask%20Auth").save(
        drawn, kind="svg", xmldecl=False, scale=4)
    assert page.evaluate("""svg => {
        const box = document.createElement("div");
        drawQrCode(box, svg);
        return box.querySelectorAll("svg > path").length;
    }""", drawn.getvalue().decode()) == 1
    assert page.title() == title  # no hostile script ran
    # Parsing alone makes Chromium check the inline handler (and the parser's own
    # styled error message) against the page's Content-Security-Policy, which
    # blocks them: the second wall, reported in the console. Nothing else may be.
    assert all("violates the following Content Security Policy directive" in error
               for error in unexpected_console_errors(page))


@steps(PASSKEY_STEPS)
def test_passkeys_on_an_ip_address_say_to_use_localhost(stack, page):
    # A passkey belongs to a domain name: on http://127.0.0.1 the browser would
    # throw a SecurityError. The page says why, and where to go, as it loads,
    # and a click asks nothing of the API.
    requests = []
    page.on("request", lambda request: "/auth/passkeys" in request.url and requests.append(request.url))
    page.goto(stack.client_url)
    expect(page.locator("#passkey-login")).to_be_visible()  # GET / named a step with passkeys
    localhost = stack.client_url.replace("127.0.0.1", "localhost")
    advice = ("A passkey belongs to a domain name, never to an IP address: "
              f"open this page on {localhost} instead.")
    for form in ("passkey-login", "add-passkey"):
        expect(message(page, form)).to_have_text(advice)
    snap(page, stack, "15-passkeys-need-a-domain", "#passkey-login")
    page.click("#passkey-login button")
    expect(message(page, "passkey-login")).to_have_text(advice)
    assert requests == []
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize("own_stack", ROLES_STEPS, ids=[s.name for s in ROLES_STEPS], indirect=True)
def test_notes_then_an_admin_disables_the_user_whose_page_logs_out(own_stack, browser, page):
    """Bob writes and deletes notes; an admin (role from the CLI, two-factor on) proves it's
    her again and disables bob; bob's open page, on its next request, is logged out."""
    stack = own_stack
    page.goto(stack.client_url)
    expect(page.locator("#notes")).to_be_hidden()  # nobody logged in yet
    bob = new_user()
    register(page, stack, bob)
    log_in(page, bob)
    expect(page.locator("#status")).to_have_text(f"Logged in as {bob.username} ({bob.email})")
    expect(page.locator("#notes")).to_be_visible()
    expect(page.locator("#users")).to_be_hidden()  # no admin role

    fill(page, "notes", text="")  # the server's error, next to the field
    expect(field_error(page, "notes", "text")).to_have_text("text is required")
    fill(page, "notes", text="x" * 2001)
    expect(field_error(page, "notes", "text")).to_have_text("text must be at most 2000 characters")
    for text in ("buy milk", "call the bank"):
        fill(page, "notes", text=text)
        expect(page.locator("#note-list li span").last).to_have_text(text)  # saved: the form is empty again
    expect(page.locator("#note-list li span")).to_have_text(["buy milk", "call the bank"])
    page.reload()  # read back from GET /notes, not only what this page added
    expect(page.locator("#note-list li span")).to_have_text(["buy milk", "call the bank"])
    page.locator("#note-list li", has_text="buy milk").get_by_role("button", name="Delete").click()
    expect(message(page, "notes")).to_have_text("Note deleted.")
    expect(page.locator("#note-list li span")).to_have_text(["call the bank"])
    snap(page, stack, "18-notes", "#notes")

    # The admin: another browser. Registered on the page, the role granted in the terminal.
    admin_context = browser.new_context(viewport={"width": 1000, "height": 900})
    admin_context.set_default_timeout(120_000)
    admin_page = admin_context.new_page()
    admin_page.console_errors = []
    admin_page.on("console", lambda line: line.type == "error" and admin_page.console_errors.append(line.text))
    admin_page.goto(stack.client_url)
    admin = new_user()
    register(admin_page, stack, admin)
    assert f"{admin.username} has the role admin" in stack.api.flask("grant-role", admin.username, "admin")
    log_in(admin_page, admin)
    expect(admin_page.locator("#users")).to_be_visible()
    admin_page.click("#list-users")  # no second factor on this account yet
    expect(message(admin_page, "users")).to_have_text(
        "this needs a second factor on your account: turn on two-factor authentication or add a passkey")
    expect(admin_page.locator("#reauthenticate")).to_be_hidden()  # a password would not help
    fill(admin_page, "two-factor-setup", password=admin.password)
    expect(admin_page.locator("#two-factor-confirm")).to_be_visible()
    app = pyotp.TOTP(admin_page.locator("#two-factor-secret").text_content())
    fill(admin_page, "two-factor-confirm", code=app.now())
    expect(message(admin_page, "two-factor-confirm")).to_contain_text("Two-factor authentication is on.")

    # Ten minutes later, as the clock would make it: the session's proof is too old.
    with sqlite3.connect(stack.api.database) as database:
        database.execute("UPDATE sessions SET proved_at = NULL")
    admin_page.click("#list-users")
    expect(message(admin_page, "users")).to_contain_text("this needs a recent proof that it is you")
    expect(admin_page.locator("#reauthenticate")).to_be_visible()
    assert admin_page.locator("#user-list li").count() == 0
    fill(admin_page, "reauthenticate", password="not my password at all", code=app.at(time.time() + 30))
    expect(field_error(admin_page, "reauthenticate", "password")).to_have_text("password is not your password")
    snap(admin_page, stack, "19-reauthenticate", "#reauthenticate")
    fill(admin_page, "reauthenticate", password=admin.password, code=app.at(time.time() + 30))
    expect(admin_page.locator("#reauthenticate")).to_be_hidden()  # and the list it waited for
    bob_row = admin_page.locator(f'#user-list li[data-username="{bob.username}"]')
    expect(bob_row.locator("span")).to_have_text(f"{bob.username} ({bob.email}): active")
    expect(admin_page.locator(f'#user-list li[data-username="{admin.username}"] span')).to_have_text(
        f"{admin.username} ({admin.email}): active, admin")

    bob_row.get_by_role("button", name="Disable").click()
    expect(message(admin_page, "users")).to_have_text(f"{bob.username} is disabled and logged out everywhere.")
    expect(bob_row.locator("span")).to_have_text(f"{bob.username} ({bob.email}): disabled")
    snap(admin_page, stack, "20-users", "#users")

    # Bob's page still shows his notes, until its next request: then it is logged out.
    expect(page.locator("#status")).to_have_text(f"Logged in as {bob.username} ({bob.email})")
    fill(page, "notes", text="one more")
    expect(page.locator("#status")).to_have_text("Not logged in: the API ended your session (401)")
    expect(page.locator("#notes")).to_be_hidden()
    assert page.locator("#note-list li").count() == 0  # nothing of his left on the page
    page.reload()
    expect(page.locator("#status")).to_have_text("Not logged in")
    log_in(page, bob)
    expect(message(page, "login")).to_have_text("account disabled")

    # Enabled again: bob logs in; "End sessions" logs him out again, still enabled.
    bob_row.get_by_role("button", name="Enable").click()
    expect(bob_row.locator("span")).to_have_text(f"{bob.username} ({bob.email}): active")
    log_in(page, bob)
    expect(page.locator("#note-list li span")).to_have_text(["call the bank"])
    bob_row.get_by_role("button", name="End sessions").click()
    expect(message(admin_page, "users")).to_have_text(f"{bob.username} is logged out everywhere.")
    page.reload()
    expect(page.locator("#status")).to_have_text("Not logged in")
    assert unexpected_console_errors(page) == []
    assert unexpected_console_errors(admin_page) == []
    admin_context.close()


@pytest.mark.parametrize("own_stack", ROLES_STEPS, ids=[s.name for s in ROLES_STEPS], indirect=True)
def test_a_note_that_looks_like_html_is_shown_as_text(own_stack, page):
    """A note is any text the user typed, or a script on another page posted with her
    session: the list shows it with textContent, so no element is made and nothing runs.
    (Its own server: on the shared one, the other tests' logins use up the limit per address.)"""
    stack = own_stack
    page.goto(stack.client_url)
    title = page.title()
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    hostile = "<img src=x onerror=\"document.title='owned'\"><b>bold?</b>"
    fill(page, "notes", text=hostile)
    expect(page.locator("#note-list li span")).to_have_text([hostile])
    page.reload()  # and as it comes back from GET /notes
    expect(page.locator("#note-list li span")).to_have_text([hostile])
    assert page.locator("#note-list img, #note-list b").count() == 0
    assert page.title() == title  # no onerror ran
    assert unexpected_console_errors(page) == []


def with_token(api, token, path="/notes"):
    """What a program (not the browser: no cookie) gets for GET `path` with `token`: (status, body)."""
    request = urllib.request.Request(api.url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.parametrize("own_stack", TOKENS_STEPS, ids=[s.name for s in TOKENS_STEPS], indirect=True)
def test_a_token_is_shown_once_then_listed_without_it_then_revoked(own_stack, context, page):
    """A user makes a token for a script: the page shows it once (copy button, "you won't see
    it again") and nowhere else, not even in "Last request"; it works for a program; after a
    reload the list shows its name, scopes and last use, never the token; Revoke makes it a 401.
    A name that looks like HTML stays text."""
    stack = own_stack
    page.goto(stack.client_url)
    title = page.title()
    expect(page.locator("#tokens")).to_be_hidden()  # nobody logged in yet
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    expect(message(page, "tokens")).to_have_text("No tokens yet.")  # GET /auth/tokens answered

    # The API's refusals, next to their fields: no scope ticked, then a wrong password.
    name = "backup script"
    fill(page, "tokens", name=name, password=user.password)
    expect(field_error(page, "tokens", "scopes")).to_contain_text("must be a list of one or more of")
    page.check("#tokens [value='notes:read']")
    page.check("#tokens [value='notes:write']")
    fill(page, "tokens", name=name, expires_in_days="400", password=user.password)
    expect(field_error(page, "tokens", "expires_in_days")).to_have_text(
        "expires in days must be a whole number from 1 to 365")
    fill(page, "tokens", name=name, expires_in_days="7", password="not my password at all")
    expect(field_error(page, "tokens", "password")).to_have_text("password is not your password")
    expect(page.locator("#new-token")).to_be_hidden()

    # Everything "Last request" will show, however briefly (GET /auth/tokens follows at once).
    page.evaluate("""() => {
        window.lastShown = [];
        new MutationObserver(() => lastShown.push(document.getElementById("last").textContent))
            .observe(document.getElementById("last"), {childList: true, characterData: true, subtree: true});
    }""")
    fill(page, "tokens", name=name, expires_in_days="7", password=user.password)
    expect(page.locator("#new-token")).to_be_visible()
    expect(page.locator("#new-token")).to_contain_text("you won't see it again")
    token = page.locator("#new-token-value").text_content()
    assert re.fullmatch(r"fat_[0-9A-Za-z]{49}", token), token
    shown = page.evaluate("lastShown")
    assert any("POST" in text and "fat_…(hidden)" in text for text in shown), shown  # the answer, without it
    assert not any(token in text for text in shown)
    expect(page.locator("#tokens [name=password]")).to_have_value("")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.client_url)
    page.click("#copy-token")
    expect(message(page, "tokens")).to_contain_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == token
    snap(page, stack, "21-token-made", "#tokens")

    status, body = with_token(stack.api, token)  # a program uses it: the user's notes, no cookie
    assert (status, body) == (200, {"notes": []})
    page.click("#token-saved")
    expect(page.locator("#new-token")).to_be_hidden()
    assert token not in page.content()

    page.reload()  # the list comes back from GET /auth/tokens: name, scopes, dates, never the token
    row = page.locator("#token-list li")
    expect(row).to_have_count(1)
    expect(row.locator("span")).to_contain_text(f"{name}: notes:read, notes:write; expires ")
    expect(row.locator("span")).to_contain_text(", last used 20")  # the program's request above
    expect(page.locator("#new-token")).to_be_hidden()
    assert token not in page.content()
    snap(page, stack, "22-token-list", "#tokens")

    hostile = "<img src=x onerror=\"document.title='owned'\">"  # a name is shown with textContent
    page.check("#tokens [value='notes:read']")
    page.check("#tokens [value='notes:write']")
    fill(page, "tokens", name=hostile, password=user.password)
    expect(page.locator("#token-list li span").last).to_contain_text(f"{hostile}: notes:read, notes:write;")
    assert page.locator("#tokens img").count() == 0 and page.title() == title
    page.click("#token-saved")
    for revoked in (name, hostile):
        page.locator("#token-list li", has_text=revoked).get_by_role("button", name="Revoke").click()
        expect(message(page, "tokens")).to_have_text(
            f'Token "{revoked}" revoked: a program that sends it now gets 401.')
    expect(page.locator("#token-list li")).to_have_count(0)
    assert with_token(stack.api, token)[0] == 401
    page.reload()
    expect(message(page, "tokens")).to_have_text("No tokens yet.")
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize("own_stack", TOKENS_STEPS, ids=[s.name for s in TOKENS_STEPS], indirect=True)
def test_with_two_factor_on_making_a_token_takes_a_code(own_stack, page):
    """A session and the password are not enough once two-factor is on: the form without a
    code gets the API's error under "Code"; with the app's code, or a recovery code, it works.
    Logging out then takes the new token and the list off the page."""
    stack = own_stack
    page.goto(stack.client_url)
    user = new_user()
    register(page, stack, user)
    log_in(page, user)
    fill(page, "two-factor-setup", password=user.password)
    expect(page.locator("#two-factor-confirm")).to_be_visible()
    app = pyotp.TOTP(page.locator("#two-factor-secret").text_content())
    fill(page, "two-factor-confirm", code=app.now())
    expect(message(page, "two-factor-confirm")).to_contain_text("Two-factor authentication is on.")
    recovery_code = page.locator("#recovery-codes li").first.text_content()
    page.click("#recovery-codes-saved")

    page.check("#tokens [value='account:read']")
    fill(page, "tokens", name="no code", password=user.password)
    expect(field_error(page, "tokens", "code")).to_have_text("code is required (or a recovery_code)")
    expect(page.locator("#new-token")).to_be_hidden()
    fill(page, "tokens", name="with a code", password=user.password, code=app.at(time.time() + 30))
    expect(page.locator("#new-token")).to_be_visible()
    page.click("#token-saved")
    page.check("#tokens [value='account:read']")
    fill(page, "tokens", name="with a recovery code", password=user.password, code=recovery_code)
    expect(page.locator("#new-token")).to_be_visible()
    expect(page.locator("#token-list li span")).to_have_text([re.compile("^with a code: account:read;"),
                                                              re.compile("^with a recovery code: account:read;")])
    token = page.locator("#new-token-value").text_content()
    page.click("#logout")  # a shared computer: logging out leaves no token on the page, hidden or not
    expect(page.locator("#tokens")).to_be_hidden()
    assert token.startswith("fat_") and token not in page.content()
    assert page.locator("#token-list li").count() == 0
    assert unexpected_console_errors(page) == []


def unexpected_console_errors(page):
    """Chromium logs each 4xx answer in the console. Anything else there (a CORS
    or Content-Security-Policy error, a missing file) would be a bug."""
    answers = ("status of 400 (BAD REQUEST)", "status of 401 (UNAUTHORIZED)", "status of 403 (FORBIDDEN)")
    return [error for error in page.console_errors if not error.endswith(answers)]


def test_docs_page_names_only_tests_and_screenshots_that_exist():
    """docs/browser-client.md cites these tests as proof and shows these files."""
    page = (ROOT / "docs" / "browser-client.md").read_text()
    named = set(re.findall(r"tests/test_browser_client\.py::(test_\w+)", page))
    assert named and all(name in globals() for name in named), named - set(globals())
    shown = re.findall(r"\]\((assets/client/[\w.-]+)\)|--8<-- \"docs/(assets/client/[\w.-]+)\"", page)
    files = [ROOT / "docs" / (image or text) for image, text in shown]
    assert files and [file for file in files if not file.exists()] == []


def memo_inputs(item):
    """client/ in Chromium against the step it is parametrised with (tests/browser*.py are helpers, always read)."""
    return ["client", *(memo.steps_of(item) or ["steps"]), memo.CHROMIUM]
