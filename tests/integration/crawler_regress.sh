#!/usr/bin/env bash
# Issue 4: regression tests for the libcurl/libuv glue and shutdown, against
# a small misbehaving server (crawler_server.py):
#  - a transfer that only ends by timeout (the last one in flight) completes;
#  - fds reused after close (Connection: close, resets) do not confuse polling;
#  - byte cap, partial bodies, chunked and gzip bodies recorded as such;
#  - SIGTERM: no new work, in-flight released after the grace period, leases
#    given back, WARC closed, exit 75.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

python3 "$HERE/crawler_server.py" srv.port srv.log &
SW_PID=$!
for i in $(seq 100); do [ -s srv.port ] && break; sleep 0.1; done
PORT=$(cat srv.port)
CT=(--connect-to "127.0.0.1:$PORT" --set crawler.delay_ms=0 --set crawler.idle_exit_seconds=1 --set crawler.poll_ms=20)

# 1. the only transfer ends by timeout
echo "http://h1.test/hang/1" >hang.txt
start=$(date +%s)
timeout 30 "$B/crawler" --urls hang.txt --out w1 "${CT[@]}" --set crawler.timeout_ms=1500 \
  --set crawler.max_attempts=1 2>c1.log
t_eq "timeout-only transfer: crawler finishes, exit 1 (the transfer failed)" 1 $?
t_eq "timeout-only transfer: within the timeout" 1 "$([ $(( $(date +%s) - start )) -lt 10 ] && echo 1)"
t_match "timeout recorded as curl 28" 'hang/1 -> 0 curl 28' "$(cat c1.log)"

# 2. fds reused after close, resets, caps, partial bodies
for i in $(seq 1 150); do
  for h in a b c d; do echo "http://$h.test/close/$i"; done
  if [ $((i % 10)) = 0 ]; then echo "http://e.test/reset/$i"; fi
done >many.txt
cat >>many.txt <<URLS
http://f.test/huge
http://f.test/headers-then-hang
http://f.test/chunked/1
http://f.test/gzip/1
http://f.test/private/1
http://f.test/redirect/9
http://f.test/loop/a
http://f.test/429/1
URLS
cat >crawler.conf <<'CONF'
[host:a.test]
max_inflight = 4
[host:b.test]
max_inflight = 4
[host:c.test]
max_inflight = 4
[host:d.test]
max_inflight = 4
CONF
timeout 120 "$B/crawler" --urls many.txt --out w2 --config crawler.conf "${CT[@]}" --concurrency 32 \
  --set crawler.timeout_ms=1500 --set crawler.max_attempts=2 --set crawler.backoff_base_ms=100 --set crawler.backoff_cap_ms=300 \
  --set crawler.max_body_bytes=200000 2>c2.log
