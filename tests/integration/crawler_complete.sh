#!/usr/bin/env bash
# Issue 4, "must show": a small simulated universe crawled completely from the
# frontier `loader targets` seeds: every URL of simweb's truth fetched once,
# robots.txt Disallow honoured, WeChat credentials sent only to their host and
# never stored, WARC files closed, indexed by warcio, bodies as served.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb --gzip --robots 'itunes.apple.com=User-agent: *\nDisallow: /lookup'

export GOVREACH_WECHAT_COOKIE='wxuin=SECRETCOOKIE1' GOVREACH_WECHAT_KEY=SECRETKEY2 GOVREACH_WECHAT_APPMSG_TOKEN=SECRETTOKEN3
"$B/crawler" --out warc --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 16 2>crawler.log
t_eq "crawler exits 0" 0 $?

norm_urls <truth/urls.txt | grep -v '^GET http://itunes.apple.com/lookup' >want.txt
fetched_urls >got.txt
t_eq "truth has URLs" 1 "$([ "$(wc -l <want.txt)" -gt 500 ] && echo 1)"
t_eq "every truth URL fetched, nothing else" "" "$(comm -3 want.txt got.txt | head -5)"
t_eq "mp.weixin.qq.com crawled over https only, with the test CA verified" "0 true" "$(q "SELECT count(*) FILTER (WHERE url NOT LIKE 'https://%') || ' ' || (count(*) > 500) FROM crawl.frontier WHERE host = 'mp.weixin.qq.com'")"
t_eq "the credentials were sent (over https: wechat.https_only is on)" 1 "$([ "$(grep -c 'key=SECRETKEY2' sw.log)" -gt 0 ] && echo 1)"
t_eq "no URL completed twice" 0 "$(q "SELECT count(*) FROM (SELECT frontier_id FROM crawl.fetch_log WHERE outcome = 'done' GROUP BY 1 HAVING count(*) > 1) x")"
t_eq "server saw exactly the attempts logged" "$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome <> 'blocked'")" "$(wc -l <sw.log)"
nblock=$(grep -c '^GET http://itunes.apple.com/lookup' truth/urls.txt)
t_eq "disallowed URLs recorded as blocked" "$nblock" "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'blocked' AND url LIKE 'http://itunes.apple.com/lookup%'")"
t_eq "disallowed URLs never requested" 0 "$(awk -F'\t' '$3 == "itunes.apple.com" && $5 ~ /^\/lookup/' sw.log | wc -l)"
t_eq "robots.txt fetched once per host" "$(cut -f3 sw.log | sort -u | wc -l)" "$(awk -F'\t' '$5 == "/robots.txt"' sw.log | wc -l)"
t_eq "run row complete" "ok t" "$(q "SELECT status || ' ' || CASE WHEN pages = (SELECT count(*) FROM crawl.fetch_log WHERE outcome = 'done') THEN 't' END FROM crawl.run")"
t_eq "no WARC left open" 0 "$(ls warc | grep -c '\.open$')"
t_eq "WARC files recorded closed" "$(ls warc | wc -l)" "$(q "SELECT count(*) FROM crawl.warc_file WHERE closed_at IS NOT NULL")"
t_eq "every response has a WARC position" 0 "$(q "SELECT count(*) FROM crawl.fetch_log WHERE status IS NOT NULL AND warc_file IS NULL")"

# credentials: sent to mp.weixin.qq.com only, stored nowhere
t_eq "key sent to the stats endpoint" 1 "$([ "$(grep -c 'SECRETKEY2' sw.log)" -gt 0 ] && echo 1)"
t_eq "credentials sent to no other host" 0 "$(grep 'SECRET' sw.log | awk -F'\t' '$3 != "mp.weixin.qq.com"' | wc -l)"
t_eq "credentials not in the WARC" 0 "$(zcat warc/*.warc.gz | grep -ac 'SECRET')"
t_eq "credentials not in the log" 0 "$(grep -c 'SECRET' crawler.log)"
t_eq "credentials not in the database" 0 "$(q "SELECT count(*) FROM crawl.fetch_log WHERE concat(url, error, redirect_to) LIKE '%SECRET%'")"
t_eq "redaction stated in WARC metadata" 1 "$([ "$(zcat warc/*.warc.gz | grep -ac '^govreach-redacted: ')" -gt 0 ] && echo 1)"
t_eq "redacted request records" 1 "$([ "$(zcat warc/*.warc.gz | grep -ac 'key=REDACTED&appmsg_token=REDACTED')" -gt 0 ] && echo 1)"
t_eq "metadata names the frontier row" 1 "$([ "$(zcat warc/*.warc.gz | grep -ac '^govreach-kind: wechat_stats')" -gt 0 ] && echo 1)"

# warcio (npm): index every file, compare every 200 body with what simweb serves
W=$(warcio_dir)
if [ -z "$W" ]; then
  echo "SKIP warcio checks: npm or node unavailable (npm install warcio failed)"
else
  nidx=0
  for f in warc/*.warc.gz; do
    n=$(node "$W/node_modules/warcio/dist/cli.js" index "$f" 2>warcio.err | wc -l)
    [ -s warcio.err ] && cat warcio.err
    nidx=$((nidx + n))
  done
  t_eq "warcio indexes every record" "$(zcat warc/*.warc.gz | grep -ac '^WARC-Type: ')" "$nidx"
  out=$(CR_WECHAT_QUERY='key=SECRETKEY2&appmsg_token=SECRETTOKEN3' WARCIO=$W node "$HERE/crawler_warc_check.mjs" "$SW_PORT" warc/*.warc.gz 2>&1)
  t_match "response bodies equal what simweb served" 'mismatches 0$' "$out"
fi
