# govreach report: the scorer's hand-computed fixture (two months, so there are movers,
# plus a hostile article title) -> the HTML report, opened from file:// in Debian's
# headless chromium (tests/integration/report_check.mjs, playwright-core): no console
# error, no network request, every chart drawn, every table equal to its view, the hostile
# title shown as text; a full-page screenshot kept with the test output. The CSV files load
# back into the views' rows; the nightly run writes the report and names its path.
source "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/scorer
OUT=$GR_WORK/out
HOSTILE='<script>alert(1)</script>'

t_ok "migrations apply" "$B/loader" -q migrate
t_ok "fixture loads" psql -X -q -v ON_ERROR_STOP=1 -f "$D/fixture.sql"
# A later fetch of article A1 (the fixture's most-read October article) with a hostile
# title, and one with quotes and a comma for the CSV files: the latest fetch gives the title.
psql -X -q -v ON_ERROR_STOP=1 -v h="$HOSTILE" <<'SQL'
INSERT INTO obs.wechat_article (biz, mid, idx, title, account_name, published_at, status, warc_file, warc_offset, url, fetched_at)
SELECT biz, mid, idx, :'h', account_name, published_at, status, 'hostile.warc.gz', 1, url, fetched_at + interval '1 hour'
  FROM obs.wechat_article WHERE biz = 'MzA=' AND mid = 100 AND idx = 1;
INSERT INTO obs.wechat_article (biz, mid, idx, title, account_name, published_at, status, warc_file, warc_offset, url, fetched_at)
SELECT biz, mid, idx, '引号"与,逗号 & <b>粗</b>', account_name, published_at, status, 'hostile.warc.gz', 2, url, fetched_at + interval '1 hour'
  FROM obs.wechat_article WHERE biz = 'MzB=' AND mid = 10 AND idx = 1;
SQL
t_ok "September scored" "$B/scorer" run --period 2014-09-01..2014-09-30
t_ok "October scored" "$B/scorer" run --period 2014-10-01..2014-10-31
t_eq "the hostile title reached 表2.7" "1" "$(q "SELECT count(*) FROM report.t2_7_hot_articles WHERE title = '$HOSTILE'")"

start=$(date +%s%N)
out=$("$B/govreach" report --out "$OUT" 2>report.err); rc=$?
t_eq "govreach report exits 0" "0" "$rc"
[ $rc = 0 ] || cat report.err
echo "report written in $(( ($(date +%s%N) - start) / 1000000 )) ms"
t_match "govreach report names the page" "^govreach report: $OUT/index.html \\((final|provisional)\\)$" "$out"
for f in index.html data.json assets/echarts.min.js assets/report.js assets/report.css csv/t1_2_central_combined.csv; do
  t_ok "report has $f" test -s "$OUT/$f"
done
t_eq "the page's text is escaped: no raw hostile script" "0" "$(grep -c '<script>alert' "$OUT/index.html")"
t_eq "the hostile title is in the page as escaped text" "1" "$(grep -c '&lt;script&gt;alert(1)&lt;/script&gt;' "$OUT/index.html")"
t_ok "data.json is JSON with every table" node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!d.run.run_id || !d.tables.t2_7_hot_articles.rows.length || !d.tables.movers) process.exit(1);' "$OUT/data.json"
t_eq "every CSV starts with a UTF-8 BOM" "" "$(for f in "$OUT"/csv/*.csv; do [ "$(head -c 3 "$f" | od -An -tx1 | tr -d ' ')" = efbbbf ] || echo "$f"; done)"
t_eq "capped reads shown as the page showed them" "1" "$(grep -c '<td>10万+</td>' "$OUT/index.html")"
t_eq "usage error exits 64" "64" "$("$B/govreach" report >/dev/null 2>&1; echo $?)"
t_eq "no run for the period exits 66" "66" "$("$B/govreach" report --period 2001-01 --out "$GR_WORK/none" >/dev/null 2>&1; echo $?)"

t_eq "the research role (read-only) can write the report" "0" \
  "$(PGOPTIONS='-c role=research' "$B/govreach" report --out "$GR_WORK/as_research" >/dev/null 2>research.err; echo $?)"
t_eq "011's objects are commented" "" "$(q "SELECT string_agg(p.proname, ' ') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'report' AND p.proname IN ('panorama', 'previous_run', 'movers', 'run_coverage') AND obj_description(p.oid, 'pg_proc') IS NULL")"

