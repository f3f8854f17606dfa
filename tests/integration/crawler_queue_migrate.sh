#!/usr/bin/env bash
# Issue 17: an existing frontier is converted to the queue design
# (schema/022_frontier_queue.sql) keeping every row. A frontier on the schema
# before 022 is filled by a crawl killed mid-run (queued, leased and done
# rows), with failed rows (one due for its retry, one given up) and a recrawl
# due tomorrow; `loader migrate` converts it: every frontier row is as it
# was, and the queue holds exactly its queued, leased and failed rows. The
# crawl then goes on over the converted frontier and completes: the killed
# run's leases returned, the failed URL retried, nothing fetched twice.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

mkdir old_schema
for f in "$TOP"/schema/[0-9][0-9][0-9]_*.sql; do
  n=$(basename "$f"); [ "$((10#${n%%_*}))" -lt 22 ] && cp "$f" old_schema/
done
t_ok "the schema before the queue (001-021) applies" "$B/loader" -q --schema old_schema migrate
t_eq "no queue table yet" "" "$(q "SELECT to_regclass('crawl.queue')")"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader targets" "$B/loader" -q --schema old_schema targets targets
# What earlier nights and a crawler killed on this machine leave in the
# frontier (the old crawler's statements cannot run on the new schema, so
# the rows are written as it wrote them): seeds leased by the killed run, a
# seed failed and due for its retry; on a host outside the universe pages
# done, blocked, given up (failing for 90 days) and a recrawl due tomorrow.
dead=$(sh -c 'echo $$')
q "INSERT INTO crawl.run (hostname, pid, status) VALUES ('$(hostname)', $dead, 'running');
   UPDATE crawl.frontier SET state = 'leased', attempts = 1, lease_until = now() + interval '1 hour',
     lease_token = gen_random_uuid(), lease_run = (SELECT max(run_id) FROM crawl.run)
    WHERE id IN (SELECT id FROM crawl.frontier ORDER BY id LIMIT 5);
   UPDATE crawl.frontier SET state = 'failed', attempts = 2, failures = 1, failed_since = now() - interval '1 day',
     due_at = now() - interval '1 hour', last_status = 500, last_error = 'HTTP 500'
    WHERE id = (SELECT max(id) FROM crawl.frontier);
   INSERT INTO crawl.frontier (url, host, source, kind, state, fetches, last_status, last_fetched_at, due_at, failures, failed_since)
   VALUES ('http://old.test/done', 'old.test', 'test', 'page', 'done', 3, 200, now() - interval '1 day', now() - interval '1 day', 0, NULL),
          ('http://old.test/private', 'old.test', 'test', 'page', 'blocked', 0, NULL, NULL, now() - interval '1 day', 0, NULL),
          ('http://old.test/gone', 'old.test', 'test', 'page', 'failed', 0, 500, now() - interval '2 days', now() - interval '1 hour',
           6, now() - interval '90 days'),
          ('http://old.test/tomorrow', 'old.test', 'test', 'page', 'queued', 1, 200, now() - interval '1 day', now() + interval '1 day', 0, NULL)" >/dev/null
start_simweb --gzip
cat >crawler.conf <<'CONF'
[crawler]
delay_ms = 10
stats_schedule = 0
idle_exit_seconds = 3
poll_ms = 20

[host:mp.weixin.qq.com]
delay_ms = 0
CONF
states() { q "SELECT string_agg(state || '=' || n, ' ' ORDER BY state) FROM (SELECT state, count(*) n FROM crawl.frontier GROUP BY 1) x"; }
digest() { q "SELECT count(*) || ' ' || md5(string_agg(f::text, E'\n' ORDER BY id)) FROM crawl.frontier f"; }
before_states=$(states)
before=$(digest)
echo "before the migration: $before_states"
t_match "the old frontier holds every state" '^blocked=1 done=1 failed=2 leased=5 queued=[1-9][0-9]*$' "$before_states"

