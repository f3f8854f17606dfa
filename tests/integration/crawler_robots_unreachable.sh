#!/usr/bin/env bash
# Issue 13, RFC 9309 2.3.1.4: a robots.txt answering 5xx or resetting the
# connection means disallow all until it answers: nothing else on that host
# is fetched, the robots.txt is retried (on a later night once its attempts
# are spent), the crawl reports the host's URLs as pending and ends; when the
# robots.txt answers again the host is crawled. (4xx: allow all, as before.)
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb --gzip \
  --fault kind=500,host=zhushou.360.cn,path=/robots.txt \
  --fault kind=reset,host=apk.91.com,path=/robots.txt
timeout 120 "$B/crawler" --out warc --connect-to "$SW_CONNECT" "${CR_SET[@]}" --set crawler.max_attempts=3 \
  --set crawler.backoff_cap_ms=300 --time-budget 60 2>crawler.log
rc=$?
t_eq "the crawl ends (exit 0 or 1)" 1 "$([ $rc -le 1 ] && echo 1)"
# it ends on its own (nothing else due), not by running out its budget: the
# crawler's own words, not wall time, which a loaded machine stretches
t_eq "it ends because nothing is due, not at its budget" 0 "$(grep -c 'time budget of .* reached' crawler.log)"
t_match "it says why it ends" 'nothing due before the budget ends' "$(cat crawler.log)"
t_eq "robots.txt tried on both hosts" 1 "$([ "$(awk -F'\t' '($3 == "zhushou.360.cn" || $3 == "apk.91.com") && $5 == "/robots.txt"' sw.log | wc -l)" -ge 2 ] && echo 1)"
t_eq "nothing else fetched on a host whose robots.txt is 5xx" 0 "$(awk -F'\t' '$3 == "zhushou.360.cn" && $5 != "/robots.txt"' sw.log | wc -l)"
t_eq "nothing else fetched on a host whose robots.txt resets" 0 "$(awk -F'\t' '$3 == "apk.91.com" && $5 != "/robots.txt"' sw.log | wc -l)"
t_eq "no URL of theirs blocked or failed for good" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE host IN ('zhushou.360.cn', 'apk.91.com') AND kind <> 'robots' AND state <> 'queued'")"
t_eq "the robots.txt rows wait for a later night" 2 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'robots' AND host IN ('zhushou.360.cn', 'apk.91.com') AND state = 'failed' AND due_at > now()")"
t_match "the run reports them pending" '"robots_unreachable": [1-9]' "$(q "SELECT pending_by_reason FROM crawl.run ORDER BY run_id DESC LIMIT 1")"
t_eq "the other hosts were crawled" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'mp.weixin.qq.com' AND fetches > 0")" -gt 10 ] && echo 1)"

# a later night: robots.txt answers again
stop_simweb
start_simweb --gzip
q "UPDATE crawl.frontier SET due_at = now() WHERE state = 'failed'" >/dev/null
timeout 120 "$B/crawler" --out warc2 --connect-to "$SW_CONNECT" "${CR_SET[@]}" --time-budget 60 2>crawler2.log
t_eq "later night: exit 0" 0 $?
t_eq "both hosts crawled once robots.txt answers" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE host IN ('zhushou.360.cn', 'apk.91.com') AND fetches = 0")"

# the URL-list mode (no frontier, no later night): the same rule; the
# host's URLs are left undone and the crawl says so with exit 1
stop_simweb
start_simweb --gzip --fault kind=500,host=zhushou.360.cn,path=/robots.txt
n0=$(wc -l <sw.log)
printf 'http://zhushou.360.cn/detail/index/soft_id/1\nhttp://zhushou.360.cn/detail/index/soft_id/2\nhttp://app.mi.com/details?id=cn.gov.a\n' >urls.txt
timeout 60 "$B/crawler" --urls urls.txt --out warc3 --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" --set crawler.max_attempts=2 \
  --set crawler.backoff_cap_ms=200 --set crawler.delay_ms=0 2>crawler3.log
t_eq "URL list, robots.txt 5xx: exit 1" 1 $?
t_eq "URL list: nothing but robots.txt fetched on that host" 0 "$(tail -n +$((n0 + 1)) sw.log | awk -F'\t' '$3 == "zhushou.360.cn" && $5 != "/robots.txt"' | wc -l)"
t_eq "URL list: the other host fetched" 1 "$([ "$(tail -n +$((n0 + 1)) sw.log | awk -F'\t' '$3 == "app.mi.com" && $5 != "/robots.txt"' | wc -l)" -ge 1 ] && echo 1)"
t_match "URL list: the summary names the undone URLs" 'incomplete: 2 pending' "$(cat crawler3.log)"
