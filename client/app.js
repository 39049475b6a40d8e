"use strict";
// The whole client: one function that calls the API, one handler per form.
// Everything the API sends is shown with textContent, never innerHTML, so a
// username like <img onerror=...> stays text.

const API = API_BASE || `${location.protocol}//${location.hostname}:${API_PORT}`;

// --8<-- [start:call-api]
// Call the API and return {ok, status, body}. Throws only when the browser
// gives this page no answer at all (API down, or blocked by CORS).
async function callApi(method, path, data) {
  const options = {
    method,
    // Send the session cookie to the API, and accept the one it sets, although
    // the API is another origin. Without this, fetch leaves cookies out.
    credentials: "include",
  };
  if (data !== undefined) {
    // A JSON body is not a "simple" request: the browser first asks the API
    // (a preflight OPTIONS request) whether this origin may send it.
    options.headers = { "Content-Type": "application/json" };
    options.body = JSON.stringify(data);
  }
  let response;
  try {
    response = await fetch(API + path, options);
  } catch (error) {
    showLast(`${method} ${API}${path}\n→ no answer this page may read (${error.message})`);
    throw new Error("No answer this page may read: the API is not running, or it does not " +
                    "list this page's origin (CORS). The browser console (F12) says which.");
  }
  const text = await response.text();  // 204 No Content has an empty body
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: `not JSON: ${text.slice(0, 80)}` };
  }
  showLast(`${method} ${API}${path}\n→ ${response.status} ${text}`);
  return { ok: response.ok, status: response.status, body };
}
// --8<-- [end:call-api]

// The last request's answer is shown below the forms, but never an API token
// (step 10): the tokens panel shows a new one once, and that is all.
function showLast(text) {
  document.getElementById("last").textContent = text.replace(/fat_[A-Za-z0-9]+/g, "fat_…(hidden)");
}

// --8<-- [start:show-errors]
// Put the API's {"error": ..., "fields": {name: problem}} next to the fields.
function showErrors(form, body) {
  const message = form.querySelector(".message");
  message.textContent = body.error || "something went wrong";
  message.className = "message bad";
  for (const [name, problem] of Object.entries(body.fields || {})) {
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    if (slot) {
      slot.textContent = `${name.replaceAll("_", " ")} ${problem}`;
      form.querySelector(`[name="${name}"]`).setAttribute("aria-invalid", "true");
    } else {  // a field with no input of its own, like the reset token
      message.textContent += ` (${name} ${problem})`;
    }
  }
}
// --8<-- [end:show-errors]

function showMessage(form, text) {
  const message = form.querySelector(".message");
  message.textContent = text;
  message.className = "message good";
}

