# scorer: hand-computed fixtures (tests/data/scorer/fixture.md) equal the scorer's
# output to 0.01; reruns are idempotent; a changed weight adds a run and leaves the
# first untouched; compare reports the moves; report views and the research role.
source "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/scorer

migrate() {
  if [ -x "$B/loader" ] && "$B/loader" --help 2>/dev/null | grep -q migrate; then
    "$B/loader" migrate
  else
    for f in "$TOP"/schema/[0-9][0-9][0-9]_*.sql; do
      psql -X -q -v ON_ERROR_STOP=1 -f "$f" || return 1
    done
  fi
}

# compare_expected EXPECTED ACTUAL LISTS: prints every expected row of the lists
# matching the regex LISTS that the actual output lacks or differs from by more
# than 0.01 (strings must be equal).
compare_expected() {
  awk -F'\t' -v lists="^($3)\$" '
    NR == FNR { a[$1 FS $2 FS $3] = $4; next }
    FNR == 1 || $1 !~ lists { next }
    { k = $1 FS $2 FS $3
      if (!(k in a)) { print "missing: " k " (expected " $4 ")"; next }
      if ($4 ~ /^-?[0-9.]+$/) { d = a[k] - $4; if (d < 0) d = -d; if (d > 0.01) print "differs: " k " expected " $4 " got " a[k] }
      else if (a[k] != $4) print "differs: " k " expected " $4 " got " a[k] }' "$2" "$1"
}

t_ok "migrations apply" migrate
t_ok "fixture loads" psql -X -q -v ON_ERROR_STOP=1 -f "$D/fixture.sql"

out=$("$B/scorer" run --period 2014-10-01..2014-10-31 2>run1.log)
t_match "run 1 reported" '^run 1: methodology 2014 3, 2014-10 \(2014-10-01\.\.2014-10-31\), final: 3 WeChat, 3 Weibo, 2 combined, 6 app listings$' "$out"
psql -X -q -v ON_ERROR_STOP=1 -v run=1 -f "$D/actual.sql" >actual1.tsv
t_eq "fixture: WCI, sub-lists, BCI, combined, apps, hot articles, aggregates match the hand computation" \
  "" "$(compare_expected "$D/expected_2014.tsv" actual1.tsv 'wci|wci_sub|bci|combined|app_listing|app_total|app_store|aggregate|hot_article')"
t_eq "unobserved articles are counted apart, not as zero reads" "2|3|125001" "$(q "SELECT articles_unobserved || '|' || articles || '|' || reads FROM score.wci WHERE run_id = 1 AND biz = 'MzA='")"
t_eq "unregistered account ignored" "0" "$(q "SELECT count(*) FROM score.wci WHERE biz = 'MzD='")"
t_eq "report view t2_2 rounds to 2 decimals" "1|乙发布|1221.45|726.64|1023.53" "$(q "SELECT rank, name, read_index, like_index, wci FROM report.t2_2_local_wechat WHERE rank = 1")"
t_eq "report view t2_7 keeps the raw cap text" "1|乙发布|2014-10-09 09:00:00|10万+|800" "$(q "SELECT rank, account, published_at, reads_raw, likes FROM report.t2_7_hot_articles WHERE rank = 1")"
t_eq "report view t4_1 has the store total" "total|1|12306|24190000" "$(q "SELECT store, rank, app, downloads FROM report.t4_1_app_store_top10 WHERE store = 'total' AND rank = 1")"
t_eq "report view t2_3 party sub-list" "1|乙发布" "$(q "SELECT rank, name FROM report.t2_3_party_publicity_wechat")"

# Same methodology, same period, same inputs: nothing new.
out=$("$B/scorer" run --period 2014-10-01..2014-10-31 2>/dev/null)
t_match "identical rerun is skipped" '^up to date: run 1 ' "$out"
t_eq "still one run" "1" "$(q "SELECT count(*) FROM score.run")"
out=$("$B/scorer" run --force --period 2014-10-01..2014-10-31 2>/dev/null)
t_match "forced rerun adds run 2" '^run 2: ' "$out"
t_eq "run 2 is marked forced and equal to run 1" "true|0" "$(q "SELECT r.forced || '|' || (SELECT count(*) FROM score.wci a JOIN score.wci b ON a.biz = b.biz AND b.run_id = 2 WHERE a.run_id = 1 AND a.wci <> b.wci) FROM score.run r WHERE run_id = 2")"

