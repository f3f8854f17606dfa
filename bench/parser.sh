# Parser throughput over the WARCs of a report-scale crawl of the simulated web
# (every WeChat history page, article and getappmsgext of simweb --scale report,
# every store listing, and BENCH_WEIBO Tencent Weibo pages; split in 4 WARC files
# so -j 2 has work to share): pages/s and MB/s (decoded body bytes) for
# bin/parser -j 1, -j 2 and --verify, against two references over the same
# response bodies measured in the same run (bench_parser_ref): a bare libxml2
# htmlReadMemory + XPath loop over bodies already in memory, and a memchr
# pass (the memory-speed floor). read+inflate is the WARC reading and
# decompression alone (libdeflate for whole gzip members).
set -euo pipefail
B=$GR_BIN
WEIBO=${BENCH_WEIBO:-20000}
"$B/simweb" --seed 3 --date 2014-10-05 --scale report --no-named --truth truth 2>/dev/null
awk -v n="$WEIBO" '!/open\.t\.qq\.com/ || c++ < n' truth/urls.txt >urls.txt
split -n l/4 -d urls.txt part.
"$B/simweb" --seed 3 --date 2014-10-05 --scale report --no-named --listen 127.0.0.1:0 --port-file port --threads 2 2>/dev/null &
sw=$!
trap 'kill $sw 2>/dev/null || true' EXIT
for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done
for p in part.*; do
  "$B/crawler" --urls "$p" --connect-to 127.0.0.1:"$(cat port)" --out warc --concurrency 32 \
    --set crawler.delay_ms=0 --set crawler.max_inflight_per_host=16 --set log.level=warn \
    --set crawler.warc_prefix="bench-$p" >/dev/null 2>&1 || [ $? -le 1 ]   # 1: some items failed
done
kill $sw 2>/dev/null || true
ref=$("$B/bench_parser_ref" warc/*.warc.gz 2>/dev/null)
run() {   # label, parser args...
  local label=$1; shift
  rm -rf out
  local t0 t1
  t0=$(date +%s.%N)
  "$B/parser" -q --force --out out "$@" warc/*.warc.gz || true
  t1=$(date +%s.%N)
  echo "$label $(echo "$ref" | awk '$1=="dom"{print $2, $3}') $(echo "$t1 - $t0" | bc)"
}
res=$( { echo "$ref"; run "parser-j1"; run "parser-j2" -j 2; run "parser-verify" --verify; } )
python3 - "$res" "$(du -sb warc | cut -f1)" <<'PY'
import sys
rows = {}
for line in sys.argv[1].splitlines():
    name, pages, nbytes, secs = line.split()
    rows[name] = (int(pages), int(nbytes), float(secs))
warc = int(sys.argv[2])
print(f"WARC input: {warc/1e6:.0f} MB compressed; {rows['dom'][0]} responses, {rows['dom'][1]/1e6:.0f} MB of decoded bodies")
print(f"{'':16}{'pages/s':>10}{'MB/s':>9}{'seconds':>9}   vs bare DOM loop (pages/s)")
dom = rows['dom'][0] / rows['dom'][2]
for name in ('memchr', 'read+inflate', 'dom', 'parser-j1', 'parser-j2', 'parser-verify'):
    p, b, s = rows[name]
    print(f"{name:16}{p/s:10.0f}{b/s/1e6:9.0f}{s:9.2f}   {p/s/dom:5.2f}x")
PY
