#!/usr/bin/python3
"""The two loopback services Dovecot submission needs beside it, in one process:

- a relay sink (aiosmtpd's Sink handler): Dovecot submission relays every message to an SMTP
  server and connects to it right after each successful AUTH (without one the session ends
  with "421 4.4.0 Failed to connect to relay server");
- an OAuth 2.0 token-introspection endpoint for Dovecot's oauth2 passdb (XOAUTH2 and
  OAUTHBEARER): GET /tokeninfo?access_token=T answers 200 {"email": USER, "active": true} for
  the test token, 401 {"error": "invalid_token"} for any other.

usage: sidecar.py PORTS_FILE
Both listen on 127.0.0.1 on ports the kernel picks (no clash with other instances); their
numbers are written to PORTS_FILE as "RELAY_PORT TOKEN_PORT" once both listen. The account
comes from SAH_USER / SAH_TOKEN. Foreground; SIGTERM stops it.
"""
import asyncio
import hmac
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP

USER = os.environ.get("SAH_USER", "alice")
TOKEN = os.environ.get("SAH_TOKEN") or "test-token"


class TokenInfo(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        given = query.get("access_token", [""])[0]
        ok = hmac.compare_digest(given.encode(), TOKEN.encode())
        body = json.dumps({"email": USER, "active": True} if ok else {"error": "invalid_token"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # the request line holds the token: never logged
        pass


def main():
    ports_file = sys.argv[1]
    http = ThreadingHTTPServer(("127.0.0.1", 0), TokenInfo)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    relay = loop.run_until_complete(
        loop.create_server(lambda: SMTP(Sink(), hostname="relay.test"), "127.0.0.1", 0))
    relay_port = relay.sockets[0].getsockname()[1]
    tmp = ports_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (relay_port, http.server_address[1]))
    os.rename(tmp, ports_file)  # the reader never sees half a file
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    relay.close()
    http.shutdown()


if __name__ == "__main__":
    main()
