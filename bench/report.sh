# Report: govreach report (every report table as HTML, CSV and JSON, one read-only
# transaction) at the report's scale: the scorer benchmark's generated observations
# (16,446 WeChat accounts, 38,237 articles, 186,697 Weibo accounts, 377 apps), scored
# once, against the floor: psql \copy of the same views to CSV, timed in the same run.
# Target: under 2 s.
set -euo pipefail
B=$GR_BIN
TOP=$GR_TOP
now() { date +%s.%N; }
# the scorer benchmark's data at report scale (it also scores the period, provisional:
# its newest snapshot is younger than the settle days, so the report names the period)
BENCH_SCORER_SCALES=1 bash "$TOP/bench/scorer.sh" >scorer.out 2>&1 || { cat scorer.out; exit 1; }
# a crawl frontier as the registry gives it:
# one target page per account and listing, one article page per article
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO crawl.frontier (url, host, source, kind, target_key, depth, state, last_status, last_fetched_at)
SELECT 'http://t/' || k, 'h', 's', 'k', k, 0, 'done', 200, '2014-11-02T00:00:00Z'
  FROM (SELECT biz FROM src.wechat_account UNION ALL SELECT account FROM src.weibo_account
        UNION ALL SELECT store || ':' || listing_id FROM src.store_listing) t (k);
INSERT INTO crawl.frontier (url, host, source, kind, target_key, depth, state, last_status)
SELECT 'http://a/' || biz || '/' || mid || '/' || idx, 'h', 's', 'a', biz, 1, 'done', 200 FROM obs.wechat_article;
VACUUM ANALYZE crawl.frontier;
SQL
views="t1_2_central_combined t1_3_local_combined t2_1_central_wechat t2_2_local_wechat t2_3_party_publicity_wechat
  t2_4_police_traffic_wechat t2_5_judicial_wechat t2_6_health_wechat t2_7_hot_articles t3_1_central_weibo
  t3_2_local_weibo t4_1_app_store_top10 accounts_by_group aggregates app_store_summary app_province_summary"
t0=$(now)
{ for v in $views; do echo "\\copy (SELECT * FROM report.$v('2014-10')) TO '/dev/null' WITH (FORMAT csv, HEADER true)"; done
  echo "\\copy (SELECT * FROM report.panorama) TO '/dev/null' WITH (FORMAT csv, HEADER true)"
  echo "\\copy (SELECT * FROM report.run_coverage((SELECT run_id FROM report.run_info('2014-10')))) TO '/dev/null' WITH (FORMAT csv, HEADER true)"
} | psql -X -q -v ON_ERROR_STOP=1
t1=$(now)
"$B/govreach" report --period 2014-10 --out out1 >/dev/null
t2=$(now)
"$B/govreach" report --period 2014-10 --out out2 >/dev/null
t3=$(now)
rows=$(cat out2/csv/*.csv | wc -l)
size=$(du -sk out2 | cut -f1)
page=$(du -k out2/index.html | cut -f1)
python3 - "$t0" "$t1" "$t2" "$t3" "$rows" "$size" "$page" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
rows, size, page = map(int, sys.argv[5:8])
floor, cold, warm = t1 - t0, t2 - t1, t3 - t2
print(f"report scale  {rows:,} CSV lines, {size:,} KB written (page {page:,} KB)  floor psql \\copy {floor:5.2f}s  "
      f"govreach report {cold:5.2f}s (again {warm:5.2f}s)  ratio {warm / floor:5.1f}  "
      f"(target < 2 s: {'met' if warm < 2 else 'MISSED'})")
PY
