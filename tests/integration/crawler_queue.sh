#!/usr/bin/env bash
# tests/run: alone (it measures HOT updates and buffers per claim, which concurrent load perturbs)
# Issue 17, the frontier (schema/022_frontier_queue.sql): a claim reads no row
# due later, whatever their number, and the frontier's claim and completion
# updates are HOT.
#  1. The same due work (300 URLs on 3 hosts) crawled twice, the second time
#     with 30,000 rows on the same hosts due tomorrow: every claim statement's
#     plan (auto_explain, EXPLAIN ANALYZE BUFFERS of each claim the crawler
#     runs) reads as many crawl.queue rows and as many buffers either way.
#  2. After a crawl, pg_stat_user_tables: the frontier's updates were HOT.
#  3. The crawler's idle check (what is pending) reads none of the 30,000 rows
#     due later (schema/023_frontier_flat.sql), and crawl.queue_promote()'s
#     statement is never compiled by JIT, however high its estimate.
# The conversion of an existing frontier is crawler_queue_migrate.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

python3 "$HERE/crawler_server.py" srv.port srv.log &
SW_PID=$!
for _ in $(seq 100); do [ -s srv.port ] && break; sleep 0.1; done
PORT=$(cat srv.port)
t_ok "loader migrate" "$B/loader" -q migrate
# the crawler's sessions plan with auto_explain (options of its connections):
# its claims come back to it as warnings (on its stderr) with their plans
EXPLAIN_OPTS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0
 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=off
 -c auto_explain.log_format=json -c auto_explain.log_level=warning"

CT=(--connect-to "127.0.0.1:$PORT" --set crawler.delay_ms=0 --set crawler.idle_exit_seconds=1 --set crawler.poll_ms=20
    --set crawler.max_inflight_per_host=4 --concurrency 8)
seed() { # $1: rows due tomorrow on the same hosts
  q "TRUNCATE crawl.frontier, crawl.host, crawl.fetch_log, crawl.warc_file, crawl.run;
     INSERT INTO crawl.frontier (url, host, source, kind) SELECT 'http://' || h || '.test/page/' || i, h || '.test', 'test', 'page'
       FROM unnest(ARRAY['a', 'b', 'c']) h, generate_series(1, 100) i;
     INSERT INTO crawl.frontier (url, host, source, kind, due_at)
     SELECT 'http://' || h || '.test/later/' || i, h || '.test', 'test', 'page', now() + interval '1 day'
       FROM unnest(ARRAY['a', 'b', 'c']) h, generate_series(1, $1 / 3) i;
     ANALYZE crawl.frontier; ANALYZE crawl.queue" >/dev/null
}
# per claim statement: crawl.queue rows its plan read (returned or filtered
# out) and the shared buffers it touched; then the max and median of both, and
# the most crawl.frontier rows a claim read beyond those it leased. The buffers
# by the number of queue rows read go to FILE.byrows (JSON) for the comparison.
claims() {
  PYTHONPATH="$HERE" python3 - "$1" <<'PY'
import collections, json, statistics, sys
from autoexplain import plans, rows_read
rows, bufs, extra = [], [], 0
byrows = collections.defaultdict(list)
for doc in plans(sys.argv[1]):
    if "SKIP LOCKED" not in doc.get("Query Text", ""):
        continue
    p = doc["Plan"]
    rows.append(rows_read(p, "queue"))
    bufs.append(p.get("Shared Hit Blocks", 0) + p.get("Shared Read Blocks", 0))
    byrows[rows[-1]].append(bufs[-1])
    extra = max(extra, rows_read(p, "frontier", scans_only=True) - p.get("Actual Rows", 0))
json.dump(byrows, open(sys.argv[1] + ".byrows", "w"))
if not rows:
    print("0 0 0 0 0 0")
else:
    print(len(rows), max(rows), statistics.median(rows), max(bufs), statistics.median(bufs), extra)
PY
}

