// nodemailer's smtp-server as an SMTP AUTH target: PLAIN, LOGIN, CRAM-MD5 and XOAUTH2, all
// smtp-server's own; this file only checks the credentials it is handed.
// usage: node server.js STATE_DIR PORT TLS_PORT
// The account comes from SAH_USER / SAH_PASSWORD / SAH_TOKEN (set by the harness's supervisor).
// Listens on 127.0.0.1 only; PORT offers AUTH before STARTTLS, TLS_PORT is implicit TLS.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const [state, port, tlsPort] = process.argv.slice(2);
const USER = process.env.SAH_USER || 'alice';
const PASSWORD = process.env.SAH_PASSWORD || 's3cret!';
const TOKEN = process.env.SAH_TOKEN || 'test-token';
const HOSTNAME = process.env.SAH_HOSTNAME || 'smtp-server.test';

// Constant-time comparison, so a wrong guess takes as long as a near miss.
function same(a, b) {
  const x = Buffer.from(String(a)), y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function onAuth(auth, session, cb) {
  const denied = () => cb(new Error('Invalid username or password'));
  if (!same(auth.username, USER)) {
    // RFC 7628-style error JSON for XOAUTH2, as smtp-server expects; 535 follows the client's empty reply.
    return auth.method === 'XOAUTH2'
      ? cb(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } }) : denied();
  }
  switch (auth.method) {
    case 'PLAIN':
    case 'LOGIN':
      return same(auth.password, PASSWORD) ? cb(null, { user: USER }) : denied();
    case 'CRAM-MD5':  // smtp-server keeps the challenge; validatePassword computes the HMAC (RFC 2195)
      return auth.validatePassword(PASSWORD) ? cb(null, { user: USER }) : denied();
    case 'XOAUTH2':
      return same(auth.accessToken, TOKEN) ? cb(null, { user: USER })
        : cb(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
  }
  return denied();
}

const common = {
  name: HOSTNAME,
  key: fs.readFileSync(path.join(state, 'key.pem')),
  cert: fs.readFileSync(path.join(state, 'cert.pem')),
  authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
  allowInsecureAuth: true,        // AUTH offered before STARTTLS (loopback only)
  authOptional: true,             // MAIL without AUTH accepted, so AUTH inside a transaction can be tested
  hideENHANCEDSTATUSCODES: false, // the default hides ENHANCEDSTATUSCODES and the x.y.z codes
  disableReverseLookup: true,     // no DNS lookups for each connection
  logger: false,
  onAuth,
  onData(stream, session, cb) { stream.resume(); stream.on('end', () => cb()); },
};

const cleartext = new SMTPServer({ ...common, secure: false });
const implicit = new SMTPServer({ ...common, secure: true });
cleartext.on('error', e => console.error('cleartext:', e.message));
implicit.on('error', e => console.error('implicit:', e.message));
cleartext.listen(+port, '127.0.0.1', () =>
  implicit.listen(+tlsPort, '127.0.0.1', () =>
    console.error(`smtp-server listening on 127.0.0.1:${port} (STARTTLS) and 127.0.0.1:${tlsPort} (implicit TLS)`)));

function stop() {
  cleartext.close(() => implicit.close(() => process.exit(0)));
  setTimeout(() => process.exit(0), 2000).unref();  // close() waits for open sessions: do not hang on one
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
