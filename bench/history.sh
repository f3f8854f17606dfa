# History: does a night's cost grow with the nights before it? `bench/run history N`
# (default 60) builds N nights of observations from 2014-10-01 on, at the report's
# registry scale (16,446 WeChat accounts, 186,697 Weibo accounts, 1,131 store
# listings), generated in SQL: per night every Weibo account's and listing's
# snapshot, about 1,275 new articles with their pages, a stats snapshot of every
# article of the last 7 days and 18,700 Weibo post snapshots (about 220,000 rows a
# night). It prints, night 1 (or the first settled month) against night N:
#   - loader rows/s loading one night of obs.weibo_account (`loader load`, fast
#     path into the partitioned table) against psql \copy of the same file into a
#     partitioned table with the same key holding the same rows as the month's
#     partition, timed in the same run;
#   - scorer seconds for October 2014, scored once its settle days have passed
#     (night 38) and again after night N, with the ratio (target: within 1.5x).
#   - the frontier (issue 17), with real crawls: night 1 crawled through a fresh
#     frontier, night 2 (night 1's pages due again) crawled the same way, nights
#     3 .. N-1 written into it in SQL as they leave it (each night's pages again
#     as new rows: done, half of them with a fetch queued after night N, as
#     recrawls and stats schedules queue them), then night N, night 1's pages
#     due again, crawled the same way; claim latency (mean
#     execution time of the claim statement, pg_stat_statements) and
#     PostgreSQL CPU per crawled page, night N against nights 1 and 2 (night 2
#     does the same work as night N: the fair reference; target: within 10 %).
#     Then, for nights 2 and N, the top statements by execution time
#     (pg_stat_statements with track=all: the triggers' and functions' own
#     statements too; calls, ms per page, buffers and rows per call) and the
#     autovacuum and autoanalyze runs of crawl tables during the crawl. In a cluster of its own (pg_stat_statements loaded), simweb at a
#     tenth of the report's registry (BENCH_HISTORY_SIMWEB overrides simweb's
#     size options: "--scale report" crawls the report's universe).
# Figures, not pass/fail. BENCH_HISTORY_NIGHTS overrides N; BENCH_HISTORY_PARTS
# ("obs frontier") chooses the parts.
set -euo pipefail
B=$GR_BIN
TOP=$GR_TOP
N=${BENCH_HISTORY_NIGHTS:-60}
PARTS=" ${BENCH_HISTORY_PARTS:-obs frontier} "
source "$TOP/bench/lib.bash"
source "$TOP/tests/pgtmp.sh"
now() { date +%s.%N; }