function clearErrors(form) {
  form.querySelectorAll(".error").forEach((slot) => { slot.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
  form.querySelector(".message").textContent = "";
}

// Run `handler(data, form)` when the form (or a button in a section) is used.
function on(id, handler, eventName = "submit") {
  const element = document.getElementById(id);
  const form = element.closest(".card");
  element.addEventListener(eventName, async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = element.tagName === "FORM" ? Object.fromEntries(new FormData(element)) : {};
    try {
      await handler(data, form);
    } catch (error) {
      showErrors(form, { error: error.message });
    }
  });
}

function showUser(user) {
  document.getElementById("status").textContent =
    user ? `Logged in as ${user.username} (${user.email})` : "Not logged in";
  showPanels(user);
}

// Each handler: call the API, then say what happened where the learner looks.
on("register", async (data, form) => {
  const answer = await callApi("POST", "/auth/register", data);
  if (!answer.ok) return showErrors(form, answer.body);
  const user = answer.body.user;
  document.querySelector('#login [name="username"]').value = user.username;
  if (user.email_verified === false) {  // step 06 on: the mailbox first
    document.querySelector('#resend [name="email"]').value = user.email;
    return showMessage(form, `Account ${user.username} created. Follow the link we mailed to ${user.email}, ` +
                             "then log in. (No mail server? The mail is in the API's terminal.)");
  }
  showMessage(form, `Account ${user.username} created: now log in.`);
});

on("login", async (data, form) => {
  const answer = await callApi("POST", "/auth/login", data);
  if (answer.status === 403 && answer.body.error === "email not verified") {
    // Only the right password gets this answer (step 06): say what to do next.
    showErrors(form, answer.body);
    form.querySelector(".message").textContent += ": follow the link we mailed you, or get a new one " +
                                                   'under "Verify your email".';
    const resend = document.getElementById("resend");
    resend.hidden = false;
    if (data.username.includes("@")) resend.elements.email.value = data.username;
    return;
  }
  if (!answer.ok) return showErrors(form, answer.body);
  if (answer.body.two_factor_required) return askForSecondFactor(form);  // step 07: no session yet
  showUser(answer.body.user);
  showMessage(form, `Welcome, ${answer.body.user.username}. Now ask "Who am I?".`);
});

on("whoami", async (data, form) => {
  const answer = await callApi("GET", "/auth/me");
  if (!answer.ok) {
    showUser(null);
    return showErrors(form, { error: `${answer.status}: ${answer.body.error}` });
  }
  showUser(answer.body.user);
  showMessage(form, `You are ${answer.body.user.username} (${answer.body.user.email}).`);
}, "click");

on("logout", async (data, form) => {
  const answer = await callApi("POST", "/auth/logout");
  if (!answer.ok) return showErrors(form, answer.body);
  showUser(null);
  showMessage(form, "Logged out: the server deleted the session.");
}, "click");

on("change", async (data, form) => {
  const answer = await callApi("POST", "/auth/change-password", withSecondFactor(data));
  if (!answer.ok) return showSecondFactorErrors(form, answer.body);
  showMessage(form, `${answer.body.message}. Other devices were logged out.`);
  form.reset();
});

on("forgot", async (data, form) => {
  const answer = await callApi("POST", "/auth/forgot-password", data);
  if (!answer.ok) return showErrors(form, answer.body);
  // The same answer whether the address is registered or not.
  showMessage(form, `${answer.body.message}. (No mail server? The mail is in the API's terminal.)`);
});

on("resend", async (data, form) => {
  const answer = await callApi("POST", "/auth/resend-verification", data);
  if (!answer.ok) return showErrors(form, answer.body);
  // The same answer whatever the address: only an account waiting for its link gets one.
  showMessage(form, `${answer.body.message}. (No mail server? The mail is in the API's terminal.)`);
});

on("change-email", async (data, form) => {
  const answer = await callApi("POST", "/auth/change-email", withSecondFactor(data));
  if (!answer.ok) return showSecondFactorErrors(form, answer.body);
  // Nothing has changed yet: the new address must confirm it, and the old one got a notice.
  showMessage(form, `${answer.body.message}. Your address changes when you follow it. ` +
                    "(No mail server? The mail is in the API's terminal.)");
  form.reset();
});

on("verify", async (data, form) => {
  const answer = await callApi("POST", "/auth/verify-email", data);
  if (!answer.ok) return showErrors(form, answer.body);
  const user = answer.body.user;
  showMessage(form, `Verified: ${user.email} is the address of ${user.username}.`);
  form.querySelector("button").hidden = true;  // the link works once
  form.elements.password.value = "";
  document.querySelector('#login [name="username"]').value = user.username;
  showWhoIAm();  // logged in already (a change of address)? The status shows the new address.
});

on("reset", async (data, form) => {
  const answer = await callApi("POST", "/auth/reset-password", data);
  if (!answer.ok) return showErrors(form, answer.body);
  showMessage(form, answer.body.message);
  form.reset();
});

// ----- Two-factor authentication (step 07 on) --------------------------------

// The right password of an account with two-factor on started no session
// (the answer is {"two_factor_required": true}): ask for the second factor.
function askForSecondFactor(loginForm) {
  showMessage(loginForm, "Password accepted. Now the code from your authenticator app.");
  const form = document.getElementById("login-2fa");
  form.hidden = false;
  form.reset();
  form.elements.code.focus();
}

// One field takes either: six digits (apps show them as "123 456") are a code
// from the app, anything else a recovery code. The API wants one of the two.
function secondFactor(typed) {
  const text = typed.trim();
  return /^\d{3} ?\d{3}$/.test(text) ? { code: text } : { recovery_code: text };
}

// With two-factor on, changing the password or the email takes a code too (step 07):
// the form's "code" field, when filled, becomes the code or recovery code the API wants.
function withSecondFactor(data) {
  const { code = "", ...rest } = data;
  return code.trim() ? { ...rest, ...secondFactor(code) } : rest;
}

// The API names the field it read, "code" or "recovery_code"; our form has one for both.
function showSecondFactorErrors(form, body) {
  const fields = {};
  for (const [name, problem] of Object.entries(body.fields || {})) {
    fields[name === "recovery_code" ? "code" : name] = problem;
  }
  showErrors(form, { ...body, fields });
}

on("login-2fa", async (data, form) => {
  const factor = secondFactor(data.code);
  const answer = await callApi("POST", "/auth/login/2fa", factor);
  if (answer.body && answer.body.error === "invalid code") {  // say why, and what to do
    return showErrors(form, { error: factor.code ? "invalid code: each code works once, so type the one your "
                                                   + "app shows now" : "invalid code: a recovery code works once" });
  }
  if (!answer.ok) return showSecondFactorErrors(form, answer.body);
  showUser(answer.body.user);
  form.reset();
  form.hidden = true;
  let welcome = `Welcome, ${answer.body.user.username}. Now ask "Who am I?".`;
  if (factor.recovery_code) {  // one fewer: say how many are left, and what to do when they run out
    const status = await callApi("GET", "/auth/2fa");
    if (status.ok) {
      welcome += ` You have ${status.body.recovery_codes_left} recovery codes left: turn two-factor off ` +
                 "and on again for a new phone and new codes.";
    }
  }
  showMessage(document.getElementById("login"), welcome);
});

on("two-factor-setup", async (data, form) => {
  const answer = await callApi("POST", "/auth/2fa/setup", data);
  if (!answer.ok) return showErrors(form, answer.body);
  form.reset();
  showMessage(form, "Nothing has changed yet: scan the QR code, then confirm with the code your app shows.");
  const confirm = document.getElementById("two-factor-confirm");
  confirm.hidden = false;
  document.getElementById("two-factor-scan").hidden = false;
  document.getElementById("recovery-codes").hidden = true;
  document.getElementById("recovery-codes-saved").hidden = true;
  drawQrCode(document.getElementById("qr-code"), answer.body.qr_svg);
  document.getElementById("two-factor-secret").textContent = answer.body.secret;
  // On a phone, the otpauth:// link opens the authenticator app. Never another scheme (javascript:).
  const link = document.getElementById("two-factor-link");
  link.hidden = !answer.body.otpauth_uri.startsWith("otpauth://totp/");
  if (!link.hidden) link.href = answer.body.otpauth_uri;
  confirm.elements.code.focus();
});

on("two-factor-confirm", async (data, form) => {
  const answer = await callApi("POST", "/auth/2fa/confirm", data);
  if (!answer.ok) return showErrors(form, answer.body);
  // The secret has done its job: off the screen. The recovery codes are shown this once.
  document.getElementById("two-factor-scan").hidden = true;
  document.getElementById("qr-code").replaceChildren();
  document.getElementById("two-factor-secret").textContent = "";
  form.reset();
  showMessage(form, "Two-factor authentication is on. Save these recovery codes now, somewhere else " +
                    "than your phone: each one logs you in once if you lose it, and you won't see them again.");
  const list = document.getElementById("recovery-codes");
  list.replaceChildren(...answer.body.recovery_codes.map((code) => {
    const item = document.createElement("li");
    item.textContent = code;
    return item;
  }));
  list.hidden = false;
  document.getElementById("recovery-codes-saved").hidden = false;
  document.getElementById("two-factor-setup").querySelector(".message").textContent = "";
});

on("recovery-codes-saved", async () => {
  document.getElementById("recovery-codes").replaceChildren();
  document.getElementById("two-factor-confirm").hidden = true;
  showLast("(cleared: this page keeps no copy of your recovery codes)");
}, "click");

on("two-factor-disable", async (data, form) => {
  const body = { password: data.password, ...secondFactor(data.code) };
  const answer = await callApi("POST", "/auth/2fa/disable", body);
  if (!answer.ok) return showSecondFactorErrors(form, answer.body);
  form.reset();
  showMessage(form, `${answer.body.message}: the password alone logs you in now. ` +
                    "(No mail server? The notice mail is in the API's terminal.)");
});

// ----- Notes and users (step 09 on) -------------------------------------------

let apiStep = 0;  // GET / names the API's step (showFormsOfThisStep)
const ROLES_STEP = 9;  // notes, roles and the admin routes
const TOKENS_STEP = 10;  // API tokens
let retryAfterProof = null;  // the admin action that waits for "Prove it's you"

// Notes for whoever is logged in; users for an admin ("roles" in the user object).
function showPanels(user) {
  const notes = document.getElementById("notes");
  const users = document.getElementById("users");
  const someoneElse = notes.dataset.userId !== String(user ? user.id : "");
  const wasHidden = notes.hidden;  // a login may answer before GET / has named the step
  notes.hidden = !user || apiStep < ROLES_STEP;
  users.hidden = notes.hidden || !(user.roles || []).includes("admin");
  document.getElementById("reauthenticate").hidden ||= users.hidden;
  const tokens = document.getElementById("tokens");
  tokens.hidden = !user || apiStep < TOKENS_STEP;
  if (someoneElse) {  // a new login, or none: never show the last one's notes
    notes.dataset.userId = user ? user.id : "";
    document.getElementById("note-list").replaceChildren();
    document.getElementById("user-list").replaceChildren();
    document.getElementById("token-list").replaceChildren();
    forgetNewToken();  // nor the last one's new token
    retryAfterProof = null;  // the last one's admin action never runs as this one
  }
  if (!notes.hidden && (someoneElse || wasHidden)) loadNotes();
  if (!tokens.hidden && (someoneElse || wasHidden)) loadTokens();
}

// A 401 on a panel's request: the session is over (logged out elsewhere, timed
// out, or an admin disabled the account or ended its sessions). Say so.
function sessionEnded(answer) {
  if (answer.status !== 401) return false;
  showUser(null);
  document.getElementById("status").textContent = "Not logged in: the API ended your session (401)";
  return true;
}

// Run `handler(button, card)` when a button inside the list `id` is clicked.
function onButtonIn(id, handler) {
  const list = document.getElementById(id);
  const card = list.closest(".card");
  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    clearErrors(card);
    try {
      await handler(button, card);
    } catch (error) {
      showErrors(card, { error: error.message });
    }
  });
}

