#!/usr/bin/env bash
# Crawler benchmark (issue 4): a report-scale simweb universe, politeness off
# (loopback, concurrency 64, simweb serving gzip as real sites do).
#   1. bin/crawler --urls over N of the universe's GET URLs (engine + WARC writer)
#   2. curl -Z --parallel-max 64 over the same URLs to /dev/null (libcurl's ceiling)
#   3. wrk against the same simweb (the server's ceiling)
#   4. bin/crawler over the Postgres frontier seeded by `loader targets`
#      (claims, completions, discovery: the real crawl), for a fixed time;
#      PostgreSQL's own CPU is printed beside the crawler's
#   5. a whole report-scale night (issue 17): a fresh frontier seeded by
#      `loader targets`, crawled through the frontier with WARC until nothing is
#      due, then curl -Z over the very URLs (GET and POST) that night fetched,
#      in the same run (target >= 0.8x curl -Z)
# Prints pages/s, CPU ms per page and peak RSS, and the ratios. Figures, not
# pass/fail. Run by `make bench` (bench/run), in its own directory with
# PGDATABASE set; BENCH_CRAWLER_N (default 50000) and BENCH_CRAWLER_SECONDS
# (default 20) scale it; BENCH_CRAWLER_SCALE=small runs it on the small universe;
# BENCH_CRAWLER_PARTS picks parts (default "urls curl wrk frontier night";
# BENCH_CRAWLER_NIGHT=0 drops the night).
set -uo pipefail
B=${GR_BIN:?}
N=${BENCH_CRAWLER_N:-50000}
SECS=${BENCH_CRAWLER_SECONDS:-20}
PARTS=" ${BENCH_CRAWLER_PARTS:-urls curl wrk frontier night} "
[ "${BENCH_CRAWLER_NIGHT:-1}" = 0 ] && PARTS=${PARTS/ night / }
part() { [[ $PARTS == *" $1 "* ]]; }
SW_PID=
trap '[ -n "$SW_PID" ] && kill $SW_PID 2>/dev/null; wait 2>/dev/null' EXIT

"$B/simweb" --scale "${BENCH_CRAWLER_SCALE:-report}" --truth truth --emit-targets targets >/dev/null 2>&1 || { echo "simweb failed"; exit 1; }
# mp.weixin.qq.com over TLS with a test CA, as the frontier's https seeds reach the real host
"$GR_TOP/scripts/test_ca.sh" tls
"$B/simweb" --scale "${BENCH_CRAWLER_SCALE:-report}" --gzip --port-file sw.port \
  --tls-port 0 --cert tls/srv.pem --key tls/srv.key >simweb.out 2>&1 &
SW_PID=$!
for i in $(seq 100); do [ -s sw.port ] && break; sleep 0.1; done
read -r P T <sw.port
# the frontier crawls (https seeds): WeChat to the TLS port, every other host to the plain one
CT=(--connect-to "mp.weixin.qq.com:443:127.0.0.1:$T,127.0.0.1:$P" --set crawler.ca_file="$PWD/tls/ca.pem")
grep '^GET ' truth/urls.txt | head -n "$N" >urls.txt
n=$(wc -l <urls.txt)
echo "universe: $(wc -l <truth/urls.txt) URLs; benchmark list: $n GET URLs; simweb on 127.0.0.1:$P (gzip)"

# /usr/bin/time: elapsed, user, sys, max RSS (KiB)
measure() { /usr/bin/time -f '%e %U %S %M' -o time.out "$@" >/dev/null 2>run.err; cat time.out | tail -n 1; }

# 1. crawler, URL-list mode
cr_rate=0 cu_rate=0 wrk_rate=0
if part urls; then
read -r el us sy rss < <(measure "$B/crawler" --urls urls.txt --out warc1 --connect-to "127.0.0.1:$P" \
    --concurrency 64 --set crawler.delay_ms=0 --set crawler.max_inflight_per_host=100000 --set crawler.robots=false \
    --set log.level=notice)
