#!/usr/bin/env bash
# Issue 4: the recrawl schedule. History pages, Weibo accounts and store
# listings come back daily; article stats are fetched at +1 and +7 days after
# publishing (crawler.stats_schedule), so a stats URL younger than a day waits,
# one between 1 and 7 days is fetched now and again at +7 days, an older one
# is fetched once. Articles outside the time window are not followed.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb
"$B/crawler" --out warc --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" --set crawler.delay_ms=0 --set crawler.idle_exit_seconds=2 \
  --set crawler.poll_ms=20 2>crawler.log
t_eq "crawler exits 0" 0 $?
t_eq "stats URLs carry their article's publishing time" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_stats' AND published_at IS NULL")"
t_eq "stats younger than a day wait for +1 day" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_stats' AND fetches = 0
  AND NOT (state = 'queued' AND due_at = published_at + interval '1 day' AND due_at > now())")"
t_eq "stats fetched between +1 and +7 days come back at +7 days" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_stats' AND fetches = 1
  AND published_at + interval '7 days' > last_fetched_at
  AND NOT (state = 'queued' AND due_at = published_at + interval '7 days')")"
t_eq "stats older than 7 days fetched once" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_stats' AND fetches = 1
  AND published_at + interval '7 days' <= last_fetched_at AND state <> 'done'")"
t_eq "some stats of each sort" 1 "$(q "SELECT (count(*) FILTER (WHERE fetches = 0) > 0 AND count(*) FILTER (WHERE fetches = 1) > 0)::int FROM crawl.frontier WHERE kind = 'wechat_stats'")"
t_eq "daily kinds due again in a day" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind IN ('wechat_home', 'weibo_user', 'weibo_timeline', 'app_listing', 'robots')
  AND fetches = 1 AND NOT (state = 'queued' AND due_at BETWEEN last_fetched_at + interval '1 day' - interval '1 minute' AND last_fetched_at + interval '1 day' + interval '1 minute')")"
t_eq "articles are fetched once" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_article' AND state <> 'done'")"

# a time window: only articles published in the last 3 days are followed
nall=$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_article'")
q "TRUNCATE crawl.frontier, crawl.host, crawl.fetch_log, crawl.warc_file, crawl.run" >/dev/null
"$B/loader" targets targets >/dev/null 2>&1
from=$(date -u -d '3 days ago' +%F)
"$B/crawler" --out warc2 --connect-to "$SW_CONNECT" --set crawler.ca_file="$SIMWEB_CA" --set crawler.delay_ms=0 --set crawler.idle_exit_seconds=2 \
  --set crawler.poll_ms=20 --set crawler.window_start="$from" 2>crawler2.log
t_eq "windowed crawl exits 0" 0 $?
t_eq "no article before the window" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_article' AND published_at < '$from'::date")"
nwin=$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'wechat_article'")
t_eq "articles inside the window followed, fewer than all ($nwin of $nall)" 1 "$([ "$nwin" -gt 0 ] && [ "$nwin" -lt "$nall" ] && echo 1)"
