# Account discovery at report scale (issue 16), from a crawl: simweb's search universe
# of 16,446 government accounts (213 central, 3,441 province, 5,544 city, 7,248 county
# and below, a quarter of those townships and streets) plus 1,644 lookalikes. The
# queries come from the gazetteer and conf/discovery_words.tsv (`loader candidates
# queries`), the frontier crawls Sogou's result pages (paging), the profile and
# temporary article pages, the parser and `loader load` fill the registry, and
# `loader candidates evaluate` prints against simweb's truth: share of government
# accounts found, precision and recall of government-or-not, province, level and
# function (targets 99, 98, 98, 95, 90 %). simweb's anti-spider limit is off here
# (--sogou-rate 0: the test discovery_crawl.sh meets it); the crawler goes as fast as
# loopback allows. Prints the query and page counts and the time of each stage.
# Figures, not pass/fail. BENCH_DISCOVERY_SCALE=small runs the small universe.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${GR_BIN:-$top/bin}
SCALE=${BENCH_DISCOVERY_SCALE:-report}
SW_PID=
trap '[ -n "$SW_PID" ] && kill $SW_PID 2>/dev/null; wait 2>/dev/null' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

"$B/simweb" --date 2014-10-01 --scale "$SCALE" --no-named --truth truth 2>/dev/null
"$B/loader" -q migrate
"$B/loader" -q divisions
t=$(now)
"$B/loader" -q candidates queries
echo "queries: $(psql -X -qtA -c "SELECT count(*) FROM crawl.frontier WHERE kind = 'sogou_search'") seeded in $(since "$t") s"

"$B/simweb" --date 2014-10-01 --scale "$SCALE" --no-named --sogou-rate 0 --port-file sw.port >simweb.out 2>&1 &
SW_PID=$!
for _ in $(seq 300); do [ -s sw.port ] && break; sleep 0.1; done
read -r P _ <sw.port
t=$(now)
/usr/bin/time -f '%e %U %S %M' -o crawl.time "$B/crawler" --out warc --connect-to "127.0.0.1:$P" \
  --set crawler.max_depth=12 --set crawler.delay_ms=0 --set crawler.idle_exit_seconds=2 --set crawler.poll_ms=20 \
  --set crawler.stats_schedule=0 --set host:weixin.sogou.com.delay_ms=0 --set host:weixin.sogou.com.max_inflight=16 \
  --set host:mp.weixin.qq.com.delay_ms=0 --set host:mp.weixin.qq.com.max_inflight=16 --concurrency 32 2>crawl.log
read -r el us sy rss <crawl.time
psql -X -qtA -F ' ' -c "SELECT 'not done:', f.kind, f.state, f.attempts, f.url, (SELECT l.error FROM crawl.fetch_log l WHERE l.frontier_id = f.id ORDER BY l.id DESC LIMIT 1) FROM crawl.frontier f WHERE f.state <> 'done' AND f.kind <> 'robots' LIMIT 5"
echo "crawl: $(psql -X -qtA -c "SELECT count(*) FILTER (WHERE kind = 'sogou_search') || ' result pages, ' || count(*) FILTER (WHERE kind = 'sogou_profile') || ' profile pages, ' || count(*) FILTER (WHERE kind = 'sogou_article') || ' article pages, ' || count(*) FILTER (WHERE state <> 'done' AND kind <> 'robots') || ' not done' FROM crawl.frontier") in ${el} s (crawler CPU ${us}+${sy} s, peak RSS $((rss / 1024)) MiB)"
t=$(now)
"$B/parser" -q --out parsed warc/*.warc.gz
echo "parse: $(since "$t") s, $(cat parsed/*.discovered_account.tsv | wc -l) discovered_account rows"
t=$(now)
"$B/loader" -q load parsed/*.tsv
echo "load + fold + classify + promote: $(since "$t") s"
t=$(now)
"$B/loader" -q candidates classify
echo "reclassify (nothing changes): $(since "$t") s"
"$B/loader" candidates evaluate truth | column -t -s "$(printf '\t')"
psql -X -qtA -c "SELECT 'registry: ' || count(*) || ' accounts, ' || count(*) FILTER (WHERE biz IS NOT NULL) || ' with their __biz, promoted: ' || count(*) FILTER (WHERE promoted_at IS NOT NULL) || ', waiting for review: ' || count(*) FILTER (WHERE promoted_at IS NULL AND is_gov) FROM src.discovered_account"