t_ok "loader migrate converts it" "$B/loader" -q migrate
t_eq "migration 022 recorded" 1 "$(q "SELECT count(*) FROM meta.migrations WHERE version = 22")"
t_eq "every frontier row kept as it was" "$before" "$(digest)"
t_eq "the queue: exactly the queued, leased and failed rows" \
  "$(q "SELECT count(*) FROM crawl.frontier WHERE state IN ('queued', 'leased', 'failed')") 0" \
  "$(q "SELECT count(*) || ' ' || count(*) FILTER (WHERE f.id IS NULL OR (w.host, w.priority, w.due_at, w.state, w.robots, w.attempts)
        IS DISTINCT FROM (f.host, f.priority, f.due_at, f.state, f.kind = 'robots', f.attempts)
        OR w.later IS DISTINCT FROM (f.state = 'queued' AND f.due_at > now())
        OR w.lease_until IS DISTINCT FROM CASE WHEN f.state = 'leased' THEN f.lease_until END)
      FROM (SELECT id, host, priority, due_at, state, robots, attempts, lease_until, false AS later FROM crawl.queue
            UNION ALL SELECT id, host, priority, due_at, 'queued', robots, attempts, NULL, true FROM crawl.queue_later) w
      LEFT JOIN crawl.frontier f ON f.id = w.id")"
t_eq "the recrawl due tomorrow waits in crawl.queue_later" "1 0" \
  "$(q "SELECT (SELECT count(*) FROM crawl.queue_later) || ' ' || (SELECT count(*) FROM crawl.queue WHERE due_at > now() + interval '1 hour')")"
t_eq "no frontier index on what claims and completions change" 0 \
  "$(q "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = 'crawl.frontier'::regclass AND (a.attname IN ('state', 'due_at', 'lease_until', 'lease_token', 'attempts')
           OR pg_get_expr(i.indpred, i.indrelid) ~ '(state|due_at|lease_until)')")"

# the crawl goes on over the converted frontier
before_log=$(wc -l <sw.log)
"$B/crawler" --config crawler.conf --out warc --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" \
  --concurrency 8 2>crawler2.log
t_eq "the crawl on the converted frontier exits 0" 0 $?
t_match "the killed run's leases returned at once" 'returned [0-9]+ expired leases at once' "$(cat crawler2.log)"
t_match "the failed URL due for its retry retried" '1 failed URLs retried' "$(cat crawler2.log)"
norm_urls <truth/urls.txt >want.txt
fetched_urls >got.txt
t_eq "crawl complete" "" "$(comm -3 want.txt got.txt | head -5)"
t_eq "the earlier nights' rows as they were: not fetched again" "blocked done failed queued" \
  "$(q "SELECT string_agg(state, ' ' ORDER BY state) FROM crawl.frontier WHERE host = 'old.test'")"
t_eq "old.test not requested" 0 "$(awk -F'\t' '$3 == "old.test"' sw.log | wc -l)"
t_eq "no URL completed twice" 0 "$(q "SELECT count(*) FROM (SELECT frontier_id FROM crawl.fetch_log WHERE outcome = 'done' GROUP BY 1 HAVING count(*) > 1) x")"
t_eq "nothing leased, nothing due left" 0 "$(q "SELECT count(*) FROM crawl.queue WHERE state IN ('leased', 'queued')")"
t_eq "hosts left with no lease" 0 "$(q "SELECT sum(inflight) FROM crawl.host")"
t_eq "the rerun did the rest" 1 "$([ "$(wc -l <sw.log)" -gt "$before_log" ] && echo 1)"
t_eq "the queue still mirrors the frontier" 0 \
  "$(q "SELECT count(*) FROM crawl.frontier f FULL JOIN (SELECT id FROM crawl.queue UNION ALL SELECT id FROM crawl.queue_later) w
        ON w.id = f.id WHERE (f.state IN ('queued', 'leased', 'failed')) IS DISTINCT FROM (w.id IS NOT NULL)")"
