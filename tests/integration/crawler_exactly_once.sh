#!/usr/bin/env bash
# Issue 13, exactly-once observations: kill -9 during the crawl at 10
# moments (each rerun killed again, then one to the end); the WARC records of
# fetches whose completion was never committed are dropped from the
# recovered .open file before the rerun fetches those URLs again, so after
# parsing and loading every WARC the obs rows are those of an uninterrupted
# run: one snapshot per listing, article, stats origin and account, and as
# many as simweb's truth has.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" -q migrate
t_ok "loader targets" "$B/loader" -q targets targets
start_simweb --gzip
CR=(--out warc --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 8 --set crawler.lease_seconds=3)
k=0
for at in 40 120 220 330 450 600 750 900 1050 1200; do
  "$B/crawler" "${CR[@]}" 2>k$at.log &
  pid=$!
  for _ in $(seq 600); do
    [ "$(q "SELECT count(*) FROM crawl.fetch_log")" -ge "$at" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.02
  done
  sleep "0.0$((RANDOM % 10))"
  if kill -9 $pid 2>/dev/null; then k=$((k + 1)); fi
  wait $pid 2>/dev/null
done
echo "killed $k times"
t_eq "killed mid-crawl at 10 moments" 10 $k
timeout 120 "$B/crawler" "${CR[@]}" 2>final.log
t_eq "the last run completes (exit 0)" 0 $?
# (whether a kill left uncommitted records depends on its moment; the obs
# comparison below is the check)
echo "recoveries that dropped uncommitted records: $(cat k*.log final.log | grep -c 'their fetches were never committed')"
t_eq "no WARC left open" 0 "$(ls warc | grep -c '\.open$')"
"$B/parser" --out tsv warc/*.warc.gz >parser.log 2>&1
t_ok "load everything" "$B/loader" -q load tsv/*.tsv
t_eq "one snapshot per store listing" 0 "$(q "SELECT count(*) - count(DISTINCT (store, listing_id)) FROM obs.app_listing")"
t_eq "one row per article" 0 "$(q "SELECT count(*) - count(DISTINCT (biz, mid, idx)) FROM obs.wechat_article")"
t_eq "one stats snapshot per article and origin" 0 "$(q "SELECT count(*) - count(DISTINCT (biz, mid, idx, origin)) FROM obs.wechat_stat")"
t_eq "one snapshot per Weibo account" 0 "$(q "SELECT count(*) - count(DISTINCT account) FROM obs.weibo_account")"
# the same universe crawled without interruption, in a database of its own
ref=${PGDATABASE}_ref
dropdb --if-exists "$ref" >/dev/null 2>&1; createdb "$ref"
PGDATABASE=$ref "$B/loader" -q migrate && PGDATABASE=$ref "$B/loader" -q targets targets
PGDATABASE=$ref timeout 120 "$B/crawler" --out warc_ref --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 8 2>ref.log
"$B/parser" --out tsv_ref warc_ref/*.warc.gz >>parser.log 2>&1
PGDATABASE=$ref "$B/loader" -q load tsv_ref/*.tsv
counts() { for t in app_listing wechat_article wechat_stat wechat_history weibo_account weibo_post; do
  printf '%s=%s ' $t "$(psql -X -qtA -d "$1" -c "SELECT count(*) FROM obs.$t")"; done; }
t_eq "every obs table holds the rows of an uninterrupted run" "$(counts "$ref")" "$(counts "$PGDATABASE")"
dropdb --if-exists "$ref" >/dev/null 2>&1
t_eq "as many listings as the truth" "$(( $(wc -l <truth/app_listing.tsv) - 1 ))" "$(q "SELECT count(*) FROM obs.app_listing")"
t_eq "as many Weibo accounts as the truth" "$(( $(wc -l <truth/weibo_account.tsv) - 1 ))" "$(q "SELECT count(*) FROM obs.weibo_account")"