frontier_history() {
  local n=$1 pgdir=$PWD/pgf sw_pid p t
  local simargs=${BENCH_HISTORY_SIMWEB:-"--scale report --accounts 1645 --tracked 105 --weibo 18670 --apps 38"}
  (
    # shellcheck disable=SC2086
    "$B/simweb" $simargs --truth ftruth --emit-targets ftargets >/dev/null 2>&1
    "$TOP/scripts/test_ca.sh" tls
    # shellcheck disable=SC2086
    "$B/simweb" $simargs --gzip --port-file fsw.port --tls-port 0 --cert tls/srv.pem --key tls/srv.key >fsimweb.out 2>&1 &
    sw_pid=$!
    trap 'kill $sw_pid 2>/dev/null; pgtmp_stop "$pgdir"' EXIT
    PGTMP_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" pgtmp_start "$pgdir"
    export PGDATABASE=history
    createdb history
    for _ in $(seq 100); do [ -s fsw.port ] && break; sleep 0.1; done
    read -r p t <fsw.port
    "$B/loader" -q migrate
    "$B/loader" -q targets ftargets
    psql -X -q -c "CREATE EXTENSION pg_stat_statements"
    # one night through the frontier: pages, PostgreSQL CPU ticks, claim and
    # completion mean ms and buffers per call, the crawler's wall seconds
    night() {
      local pg0 pg1 pages t0 t1
      # every night from the same footing: vacuumed, analysed, checkpointed
      # (every crawl table: the nights synthesised in SQL write crawl.queue_later and
      # the crawls crawl.fetch_log, whose autovacuum otherwise falls into whichever
      # night's crawl its naptime meets)
      psql -X -q -o /dev/null -c "VACUUM ANALYZE crawl.frontier" -c "VACUUM ANALYZE crawl.queue" -c "VACUUM ANALYZE crawl.host" \
        -c "VACUUM ANALYZE crawl.queue_later" -c "VACUUM ANALYZE crawl.fetch_log" -c "CHECKPOINT"
      sleep 2
      psql -X -q -o /dev/null -c "SELECT pg_stat_statements_reset()"
      av_counts >"av$1.before"
      pg0=$(pg_cpu); t0=$(now)
      "$B/crawler" --out "warc$1" --connect-to "mp.weixin.qq.com:443:127.0.0.1:$t,127.0.0.1:$p" \
        --set crawler.ca_file="$PWD/tls/ca.pem" --concurrency 64 --time-budget 3600 --set crawler.delay_ms=0 \
        --set crawler.max_inflight_per_host=100000 --set crawler.robots=false --set crawler.stats_schedule=0 \
        --set log.level=notice 2>"crawl$1.err" || true
      t1=$(now); sleep 2; pg1=$(pg_cpu)
      pages=$(grep -o 'summary: [0-9]* pages' "crawl$1.err" | grep -o '[0-9]*')
      top_statements "$1" "$pages" >"stmts$1.txt"
      echo "$pages $((pg1 - pg0)) $(psql -X -qtA -F ' ' -c "SELECT
          round((sum(total_exec_time) / sum(calls))::numeric, 3),
          round((sum(shared_blks_hit + shared_blks_read) / sum(calls))::numeric, 1)
          FROM pg_stat_statements WHERE query LIKE '%FOR UPDATE OF h SKIP LOCKED%'
          UNION ALL SELECT round((sum(total_exec_time) / sum(calls))::numeric, 3),
          round((sum(shared_blks_hit + shared_blks_read) / sum(calls))::numeric, 1)
          FROM pg_stat_statements WHERE query LIKE '%INSERT INTO crawl.fetch_log%'" | tr '\n' ' ') \
          $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$t1")"
    }
    # the statements that cost the most on a night (pg_stat_statements, with
    # the triggers' and functions' own statements: track=all), per crawled page
    av_counts() {
      psql -X -qtA -F ' ' -c "SELECT relname, autovacuum_count, autoanalyze_count FROM pg_stat_user_tables
          WHERE schemaname = 'crawl' ORDER BY relname" | LC_ALL=C sort
    }
    top_statements() {
      echo "night $1: top statements by total exec time (ms/page = total / $2 pages; blks = hit+read per call)"
      psql -X -qtA -F ' | ' -c "SELECT lpad(calls::text, 8), lpad(round(total_exec_time::numeric, 0)::text, 7) || ' ms',
          lpad(round((total_exec_time / ${2:-1})::numeric, 4)::text, 7) || ' ms/page',
          lpad(round(mean_exec_time::numeric, 3)::text, 8) || ' ms/call',
          lpad(round(((shared_blks_hit + shared_blks_read)::numeric / greatest(calls, 1)), 1)::text, 8) || ' blks',
          lpad(round((rows::numeric / greatest(calls, 1)), 1)::text, 7) || ' rows',
          left(regexp_replace(query, '\s+', ' ', 'g'), 110)
          FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time DESC LIMIT ${BENCH_HISTORY_TOP:-12}"
      echo "night $1: autovacuum (v) and autoanalyze (a) runs of crawl tables during the crawl:" \
        "$(join -a 2 "av$1.before" <(av_counts) | awk 'NF == 5 && ($4 > $2 || $5 > $3) { printf " %s v%d a%d", $1, $4 - $2, $5 - $3 }
                                                   NF == 3 && ($2 + $3) > 0 { printf " %s v%d a%d", $1, $2, $3 }')"
    }
    read -r p1 c1 claim1 cb1 compl1 ob1 s1 < <(night 1)
    last=$(psql -X -qtA -c "SELECT max(id) FROM crawl.frontier")
    # night 1's pages due again (the next night's recrawl of the same work)
    due_again() {
      psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -c "UPDATE crawl.frontier SET state = 'queued', due_at = now(), attempts = 0
        WHERE id <= $last AND fetches > 0"
    }
    due_again
    read -r p2 c2 claim2 cb2 compl2 ob2 s2 < <(night 2)
    # nights 3 .. N-1 as they leave the frontier
    psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -c "
      INSERT INTO crawl.frontier (url, method, post_body, host, source, kind, target_key, depth, state, due_at, fetches,
                                  last_status, last_fetched_at)
      SELECT f.url || CASE WHEN strpos(f.url, '?') > 0 THEN '&' ELSE '?' END || 'night=' || d, f.method, f.post_body, f.host,
             f.source, f.kind, f.target_key, f.depth, CASE WHEN f.id % 2 = 0 THEN 'queued' ELSE 'done' END,
             now() + make_interval(days => d), 1, 200, now() - make_interval(days => $n - d)
        FROM crawl.frontier f, generate_series(3, $n - 1) d WHERE f.fetches > 0 AND f.id <= $last"
    later=$(psql -X -qtA -c "SELECT count(*) FROM crawl.queue_later WHERE due_at > now()")
    rows=$(psql -X -qtA -c "SELECT count(*) FROM crawl.frontier")
    due_again
    read -r pn cn claimn cbn compln obn sn < <(night "$n")
    python3 - "$n" "$rows" "$later" "$(getconf CLK_TCK)" "$p1" "$c1" "$claim1" "$cb1" "$compl1" "$ob1" "$s1" \
      "$p2" "$c2" "$claim2" "$cb2" "$compl2" "$ob2" "$s2" "$pn" "$cn" "$claimn" "$cbn" "$compln" "$obn" "$sn" <<'PY'
import sys
n, rows, later, hz = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
nights = [list(map(float, sys.argv[i:i + 7])) for i in (5, 12, 19)]
(p1, c1, cl1, cb1, co1, ob1, s1), (p2, c2, cl2, cb2, co2, ob2, s2), (pn, cn, cln, cbn, con, obn, sn) = nights
cpu = [c * 1000 / hz / p for p, c, *_ in nights]
print(f"frontier: night 1 {p1:,.0f} pages in {s1:.0f} s (a fresh frontier: every link new); night 2 {p2:,.0f} pages in"
      f" {s2:.0f} s and night {n} {pn:,.0f} pages in {sn:.0f} s (night 1's pages again), the frontier then holding {rows:,} rows"
      f" of which {later:,} queued for later nights")
print(f"claim latency (mean exec): night 1 {cl1:.3f} ms, night 2 {cl2:.3f} ms, night {n} {cln:.3f} ms;"
      f" ratio night {n}/1 {cln / cl1:.2f}, night {n}/2 {cln / cl2:.2f}  (target <= 1.10);"
      f" buffers per claim {cb1:.0f}, {cb2:.0f}, {cbn:.0f}")
print(f"completion (mean exec): night 1 {co1:.3f} ms, night 2 {co2:.3f} ms, night {n} {con:.3f} ms;"
      f" buffers per completion {ob1:.0f}, {ob2:.0f}, {obn:.0f}")
print(f"PostgreSQL CPU per crawled page: night 1 {cpu[0]:.3f} ms, night 2 {cpu[1]:.3f} ms, night {n} {cpu[2]:.3f} ms;"
      f" ratio night {n}/1 {cpu[2] / cpu[0]:.2f}, night {n}/2 {cpu[2] / cpu[1]:.2f}  (target <= 1.10)")
PY
    cat stmts2.txt "stmts$n.txt"
  )
}
if [[ $PARTS != *" obs "* ]]; then
  [[ $PARTS == *" frontier "* ]] && frontier_history "$N"
  exit 0
