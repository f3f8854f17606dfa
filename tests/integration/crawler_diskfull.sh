#!/usr/bin/env bash
# Issue 13, disk full: the WARC directory on a tiny tmpfs. The crawler stops
# with exit 74 when a write fails (ENOSPC); no URL is committed as fetched
# without a durable WARC record (those in flight stay queued); after space
# returns (the files moved to a roomy directory) the rerun completes, and
# every URL of the truth has its response record. Skipped where tmpfs cannot
# be mounted (not root).
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

mkdir -p small
if ! mount -t tmpfs -o size=1500k tmpfs small 2>/dev/null; then
  echo "SKIP crawler_diskfull: cannot mount a tmpfs here"
  t_ok "skipped (no tmpfs)" true
  exit 0
fi
trap 'cr_cleanup; umount small 2>/dev/null' EXIT
"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" migrate
t_ok "loader targets" "$B/loader" targets targets
start_simweb
timeout 120 "$B/crawler" --out small --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 8 2>c1.log
t_eq "disk full: exit 74" 74 $?
t_match "the I/O error is named" 'No space left on device' "$(cat c1.log)"
t_eq "no URL done without its WARC record" 0 "$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome = 'done' AND status IS NOT NULL AND warc_file IS NULL")"
t_eq "work left queued" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'queued' AND due_at <= now()")" -gt 0 ] && echo 1)"
t_eq "no lease left behind" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'leased'")"
# every completion committed points at a record that is in the file, whole
mkdir big
cp small/* big/
umount small
timeout 180 "$B/crawler" --out big --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 8 2>c2.log
t_eq "space back: the rerun exits 0" 0 $?
norm_urls <truth/urls.txt >want.txt
for f in big/*.warc.gz; do zcat "$f" 2>/dev/null; done | tr -d '\r' | awk '/^WARC-Type: response/ {r = 1} /^WARC-Type: / && !/response/ {r = 0} r && /^WARC-Target-URI: / {print $2; r = 0}' | sed 's|^https://mp\.weixin\.qq\.com/|http://mp.weixin.qq.com/|' | sort -u >warc_urls.txt
t_eq "every truth URL has a response record" "" "$(sed 's/^[A-Z]* //; s/ .*//' want.txt | sort -u | comm -23 - warc_urls.txt | head -3)"
t_eq "no URL's response stored twice (POST stats URLs aside: one URL, many bodies)" "" "$(for f in big/*.warc.gz; do zcat "$f" 2>/dev/null; done | tr -d '\r' | awk '/^WARC-Type: response/ {r = 1} /^WARC-Type: / && !/response/ {r = 0} r && /^WARC-Target-URI: / {print $2; r = 0}' | grep -v '/mp/getappmsgext$' | sort | uniq -d | head -3)"
t_eq "every WARC file is sound gzip" 1 "$(ok=1; for f in big/*.warc.gz; do gzip -t "$f" 2>/dev/null || ok=0; done; echo $ok)"
t_eq "every done URL's record file exists" 0 "$(q "SELECT DISTINCT last_warc_file FROM crawl.frontier WHERE state IN ('done', 'queued') AND last_warc_file IS NOT NULL" | while read -r f; do [ -f "big/$f" ] || echo "$f"; done | wc -l)"