t_eq "fd reuse: crawler ends, exit 1 (resets, hangs and loops failed)" 1 $?
t_eq "every Connection: close page fetched once" 600 "$(grep -c 'close/[0-9]* -> 200$' c2.log)"
t_eq "server saw each close page once" 600 "$(awk -F'\t' '$5 ~ /^\/close\//' srv.log | sort -u -t$'\t' -k3,3 -k5,5 | wc -l)"
t_eq "resets recorded as failures after 2 attempts" 15 "$(grep -c 'reset/[0-9]* -> 0 curl .*(after 2 attempts)' c2.log)"
t_match "byte cap truncates" 'f.test/huge -> 200' "$(cat c2.log)"
t_match "robots.txt Disallow" 'private/1 -> 0 disallowed by robots.txt' "$(cat c2.log)"
t_match "redirect followed as its own URL" 'f.test/page/9 -> 200' "$(cat c2.log)"
t_match "redirect loop ends" 'loop/b -> 301' "$(cat c2.log)"
t_match "429 retried after Retry-After" '429/1 -> 200' "$(cat c2.log)"
warc=$(zcat w2/*.warc.gz | tr -d '\r')
t_match "huge body stored with WARC-Truncated: length" 'WARC-Truncated: length' "$warc"
t_match "partial body stored with WARC-Truncated: time" 'WARC-Truncated: time' "$warc"
t_match "chunked framing header renamed" 'X-Crawler-Transfer-Encoding: chunked' "$warc"
t_match "gzip body kept encoded" 'Content-Encoding: gzip' "$warc"
t_eq "no WARC left open" 0 "$(ls w2 | grep -c '\.open$')"

# 3. SIGTERM with transfers in flight: released, leases returned, exit 75
t_ok "loader migrate" "$B/loader" migrate
q "INSERT INTO crawl.frontier (url, host, source, kind) SELECT 'http://' || h || '.test/hang/' || i, h || '.test', 'test', 'page'
   FROM unnest(ARRAY['p', 'q', 'r']) h, generate_series(1, 3) i" >/dev/null
"$B/crawler" --out w3 "${CT[@]}" --set crawler.timeout_ms=20000 --set crawler.grace_seconds=1 2>c3.log &
CR_PIDS=$!
for i in $(seq 50); do [ "$(grep -c 'hang/' srv.log)" -ge 4 ] && break; sleep 0.1; done
kill -TERM "$CR_PIDS"
start=$(date +%s)
wait "$CR_PIDS"
rc=$?
CR_PIDS=
t_eq "SIGTERM: exit 75 (interrupted, safe to rerun)" 75 "$rc"
t_eq "SIGTERM: stopped within the grace period" 1 "$([ $(( $(date +%s) - start )) -le 4 ] && echo 1)"
t_eq "SIGTERM: in-flight work released" "3 0" "$(q "SELECT count(*) FILTER (WHERE outcome = 'released') || ' ' || count(*) FILTER (WHERE outcome <> 'released') FROM crawl.fetch_log WHERE url LIKE '%/hang/%'")"
t_eq "SIGTERM: leases returned, attempts restored" "9 0" "$(q "SELECT count(*) || ' ' || sum(attempts) FROM crawl.frontier WHERE state = 'queued' AND kind = 'page'")"
t_eq "SIGTERM: hosts have nothing in flight" 0 "$(q "SELECT sum(inflight) FROM crawl.host")"
t_eq "SIGTERM: run recorded" "temporary failure" "$(q "SELECT status FROM crawl.run")"
t_eq "SIGTERM: WARC closed" 0 "$(ls w3 | grep -c '\.open$')"
q "DELETE FROM crawl.frontier WHERE url LIKE '%/hang/%'" >/dev/null   # keep them out of the runs below

# 4. recrawl with validators: If-None-Match sent, 304 stored as a WARC revisit
q "INSERT INTO crawl.frontier (url, host, source, kind) VALUES ('http://s.test/etag/1', 's.test', 'test', 'page')" >/dev/null
"$B/crawler" --out w4 "${CT[@]}" 2>c4.log
t_eq "first fetch: 200, validators stored" '200 "v1" Sun, 05 Oct 2014 08:00:00 GMT' "$(q "SELECT last_status || ' ' || etag || ' ' || last_modified FROM crawl.frontier WHERE url = 'http://s.test/etag/1'")"
q "UPDATE crawl.frontier SET state = 'queued', due_at = now() WHERE url = 'http://s.test/etag/1'" >/dev/null
"$B/crawler" --out w4 "${CT[@]}" 2>c5.log
t_eq "recrawl: 304, fetched twice, validators kept" '304 2 "v1"' "$(q "SELECT last_status || ' ' || fetches || ' ' || etag FROM crawl.frontier WHERE url = 'http://s.test/etag/1'")"
warc=$(zcat w4/*.warc.gz | tr -d '\r')
t_match "If-None-Match sent" 'If-None-Match: "v1"' "$warc"
t_match "304 stored as a server-not-modified revisit" 'WARC-Type: revisit' "$warc"
t_match "revisit profile" 'WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified' "$warc"

# 5. --max-pages and --time-budget stop claiming; the rest stays queued
q "INSERT INTO crawl.frontier (url, host, source, kind) SELECT 'http://m' || (i % 3) || '.test/page/' || i,
   'm' || (i % 3) || '.test', 'test', 'page' FROM generate_series(1, 30) i" >/dev/null
"$B/crawler" --out w5 "${CT[@]}" --max-pages 5 2>c6.log
t_eq "--max-pages 5: exit 1 (work was left)" 1 $?
t_eq "--max-pages 5: five pages fetched, the rest queued" "5 25" "$(q "SELECT count(*) FILTER (WHERE state = 'done') || ' ' || count(*) FILTER (WHERE state = 'queued') FROM crawl.frontier WHERE url LIKE 'http://m_.test/page/%'")"
start=$(date +%s)
"$B/crawler" --out w5 "${CT[@]}" --time-budget 1 --set crawler.delay_ms=400 2>c7.log
t_eq "--time-budget 1: exit 1 (work was left)" 1 $?
t_eq "--time-budget 1: stopped in time" 1 "$([ $(( $(date +%s) - start )) -le 4 ] && echo 1)"
t_eq "--time-budget 1: some work left" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'queued' AND url LIKE 'http://m_.test/page/%'")" -gt 0 ] && echo 1)"

# 6. unreachable host: connection refused recorded per attempt, the crawl ends;
# its robots.txt is the first request refused, so the host's URL is left
# undone (RFC 9309: unreachable means disallow all) and said to be; without
# robots.txt the URL itself is refused and fails
echo "http://down.test/x" >down.txt
"$B/crawler" --urls down.txt --out w6 --connect-to 127.0.0.1:1 --set crawler.max_attempts=2 \
  --set crawler.backoff_base_ms=50 2>c8.log
t_eq "refused: exit 1 (work left undone)" 1 $?
t_match "refused: robots.txt recorded with curl's error, then failed" 'down.test/robots.txt -> 0 curl 7: .*after 2 attempts' "$(cat c8.log)"
t_match "refused: the URL behind it reported pending" 'incomplete: 1 pending .*1 behind an unreachable robots.txt' "$(cat c8.log)"
"$B/crawler" --urls down.txt --out w6b --connect-to 127.0.0.1:1 --set crawler.max_attempts=2 \
  --set crawler.backoff_base_ms=50 --set crawler.robots=false 2>c8b.log
t_eq "refused, robots off: exit 1 (the URL failed)" 1 $?
t_match "refused, robots off: recorded with curl's error, then failed" 'down.test/x -> 0 curl 7: .*after 2 attempts' "$(cat c8b.log)"
