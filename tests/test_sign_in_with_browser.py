"""Sign in with an OpenID provider in a real browser: Debian's Chromium driven by
Playwright, the client (client/sign-in-with.js), step 12's API and the test
provider (oidc-provider/), each on its own loopback port. What curl can't show:
the browser goes to the provider and comes back with the API's cookie (a
top-level navigation, so SameSite=Lax lets it through), the page reads the
API's answer from its address and then takes it out of the address bar.

The journeys: sign in with the provider as a new person, see the identity
listed, and fail to unlink it, since it is the account's only way in; and
someone with a password links the provider (a form the browser posts itself),
sees it listed, and unlinks it."""
import sys
from types import SimpleNamespace

import pytest

import memo
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from browser_servers import ApiServer, StaticSite, configured_client
from conftest import ROOT, STEPS

sys.path.insert(0, str(ROOT / "oidc-provider"))
from provider_process import ProviderProcess  # noqa: E402  (a folder, not a package: found by path)

SIGN_IN_WITH = 12  # the first step with "Sign in with"
SIGN_IN_STEPS = [step for step in STEPS[-1:] if int(step.name[:2]) >= SIGN_IN_WITH]
# A native client (RFC 8252 section 7.3): the provider accepts its loopback redirect
# URI on any port, and the API's port is known only once it runs.
CLIENT = {"client_id": "flask-auth", "client_secret": "a-test-secret-" + "x" * 24, "application_type": "native",
          "redirect_uris": ["http://127.0.0.1/auth/oidc/callback"]}
CAROL = {"sub": "carol-at-provider", "email": "carol@example.com", "email_verified": True}
LINKER = {"sub": "dave-at-provider", "email": "dave@provider.example", "email_verified": True}
PASSWORD = "correct horse battery staple"


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
    """The provider, then the API configured for it, then the client naming the API."""
    step = request.param
    workdir = tmp_path_factory.mktemp(step.name)
    provider = ProviderProcess.start({"clients": [CLIENT], "accounts": [CAROL, LINKER]}, workdir)
    site = StaticSite(workdir / "client")
    client_url = f"http://127.0.0.1:{site.port}"
    try:
        api = ApiServer(step, workdir, cors_origins=[client_url], frontend_url=client_url,
                        extra={"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT["client_id"],
                               "OIDC_CLIENT_SECRET": CLIENT["client_secret"]})
        configured_client(workdir / "client", api.url)
        yield SimpleNamespace(step=step, api=api, client_url=client_url, provider=provider)
        api.stop()
    finally:
        site.stop()
        provider.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    context.set_default_timeout(120_000)  # a hang guard: a busy machine is slow, not wrong
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def message(page, card):
    return page.locator(f"#{card} .message")


@pytest.mark.parametrize("stack", SIGN_IN_STEPS, ids=[s.name for s in SIGN_IN_STEPS], indirect=True)
def test_sign_in_with_the_provider_then_the_only_identity_stays(stack, page):
    """A new person signs in with the provider: to the provider's page and back, with
    a session; her identity is listed, and unlinking it, her only way in, is refused."""
    page.goto(stack.client_url)
    expect(page.locator("#sign-in-with")).to_be_visible()  # GET / named a step with "Sign in with"
    page.click("#sign-in-with-link")
    page.wait_for_url(f"{stack.provider.issuer}/interaction/**")  # the provider's own page
    page.click("text=Sign in as carol@example.com")
    expect(message(page, "sign-in-with")).to_have_text("Signed in with the provider.")
    assert page.url == stack.client_url + "/"  # ?oidc=signed_in taken out of the address bar
    expect(page.locator("#status")).to_contain_text("(carol@example.com)")

    page.click("#list-identities")
    expect(page.locator("#identity-list li")).to_have_count(1)
    expect(page.locator("#identity-list li")).to_contain_text(f"carol@example.com at {stack.provider.issuer}")
    page.fill("#identities [name=password]", "a guess at a password nobody knows")
    page.click("#identity-list button")
    expect(message(page, "identities")).to_have_text("wrong password")
    expect(page.locator("#identity-list li")).to_have_count(1)
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize("stack", SIGN_IN_STEPS, ids=[s.name for s in SIGN_IN_STEPS], indirect=True)
def test_link_the_provider_then_unlink_it(stack, page):
    """Dave has a password here. He links the provider from the page (the form goes
    to the API, the API sends him to the provider, the provider back), sees the
    identity listed, and unlinks it with his password."""
    register_and_log_in(page, stack, "dave")
    page.fill("#link-identity [name=password]", PASSWORD)
    page.click("#link-identity button")
    page.wait_for_url(f"{stack.provider.issuer}/interaction/**")
    page.click(f"text=Sign in as {LINKER['email']}")
    expect(message(page, "sign-in-with")).to_have_text("Linked: you can sign in with the provider too.")
    assert page.url == stack.client_url + "/"

    page.click("#list-identities")
    expect(page.locator("#identity-list li")).to_have_text([f"{LINKER['email']} at {stack.provider.issuer}Unlink"])
    page.fill("#identities [name=password]", PASSWORD)
    page.click("#identity-list button")
    expect(message(page, "identities")).to_have_text("Unlinked.")
    expect(page.locator("#identity-list li")).to_have_count(0)
    assert unexpected_console_errors(page) == []


def register_and_log_in(page, stack, username):
    """A new account, verified through its mailed link, logged in with its password."""
    email = f"{username}@example.com"
    page.goto(stack.client_url)
    for name, value in (("username", username), ("email", email), ("password", PASSWORD)):
        page.fill(f"#register [name={name}]", value)
    page.click("#register button")
    expect(message(page, "register")).to_contain_text(f"Follow the link we mailed to {email}")
    page.goto(stack.api.verification_link(email))
    page.fill("#verify [name=password]", PASSWORD)
    page.click("#verify button")
    expect(message(page, "verify")).to_contain_text("Verified")
    page.fill("#login [name=username]", username)
    page.fill("#login [name=password]", PASSWORD)
    page.click("#login button")
    expect(page.locator("#status")).to_have_text(f"Logged in as {username} ({email})")


def unexpected_console_errors(page):
    """Chromium logs each 4xx answer in the console; anything else would be a bug."""
    answers = ("status of 400 (BAD REQUEST)", "status of 401 (UNAUTHORIZED)", "status of 403 (FORBIDDEN)")
    return [error for error in page.console_errors if not error.endswith(answers)]


def memo_inputs(item):
    """client/ in Chromium against the last step, and the provider."""
    return ["client", "oidc-provider", *(memo.steps_of(item) or ["steps"]), memo.CHROMIUM]
