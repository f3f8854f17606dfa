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
scripts/pgembed.sh start >/dev/null
conn=$(scripts/pgembed.sh conninfo)

# The simulated web, on a free loopback port, for this run only.
bin/simweb --seed 2014 --scale small --emit-targets "$demo/targets" --truth "$demo/truth" >/dev/null
bin/simweb --seed 2014 --scale small --listen 127.0.0.1:0 --port-file "$demo/port" --gzip \
  --log "$demo/simweb.log" 2>"$demo/simweb.err" &
simweb=$!
trap 'kill $simweb 2>/dev/null; wait $simweb 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
port=$(cat "$demo/port")

cat >"$demo/govreach.conf" <<CONF
[crawler]
connect_to = 127.0.0.1:$port
delay_ms = 0
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
show "Combined index (表1.2/1.3), top 10" "SELECT * FROM report.combined LIMIT 10"
show "WeChat index WCI (表2.1/2.2), top 10" "SELECT * FROM report.wci LIMIT 10"
show "Tencent Weibo index BCI (表3.1/3.2), top 10" "SELECT * FROM report.bci LIMIT 10"
show "Apps by downloads per store (表4.1), top 3 per store" "SELECT * FROM report.app_top WHERE rank <= 3"
echo
echo "Open the database:   psql \"$conn\""
echo "Stop the database:   make db-stop"
