# Account discovery at report scale (issue 16): simweb's search universe of 16,446
# government accounts (213 central, 3,441 province, 5,544 city, 7,248 county and below,
# a quarter of those townships and streets) plus 1,644 lookalikes, classified by the
# registry, against simweb's truth: share of government accounts found, precision and
# recall of government-or-not, province, level and function (targets 99, 98, 98, 95,
# 90 %), and the time to load, classify and promote them. The Sogou crawl is not wired
# yet (its sources wait for the new source shape), so the candidate rows come from the
# truth through the registry's loading path: this measures the classifier and the
# registry, not the crawl. Figures, not pass/fail.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${GR_BIN:-$top/bin}
"$B/simweb" --date 2014-10-01 --scale report --no-named --truth truth 2>/dev/null
python3 "$top/tests/integration/discovery_rows.py" truth report.discovered_account.tsv
"$B/loader" -q migrate
"$B/loader" -q divisions
t0=$(date +%s.%N)
"$B/loader" -q candidates load report.discovered_account.tsv
t1=$(date +%s.%N)
"$B/loader" -q candidates classify
t2=$(date +%s.%N)
"$B/loader" candidates evaluate truth | column -t -s "$(printf '\t')"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "load + classify + promote 18090 accounts: %.1f s; reclassify (nothing changes): %.1f s\n", b - a, c - b }'
psql -X -qtA -c "SELECT 'promoted: ' || count(*) FILTER (WHERE promoted_at IS NOT NULL) || ', waiting for review: ' || count(*) FILTER (WHERE promoted_at IS NULL AND is_gov) FROM src.discovered_account"