# 1. the claim's cost without and with 30,000 rows due later
seed 0
PGOPTIONS=$EXPLAIN_OPTS "$B/crawler" --out wa "${CT[@]}" 2>a.log
t_eq "no rows due later: crawl exits 0" 0 $?
t_eq "no rows due later: every URL fetched" 300 "$(q "SELECT count(*) FROM crawl.frontier WHERE fetches = 1 AND kind = 'page'")"
read -r na rmax_a rmean_a bmax_a bmean_a xa <<<"$(claims a.log)"
# 2. the frontier's updates (claims, completions, leases) were HOT: the
# statistics of the crawler's sessions are flushed when they end
upd=$(q "SELECT n_tup_upd || ' ' || n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'crawl.frontier'::regclass")
echo "crawl.frontier: updates and HOT updates after the crawl: $upd"
t_eq "the frontier's rows were updated (claim and completion each)" 1 "$([ "${upd% *}" -ge 600 ] && echo 1)"
t_eq "the frontier's updates were HOT ($upd)" 1 "$([ "${upd#* }" -ge $(( ${upd% *} * 95 / 100 )) ] && echo 1)"

seed 30000
PGOPTIONS=$EXPLAIN_OPTS "$B/crawler" --out wb "${CT[@]}" 2>b.log
t_eq "30,000 rows due later: crawl exits 0" 0 $?
t_eq "30,000 rows due later: every due URL fetched, none due later" "300 0" \
  "$(q "SELECT count(*) FILTER (WHERE fetches = 1 AND url LIKE '%/page/%') || ' ' || count(*) FILTER (WHERE fetches > 0 AND url LIKE '%/later/%') FROM crawl.frontier")"
read -r nb rmax_b rmean_b bmax_b bmean_b xb <<<"$(claims b.log)"
echo "claims without rows due later: $na, queue rows read per claim max $rmax_a median $rmean_a, buffers max $bmax_a median $bmean_a"
echo "claims with 30,000 due later:  $nb, queue rows read per claim max $rmax_b median $rmean_b, buffers max $bmax_b median $bmean_b"
t_eq "the claims' plans were seen ($na, $nb)" 1 "$([ "$na" -ge 3 ] && [ "$nb" -ge 3 ] && echo 1)"
# the bound a claim has: its hosts' ready rows up to their in-flight room
# (3 hosts x (4 + 1)), however many rows are due later
t_eq "a claim reads at most its hosts' due rows ($rmax_a, $rmax_b)" 1 "$([ "$rmax_a" -le 15 ] && [ "$rmax_b" -le 15 ] && echo 1)"
# and of crawl.frontier only the rows it leases, one primary-key probe each
# (a merge join of the picked ids walked frontier_pkey from its first row)
t_eq "a claim reads no frontier row it does not lease (most beyond: $xa, $xb)" "0 0" "$xa $xb"
# Buffers grow with the rows a claim reads (how many it reads depends on timing,
# so the medians of two runs differ with the mix): claims that read the same
# number of queue rows are compared, for every such number both runs saw often.
# The slack (twice and 10 buffers) absorbs the dead row versions and index
# entries of rows just leased or completed (crawl.host's three rows are rewritten
# on every claim and completion) that a claim steps over until they are pruned:
# how many depends on timing and on the machine's load (9 against 4.5, 46 against
# 23.5 seen in CI, the suite running in parallel); reading the 30,000 rows due
# later would be hundreds of buffers on every claim.
same=$(python3 - a.log.byrows b.log.byrows <<'PY'
import json, statistics, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
common = [r for r in sorted(a, key=int) if len(a[r]) >= 5 and len(b.get(r, [])) >= 5]
worse = [f"{r} rows: {statistics.median(a[r])} vs {statistics.median(b[r])}" for r in common
         if statistics.median(b[r]) > statistics.median(a[r]) * 2 + 10]
print(len(common), "; ".join(worse) or "none worse")
PY
)
echo "claims compared by rows read (row counts seen often in both runs, those worse): $same"
t_eq "rows due later cost a claim no buffers (claims reading as many rows: ${same#* })" "none worse" \
  "$([ "${same%% *}" -ge 1 ] && echo "${same#* }")"
t_eq "the rows due later still wait in crawl.queue_later" "30000 0" \
  "$(q "SELECT (SELECT count(*) FROM crawl.queue_later WHERE NOT robots) || ' ' || (SELECT count(*) FROM crawl.queue WHERE state = 'queued' AND NOT robots)")"

# 3. the idle check's plans (the statement counting what is pending): the
# crawl.queue_later rows they read, returned or filtered out
idle=$(PYTHONPATH="$HERE" python3 - b.log <<'PY'
import sys
from autoexplain import plans, rows_read
n = worst = 0
for doc in plans(sys.argv[1]):
    if "x.rb" not in doc.get("Query Text", ""):
        continue
    n += 1
    worst = max(worst, rows_read(doc["Plan"], "queue_later"))
print(n, worst)
PY
)
echo "idle checks seen, most crawl.queue_later rows one read: $idle"
t_eq "the idle check was seen" 1 "$([ "${idle% *}" -ge 1 ] && echo 1)"
t_eq "the idle check reads no row due later (of 30,000)" 0 "${idle#* }"
# the promotion with JIT wanted for every statement (jit_above_cost = 0): its
# own statement (nested, in the function) is planned without it
q "INSERT INTO crawl.frontier (url, host, source, kind, due_at) VALUES ('http://a.test/due/1', 'a.test', 'test', 'page', now() + interval '1 second')" >/dev/null
sleep 1.5
PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_nested_statements=on
 -c auto_explain.log_format=json -c auto_explain.log_level=warning -c jit_above_cost=0" \
  psql -X -qtA -c "SELECT crawl.queue_promote()" >promote.out 2>promote.log
t_eq "the promotion moved the row that came due" 1 "$(cat promote.out)"
jit=$(PYTHONPATH="$HERE" python3 - promote.log <<'PY'
import sys
from autoexplain import plans
inner = outer = 0
for doc in plans(sys.argv[1]):
    qt = doc.get("Query Text", "")
    if "crawl.queue_later" in qt and "FOR UPDATE" in qt:
        inner += 1 if "JIT" not in doc else 1000
    elif "queue_promote" in qt:
        outer += 1 if "JIT" in doc else 0
print(inner, outer)
PY
)
echo "promotion plans: inner (1 = seen without JIT), outer with JIT: $jit"
t_eq "the promotion's statement is planned without JIT" 1 "${jit% *}"
if [ "$(q "SELECT pg_jit_available()")" = t ]; then
  t_eq "JIT is in use for the session's own statement (the check can fail)" 1 "${jit#* }"
fi
