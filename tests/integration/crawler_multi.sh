#!/usr/bin/env bash
# Issue 4, "must show": three crawler processes on one frontier and one WARC
# directory. Everything is fetched, nothing twice, and per-host politeness
# (delay, in-flight limit) still holds across the processes.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb --gzip --threads 4

cat >crawler.conf <<'CONF'
[crawler]
delay_ms = 15
stats_schedule = 0
idle_exit_seconds = 2
poll_ms = 20

[host:mp.weixin.qq.com]
delay_ms = 0
max_inflight = 2
CONF
for i in 1 2 3; do
  "$B/crawler" --config crawler.conf --out warc --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" --concurrency 8 2>crawler$i.log &
  CR_PIDS="$CR_PIDS $!"
done
rcs=
for p in $CR_PIDS; do wait "$p"; rcs="$rcs$?"; done
CR_PIDS=
t_eq "three crawlers exit 0" 000 "$rcs"

norm_urls <truth/urls.txt >want.txt
fetched_urls >got.txt
t_eq "everything fetched" "" "$(comm -3 want.txt got.txt | head -5)"
t_eq "no URL completed twice" 0 "$(q "SELECT count(*) FROM (SELECT frontier_id FROM crawl.fetch_log WHERE outcome = 'done' GROUP BY 1 HAVING count(*) > 1) x")"
t_eq "no request sent twice" "$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome <> 'blocked'")" "$(wc -l <sw.log)"
t_eq "three runs recorded, each did work" "3 3" "$(q "SELECT count(*) || ' ' || count(*) FILTER (WHERE pages > 0 AND status = 'ok') FROM crawl.run")"
out=$(python3 "$HERE/crawler_check.py" sw.log --default-delay 15 --delay mp.weixin.qq.com=0 --inflight mp.weixin.qq.com=2)
t_match "politeness held across processes" '^ok [0-9]+ requests$' "$out"
inflight_sql="SELECT a.host || ' ' || (SELECT count(*) FROM crawl.fetch_log b WHERE b.host = a.host
  AND b.started_at <= a.started_at AND b.finished_at > a.started_at) FROM crawl.fetch_log a"
t_eq "crawler side: at most 2 in flight to mp.weixin.qq.com" 1 "$(q "$inflight_sql" | awk '$1 == "mp.weixin.qq.com" && $2 > m {m = $2} END {print (m <= 2) ? 1 : 0}')"
t_eq "crawler side: at most 1 in flight to other hosts" 1 "$(q "$inflight_sql" | awk '$1 != "mp.weixin.qq.com" && $2 > m {m = $2} END {print m}')"
t_eq "hosts left with no lease" 0 "$(q "SELECT sum(inflight) FROM crawl.host")"
t_eq "WARC files of all three closed" "$(ls warc | grep -c 'warc.gz$')" "$(q "SELECT count(*) FROM crawl.warc_file WHERE closed_at IS NOT NULL")"
t_eq "one response record per fetch" "$(q "SELECT count(*) FROM crawl.fetch_log WHERE warc_file IS NOT NULL")" "$(zcat warc/*.warc.gz | grep -ac '^WARC-Type: response')"