# New inputs: the watermark changes, so the same methodology scores again.
psql -X -q -c "INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, like_num, status, warc_file, warc_offset, url, fetched_at) VALUES ('MzC=', 1, 1, 'footer', 250, 1, 'ok', 'x', 1, 'u', '2014-10-20T00:00:00Z')"
out=$("$B/scorer" run --period 2014-10-01..2014-10-31 2>/dev/null)
t_match "new observations give a new run" '^run 3: ' "$out"
t_eq "new run sees the new snapshot, run 1 does not" "200|250" "$(q "SELECT string_agg(reads::text, '|' ORDER BY run_id) FROM score.wci WHERE biz = 'MzC=' AND run_id IN (1, 3)")"
psql -X -q -c "DELETE FROM score.comparison_row; DELETE FROM obs.wechat_stat WHERE warc_file = 'x'"

# A changed weight is a new methodology file; the old run stays as it was.
sum1=$(q "SELECT md5(string_agg(biz || wci::text || rank_all, ',' ORDER BY biz)) FROM score.wci WHERE run_id = 1")
sed -e 's/^name = 2014$/name = 2014-read-heavy/' -e 's/^w_read = 0.6$/w_read = 0.9/' -e 's/^w_like = 0.4$/w_like = 0.1/' \
  "$TOP/conf/methodology/2014.conf" >read-heavy.conf
out=$("$B/scorer" run -m read-heavy.conf --period 2014-10-01..2014-10-31 2>/dev/null)
t_match "changed weight: new run 4" '^run 4: methodology 2014-read-heavy ' "$out"
t_eq "two methodologies stored" "2" "$(q "SELECT count(*) FROM score.methodology")"
t_eq "run 1 untouched" "$sum1" "$(q "SELECT md5(string_agg(biz || wci::text || rank_all, ',' ORDER BY biz)) FROM score.wci WHERE run_id = 1")"
t_eq "methodology text and hash stored" "t" "$(q "SELECT bool_and(sha256 = encode(sha256(convert_to(text, 'UTF8')), 'hex') AND params ? 'wci.w_read') FROM score.methodology")"
t_eq "latest run per methodology" "2014:3|2014-read-heavy:4" "$(q "SELECT string_agg(methodology || ':' || run_id, '|' ORDER BY methodology) FROM report.latest_run")"

out=$("$B/scorer" compare 1 4 2>compare.log)
t_match "compare prints its summary" '# wci: 3 entries, 1 up, 1 down, 0 new, 0 dropped' "$out"
printf '%s\n' "$out" | awk -F'\t' '$1 == "wci" || $1 == "combined" { print $1 "/" $2 "\t" $6 "\t" $9 }' | sort >moves.tsv
exp_moves=$(awk -F'\t' '$1 == "compare" { k[$2] = k[$2] "\t" $4 } END { for (e in k) print e k[e] }' "$D/expected_2014.tsv" | sort)
# expected: entity, rank_move, score_delta; actual from the printed table (rounded to 0.01)
bad=$(join -t"$(printf '\t')" <(printf '%s\n' "$exp_moves") moves.tsv | awk -F'\t' '{ d = $3 - $5; if (d < 0) d = -d; if ($2 != $4 || d > 0.01) print }')
t_eq "compare: every expected move printed" "$(printf '%s\n' "$exp_moves" | wc -l)" "$(join -t"$(printf '\t')" <(printf '%s\n' "$exp_moves") moves.tsv | wc -l)"
t_eq "compare: rank moves and score deltas as computed by hand" "" "$bad"
t_eq "compare stored" "1|4|3" "$(q "SELECT c.run_a || '|' || c.run_b || '|' || count(*) FILTER (WHERE r.list = 'wci') FROM score.comparison c JOIN score.comparison_row r USING (comparison_id) GROUP BY c.run_a, c.run_b")"
t_eq "compare: BCI did not move" "0" "$(q "SELECT count(*) FROM score.comparison_row WHERE list = 'bci' AND (rank_move <> 0 OR abs(score_delta) > 1e-9)")"
t_fail "compare with an unknown run" 66 "$B/scorer" compare 1 99

