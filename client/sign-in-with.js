"use strict";
// Sign in with an OpenID provider (step 12 on), with the helpers of app.js.
// The page never sees a token: "Sign in with" is a plain link (a top-level
// navigation) to the API, which sends the browser to the provider and takes
// its answer; the API then sends the browser back here with ?oidc=... or
// ?oidc_error=... in the address, which this file reads, shows and removes.

// What the API's answer in the address means, in words.
const SIGN_IN_RESULTS = {
  signed_in: "Signed in with the provider.",
  linked: "Linked: you can sign in with the provider too.",
  two_factor_required: "Now your two-factor code: the provider doesn't prove you have your phone.",
};
const SIGN_IN_ERRORS = {
  email_not_verified: "The provider doesn't vouch for your email address, so no account was made.",
  account_exists: "An account here has this address already: log in with its password, then link the " +
                  "provider from this page.",
  invalid_state: "That answer was not for a sign-in started in this browser: start again.",
  access_denied: "You refused at the provider: nothing changed.",
  identity_taken: "That provider account signs in to another account here: nothing was linked.",
  login_required: "Log in here first, then link again.",
};

function signInLink() {
  const link = document.getElementById("sign-in-with-link");
  link.href = `${API}/auth/oidc/start`;
  // The browser posts this form itself, with the page's Origin: the API
  // refuses one posted from any page it doesn't know (CSRF linking).
  document.getElementById("link-identity").action = `${API}/auth/identities/link/start`;
}

// Back from the provider: say how it went, then take it out of the address bar
// (a reload or a shared link must not say it again).
function readSignInResult() {
  const params = new URLSearchParams(location.search);
  const result = params.get("oidc");
  const error = params.get("oidc_error");
  if (!result && !error) return;
  const section = document.getElementById("sign-in-with");
  if (result) {
    showMessage(section, SIGN_IN_RESULTS[result] || result);
    if (result === "two_factor_required") document.getElementById("login-2fa").hidden = false;
  } else {
    showErrors(section, { error: SIGN_IN_ERRORS[error] || `The sign-in was refused (${error}).` });
  }
  history.replaceState(null, "", location.pathname);
}

on("list-identities", () => listIdentities(), "click");

async function listIdentities() {
  const form = document.getElementById("identities");
  const answer = await callApi("GET", "/auth/identities");
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  document.getElementById("identity-list").replaceChildren(...answer.body.identities.map(identityItem));
  showMessage(form, `${answer.body.identities.length} linked.`);
}

function identityItem(identity) {
  const item = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = `${identity.email || "no address"} at ${identity.issuer}`;
  item.append(text, button("Unlink", { identityId: identity.id }));
  return item;
}

// Unlinking asks for the password: an account whose only way in is the
// provider has none it knows, so its last way in stays.
onButtonIn("identity-list", async (clicked, form) => {
  const data = withSecondFactor(Object.fromEntries(new FormData(form)));
  const answer = await callApi("DELETE", `/auth/identities/${clicked.dataset.identityId}`, data);
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  clicked.closest("li").remove();
  showMessage(form, "Unlinked.");
});

signInLink();
readSignInResult();
