// A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 and a free port,
// for tests/testsuite/oidc.rs. Usage: node provider.mjs REDIRECT_URI CLIENT_SECRET
// Prints one line of JSON once listening: {"issuer": "http://127.0.0.1:PORT"}.
// One confidential client, `copbook`, with that redirect URI. The built-in development
// interactions give a login form (any login and password: the login becomes the
// account) and a consent form. Every account's claims carry `email` equal to its login,
// verified unless the login starts with "unverified".
import http from 'node:http';
import Provider from 'oidc-provider';

const [redirectUri, clientSecret] = process.argv.slice(2);
if (!redirectUri || !clientSecret) {
  console.error('usage: node provider.mjs REDIRECT_URI CLIENT_SECRET');
  process.exit(2);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'copbook',
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The ID token itself carries the scope's claims (copbook reads only the ID token).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['copbook test provider cookie key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: sub, email_verified: !sub.startsWith('unverified') };
        },
      };
    },
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
  // Anything else the provider prints is for people, not for the test reading the line above.
  console.log = console.info = console.error;
});

// The test kills this process when it is done; end with the parent's stdin too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
