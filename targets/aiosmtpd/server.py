#!/usr/bin/python3
"""aiosmtpd as an SMTP AUTH target: PLAIN and LOGIN (aiosmtpd's own) and CRAM-MD5 (RFC 2195,
a handler method here, so its replies are ours, not aiosmtpd's).

usage: server.py STATE_DIR PORT TLS_PORT
The account comes from SAH_USER / SAH_PASSWORD (set by the harness's supervisor). Listens on
127.0.0.1 only; PORT offers AUTH before STARTTLS, TLS_PORT is implicit TLS. Logs to stderr.
"""
import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import signal
import ssl
import sys

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

USER = os.environ.get("SAH_USER", "alice").encode()
PASSWORD = os.environ.get("SAH_PASSWORD", "s3cret!").encode()
HOSTNAME = os.environ.get("SAH_HOSTNAME") or "aiosmtpd.test"


def check_password(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and hmac.compare_digest(auth_data.login, USER)
          and hmac.compare_digest(auth_data.password, PASSWORD))
    # handled=False: aiosmtpd answers the failure itself (535 5.7.8).
    return AuthResult(success=True, auth_data=auth_data) if ok else AuthResult(success=False, handled=False)


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK: discarded"

    # aiosmtpd turns the method name auth_CRAM__MD5 into the mechanism name CRAM-MD5.
    async def auth_CRAM__MD5(self, server, args):
        if len(args) > 1:  # RFC 2195 §2: the server speaks first, no initial response
            await server.push("501 5.5.2 CRAM-MD5 takes no initial response")
            return AuthResult(success=False, handled=True)
        # RFC 2195 §2: a fresh challenge each time (a random part, never repeated).
        challenge = "<%s.%d@%s>" % (secrets.token_hex(8), os.getpid(), HOSTNAME)
        response = await server.challenge_auth(challenge)
        if response is MISSING:  # '*' or bad Base64: aiosmtpd has already answered 501
            return AuthResult(success=False, handled=True)
        user, sep, digest = response.rpartition(b" ")
        if not sep:
            await server.push("501 5.5.2 Bad CRAM-MD5 response")
            return AuthResult(success=False, handled=True)
        expected = hmac.new(PASSWORD, challenge.encode(), hashlib.md5).hexdigest().encode()
        if hmac.compare_digest(user, USER) and hmac.compare_digest(expected, digest.lower()):
            return AuthResult(success=True, auth_data=LoginPassword(user, b""))
        return AuthResult(success=False, handled=False)


def main():
    state, port, tls_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(os.path.join(state, "cert.pem"), os.path.join(state, "key.pem"))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler()
    common = dict(hostname=HOSTNAME, auth_require_tls=False, authenticator=check_password, loop=loop)
    cleartext = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, tls_context=tls, **common), "127.0.0.1", port))
    implicit = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, **common), "127.0.0.1", tls_port, ssl=tls))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print("aiosmtpd listening on 127.0.0.1:%d (STARTTLS) and 127.0.0.1:%d (implicit TLS)" % (port, tls_port),
          file=sys.stderr, flush=True)
    loop.run_forever()
    cleartext.close()
    implicit.close()


if __name__ == "__main__":
    main()