async function loadNotes() {
  const form = document.getElementById("notes");
  const answer = await callApi("GET", "/notes");
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  document.getElementById("note-list").replaceChildren(...answer.body.notes.map(noteItem));
}

function noteItem(note) {
  const item = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = note.text;  // never innerHTML: a note is any text, "<img onerror=...>" too
  item.append(text, button("Delete", { noteId: note.id }));
  return item;
}

function button(label, data) {
  const element = document.createElement("button");
  element.type = "button";  // inside a form, a plain button: no submit
  element.textContent = label;
  Object.assign(element.dataset, data);
  return element;
}

on("notes", async (data, form) => {
  const answer = await callApi("POST", "/notes", data);
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  form.reset();
  document.getElementById("note-list").append(noteItem(answer.body.note));
  showMessage(form, "Note saved: only you can read it.");
});

onButtonIn("note-list", async (clicked, form) => {
  const answer = await callApi("DELETE", `/notes/${clicked.dataset.noteId}`);
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  clicked.closest("li").remove();
  showMessage(form, "Note deleted.");
});

on("list-users", () => listUsers(), "click");

async function listUsers(done) {
  const section = document.getElementById("users");
  const answer = await callApi("GET", "/admin/users");
  if (!answer.ok) return adminRefused(section, answer, () => listUsers(done));
  document.getElementById("user-list").replaceChildren(...answer.body.users.map(userItem));
  showMessage(section, done || `${answer.body.users.length} accounts.`);
}

