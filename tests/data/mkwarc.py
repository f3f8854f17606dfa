#!/usr/bin/env python3
"""Writes a WARC/1.1 file (one gzip member per record) from fixture pages
(tests/data/pages/NAME.page) for the parser's integration tests.

usage: mkwarc.py OUT.warc.gz [--plain] [--response-first] [--gzip-bodies] [--chunked] [--pages=DIR] NAME...
Each page becomes a request record and a response record paired with
WARC-Concurrent-To (response -> request). Prints "offset<TAB>NAME" of every
response record on stdout."""
import gzip, os, sys, uuid, zlib

top = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
out = args.pop(0)
flags = {a for a in args if a.startswith('--')}
names = [a for a in args if not a.startswith('--')]
pages = next((a.split('=', 1)[1] for a in args if a.startswith('--pages=')), os.path.join(top, 'pages'))
plain = '--plain' in flags

def page(name):
    raw = open(os.path.join(pages, name + '.page'), 'rb').read()
    head, _, body = raw.partition(b'\n\n')
    h = {'method': 'GET', 'status': '200', 'date': '1412496000'}
    for line in head.decode().split('\n'):
        k, _, v = line.partition(':')
        h[k.strip()] = v.strip()
    return h, body

def record(f, typ, rid, uri, date, block, conc=None):
    hdr = 'WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\nWARC-Target-URI: %s\r\n' % (typ, rid, date, uri)
    if conc:
        hdr += 'WARC-Concurrent-To: %s\r\n' % conc
    hdr += 'Content-Type: application/http; msgtype=%s\r\nContent-Length: %d\r\n\r\n' % (typ, len(block))
    data = hdr.encode() + block + b'\r\n\r\n'
    off = f.tell()
    f.write(data if plain else gzip.compress(data))
    return off

import time
with open(out, 'wb') as f:
    for name in names:
        h, body = page(name)
        date = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(h['date'])))
        url = h['url']
        path = url.split('://', 1)[1]
        host, _, rest = path.partition('/')
        req = '%s /%s HTTP/1.1\r\nHost: %s\r\n' % (h['method'], rest.split('#')[0], host)
        rb = h.get('request-body', '').encode()
        if rb:
            req += 'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n' % len(rb)
        req = req.encode() + b'\r\n' + rb
        resp = 'HTTP/1.1 %s X\r\n' % h['status']
        if h.get('content-type'):
            resp += 'Content-Type: %s\r\n' % h['content-type']
        if '--gzip-bodies' in flags:
            body = gzip.compress(body)
            resp += 'Content-Encoding: gzip\r\n'
        if '--chunked' in flags:
            resp += 'Transfer-Encoding: chunked\r\n'
            half = len(body) // 2
            body = b''.join(b'%x\r\n' % len(c) + c + b'\r\n' for c in (body[:half], body[half:]) if c) + b'0\r\n\r\n'
        else:
            resp += 'Content-Length: %d\r\n' % len(body)
        resp = resp.encode() + b'\r\n' + body
        qid = '<urn:uuid:%s>' % uuid.uuid4()
        sid = '<urn:uuid:%s>' % uuid.uuid4()
        if '--response-first' in flags:
            off = record(f, 'response', sid, url, date, resp)
            record(f, 'request', qid, url, date, req, sid)
        else:
            record(f, 'request', qid, url, date, req)
            off = record(f, 'response', sid, url, date, resp, qid)
        print('%d\t%s' % (off, name))
