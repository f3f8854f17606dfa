#!/usr/bin/env bash
# Issue 13, the smaller items: a target CSV with a UTF-8 byte-order mark is
# accepted; only http/https store URLs are (file:///etc/passwd is named and
# rejected with 65); an unknown config section or GOVREACH_* variable is
# rejected with 78 by every program; a missing config file is 78 everywhere;
# a JSON "\u0000" is stored without the NUL, the record kept.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"
D=$TOP/tests/data/loader
t_ok "migrate" $B/loader -q migrate

cp -r "$D/targets" bom
printf '\xEF\xBB\xBF' | cat - "$D/targets/organisations.csv" >bom/organisations.csv
t_ok "a CSV with a byte-order mark loads" $B/loader -q targets bom
cp -r "$D/targets" fileurl
printf '360,999,com.MobileTicket,file:///etc/passwd\n' >>fileurl/store_listings.csv
out=$($B/loader targets fileurl 2>&1); rc=$?
t_eq "a file:// store URL: exit 65" 65 $rc
t_match "named with file and line" 'store_listings.csv line [0-9]+.*file:///etc/passwd.*not an http:// or https:// URL' "$out"

printf '[crawlr]\ndelay_ms = 10\n' >typo.conf
: >empty.txt
t_fail "crawler: unknown section exits 78" 78 $B/crawler --config typo.conf --urls empty.txt --out w
t_fail "loader: unknown section exits 78" 78 $B/loader --config typo.conf migrate
t_fail "parser: unknown section exits 78" 78 $B/parser --config typo.conf --out p nosuch.warc.gz
t_fail "govreach: unknown section exits 78" 78 $B/govreach --config typo.conf --no-crawl nightly
t_match "the section and file:line named" 'typo.conf:2: unknown section \[crawlr\]' "$($B/loader --config typo.conf migrate 2>&1)"
t_fail "GOVREACH_CRAWLR_DELAY_MS: loader exits 78" 78 env GOVREACH_CRAWLR_DELAY_MS=10 $B/loader migrate
t_fail "GOVREACH_CRAWLER_DELAYMS: crawler exits 78" 78 env GOVREACH_CRAWLER_DELAYMS=10 $B/crawler --urls empty.txt --out w
t_match "the variable named" 'GOVREACH_CRAWLER_DELAYMS' "$(GOVREACH_CRAWLER_DELAYMS=10 $B/crawler --urls empty.txt --out w 2>&1)"
t_ok "a known variable of another program is fine" env GOVREACH_CRAWLER_DELAY_MS=10 $B/loader -q migrate
for p in crawler loader parser govreach; do
  case $p in
    crawler) args=(--urls empty.txt --out w) ;; loader) args=(migrate) ;;
    parser) args=(--out p nosuch.warc.gz) ;; govreach) args=(--no-crawl nightly) ;;
  esac
  t_fail "$p: a missing config file exits 78" 78 $B/$p --config nosuch.conf "${args[@]}"
done

# JSON "\u0000": a lookup answer whose trackName holds one
cat >srv.py <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        b = b'{"resultCount":1,"results":[{"trackId":564818797,"bundleId":"com.MobileTicket","trackName":"12306\\u0000app","userRatingCount":42,"averageUserRating":4.5}]}' if self.path.startswith("/lookup") else b"User-agent: *\n"
        self.send_response(200); self.send_header("Content-Type", "application/json" if b[0:1] == b"{" else "text/plain")
        self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
s = HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
s.serve_forever()
PY
python3 srv.py srv.port &
SW_PID=$!
for _ in $(seq 50); do [ -s srv.port ] && break; sleep 0.1; done
echo 'http://itunes.apple.com/lookup?id=564818797&country=cn' >u.txt
t_ok "crawl the lookup" $B/crawler --urls u.txt --out wj --connect-to "127.0.0.1:$(cat srv.port)" --set crawler.delay_ms=0
t_ok "parse it" $B/parser --out pj wj/*.warc.gz
t_eq "the listing kept, its name without the NUL" "12306app 42" "$(awk -F'\t' 'NR == 2 {print $4, $8}' pj/*.app_listing.tsv)"
