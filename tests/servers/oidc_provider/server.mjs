// A real, certified OpenID provider (panva/oidc-provider) for oauthkit's tests.
//
// Started by tests/oidc_provider_fixture.py; can also be run by hand:
//   cd tests/servers/oidc_provider && npm ci && PORT=0 node server.mjs
//
// Prints exactly one JSON line on stdout once it listens, e.g.
//   {"issuer": "http://127.0.0.1:41234", "port": 41234, "version": "9.13.3"}
// and then keeps running until it gets SIGTERM/SIGINT (or stdin closes when
// EXIT_ON_STDIN_EOF=1). Everything else (warnings, logs) goes to stderr.
//
// Environment:
//   PORT                 port to listen on, 0 = any free port (default 0)
//   HOST                 address to bind (default 127.0.0.1)
//   ACCESS_TTL           access token lifetime in seconds (default 60)
//   DEVICE_TTL           device code lifetime in seconds (default 600)
//   REFRESH_TTL          refresh token lifetime in seconds (default 86400)
//   SLOW_DOWN_INTERVAL   unset/0 = off (pure oidc-provider, which never answers
//                        slow_down). N >= 1 = a thin shim in front of the token
//                        endpoint enforces RFC 8628 section 3.5: the device
//                        authorization answer carries "interval": N, and a poll
//                        sooner than the current interval answers slow_down and
//                        raises that device code's interval by 5 s.
//   EXIT_ON_STDIN_EOF    "1" = exit when stdin closes (so a dying parent never
//                        leaves the server behind)

import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';

import Provider, { errors } from 'oidc-provider';

// stdout is reserved for the one JSON line; oidc-provider prints its NOTICEs
// with console.info, so send console.log/info/debug to stderr.
for (const level of ['log', 'info', 'debug']) {
  console[level] = (...args) => console.error(...args);
}

const require = createRequire(import.meta.url);
const { version } = require('oidc-provider/package.json');

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`invalid ${name}=${raw}: want a non-negative integer\n`);
    process.exit(2);
  }
  return value;
}

const HOST = process.env.HOST || '127.0.0.1';
const PORT = intEnv('PORT', 0);
const ACCESS_TTL = intEnv('ACCESS_TTL', 60);
const DEVICE_TTL = intEnv('DEVICE_TTL', 600);
const REFRESH_TTL = intEnv('REFRESH_TTL', 24 * 60 * 60);
const SLOW_DOWN_INTERVAL = intEnv('SLOW_DOWN_INTERVAL', 0);

const GRANTS = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
];

// The fixed test user. devInteractions accept any login name; every name maps
// to an account whose sub is that name, and "ada" (the one the fixture logs in
// as) also has profile claims.
const USERS = {
  ada: { name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' },
};

async function findAccount(ctx, id) {
  if (!id) return undefined;
  return {
    accountId: id,
    async claims() {
      return { sub: id, ...(USERS[id] || {}) };
    },
  };
}

// A fresh signing key per run (no key material in the repository).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'oauthkit-test-rs256' };

const configuration = {
  clients: [
    {
      client_id: 'oauthkit-confidential',
      client_secret: 'oauthkit-secret-0123456789',
      client_name: 'oauthkit confidential test client',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: GRANTS,
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
    {
      client_id: 'oauthkit-public',
      client_name: 'oauthkit public test client',
      token_endpoint_auth_method: 'none',
      grant_types: GRANTS,
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
  ],
  findAccount,
  jwks: { keys: [signingKey] },
  cookies: {
    keys: ['oauthkit-test-cookie-key-0123456789', 'oauthkit-test-cookie-key-previous'],
  },
  scopes: ['openid', 'offline_access', 'profile'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
  },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: {
      enabled: true,
      // Default policy would refuse revoking tokens of other clients; keep it
      // (a client may revoke only its own tokens) but stated explicitly.
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    introspection: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => (
        client.clientAuthMethod !== 'none' && token.clientId === client.clientId
      ),
    },
  },
  // Refresh tokens for every client allowed the refresh_token grant, with or
  // without offline_access in the scope (so the device flow always gets one).
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Every refresh_token grant use answers a new refresh token and consumes the
  // old one (re-using it then answers invalid_grant).
  rotateRefreshToken: true,
  // PKCE: required for public clients on the authorization code flow (the
  // device flow never uses PKCE), optional for the confidential client.
  pkce: {
    required: (ctx, client) => client.clientAuthMethod === 'none',
  },
  ttl: {
    AccessToken: () => ACCESS_TTL,
    AuthorizationCode: () => 60,
    DeviceCode: () => DEVICE_TTL,
    IdToken: () => 3600,
    RefreshToken: () => REFRESH_TTL,
    Grant: () => 14 * 24 * 60 * 60,
    Interaction: () => 3600,
    Session: () => 14 * 24 * 60 * 60,
  },
  // Token endpoint errors are plain JSON; keep details in error_description.
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    ctx.body = `<!DOCTYPE html><html><head><title>oops! something went wrong</title></head><body>
<h1>oops! something went wrong</h1>
${Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('\n')}
</body></html>`;
  },
};

const server = createServer();

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;

  if (SLOW_DOWN_INTERVAL > 0) {
    installSlowDownShim(provider, SLOW_DOWN_INTERVAL);
  }

  provider.on('server_error', (ctx, err) => {
    process.stderr.write(`server_error: ${err && err.stack}\n`);
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port, version })}\n`);
});

server.on('error', (err) => {
  process.stderr.write(`listen failed: ${err.message}\n`);
  process.exit(1);
});

// --- optional RFC 8628 section 3.5 slow_down shim ---------------------------
// oidc-provider 9.x defines errors.SlowDown but never throws it: a too-fast
// poll just answers authorization_pending again. When SLOW_DOWN_INTERVAL is
// set, this Koa middleware (running before oidc-provider's routes) reads the
// token request body itself, hands it on as req.body (which oidc-provider
// accepts for already-parsed bodies) and enforces the interval per device code.
function installSlowDownShim(provider, interval) {
  const polls = new Map(); // device_code -> { last: ms, interval: s }
  const tokenPath = new URL(provider.urlFor('token')).pathname;
  const devicePath = new URL(provider.urlFor('device_authorization')).pathname;

  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === devicePath) {
      await next();
      if (ctx.status === 200 && ctx.body && typeof ctx.body === 'object' && ctx.body.device_code) {
        ctx.body = { ...ctx.body, interval };
      }
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== tokenPath || !ctx.is('application/x-www-form-urlencoded')) {
      return next();
    }
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    ctx.req.body = raw;
    const params = new URLSearchParams(raw);
    const deviceCode = params.get('device_code');
    if (params.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code' || !deviceCode) {
      return next();
    }
    const now = Date.now();
    const seen = polls.get(deviceCode);
    if (seen && now - seen.last < seen.interval * 1000) {
      seen.interval += 5;
      seen.last = now;
      const err = new errors.SlowDown();
      ctx.status = err.statusCode;
      ctx.set('Cache-Control', 'no-store');
      // As GitHub does: the slow_down answer names the interval now in force.
      ctx.body = { error: err.error, error_description: err.error_description, interval: seen.interval };
      return undefined;
    }
    polls.set(deviceCode, { last: now, interval: seen ? seen.interval : interval });
    if (polls.size > 10000) polls.delete(polls.keys().next().value);
    return next();
  });
}

// --- lifetime ---------------------------------------------------------------
function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (process.env.EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