ok=$(grep -o 'summary: [0-9]* pages' run.err | grep -o '[0-9]*')
cr_rate=$(echo "$ok $el" | awk '{printf "%.0f", $1 / $2}')
cr_cpu=$(echo "$us $sy $ok" | awk '{printf "%.3f", ($1 + $2) * 1000 / $3}')
warc_mb=$(du -sm warc1 | cut -f1)
echo "crawler --urls:   $ok pages in ${el}s = $cr_rate pages/s, $cr_cpu ms CPU/page, peak RSS $((rss / 1024)) MB, WARC ${warc_mb} MB"
fi

# 2. curl -Z reference
if part curl; then
awk '{printf "url = \"%s\"\noutput = \"/dev/null\"\n", $2}' urls.txt >curl.cfg
read -r el us sy rss < <(measure curl -s -Z --parallel-max 64 --connect-to "::127.0.0.1:$P" \
    -H 'Accept-Encoding: gzip, deflate' -K curl.cfg)
cu_rate=$(echo "$n $el" | awk '{printf "%.0f", $1 / $2}')
cu_cpu=$(echo "$us $sy $n" | awk '{printf "%.3f", ($1 + $2) * 1000 / $3}')
echo "curl -Z (64):     $n pages in ${el}s = $cu_rate pages/s, $cu_cpu ms CPU/page, peak RSS $((rss / 1024)) MB"
fi