# ---- each table's view, as psql prints it, for the browser check and the CSV round trip
run_id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).run.run_id)' "$OUT/data.json")
source_of() {  # the report.* relation behind an HTML table / CSV file
  case $1 in
    movers|run_coverage) echo "report.$1($run_id)" ;;
    app_store_summary|app_province_summary) echo "report.$1(NULL, NULL)" ;;
    *) echo "report.$1" ;;
  esac
}
mkdir -p expected
for f in "$OUT"/csv/*.csv; do
  name=$(basename "$f" .csv)
  psql -X -qAt -F "$(printf '\t')" -c "SELECT * FROM $(source_of "$name")" >"expected/$name.tsv" 2>>expected.err
done
t_eq "the movers compare October with September" "1|true" \
  "$(q "SELECT count(DISTINCT prev_run_id) || '|' || bool_or(status <> 'same') FROM report.movers($run_id)")"

# ---- CSV round trip: each file loaded back with \copy equals its view
bad=
for f in "$OUT"/csv/*.csv; do
  name=$(basename "$f" .csv)
  src=$(source_of "$name")
  res=$(psql -X -qAt -v ON_ERROR_STOP=1 2>&1 <<SQL
CREATE TEMP TABLE back AS SELECT * FROM $src WITH NO DATA;
\copy back FROM '$f' WITH (FORMAT csv, HEADER true)
SELECT (SELECT count(*) FROM (SELECT * FROM back EXCEPT ALL SELECT * FROM $src) a) + (SELECT count(*) FROM (SELECT * FROM $src EXCEPT ALL SELECT * FROM back) b);
SQL
)
  [ "$res" = 0 ] || bad="$bad $name:[$res]"
done
t_eq "every CSV file loads back into its view's rows" "" "$bad"
t_eq "the CSV keeps quotes, commas and the hostile title" "2" \
  "$(grep -c -e '"<script>alert(1)</script>"' -e '"引号""与,逗号 & <b>粗</b>"' "$OUT/csv/t2_7_hot_articles.csv")"

# ---- headless chromium
if [ -x /usr/bin/chromium ] && [ -f "$TOP/node_modules/playwright-core/package.json" ]; then
  shot=$GR_WORK/report.png
  node "$TOP/tests/integration/report_check.mjs" "$OUT/index.html" expected "$shot" 7 >browser.out 2>browser.err
  cat browser.out browser.err
  while IFS= read -r line; do
    case $line in ok\ *|not\ ok\ *) _t_res "$line" ;; esac
  done <browser.out
  t_match "the browser check ran its checks" "^ok report: full-page screenshot saved" "$(grep screenshot browser.out)"
  mkdir -p "$TOP/tests/tmp" && cp "$shot" "$TOP/tests/tmp/report.png" 2>/dev/null
  [ -f "$GR_WORK/report-top.png" ] && cp "$GR_WORK/report-top.png" "$TOP/tests/tmp/report-top.png"
  echo "screenshot: $shot (copied to tests/tmp/report.png)"
else
  echo "SKIP browser checks: /usr/bin/chromium or node_modules/playwright-core missing (scripts/deps.sh installs both)"
  _t_res "ok report: browser checks skipped (chromium absent)"
fi

# ---- the month in progress: its own report, marked provisional
t_match "November scored, provisional" ", provisional: " "$("$B/scorer" run --period 2014-11 2>/dev/null)"
out=$("$B/govreach" report --period provisional --out "$GR_WORK/prov" 2>&1)
t_match "report --period provisional" "^govreach report: $GR_WORK/prov/index.html \\(provisional\\)$" "$out"
t_eq "the provisional page is marked" "1" "$(grep -c 'data-status="provisional"' "$GR_WORK/prov/index.html")"
t_eq "the final page is not" "0" "$(grep -c 'data-status="provisional"' "$OUT/index.html")"
t_eq "the final report still shows October" "2014-10" \
  "$("$B/govreach" report --out "$GR_WORK/final2" >/dev/null 2>&1; node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).run.period)' "$GR_WORK/final2/data.json")"

# ---- the nightly run writes the report and names it
out=$("$B/govreach" --set nightly.spool="$GR_WORK/spool" --set nightly.log_file="$GR_WORK/nightly.log" --no-crawl nightly); rc=$?
echo "$out"
t_eq "nightly exits 0" "0" "$rc"
t_match "the nightly summary names the report" "^  report +ok .*$GR_WORK/spool/report/latest/index.html" "$out"
t_ok "the nightly report is under the stable latest/ path" test -s "$GR_WORK/spool/report/latest/index.html"
t_ok "latest/ is a link to one run's directory" test -L "$GR_WORK/spool/report/latest"
t_match "the nightly summary names the provisional report too" "provisional/index.html" "$(echo "$out" | grep '^  report ')"
t_eq "the nightly provisional report is marked" "1" "$(grep -c 'data-status="provisional"' "$GR_WORK/spool/report/provisional/index.html")"
first=$(readlink "$GR_WORK/spool/report/latest")
sleep 1
"$B/govreach" --set nightly.spool="$GR_WORK/spool" --set nightly.log_file="$GR_WORK/nightly.log" --no-crawl nightly >/dev/null
t_eq "a second night replaces the report and removes the old one" "1|0" \
  "$(ls -d "$GR_WORK"/spool/report/latest-* | wc -l)|$(test -e "$GR_WORK/spool/report/$first" && echo 1 || echo 0)"