fi
[ "$N" -ge 39 ] || { echo "history: N must be at least 39 (October 2014 settles on night 38)" >&2; exit 64; }
"$B/loader" -q migrate
psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/bench/registry.sql"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
-- One night of generated observations, fetched on day d (1 = 2014-10-01).
CREATE FUNCTION bench_night(d integer, with_weibo_account boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz := timestamptz '2014-10-01T02:00:00Z' + (d - 1) * interval '1 day';
BEGIN
  PERFORM meta.obs_ensure_partitions(t::date, t::date);
  INSERT INTO obs.wechat_article (biz, mid, idx, title, published_at, status, warc_file, warc_offset, url, fetched_at)
  SELECT 'b' || (1 + (i::bigint * 7919) % 16446), i, 1 + i % 3, 't', t - interval '20 hours' + (i % 1275) * interval '1 minute',
         'ok', 'n' || d, i, 'u', t
    FROM generate_series((d - 1) * 1275 + 1, d * 1275) i;
  INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, like_num, status, warc_file, warc_offset, url, fetched_at)
  SELECT 'b' || (1 + (i::bigint * 7919) % 16446), i, 1 + i % 3, 'appmsgext', (i * 37 + d * 11) % 100000, (i + d) % 300,
         'ok', 'n' || d, 1000000 + i, 'u', t + interval '1 hour'
    FROM generate_series(greatest(1, (d - 7) * 1275 + 1), d * 1275) i;
  INSERT INTO obs.weibo_post (account, post_id, posted_at, kind, reposts, comments, mentions, warc_file, warc_offset, url, fetched_at)
  SELECT 'w' || (1 + (i::bigint * 7919) % 186697), 'p' || i, t - interval '20 hours',
         (ARRAY['original','repost','reply','original'])[1 + i % 4], i % 100, i % 50, i % 3, 'n' || d, 2000000 + i, 'u', t
    FROM generate_series((d - 1) * 18700 + 1, d * 18700) i;
  INSERT INTO obs.app_listing (store, listing_id, downloads, status, warc_file, warc_offset, url, fetched_at)
  SELECT s, 'a' || i, i * 1000 + d, 'ok', 'n' || d, 3000000 + i, 'u', t
    FROM generate_series(1, 377) i, unnest(ARRAY['360','baidu','wandoujia']) s;
  IF with_weibo_account THEN
    INSERT INTO obs.weibo_account (account, followers, status, warc_file, warc_offset, url, fetched_at)
    SELECT 'w' || i, i * 3 + d, 'ok', 'n' || d, 4000000 + i, 'u', t FROM generate_series(1, 186697) i;
  END IF;