function userItem(user) {
  const item = document.createElement("li");
  item.dataset.username = user.username;
  const text = document.createElement("span");
  const roles = user.roles.length ? `, ${user.roles.join(", ")}` : "";
  text.textContent = `${user.username} (${user.email}): ${user.disabled ? "disabled" : "active"}${roles}`;
  const path = `/admin/users/${user.id}`;
  item.append(text,
    user.disabled
      ? button("Enable", { method: "POST", path: `${path}/enable`, done: `${user.username} may log in again.` })
      : button("Disable", { method: "POST", path: `${path}/disable`,
                            done: `${user.username} is disabled and logged out everywhere.` }),
    button("End sessions", { method: "DELETE", path: `${path}/sessions`,
                             done: `${user.username} is logged out everywhere.` }));
  return item;
}

onButtonIn("user-list", (clicked) => adminAction(clicked.dataset));

async function adminAction({ method, path, done }) {
  const answer = await callApi(method, path);
  const again = () => adminAction({ method, path, done });
  if (!answer.ok) return adminRefused(document.getElementById("users"), answer, again);
  await listUsers(done);  // the list as it is now
}

// 403 from an admin route: show why. No second factor on this account: turn one
// on above. No recent proof: the form below, then `retry` runs again.
function adminRefused(section, answer, retry) {
  if (sessionEnded(answer)) return;
  showErrors(section, answer.body);
  if (answer.status === 403 && answer.body.error.includes("/auth/reauthenticate")) {
    retryAfterProof = retry;
    const form = document.getElementById("reauthenticate");
    form.hidden = false;
    form.elements.password.focus();
  }
}