# 3. wrk reference (one article URL, the server's ceiling)
u=$(grep -m1 '^GET http://mp.weixin.qq.com/s?' urls.txt | cut -d' ' -f2)
path=/${u#http://*/}
if part wrk && command -v wrk >/dev/null; then
  wrk_rate=$(wrk -t1 -c64 -d5s -H 'Host: mp.weixin.qq.com' -H 'Accept-Encoding: gzip, deflate' \
      "http://127.0.0.1:$P$path" 2>/dev/null | awk '/Requests\/sec/ {printf "%.0f", $2}')
  echo "wrk (64 conns):   $wrk_rate requests/s on one article URL"
fi

part urls && part curl && echo "ratios: crawler/curl -Z = $(echo "$cr_rate $cu_rate" | awk '{printf "%.2f", $1 / $2}'); crawler/wrk = $(echo "$cr_rate ${wrk_rate:-0}" | awk '$2 > 0 {printf "%.2f", $1 / $2} $2 == 0 {print "n/a"}')"
part urls && echo "targets: >= 10000 pages/s, >= 0.4x curl -Z, <= 0.15 ms CPU/page, peak RSS <= 64 MB"

# 4. crawler over the Postgres frontier (discovery on), for SECS seconds
# PostgreSQL's CPU: pg_cpu (bench/lib.bash)
source "$GR_TOP/bench/lib.bash"
# frontier_crawl DIR SECONDS: the crawler over $PGDATABASE's frontier into DIR for at
# most SECONDS, politeness off; sets el, rss, ok (pages), rate (pages/s) and cpu (the
# crawler's and PostgreSQL's CPU per page, as printed).
frontier_crawl() {
  local us sy pg0 pg1 sw0 sw1
  sleep 3
  pg0=$(pg_cpu) sw0=$(proc_cpu "$SW_PID")
  read -r el us sy rss < <(measure "$B/crawler" --out "$1" "${CT[@]}" --concurrency 64 \
      --time-budget "$2" --set crawler.delay_ms=0 --set crawler.max_inflight_per_host=100000 \
      --set crawler.robots=false --set crawler.stats_schedule=0 --set log.level=notice)
  sleep 2
  pg1=$(pg_cpu) sw1=$(proc_cpu "$SW_PID")
  ok=$(grep -o 'summary: [0-9]* pages' run.err | grep -o '[0-9]*')
  rate=$(echo "$ok $el" | awk '{printf "%.0f", $1 / $2}')
  cpu="$(echo "$us $sy $ok" | awk '{printf "%.3f", ($1 + $2) * 1000 / $3}') ms crawler CPU/page"
  cpu="$cpu + $(echo "$pg0 $pg1 $ok $(getconf CLK_TCK)" | awk '{printf "%.3f", ($2 - $1) * 1000 / $4 / $3}') ms PostgreSQL CPU/page"
  cpu="$cpu (simweb $(echo "$sw0 $sw1 $ok $(getconf CLK_TCK)" | awk '{printf "%.3f", ($2 - $1) * 1000 / $4 / $3}') ms/page)"
}
if ! part frontier; then
  :
elif "$B/loader" migrate >/dev/null 2>&1 && "$B/loader" targets targets >/dev/null 2>&1; then
  sleep 1
  frontier_crawl warc2 "$SECS"
  fr_rate=$rate
  echo "crawler frontier: $ok pages in ${el}s = $fr_rate pages/s, $cpu," \
       "peak RSS $((rss / 1024)) MB, frontier $(psql -XAtqc 'SELECT count(*) FROM crawl.frontier') URLs"
  part curl && echo "ratios (frontier): crawler/curl -Z = $(echo "$fr_rate $cu_rate" | awk '{printf "%.2f", $1 / $2}')"
else
  echo "crawler frontier: skipped (loader migrate/targets failed)"
fi

# 5. a whole night through the frontier, then curl -Z over the same URLs
if part night; then
  night_db=${PGDATABASE}_night
  dropdb --if-exists "$night_db" >/dev/null 2>&1; createdb "$night_db"
  if PGDATABASE=$night_db "$B/loader" -q migrate && PGDATABASE=$night_db "$B/loader" -q targets targets; then
    PGDATABASE=$night_db frontier_crawl warc3 3600
    ni_rate=$rate
    echo "crawler night:    $ok pages in ${el}s = $ni_rate pages/s (frontier, WARC $(du -sm warc3 | cut -f1) MB), $cpu"
    # The same URLs, each its own curl operation (POST bodies included).
    PGDATABASE=$night_db psql -XAtq -F $'\t' -c "SELECT method, url, post_body FROM crawl.frontier WHERE fetches > 0 ORDER BY id" |
      awk -F '\t' -v p="$P" -v t="$T" -v ca="$PWD/tls/ca.pem" '{
        gsub(/"/, "\\\"", $2); gsub(/"/, "\\\"", $3)
        printf "url = \"%s\"\noutput = \"/dev/null\"\nconnect-to = \"mp.weixin.qq.com:443:127.0.0.1:%s\"\nconnect-to = \"::127.0.0.1:%s\"\ncacert = \"%s\"\nheader = \"Accept-Encoding: gzip, deflate\"\n", $2, t, p, ca
        if ($1 == "POST") printf "data-raw = \"%s\"\n", $3
        print "write-out = \"%{http_code}\\n\""
        print "next" }' | sed '$d' >night.cfg
    nn=$(grep -c '^url = ' night.cfg)
    sw0=$(proc_cpu "$SW_PID")
    /usr/bin/time -f '%e %U %S %M' -o time.out curl -s -Z --parallel-max 64 -K night.cfg >codes.txt 2>curl.err
    read -r el us sy rss < <(tail -n 1 time.out)
    sw1=$(proc_cpu "$SW_PID")
    cn_ok=$(grep -c '^[23]' codes.txt)
    cn_rate=$(echo "$cn_ok $el" | awk '{printf "%.0f", $1 / $2}')
    echo "curl -Z night:    $nn URLs ($cn_ok answered 2xx/3xx) in ${el}s = $cn_rate pages/s, $(echo "$us $sy $nn" | awk '{printf "%.3f", ($1 + $2) * 1000 / $3}') ms CPU/page" \
         "(simweb $(echo "$sw0 $sw1 $nn $(getconf CLK_TCK)" | awk '{printf "%.3f", ($2 - $1) * 1000 / $4 / $3}') ms/page; no WARC, no politeness, no database)"
    echo "ratio (whole night): crawler/curl -Z = $(echo "$ni_rate $cn_rate" | awk '{printf "%.2f", $1 / $2}')  (target >= 0.8)"
  else
    echo "crawler night: skipped (loader migrate/targets failed)"
  fi
fi
