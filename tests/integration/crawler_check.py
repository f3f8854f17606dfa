#!/usr/bin/env python3
"""Politeness checks over a simweb (or crawler_server.py) request log, for
tests/integration/crawler_*.sh.

usage: crawler_check.py LOG [--delay HOST=MS]... [--default-delay MS]
                            [--inflight HOST=N]... [--default-inflight N]
                            [--retry-after MS] [--tolerance MS] [--forbid REGEX]...

Log lines: start_us end_us host method path status bytes (tab separated).
Checks, per host: no more requests in flight at once than the limit; between
the end of one request and the start of the next, at least the delay (when
the limit is 1) or between starts (when it is larger); after a 429/503, the
next request no sooner than the Retry-After; no path matching --forbid.
Prints one line per violation and "ok N requests" when there is none.
"""
import re
import sys
from collections import defaultdict

args = sys.argv[1:]
log = args.pop(0)
delay, inflight, forbid = {}, {}, []
default_delay, default_inflight, retry_after, tol = 0.0, 1, 0.0, 2.0
while args:
    a = args.pop(0)
    if a == "--delay":
        h, v = args.pop(0).split("=")
        delay[h] = float(v)
    elif a == "--default-delay":
        default_delay = float(args.pop(0))
    elif a == "--inflight":
        h, v = args.pop(0).split("=")
        inflight[h] = int(v)
    elif a == "--default-inflight":
        default_inflight = int(args.pop(0))
    elif a == "--retry-after":
        retry_after = float(args.pop(0))
    elif a == "--tolerance":
        tol = float(args.pop(0))
    elif a == "--forbid":
        forbid.append(re.compile(args.pop(0)))
    else:
        sys.exit("unknown option " + a)

reqs = defaultdict(list)
n = 0
for line in open(log):
    f = line.rstrip("\n").split("\t")
    if len(f) < 7:
        continue
    start, end = int(f[0]) / 1000.0, int(f[1]) / 1000.0  # ms
    reqs[f[2]].append((start, end, f[3], f[4], int(f[5])))
    n += 1

bad = 0


def fail(msg):
    global bad
    bad += 1
    if bad <= 20:
        print(msg)


for host, rs in reqs.items():
    rs.sort()
    d = delay.get(host, default_delay)
    lim = inflight.get(host, default_inflight)
    # in flight: sweep over start/end events
    ev = sorted([(s, 1) for s, e, *_ in rs] + [(e, -1) for s, e, *_ in rs], key=lambda x: (x[0], x[1]))
    cur = peak = 0
    for _, k in ev:
        cur += k
        peak = max(peak, cur)
    if peak > lim:
        fail("%s: %d requests in flight at once (limit %d)" % (host, peak, lim))
    for i in range(1, len(rs)):
        prev, cur_r = rs[i - 1], rs[i]
        if lim == 1 and d > 0 and cur_r[0] - prev[1] < d - tol:
            fail("%s: %s started %.1f ms after %s ended (delay %.0f ms)" % (host, cur_r[3], cur_r[0] - prev[1], prev[3], d))
        if lim > 1 and d > 0 and cur_r[0] - prev[0] < d - tol:
            fail("%s: %s started %.1f ms after the previous start (delay %.0f ms)" % (host, cur_r[3], cur_r[0] - prev[0], d))
    if retry_after > 0:
        for i, r in enumerate(rs):
            if r[4] in (429, 503):
                later = [x for x in rs[i + 1:] if x[0] >= r[0]]
                if later and later[0][0] - r[1] < retry_after - tol:
                    fail("%s: request %.1f ms after a %d with Retry-After %.0f ms" % (host, later[0][0] - r[1], r[4], retry_after))
    for s, e, m, p, st in rs:
        for rx in forbid:
            if rx.search(host + p):
                fail("%s%s fetched although forbidden" % (host, p))

if bad:
    print("%d violations in %d requests" % (bad, n))
    sys.exit(1)
print("ok %d requests" % n)