END $$;
SQL

# Loads one night's obs.weibo_account through the loader and the same file
# through psql \copy into a partitioned table with the same key; prints the two
# rates.
load_night() {
  local d=$1 f=night$1.weibo_account.tsv
  psql -X -q -v ON_ERROR_STOP=1 -v d="$d" <<'SQL'
\set t '(timestamptz ''2014-10-01T02:00:00Z'' + (' :d ' - 1) * interval ''1 day'')'
CREATE TEMP VIEW nv AS SELECT 'w' || i AS account, NULL::text AS nick, i * 3 + :d AS followers, NULL::bigint AS following,
       NULL::bigint AS posts, 'ok' AS status, 'n' || :d AS warc_file, 4000000 + i AS warc_offset, 'u' AS url,
       to_char(:t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS fetched_at FROM generate_series(1, 186697) i;
\copy (SELECT * FROM nv) TO 'night.tsv'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_ref;
CREATE TABLE bench_ref (LIKE obs.weibo_account INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (fetched_at);
ALTER TABLE bench_ref ADD PRIMARY KEY (account, fetched_at);
CREATE TABLE bench_ref_m PARTITION OF bench_ref FOR VALUES FROM ('2014-01-01') TO ('2020-01-01');
-- The reference starts as full as the partition the night goes into.
INSERT INTO bench_ref SELECT * FROM obs.weibo_account
 WHERE fetched_at >= date_trunc('month', :t, 'UTC') AND fetched_at < date_trunc('month', :t, 'UTC') + interval '1 month';
VACUUM ANALYZE bench_ref;
SQL
  { printf 'account\tnick\tfollowers\tfollowing\tposts\tstatus\twarc_file\twarc_offset\turl\tfetched_at\n'; cat night.tsv; } >"$f"
  local t0 t1 t2 t3
  # Each from the same footing, as bench/loader.sh does: both tables vacuumed (the
  # nights just generated leave obs.weibo_account to autovacuum, which otherwise
  # runs during whichever load comes first), then a checkpoint.
  settle() { psql -X -q -c "VACUUM (ANALYZE) obs.weibo_account, bench_ref" -c "CHECKPOINT" >/dev/null; sleep 1; }
  settle
  t0=$(now)
  psql -X -q -c "\\copy bench_ref (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) FROM 'night.tsv'"
  t1=$(now)
  settle
  t2=$(now)
  "$B/loader" -q load "$f"
  t3=$(now)
  python3 -c "import sys; t0,t1,t2,t3=map(float,sys.argv[1:]); n=186697; print(f'{n/(t1-t0):.0f} {n/(t3-t2):.0f}')" "$t0" "$t1" "$t2" "$t3"
}
score_october() {
  local t0 t1
  "$B/scorer" run --force --period 2014-10 >/dev/null 2>&1
  t0=$(now)
  "$B/scorer" run --force --period 2014-10 >/dev/null 2>&1
  t1=$(now)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$t1"
}

gen() { # FROM TO: nights FROM..TO, every table generated in SQL
  psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -c "SELECT bench_night(d, true) FROM generate_series($1, $2) d"
}
t_start=$(now)
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -c "SELECT bench_night(1, false)"
read -r copy1 load1 < <(load_night 1)
gen 2 38
psql -X -q -o /dev/null -c "VACUUM ANALYZE"
score1=$(score_october)
gen 39 $((N - 1))
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -c "SELECT bench_night($N, false)"
read -r copyn loadn < <(load_night "$N")
psql -X -q -o /dev/null -c "VACUUM ANALYZE"
scoren=$(score_october)
rows=$(psql -X -qtA -c "SELECT (SELECT count(*) FROM obs.wechat_article) + (SELECT count(*) FROM obs.wechat_stat)
  + (SELECT count(*) FROM obs.weibo_post) + (SELECT count(*) FROM obs.weibo_account) + (SELECT count(*) FROM obs.app_listing)")
parts=$(psql -X -qtA -c "SELECT count(*) FROM meta.obs_partition WHERE parent = 'obs.weibo_account'")
python3 - "$N" "$rows" "$parts" "$copy1" "$load1" "$copyn" "$loadn" "$score1" "$scoren" "$t_start" "$(now)" <<'PY'
import sys
n, rows, parts = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
c1, l1, cn, ln = map(float, sys.argv[4:8])
s1, sn, ts, te = map(float, sys.argv[8:12])
print(f"history: {n} nights, {rows:,} obs rows, {parts} monthly partitions per table (built in {te - ts:.0f} s)")
print(f"loader (one night of obs.weibo_account, 186,697 rows): night 1 {l1:10,.0f} rows/s = {l1 / c1:.2f}x \\copy ({c1:,.0f} rows/s)"
      f"; night {n} {ln:10,.0f} rows/s = {ln / cn:.2f}x \\copy ({cn:,.0f} rows/s)  (target >= 0.9x)")
print(f"scorer, October 2014: after night 38 {s1:.2f} s, after night {n} {sn:.2f} s, ratio {sn / s1:.2f}  (target <= 1.5, < 3 s)")
PY
[[ $PARTS == *" frontier "* ]] && frontier_history "$N"
exit 0