on("reauthenticate", async (data, form) => {
  const answer = await callApi("POST", "/auth/reauthenticate", withSecondFactor(data));
  if (!answer.ok) return sessionEnded(answer) || showSecondFactorErrors(form, answer.body);
  form.reset();
  form.hidden = true;
  const minutes = Math.round(answer.body.recent_for_seconds / 60);
  showMessage(document.getElementById("users"), `Proof recorded: admin actions need none for ${minutes} minutes.`);
  const retry = retryAfterProof;
  retryAfterProof = null;
  if (retry) await retry();
});

// ----- API tokens (step 10 on) --------------------------------------------------

async function loadTokens() {
  const form = document.getElementById("tokens");
  const answer = await callApi("GET", "/auth/tokens");
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  document.getElementById("token-list").replaceChildren(...answer.body.tokens.map(tokenItem));
  if (!answer.body.tokens.length) showMessage(form, "No tokens yet.");
}

// What the list shows of a token: never the token itself (the API doesn't send it).
function tokenItem(token) {
  const item = document.createElement("li");
  const text = document.createElement("span");
  const used = token.last_used_at ? `last used ${token.last_used_at}` : "never used";
  text.textContent = `${token.name}: ${token.scopes.join(", ")}; expires ${token.expires_at}, ${used}`;
  item.append(text, button("Revoke", { tokenId: token.id, tokenName: token.name }));
  return item;
}

// --8<-- [start:tokens]
on("tokens", async (data, form) => {
  const body = withSecondFactor({
    ...data,
    scopes: new FormData(form).getAll("scopes"),  // every box ticked (data holds only the last)
    expires_in_days: Number(data.expires_in_days),  // the API wants a number, the field gives text
  });
  const answer = await callApi("POST", "/auth/tokens", body);
  if (!answer.ok) return sessionEnded(answer) || showSecondFactorErrors(form, answer.body);
  form.reset();  // the password off the page too
  showMessage(form, `Token "${answer.body.api_token.name}" made. The program sends it as ` +
                    "Authorization: Bearer <token>.");
  document.getElementById("new-token-value").textContent = answer.body.token;
  document.getElementById("new-token").hidden = false;
  await loadTokens();
});
// --8<-- [end:tokens]

on("copy-token", async (data, form) => {
  const token = document.getElementById("new-token-value");
  try {
    await navigator.clipboard.writeText(token.textContent);
    showMessage(form, "Copied. Paste it where your program reads it (an environment variable, a secret store).");
  } catch {  // no clipboard here (a page on plain http from another machine): select it for Ctrl+C
    getSelection().selectAllChildren(token);
    showErrors(form, { error: "This page may not use the clipboard: the token is selected, copy it yourself." });
  }
}, "click");

on("token-saved", async () => forgetNewToken(), "click");

// The new token off the page: it was shown once, and this page keeps no copy.
function forgetNewToken() {
  document.getElementById("new-token-value").textContent = "";
  document.getElementById("new-token").hidden = true;
}

onButtonIn("token-list", async (clicked, form) => {
  const answer = await callApi("DELETE", `/auth/tokens/${clicked.dataset.tokenId}`);
  if (!answer.ok) return sessionEnded(answer) || showErrors(form, answer.body);
  clicked.closest("li").remove();
  showMessage(form, `Token "${clicked.dataset.tokenName}" revoked: a program that sends it now gets 401.`);
});

