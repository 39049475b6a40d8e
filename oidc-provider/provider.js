// A real OpenID provider for step 12's tests, on loopback only.
//
// It is panva's oidc-provider (OpenID Certified), configured the way a careful
// provider would be: PKCE with S256 required of every client, `iss` in every
// authorization response (RFC 9207), its own signing key. Only the login page
// is ours: instead of a password it lists the test accounts, so a test (plain
// HTTP) or Chromium can sign in as one of them without a human.
//
//   node provider.js FIXTURE.json
//
// It listens on 127.0.0.1 on a free port and prints one line of JSON,
// {"issuer": "http://127.0.0.1:PORT"}, when it is ready. Run it twice and you
// have two providers with two issuers (the mix-up test needs a second one).
//
// FIXTURE.json (an example: accounts.example.json):
//   {"clients":  [{"client_id", "client_secret", "redirect_uris": [...]}],
//    "accounts": [{"sub", "email", "email_verified", "name"?}]}
// The accounts are read again at each use, so a test can change an email
// between two sign-ins. An account may carry "userinfo_sub": a provider that
// lies in its UserInfo answer, to prove the app compares that `sub` with the
// ID token's.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const fixturePath = process.argv[2];
if (!fixturePath) {
  console.error('usage: node provider.js FIXTURE.json');
  process.exit(2);
}

function readFixture() {
  return JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
}

function findFixtureAccount(sub) {
  return readFixture().accounts.find((account) => account.sub === sub);
}

// What the provider says about an account. `use` is 'id_token' or 'userinfo'.
async function findAccount(ctx, sub) {
  if (!findFixtureAccount(sub)) {
    return undefined;
  }
  return {
    accountId: sub,
    async claims() {
      const account = findFixtureAccount(sub) || {};
      return { sub, email: account.email, email_verified: account.email_verified, name: account.name };
    },
  };
}

// Each process signs with its own new key: a second provider can't sign for the first.
function signingKeys() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: crypto.randomUUID() }] };
}

function configuration() {
  return {
    clients: readFixture().clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    findAccount,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // PKCE for every client, not only public ones; oidc-provider 9 knows only S256.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false }, // our login page below instead
    },
    interactions: {
      url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    jwks: signingKeys(),
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    // Lets the test see the provider's own message ("PKCE required") in the error page and logs.
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

// The lying provider: oidc-provider always answers UserInfo with the right `sub`, so
// an account's "userinfo_sub" is swapped in after it has answered.
async function lieAboutTheSubject(ctx, next) {
  await next();
  if (ctx.oidc && ctx.oidc.route === 'userinfo' && ctx.body && ctx.body.sub) {
    const account = findFixtureAccount(ctx.body.sub);
    if (account && account.userinfo_sub) {
      ctx.body = { ...ctx.body, sub: account.userinfo_sub };
    }
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The login page: one button per test account, and one to refuse.
function loginPage(uid, details) {
  const buttons = readFixture().accounts.map((account) => `
    <form method="post" action="/interaction/${uid}/login">
      <input type="hidden" name="sub" value="${escapeHtml(account.sub)}">
      <button type="submit">Sign in as ${escapeHtml(account.email)}</button>
    </form>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test provider</title></head>
    <body><h1>Test provider</h1>
    <p>${escapeHtml(details.params.client_id)} asks for: ${escapeHtml(details.params.scope)}</p>
    ${buttons}
    <form method="post" action="/interaction/${uid}/abort"><button type="submit">Refuse</button></form>
    </body></html>`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

// Signing in also consents to every scope asked: a test provider's user always agrees.
async function signIn(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const sub = (await readForm(req)).get('sub');
  if (!findFixtureAccount(sub)) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('no such test account');
    return;
  }
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } },
    { mergeWithLastSubmission: false });
}

async function refuse(provider, req, res) {
  await provider.interactionFinished(req, res,
    { error: 'access_denied', error_description: 'the user refused' }, { mergeWithLastSubmission: false });
}

async function interaction(provider, req, res) {
  const [, , uid, action] = new URL(req.url, 'http://x').pathname.split('/');
  if (req.method === 'GET' && !action) {
    const details = await provider.interactionDetails(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid, details));
  } else if (req.method === 'POST' && action === 'login') {
    await signIn(provider, req, res);
  } else if (req.method === 'POST' && action === 'abort') {
    await refuse(provider, req, res);
  } else {
    res.writeHead(404).end();
  }
}

function start() {
  const server = http.createServer();
  // Port 0: the system picks a free port; the issuer is known once it has.
  server.listen(0, '127.0.0.1', () => {
    const issuer = `http://127.0.0.1:${server.address().port}`;
    const provider = new Provider(issuer, configuration());
    provider.use(lieAboutTheSubject);
    const handle = provider.callback();
    server.on('request', (req, res) => {
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end(); // a browser asks on every page: no 404 in its console
      } else if (req.url.startsWith('/interaction/')) {
        interaction(provider, req, res).catch((error) => {
          res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error.message));
        });
      } else {
        handle(req, res);
      }
    });
    console.log(JSON.stringify({ issuer }));
  });
}

// The test runner stops us with SIGTERM; close at once.
process.on('SIGTERM', () => process.exit(0));
start();
