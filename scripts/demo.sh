#!/usr/bin/env bash
# make demo: build, start the embedded PostgreSQL and the simulated web, run the
# nightly pipeline once on a small universe that holds every account and app the
# 2014 report names, and print the top of the rankings.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export GOVREACH_SHARE=$top
unset PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR
make -s -j2 all
demo=$top/var/demo
rm -rf "$demo"
mkdir -p "$demo"
base=$(scripts/pgembed.sh start | sed 's/ dbname=.*//')
# A fresh database for each demo, so every run crawls the whole universe.
psql "$base dbname=postgres" -X -q -c "DROP DATABASE IF EXISTS govreach_demo" -c "CREATE DATABASE govreach_demo"
conn="$base dbname=govreach_demo"

# The simulated web, on a free loopback port, for this run only.
bin/simweb --seed 2014 --scale small --emit-targets "$demo/targets" --truth "$demo/truth" >/dev/null
bin/simweb --seed 2014 --scale small --listen 127.0.0.1:0 --port-file "$demo/port" --gzip \
  --log "$demo/simweb.log" 2>"$demo/simweb.err" &
simweb=$!
trap 'kill $simweb 2>/dev/null; wait $simweb 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
port=$(cat "$demo/port")

cat >"$demo/govreach.conf" <<CONF
[db]
conninfo = $conn
[crawler]
connect_to = 127.0.0.1:$port
delay_ms = 0
; take a first stats snapshot at once, then the default +1 and +7 days
stats_schedule = 0,86400,604800
[nightly]
targets = $demo/targets
spool = $demo/spool
crawl_budget = 600
log_file = $demo/nightly.log
CONF

echo "== govreach nightly (simulated web on 127.0.0.1:$port)"
rc=0
bin/govreach --config "$demo/govreach.conf" nightly || rc=$?
[ $rc -le 1 ] || { echo "demo: the nightly run failed (exit $rc); see $demo/nightly.log" >&2; exit $rc; }

show() { echo; echo "== $1"; psql "$conn" -X -P pager=off -c "$2"; }
show "表1.2 central bodies, combined index (0.6·WCI + 0.4·BCI), top 5" "SELECT * FROM report.t1_2_central_combined ORDER BY rank LIMIT 5"
show "表1.3 local governments, combined index, top 5" "SELECT * FROM report.t1_3_local_combined ORDER BY rank LIMIT 5"
show "表2.1 central WeChat accounts, WCI, top 5" "SELECT * FROM report.t2_1_central_wechat ORDER BY rank LIMIT 5"
show "表2.2 local WeChat accounts, WCI, top 5" "SELECT * FROM report.t2_2_local_wechat ORDER BY rank LIMIT 5"
show "表3.1 central Tencent Weibo accounts, BCI, top 5" "SELECT * FROM report.t3_1_central_weibo ORDER BY rank LIMIT 5"
show "表3.2 local Tencent Weibo accounts, BCI, top 5" "SELECT * FROM report.t3_2_local_weibo ORDER BY rank LIMIT 5"
show "表4.1 apps by downloads, top 3 per store" "SELECT * FROM report.t4_1_app_store_top10 WHERE rank <= 3 ORDER BY store, rank"
echo
echo "Open the database:   psql \"$conn\""
echo "Stop the database:   make db-stop"