// --8<-- [start:qr-code]
// The QR code comes from the API as SVG text. SVG is a document that can hold
// scripts, event handlers and links, so it never goes through innerHTML. It is
// parsed as XML, and shown only if it holds nothing but a drawing: <svg> and
// <path> elements with drawing attributes whose values look like drawing.
// (OWASP ASVS 5.0 V1.3.4. The page's Content-Security-Policy would also block
// any script that slipped through.)
const SVG = "http://www.w3.org/2000/svg";
const NUMBER = /^\d+(\.\d+)?$/;
const COLOUR = /^(none|#[\da-f]{3}|#[\da-f]{6})$/i;
const DRAWING = {
  svg: { xmlns: new RegExp(`^${SVG}$`), width: NUMBER, height: NUMBER, viewBox: /^[\d .]+$/, class: /^[\w -]*$/ },
  path: { d: /^[MmHhVvLlZz\d .,-]*$/, transform: /^scale\(\d+(\.\d+)?\)$/, stroke: COLOUR, fill: COLOUR,
          class: /^[\w -]*$/ },
};

function isDrawing(element) {
  if (element.namespaceURI !== SVG || !Object.hasOwn(DRAWING, element.localName)) return false;
  const rules = DRAWING[element.localName];
  return [...element.attributes].every((attribute) =>
    Object.hasOwn(rules, attribute.name) && rules[attribute.name].test(attribute.value));
}

function drawQrCode(container, svgText) {
  const svg = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  if (svg.localName !== "svg" || ![svg, ...svg.querySelectorAll("*")].every(isDrawing)) {
    container.textContent = "(This QR code can't be shown safely: type the secret below instead.)";
    return;
  }
  container.replaceChildren(document.importNode(svg, true));
}
// --8<-- [end:qr-code]

// --8<-- [start:reset-link]
// Opened from a reset mail? Show the form and take the token out of the
// address bar, so it doesn't stay in the history or get copied along.
function openResetForm() {
  const token = new URLSearchParams(location.search).get("token");
  if (!token) return;
  const form = document.getElementById("reset");
  form.elements.token.value = token;
  form.hidden = false;
  history.replaceState(null, "", location.pathname);
  form.elements.password.focus();
}
// --8<-- [end:reset-link]

// --8<-- [start:verify-link]
// Opened from a verification mail (step 06 on; verify-email/ passes the token
// on as ?verify-email=...)? Show the form and ask for a click: mail scanners
// and link previews open links by themselves, and must not verify anything.
function openVerifyForm() {
  const token = new URLSearchParams(location.search).get("verify-email");
  if (!token) return;
  const form = document.getElementById("verify");
  form.elements.token.value = token;
  form.hidden = false;
  history.replaceState(null, "", location.pathname);
  form.elements.password.focus();  // the link proves the mailbox, the password whose account it is
}
// --8<-- [end:verify-link]

// --8<-- [start:step-forms]
// Later steps add routes: GET / names the API's step ("06-verify-email"), and
// each form marked data-from-step="6" appears from that step on. The same
// page works with every step's API.
async function showFormsOfThisStep() {
  let number = 0;
  try {
    const answer = await callApi("GET", "/");
    number = answer.ok && answer.body ? parseInt(answer.body.step, 10) || 0 : 0;
  } catch (error) {
    return;  // no answer: showWhoIAm() says so
  }
  apiStep = number;  // the notes and users panels also need a login (showPanels)
  document.querySelectorAll("[data-from-step]").forEach((element) => {
    element.hidden = number < Number(element.dataset.fromStep);
  });
}
// --8<-- [end:step-forms]

// Make same-origin vs same-site visible for this page and this API.
function explainOrigins() {
  const api = new URL(API);
  const differ = [["scheme", "protocol"], ["host", "hostname"], ["port", "port"]]
    .filter(([, part]) => api[part] !== location[part]).map(([name]) => name);
  const sameSite = api.protocol === location.protocol && api.hostname === location.hostname;
  document.getElementById("page-origin").textContent = location.origin;
  document.getElementById("api-origin").textContent = api.origin;
  document.getElementById("same-origin").textContent = differ.length === 0
    ? "Yes: no CORS needed."
    : `No: the ${differ.join(" and ")} differ${differ.length === 1 ? "s" : ""}. So the browser ` +
      "lets this page read the API's answers only if the API lists this origin (CORS), and " +
      'sends cookies only because fetch uses credentials: "include".';
  document.getElementById("same-site").textContent = sameSite
    ? "Yes: same scheme and host name, and ports don't count. So the SameSite=Lax session " +
      "cookie travels with these requests."
    : "Not by host name, so most likely not (only sub-domains of one registered domain would " +
      "be). The browser won't store or send a SameSite=Lax cookie: login answers 200, yet " +
      '"Who am I?" says 401.';
}

async function showWhoIAm() {
  try {
    const answer = await callApi("GET", "/auth/me");
    showUser(answer.ok ? answer.body.user : null);
  } catch (error) {
    document.getElementById("status").textContent = "No answer from the API (see the console)";
  }
}

explainOrigins();
openResetForm();
openVerifyForm();
showFormsOfThisStep().then(showWhoIAm);
