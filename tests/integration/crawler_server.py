#!/usr/bin/env python3
"""A small misbehaving HTTP/1.1 server for the crawler's regression tests
(tests/integration/crawler_*.sh): transfers that only end by timeout, fds
reused after close, resets, byte caps, chunked and gzip bodies, 429 with
Retry-After, redirect loops. The full simulated web is bin/simweb; this
server exists for faults that must be exact and repeatable.

usage: crawler_server.py PORT_FILE LOG_FILE [ROBOTS_TXT]
Log lines: start_us TAB end_us TAB host TAB method TAB path TAB status TAB bytes
"""
import gzip
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT_FILE, LOG_FILE = sys.argv[1], sys.argv[2]
ROBOTS = sys.argv[3] if len(sys.argv) > 3 else "User-agent: *\nDisallow: /private\n"
lock = threading.Lock()
counts = {}


def body_for(path):
    # deterministic, compressible page text
    line = ("<p>%s government account page</p>\n" % path).encode()
    return b"<html><body>\n" + line * 40 + b"</body></html>\n"


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def log(self, start, status, n):
        with lock:
            with open(LOG_FILE, "a") as f:
                f.write("%d\t%d\t%s\t%s\t%s\t%d\t%d\n" % (
                    start, time.time() * 1e6, self.headers.get("Host", ""), self.command, self.path, status, n))

    def send(self, status, body, headers=(), close=False):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        start = time.time() * 1e6
        self.send(200, b"posted:" + data, [("Content-Type", "text/plain")])
        self.log(start, 200, len(data) + 7)

    def do_GET(self):
        start = time.time() * 1e6
        p = self.path
        with lock:
            counts[p] = counts.get(p, 0) + 1
            seen = counts[p]
        if p == "/robots.txt":
            b = ROBOTS.encode()
            self.send(200, b, [("Content-Type", "text/plain")])
            self.log(start, 200, len(b))
        elif p.startswith("/hang"):
            # Read the request, answer nothing: only the crawler's timeout ends it.
            self.log(start, 0, 0)
            time.sleep(30)
            self.close_connection = True
        elif p.startswith("/headers-then-hang"):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"x" * 1000)
            self.wfile.flush()
            self.log(start, 200, 1000)
            time.sleep(30)
            self.close_connection = True
        elif p.startswith("/reset"):
            self.log(start, 0, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
        elif p.startswith("/huge"):
            chunk = b"y" * 65536
            self.send_response(200)
            self.send_header("Content-Length", str(len(chunk) * 200))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            n = 0
            try:
                for _ in range(200):
                    self.wfile.write(chunk)
                    n += len(chunk)
            except OSError:
                pass
            self.close_connection = True
            self.log(start, 200, n)
        elif p.startswith("/gzip/"):
            b = gzip.compress(body_for(p), 6)
            self.send(200, b, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
            self.log(start, 200, len(b))
        elif p.startswith("/chunked/"):
            b = body_for(p)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(b), 100):
                c = b[i:i + 100]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
            self.wfile.write(b"0\r\n\r\n")
            self.log(start, 200, len(b))
        elif p.startswith("/redirect/"):
            self.send(302, b"", [("Location", "/page/" + p.split("/")[-1])])
            self.log(start, 302, 0)
        elif p.startswith("/loop/"):
            nxt = "/loop/b" if p.endswith("/a") else "/loop/a"
            self.send(301, b"", [("Location", nxt)])
            self.log(start, 301, 0)
        elif p.startswith("/429/"):
            if seen == 1:
                self.send(429, b"slow down", [("Retry-After", "2")])
                self.log(start, 429, 9)
            else:
                b = body_for(p)
                self.send(200, b, [("Content-Type", "text/html")])
                self.log(start, 200, len(b))
        elif p.startswith("/close/"):
            b = body_for(p)
            self.send(200, b, [("Content-Type", "text/html")], close=True)
            self.log(start, 200, len(b))
        elif p.startswith("/etag/"):
            if self.headers.get("If-None-Match") == '"v1"':
                self.send(304, b"", [("ETag", '"v1"')])
                self.log(start, 304, 0)
            else:
                b = body_for(p)
                self.send(200, b, [("Content-Type", "text/html"), ("ETag", '"v1"'),
                                   ("Last-Modified", "Sun, 05 Oct 2014 08:00:00 GMT")])
                self.log(start, 200, len(b))
        elif p.startswith("/404"):
            self.send(404, b"not here", [("Content-Type", "text/plain")])
            self.log(start, 404, 8)
        else:
            b = body_for(p)
            self.send(200, b, [("Content-Type", "text/html")])
            self.log(start, 200, len(b))


class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


srv = S(("127.0.0.1", 0), H)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
