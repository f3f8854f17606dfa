#!/usr/bin/env bash
# Issue 4, "must show": politeness read from simweb's own request log. No host
# gets requests faster than its delay (default, per-host override, robots.txt
# Crawl-delay) or more at once than its in-flight limit; 429/503 Retry-After
# holds the host; robots.txt groups for our agent win over "*"; Disallowed
# paths are never requested; the crawl still completes.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb \
  --robots 'zhushou.360.cn=User-agent: *\nCrawl-delay: 0.2' \
  --robots 'sj.qq.com=User-agent: *\nDisallow: /\n\nUser-agent: govreach\nDisallow: /myapp/detail.htm?apkName=cn.' \
  --fault kind=429,host=open.t.qq.com,share=0.04,retry_after=1 \
  --fault kind=503,host=itunes.apple.com,share=0.2,retry_after=1

cat >crawler.conf <<'CONF'
[crawler]
delay_ms = 25
backoff_base_ms = 200
stats_schedule = 0
idle_exit_seconds = 2
poll_ms = 20

[host:mp.weixin.qq.com]
delay_ms = 0
max_inflight = 3

[host:open.t.qq.com]
delay_ms = 40
CONF
"$B/crawler" --config crawler.conf --out warc --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" --concurrency 32 2>crawler.log
t_eq "crawler exits 0" 0 $?

out=$(python3 "$HERE/crawler_check.py" sw.log --default-delay 25 --delay mp.weixin.qq.com=0 \
      --delay open.t.qq.com=40 --delay zhushou.360.cn=200 --inflight mp.weixin.qq.com=3 \
      --retry-after 1000 --forbid '^sj\.qq\.com/myapp/detail\.htm\?apkName=cn\.')
t_match "delays, in-flight limits, Retry-After and Disallow held" '^ok [0-9]+ requests$' "$out"
inflight_sql="SELECT a.host || ' ' || (SELECT count(*) FROM crawl.fetch_log b WHERE b.host = a.host
  AND b.outcome <> 'blocked' AND b.started_at <= a.started_at AND b.finished_at > a.started_at)
  FROM crawl.fetch_log a WHERE a.outcome <> 'blocked'"
t_eq "crawler side: at most 3 in flight to mp.weixin.qq.com, and 3 reached" 3 "$(q "$inflight_sql" | awk '$1 == "mp.weixin.qq.com" && $2 > m {m = $2} END {print m}')"
t_eq "crawler side: at most 1 in flight to every other host" 1 "$(q "$inflight_sql" | awk '$1 != "mp.weixin.qq.com" && $2 > m {m = $2} END {print m}')"
t_eq "429s were served" 1 "$([ "$(awk -F'\t' '$6 == 429' sw.log | wc -l)" -gt 0 ] && echo 1)"
t_eq "503s were served" 1 "$([ "$(awk -F'\t' '$6 == 503' sw.log | wc -l)" -gt 0 ] && echo 1)"
t_eq "Crawl-delay stored for the host" 200 "$(q "SELECT crawl_delay_ms FROM crawl.host WHERE host = 'zhushou.360.cn'")"
nblock=$(grep -c '^GET http://sj.qq.com/myapp/detail.htm?apkName=cn\.' truth/urls.txt)
t_eq "our robots group applied (not *)" "$nblock" "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'blocked'")"
norm_urls <truth/urls.txt | grep -v '^GET http://sj.qq.com/myapp/detail.htm?apkName=cn\.' >want.txt
fetched_urls >got.txt
t_eq "the crawl completed despite 429/503" "" "$(comm -3 want.txt got.txt | head -5)"
t_eq "retries logged" 1 "$([ "$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome = 'retry' AND error LIKE 'HTTP 4%Retry-After%'")" -gt 0 ] && echo 1)"
t_eq "hosts left with no lease" 0 "$(q "SELECT sum(inflight) FROM crawl.host")"
