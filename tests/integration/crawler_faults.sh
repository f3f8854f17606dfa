#!/usr/bin/env bash
# Issue 4, "bad input and faults": every hostile behaviour simweb can produce
# (slow body, redirect and redirect loop, huge body, gzip bomb, wrong
# Content-Length, truncated body, reset) stays bounded in time and memory, is
# recorded per attempt, and the crawl goes on to finish everything else.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb --gzip \
  --fault kind=gzip-bomb,host=www.wandoujia.com,share=0.3 \
  --fault kind=huge,host=sj.qq.com,share=0.3 \
  --fault kind=wrong-length,host=apk.91.com,share=0.2 \
  --fault kind=truncate,host=apk.91.com,share=0.3 \
  --fault kind=slow-body,host=shouji.baidu.com,share=0.2,delay_ms=400,chunk=64 \
  --fault kind=reset,host=itunes.apple.com,share=0.3 \
  --fault kind=redirect-loop,host=zhushou.360.cn,share=0.2 \
  --fault kind=redirect,host=open.t.qq.com,share=0.2

start=$(date +%s)
/usr/bin/time -f '%M' -o rss.out "$B/crawler" --out warc --connect-to "$SW_CONNECT" "${CR_SET[@]}" \
  --concurrency 16 --set crawler.timeout_ms=2000 --set crawler.max_attempts=2 --set crawler.max_body_bytes=1048576 \
  --set crawler.max_decoded_bytes=8388608 --set crawler.backoff_cap_ms=500 2>crawler.log
t_eq "crawler ends with exit 1: items failed under the faults" 1 $?
t_eq "bounded in time" 1 "$([ $(( $(date +%s) - start )) -lt 90 ] && echo 1)"
# (sanitizer builds carry shadow memory: a looser bound there)
rss=$(tail -n 1 rss.out); cap=204800; case $B in *asan*) cap=1048576 ;; esac
t_eq "bounded in memory (peak RSS $((rss / 1024)) MB < $((cap / 1024)) MB)" 1 "$([ "$rss" -lt "$cap" ] && echo 1)"
t_eq "nothing left due or leased" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'leased' OR (state = 'queued' AND due_at <= now())")"
t_eq "huge bodies cut at the byte cap (WARC-Truncated: length)" 1 "$([ "$(q "SELECT count(*) FROM crawl.fetch_log WHERE host = 'sj.qq.com' AND truncated = 'length'")" -gt 0 ] && echo 1)"
t_eq "wrong Content-Length recorded (curl 18)" 1 "$([ "$(q "SELECT count(*) FROM crawl.fetch_log WHERE curl_code = 18")" -gt 0 ] && echo 1)"
t_eq "resets recorded" 1 "$([ "$(q "SELECT count(*) FROM crawl.fetch_log WHERE host = 'itunes.apple.com' AND status IS NULL AND curl_code <> 0")" -gt 0 ] && echo 1)"
t_eq "slow bodies stopped by the timeout" 1 "$([ "$(q "SELECT count(*) FROM crawl.fetch_log WHERE host = 'shouji.baidu.com' AND curl_code = 28")" -gt 0 ] && echo 1)"
t_eq "redirects followed" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE url LIKE '%_sw_redirected=1%' AND last_status = 200")" -gt 0 ] && echo 1)"
t_eq "redirect loops end (each URL once)" 0 "$(q "SELECT count(*) FROM (SELECT frontier_id FROM crawl.fetch_log WHERE host = 'zhushou.360.cn' AND outcome = 'done' GROUP BY 1 HAVING count(*) > 1) x")"
t_eq "gzip bombs stored as served, compressed" 1 "$([ "$(du -sm warc | cut -f1)" -lt 200 ] && echo 1)"
t_eq "failures recorded as failed after the attempt cap" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'failed' AND attempts = 2")" -gt 0 ] && echo 1)"
# everything no fault touched was fetched
faulty=$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome <> 'done' OR truncated IS NOT NULL OR status BETWEEN 300 AND 399")
t_eq "faults happened" 1 "$([ "$faulty" -gt 20 ] && echo 1)"
t_eq "the healthy host is complete" "" "$(norm_urls <truth/urls.txt | grep -E '^(GET|POST) http://mp.weixin.qq.com/' >want.txt; fetched_urls | grep -E '^(GET|POST) http://mp.weixin.qq.com/' >got.txt; comm -3 want.txt got.txt | head -3)"
t_eq "no WARC left open" 0 "$(ls warc | grep -c '\.open$')"