# Presets run without code changes.
for p in wci-v2 wci-v13 sina-bci; do
  t_ok "preset $p runs" "$B/scorer" run -m "$TOP/conf/methodology/$p.conf" --period 2014-10-01..2014-10-31
done
psql -X -qtA -F"$(printf '\t')" -c "
  SELECT 'preset', m.name || '/' || w.biz, 'wci', w.wci FROM score.wci w JOIN score.run r USING (run_id)
    JOIN score.methodology m USING (methodology_id) WHERE m.name IN ('wci-v2', 'wci-v13') AND w.biz = 'MzA='
  UNION ALL
  SELECT 'preset', m.name || '/' || b.account, 'bci', b.bci FROM score.bci b JOIN score.run r USING (run_id)
    JOIN score.methodology m USING (methodology_id) WHERE m.name = 'sina-bci' AND b.account = 'wb_a'" >presets.tsv
t_eq "presets WCI V2, WCI V13 and Sina BCI equal the hand computation (fixture.md section 9)" \
  "" "$(compare_expected "$D/expected_2014.tsv" presets.tsv preset)"

"$B/scorer" list >list.tsv 2>/dev/null
t_eq "list shows every run" "7" "$(tail -n +2 list.tsv | wc -l)"

# Documentation and access.
t_eq "every score/report table and view has a comment" "" "$(q "
  SELECT string_agg(c.relname, ' ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('score', 'report') AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL")"
t_eq "every score/report column has a comment" "" "$(q "
  SELECT string_agg(c.relname || '.' || a.attname, ' ') FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname IN ('score', 'report') AND c.relkind IN ('r', 'v') AND col_description(c.oid, a.attnum) IS NULL")"
t_eq "research can read score and report" "t|t" "$(psql -X -qtA -c "SET ROLE research" -c "SELECT (SELECT count(*) FROM score.wci) > 0 AND (SELECT count(*) FROM report.latest_run) > 0, (SELECT count(*) FROM report.t1_2_central_combined) >= 0" | tr '\n' '|' | sed 's/|$//')"
t_fail "research cannot write score" 1 psql -X -q -c "SET ROLE research" -c "DELETE FROM score.run"
# The per-account score tables' reference to their run, checked once a
# statement (schema/026, 027)
sqlstate() { psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "$1" 2>&1 | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\):.*/\1/p'; }
for t in wci wci_sub bci combined; do
  t_eq "a score.$t row of a run that does not exist: foreign key violation" "23503" \
    "$(sqlstate "CREATE TEMP TABLE x AS SELECT * FROM score.$t WHERE run_id = 1; UPDATE x SET run_id = 999999; INSERT INTO score.$t SELECT * FROM x")"
  t_eq "... nor with rows of an existing run in the same statement" "23503" \
    "$(sqlstate "CREATE TEMP TABLE x AS SELECT * FROM score.$t WHERE run_id = 1; UPDATE x SET run_id = 999999 WHERE ctid = (SELECT min(ctid) FROM x); UPDATE x SET run_id = 2 WHERE run_id = 1; DELETE FROM score.$t WHERE run_id = 2; INSERT INTO score.$t SELECT * FROM x")"
  t_eq "... nor moved to one" "23503" "$(sqlstate "UPDATE score.$t SET run_id = 999999 WHERE run_id = 1")"
done
t_eq "a run with score rows cannot be deleted" "23503" "$(sqlstate "DELETE FROM score.run WHERE run_id = 1")"
t_eq "... nor renumbered" "23503" "$(sqlstate "UPDATE score.run SET run_id = 999999 WHERE run_id = 1")"
t_eq "... and the check names the table (score.wci_sub rows only)" \
  'update or delete on table "run" violates the reference from table "wci_sub"' \
  "$(psql -X -q -c "BEGIN; DELETE FROM score.wci WHERE run_id = 1; DELETE FROM score.bci WHERE run_id = 1; DELETE FROM score.combined WHERE run_id = 1; DELETE FROM score.run WHERE run_id = 1" 2>&1 | sed -n 's/^ERROR: *//p')"
t_eq "its rows are all still there" "3 3 3" "$(q "SELECT (SELECT count(*) FROM score.bci WHERE run_id = 1) || ' ' || (SELECT count(*) FROM score.wci WHERE run_id = 1) || ' ' || (SELECT count(*) FROM score.wci_sub WHERE run_id = 1)")"

# Usage errors.
t_fail "bad period" 64 "$B/scorer" run --period 2014-10-31..2014-10-01
t_fail "no such methodology file" 66 "$B/scorer" run -m nope.conf --period 2014-10-01..2014-10-31
printf '[methodology]\nname = x\n[wci]\nw_raed = 1\n' >bad.conf
t_fail "unknown methodology key" 78 "$B/scorer" run -m bad.conf --period 2014-10-01..2014-10-31
t_match "unknown key reported as file:line" 'bad\.conf:4: unknown key "w_raed" in section \[wci\]' "$("$B/scorer" run -m bad.conf --period 2014-10-01..2014-10-31 2>&1)"
sed 's#^timezone = Asia/Shanghai$#timezone = Mars/Olympus#' "$TOP/conf/methodology/2014.conf" >tz.conf
t_fail "unknown time zone is a methodology error" 78 "$B/scorer" run -m tz.conf --period 2014-10-01..2014-10-31
t_fail "GOVREACH_DB_CONNINFO is used (the loader passes the database this way)" 69 \
  env GOVREACH_DB_CONNINFO="dbname=no_such_db_here" "$B/scorer" list
t_eq "failed runs left nothing" "7" "$(q "SELECT count(*) FROM score.run")"

# With parallel workers (planner costs that make them cheap even for the
# fixture's few rows) the two Weibo aggregates run at once, as a Parallel
# Append of both under a Gather; the scores are exactly those of a run in
# one process (every score table, run_id aside).
par="-c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0 -c min_parallel_index_scan_size=0"
t_ok "a run with parallel workers" sh -c "PGOPTIONS='$par' '$B/scorer' run --force --explain --period 2014-10-01..2014-10-31 >par.txt 2>par.err"
awk '/^-- step "Weibo follower snapshots and posts"/ { on = 1; next } /^-- step / { on = 0 } on' par.txt >par_wb.txt
t_match "... its Weibo aggregates ran as a Parallel Append" "Parallel Append" "$(cat par_wb.txt)"
t_match "... in parallel workers" "Workers Launched: [1-9]" "$(cat par_wb.txt)"
t_ok "a run in one process" sh -c "PGOPTIONS='-c max_parallel_workers_per_gather=0' '$B/scorer' run --force --explain --period 2014-10-01..2014-10-31 >serial.txt 2>serial.err"
t_eq "... no Gather in it" "0" "$(grep -c Gather serial.txt)"
ids=$(q "WITH r AS (SELECT max(run_id) - 1 AS a, max(run_id) AS b FROM score.run) SELECT a || ' ' || b FROM r")
read -r ra rb <<<"$ids"
for t in wci wci_sub hot_article bci combined distribution unscored aggregate app_listing app_total app_store app_province; do
  cols=$(q "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
             WHERE table_schema = 'score' AND table_name = '$t' AND column_name <> 'run_id'")
  t_eq "score.$t: the parallel run equals the run in one process" "0" \
    "$(q "SELECT (SELECT count(*) FROM (SELECT $cols FROM score.$t WHERE run_id = $ra EXCEPT ALL SELECT $cols FROM score.$t WHERE run_id = $rb) x)
              + (SELECT count(*) FROM (SELECT $cols FROM score.$t WHERE run_id = $rb EXCEPT ALL SELECT $cols FROM score.$t WHERE run_id = $ra) y)")"
done
t_eq "... and both scored the fixture's accounts" "3|3" "$(q "SELECT string_agg(weibo_accounts::text, '|') FROM score.run WHERE run_id IN ($ra, $rb)")"
