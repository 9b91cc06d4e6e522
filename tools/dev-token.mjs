// Mints data-plane tokens for local development until Doppel's own identity plane exists (issue 5).
//
//   node tools/dev-token.mjs init DIR            creates an ES256 key pair: DIR/issuer-key.pem (private), DIR/issuer.pub.pem
//   node tools/dev-token.mjs token DIR ISSUER [AUDIENCE] [OBJECT-ID]
//                                                prints a bearer token signed with DIR/issuer-key.pem, valid for one hour, for
//                                                AUDIENCE (default https://digitaltwins.azure.net; https://management.azure.com/
//                                                for the control plane) naming the caller OBJECT-ID (claim oid, default developer)
//
// Start the server trusting the key:  --trusted-issuer ISSUER --trusted-key DIR/issuer.pub.pem
import { generateKeyPairSync, createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [command, dir, issuer, audience = 'https://digitaltwins.azure.net', objectId = 'developer'] = process.argv.slice(2);
const b64url = (data) => Buffer.from(data).toString('base64url');

if (command === 'init' && dir) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'issuer-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'issuer.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  console.error(`wrote ${join(dir, 'issuer-key.pem')} and ${join(dir, 'issuer.pub.pem')}`);
} else if (command === 'token' && dir && issuer) {
  const key = createPrivateKey(readFileSync(join(dir, 'issuer-key.pem')));
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iss: issuer, aud: audience, sub: objectId, oid: objectId, iat: now, nbf: now, exp: now + 3600 }));
  // JWTs carry ECDSA signatures as the raw r||s pair (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' });
  console.log(`${header}.${payload}.${b64url(signature)}`);
} else {
  console.error('usage: node tools/dev-token.mjs init DIR | token DIR ISSUER [AUDIENCE] [OBJECT-ID]');
  process.exit(2);
}
