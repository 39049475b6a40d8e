"use strict";
// Passkeys (step 08 on), with the helpers of app.js. The API sends WebAuthn
// options as JSON; the browser turns them into what navigator.credentials
// takes (parse...OptionsFromJSON), asks the authenticator (this device, a
// phone, a security key or a password manager), and turns its answer back
// into JSON (toJSON()). No cryptography here: the authenticator signs, the
// API checks.

// --8<-- [start:support]
// Why passkeys can't work on this page, or null.
function passkeyProblem() {
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
    return "This browser has no WebAuthn JSON helpers: passkeys need Chrome 129, Firefox 119, Safari 18.4 or later.";
  }
  if (/^[\d.]+$|^\[/.test(location.hostname)) {  // 127.0.0.1 or [::1]
    return "A passkey belongs to a domain name, never to an IP address: open this page on " +
           `${location.protocol}//localhost${location.port ? ":" + location.port : ""} instead.`;
  }
  return null;
}
// --8<-- [end:support]

// Run a navigator.credentials call; say what the browser said if it refuses.
async function askTheAuthenticator(ceremony) {
  try {
    return await ceremony();
  } catch (error) {
    // NotAllowedError: cancelled, timed out, or no passkey for this site;
    // InvalidStateError: this authenticator has a passkey for this account already.
    throw new Error(`The browser said ${error.name}: ${error.message}`);
  }
}

// --8<-- [start:add]
on("add-passkey", async (data, form) => {
  const problem = passkeyProblem();
  if (problem) throw new Error(problem);
  // With two-factor on, the API wants a code too (a passkey will stand in for it).
  const factor = data.code.trim() ? secondFactor(data.code) : {};
  const options = await callApi("POST", "/auth/passkeys/register/options",
                                { password: data.password, name: data.name, ...factor });
  if (!options.ok) return showSecondFactorErrors(form, options.body);
  const credential = await askTheAuthenticator(() => navigator.credentials.create(
    { publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.body) }));
  const answer = await callApi("POST", "/auth/passkeys/register/verify", credential.toJSON());
  if (!answer.ok) return showErrors(form, answer.body);
  form.reset();
  await listPasskeys(form);
  showMessage(form, `Passkey "${answer.body.passkey.name}" added. Log out, then try "Sign in with a passkey".`);
});
// --8<-- [end:add]

// --8<-- [start:sign-in]
on("passkey-login", async (data, form) => {
  const problem = passkeyProblem();
  if (problem) throw new Error(problem);
  const options = await callApi("POST", "/auth/passkeys/login/options");
  if (!options.ok) return showErrors(form, options.body);
  // No username: the authenticator offers the passkeys it has for this site.
  const credential = await askTheAuthenticator(() => navigator.credentials.get(
    { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.body) }));
  const answer = await callApi("POST", "/auth/passkeys/login/verify", credential.toJSON());
  if (!answer.ok) return showErrors(form, answer.body);
  showUser(answer.body.user);
  showMessage(form, `Welcome, ${answer.body.user.username}: signed in with a passkey, no password typed.`);
});
// --8<-- [end:sign-in]

on("list-passkeys", (data, form) => listPasskeys(form), "click");

async function listPasskeys(form) {
  const answer = await callApi("GET", "/auth/passkeys");
  const list = document.getElementById("passkey-list");
  list.replaceChildren();
  if (!answer.ok) return showErrors(form, { error: `${answer.status}: ${answer.body.error}` });
  for (const passkey of answer.body.passkeys) {
    const item = document.createElement("li");
    const used = passkey.last_used_at ? `last used ${passkey.last_used_at}` : "not used yet";
    item.textContent = `${passkey.name}: added ${passkey.created_at}, ${used}${passkey.backed_up ? ", synced" : ""} `;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.dataset.passkey = passkey.id;
    item.append(remove);
    list.append(item);
  }
  showMessage(form, answer.body.passkeys.length ? "Your passkeys:" : "No passkeys yet.");
}

// A Remove button in the list: the password typed above re-authenticates
// (with two-factor on, the code too, as for adding one).
document.getElementById("passkey-list").addEventListener("click", async (event) => {
  const id = event.target.dataset.passkey;
  if (!id) return;
  const form = document.getElementById("add-passkey");
  clearErrors(form);
  try {
    const code = form.elements.code.value.trim();
    const answer = await callApi("DELETE", `/auth/passkeys/${id}`,
                                 { password: form.elements.password.value, ...(code ? secondFactor(code) : {}) });
    if (!answer.ok) return showSecondFactorErrors(form, answer.body);
    form.reset();
    await listPasskeys(form);
    showMessage(form, "Passkey removed: it logs in no more, and your other sessions have ended.");
  } catch (error) {
    showErrors(form, { error: error.message });
  }
});

// Say at once when this page can't use passkeys (e.g. opened on 127.0.0.1).
if (passkeyProblem()) {
  for (const id of ["passkey-login", "add-passkey"]) {
    const message = document.querySelector(`#${id} .message`);
    message.textContent = passkeyProblem();
    message.className = "message bad";
  }
}
