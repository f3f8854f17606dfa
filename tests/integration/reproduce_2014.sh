# tests/run: long (minutes: started first when the scripts run in parallel)
# The whole pipeline on the simulated web calibrated to the 2014 report
# (simweb --scenario report-2014, the small universe plus every named account and
# app): the demo's seven nights (January, October, November 2014) and the report's periods
# scored: October (its Weibo window 1 January - 31 October, bci.window = year), 表2.7's window
# 15 September - 21 October and the sub-lists' week (simweb -> crawler -> parser -> loader -> scorer),
# then `scorer reproduce` against the report's tables: every printed row within its
# tolerance, the differences exactly the documented ones (tests/data/report/
# reproduce_expected.tsv). Then a changed methodology weight, scored again without
# crawling, moves the rows away and reproduce says by how much; and the scenario is
# deterministic (same seed, byte-identical truth and page bodies).
source "$GR_TOP/tests/lib.sh"
source "$GR_TOP/simweb/testlib.sh"

TABLES=${GR_REPORT_TABLES:-/work/shared/report/tables}
[ -d "$TABLES" ] || TABLES=$TOP/tests/data/report/tables
export GOVREACH_DEMO_DIR=$PWD/demo
env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$TOP/scripts/demo.sh" >demo.out 2>&1 </dev/null; rc=$?
t_eq "the demo runs on the calibrated web" 0 $rc
out=$(cat demo.out)
t_match "the demo ends with the reproduction summary" "^No undocumented difference: every row that differs from the print is named in reproduce.tsv" "$(tail -n 2 demo.out | head -n 1)"
conn="host=$GOVREACH_DEMO_DIR/pg/run port=5432 user=$(id -un) dbname=govreach_demo"
conn=$(sed -n 's/^Open it as the pipeline.s owner: *psql "\(.*\)"$/\1/p' demo.out)

"$B/scorer" reproduce "$TABLES" --db "$conn" >rep.tsv 2>rep.err; rc=$?
t_eq "scorer reproduce: only documented differences (exit 0)" 0 $rc
t_eq "no undocumented difference" 0 "$(grep -c 'differs$' rep.tsv)"
for want in "表2.1: 20/20 rows within 0.01 " "表2.2: 10/10 rows within 0.01 " "表4.1: 50/60 rows within exact, 10 with documented" \
            "表1.3: 4/10 rows" "表3.1: 15/20 rows" "表3.2: 5/10 rows" "表1.2: 16/20 rows" \
            "表2.7: 16/20 rows within exact, 4 with documented differences \(run"; do
  t_match "summary line $want" "^$want" "$(grep "^${want%% *}" rep.tsv)"
done
# 表1.2's only differences are the report's own errors (12360/团学小微 identity, 国务院公报's WCI,
# 党建网微平台 absent from 表3.1); 表3.1/3.2 differ where the coverage is out of reach, and 中国气象局
for t in 表2.3 表2.4 表2.5 表2.6; do
  t_match "$t (the week 12-19 Nov, its own run): 10/10 rows, no documented difference" "^$t: 10/10 rows within 0.07 \(run [0-9]+\)$" "$(grep "^$t" rep.tsv)"
done
wrun=$(psql "$conn" -XAt -c "SELECT run_id || ' ' || status FROM report.run_info('2014-11-12..2014-11-19')")
t_match "the sub-lists' run is the week's, final" "^[0-9]+ final$" "$wrun"
mrun=$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info()")
t_ok "... and not the month's" test "${wrun%% *}" != "$mrun"
# the report's Weibo period (1 January - 31 October) is October's run's Weibo window; 表2.7's
# window is a run of its own, final
brun=$mrun
t_eq "October's run scores Weibo from 1 January" "2014-01-01|2014-10-31" \
  "$(psql "$conn" -XAt -c "SELECT to_char(weibo_window_start AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || '|' || period_end FROM score.run WHERE run_id = $mrun")"
t_eq "... and WeChat over October" "2014-10-01" "$(psql "$conn" -XAt -c "SELECT to_char(window_start AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') FROM score.run WHERE run_id = $mrun")"
t_eq "no run of the Weibo period on its own" "" "$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info('2014-01-01..2014-10-31')")"
hrun=$(psql "$conn" -XAt -c "SELECT run_id || ' ' || status FROM report.run_info('2014-09-15..2014-10-21')")
t_match "表2.7's window's run is final" "^[0-9]+ final$" "$hrun"
hrun=${hrun%% *}
for t in 表1.2 表1.3 表3.1 表3.2; do
  t_match "$t is compared with October's run (the report pairs October's WCI with the BCI of January-October)" "\(run $brun\)$" "$(grep "^$t" rep.tsv)"
done
for a in 上海发布 广东发布 微成都; do
  t_eq "表1.3 $a: October's WCI beside its January-October BCI, as printed (its September hot article is not in it)" "" "$(grep -P "^t1_3_local_combined\t$a\t" rep.tsv)"
done
t_match "表2.7 is compared with its window's run" "\(run $hrun\)$" "$(grep '^表2.7' rep.tsv)"
t_match "表2.1 with October's" "\(run $mrun\)$" "$(grep '^表2.1' rep.tsv)"
t_eq "表2.7: every printed article present, none extra, only the report's cap marker differs" "reads_raw" \
  "$(awk -F'\t' '$1 == "t2_7_hot_articles" { print $3 }' rep.tsv | sort -u)"
# what the crawl observed of the Weibo period: each account's start snapshot is the January
# night's, and its posts are those of the ten months (the calibration's tp lines), of which
# October holds about a tenth (counted in a run of October with the Weibo window of the
# period, bci.window = period)
wb() { psql "$conn" -XAt -c "SELECT $1 FROM score.bci b JOIN src.weibo_account a USING (account) WHERE b.run_id = $2 AND a.name = '广东发布'"; }
t_match "广东发布's start snapshot: the night of 1 January" "^2014-01-01" "$(psql "$conn" -XAt -c "SET timezone = 'UTC'; SELECT b.followers_first_at FROM score.bci b JOIN src.weibo_account a USING (account) WHERE b.run_id = $brun AND a.name = '广东发布'" | tail -n 1)"
acc=$(awk -F'\t' '$1 == "tw" && $5 == "广东发布" { print $2 }' "$TOP/simweb/report_2014.tsv")
want=$(awk -F'\t' -v a="$acc" '$1 == "tp" && $2 == a' "$TOP/simweb/report_2014.tsv" | wc -l)
t_eq "广东发布's posts of January-October: all $want of the calibration" "$want" "$(wb posts "$brun")"
sed -e 's/^name = 2014$/name = 2014-october-weibo/' -e '/^\[bci\]/,/^\[/{s/^window = year/window = period/}' \
    "$TOP/conf/methodology/2014.conf" >octwb.conf
"$B/scorer" run --methodology octwb.conf --period 2014-10 --db "$conn" >>run.out 2>>run.err
orun=$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info('2014-10', '2014-october-weibo')")
oct=$(wb posts "${orun:-0}")
t_ok "... of which October has a tenth or so (${oct:-none})" test "${oct:-0}" -ge $((want / 20)) -a "${oct:-0}" -le $((want / 5 + 1))
t_match "表1.2: 4 rows with documented differences, none undocumented" ", 4 with documented differences \(run" "$(grep '^表1.2' rep.tsv)"
t_match "表3.1: 5 rows with documented differences" ", 5 with documented differences \(run" "$(grep '^表3.1' rep.tsv)"
t_match "表3.2: 5 rows with documented differences" ", 5 with documented differences \(run" "$(grep '^表3.2' rep.tsv)"
# the differences, exactly: table, row, column and the documentation's kind
awk -F'\t' 'NR > 1 && NF == 7 { split($7, s, ":"); print $1 "\t" $2 "\t" $3 "\t" s[1] ":" s[2] }' rep.tsv | sort >got.tsv
sort "$TOP/tests/data/report/reproduce_expected.tsv" | grep -v '^#' >want.tsv
t_ok "the differences are exactly tests/data/report/reproduce_expected.tsv ($(wc -l <got.tsv) lines)" diff want.tsv got.tsv
t_match "a report error is named as such" "	国务院公报	wci	917.75	923.44	5.690	documented: report error \(cross\)" "$(cat rep.tsv)"
t_match "a scenario contradiction is named as such" "	最后一公里	bci	526.99	[0-9.]+	[0-9.]+	documented: .*follows t3_2_local_weibo|report error \(absent\)" "$(cat rep.tsv)"
t_match "a calibration limit is named as such" "^t3_2_local_weibo	广东发布	coverage	986.32	550.67	[0-9.]+	documented: scenario: coverage out of reach" "$(cat rep.tsv)"
t_eq "every BCI of 表3.1/3.2 as printed: no bci line among their differences" "" "$(grep -P '^t3_[12]_[a-z_]+\t[^\t]+\tbci\t' rep.tsv)"
t_eq "... and only coverage and its compensating propagation differ (besides 中国气象局's missing followers)" "" \
  "$(grep -P '^t3_[12]_' rep.tsv | awk -F'\t' '$3 != "coverage" && $3 != "propagation" && !($2 == "中国气象局" && $3 == "followers")')"
t_eq "every WeChat row reproduced: no 表2.1 or 表2.2 line among the differences" "" "$(grep '^t2_[12]_' rep.tsv)"

# A changed weight (reads: total 0.40 -> 0.50, average 0.45 -> 0.35), scored again
# without crawling: the rows move away from the printed values, by a reported size.
sed -e 's/^name = 2014$/name = 2014-moved/' \
    -e '/^\[wci.read\]/,/^\[/{s/^w_total = 0.40/w_total = 0.50/;s/^w_avg = 0.45/w_avg = 0.35/}' \
    "$TOP/conf/methodology/2014.conf" >moved.conf
t_fail "the changed methodology differs from the default" 1 cmp -s moved.conf "$TOP/conf/methodology/2014.conf"
"$B/scorer" run --methodology moved.conf --period 2014-10 --db "$conn" >run.out 2>run.err; rc=$?
t_eq "scorer run with the changed weight" 0 $rc
run=$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info('2014-10', '2014-moved')")
t_match "the new run is final" "final" "$(psql "$conn" -XAt -c "SELECT status FROM score.run WHERE run_id = ${run:-0}")"
"$B/scorer" reproduce "$TABLES" --run "$run" --db "$conn" >moved.tsv 2>moved.err; rc=$?
t_eq "reproduce on the moved run finds undocumented differences (exit 1)" 1 $rc
t_match "表2.1 no longer reproduced" "^表2.1: 0/20 rows within 0.01, 20 DIFFER" "$(grep '^表2.1' moved.tsv)"
size=$(awk -F'\t' '$1 == "t2_1_central_wechat" && $2 == "共产党员" && $3 == "read_index" { print $6 }' moved.tsv)
t_ok "reproduce says by how much 共产党员's read index moved (${size:-none})" awk -v s="${size:-0}" 'BEGIN { exit !(s > 1) }'
t_match "... as TSV: table, row, column, printed, computed, size, status" \
  "^t2_1_central_wechat	共产党员	read_index	1489.64	[0-9.]+	[0-9.]+	differs$" "$(cat moved.tsv)"
t_eq "the apps do not depend on the WCI weights" 0 "$(grep -c '^t4_1.*differs$' moved.tsv)"
# ... and over the report's other periods, each table against the changed methodology's
# run of its period: the WCI weights move the combined tables, not the BCIs (表3.1/3.2 as
# with the default) nor which articles are the hottest (表2.7)
for p in 2014-09-15..2014-10-21; do
  "$B/scorer" run --methodology moved.conf --period "$p" --db "$conn" >>run.out 2>>run.err; rc=$?
  t_eq "scorer run --period $p with the changed weight" 0 $rc
done
mb=$run
mh=$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info('2014-09-15..2014-10-21', '2014-moved')")
"$B/scorer" reproduce "$TABLES" --run "$run" --db "$conn" >moved2.tsv 2>moved2.err
t_match "表3.1 from the changed methodology's October run, as with the default" \
  "^表3.1: 15/20 rows within 0.015 \(followers exact\), 5 with documented differences \(run ${mb:-none}\)$" "$(grep '^表3.1' moved2.tsv)"
t_match "表1.2 from the same run: its combined index moved" "^表1.2: .* DIFFER \(run ${mb:-none}\)$" "$(grep '^表1.2' moved2.tsv)"
size=$(awk -F'\t' '$1 == "t1_2_central_combined" && $2 == "中国政府网" && $3 == "combined" { print $6 }' moved2.tsv)
t_ok "... by a reported size (中国政府网: ${size:-none})" awk -v s="${size:-0}" 'BEGIN { exit !(s > 1) }'
t_match "表2.7 from the changed methodology's window run, as with the default" \
  "^表2.7: 16/20 rows within exact, 4 with documented differences \(run ${mh:-none}\)$" "$(grep '^表2.7' moved2.tsv)"
# A changed BCI weight (propagation 0.8 -> 0.6): 表3.1/3.2 move
sed -e 's/^name = 2014$/name = 2014-bci-moved/' -e '/^\[bci\]/,/^\[/{s/^w_propagation = 0.8/w_propagation = 0.6/}' \
    "$TOP/conf/methodology/2014.conf" >bci-moved.conf
t_fail "the BCI-moved methodology differs from the default" 1 cmp -s bci-moved.conf "$TOP/conf/methodology/2014.conf"
for p in 2014-10; do
  "$B/scorer" run --methodology bci-moved.conf --period "$p" --db "$conn" >>run.out 2>>run.err; rc=$?
  t_eq "scorer run --period $p with the changed BCI weight" 0 $rc
done
brun2=$(psql "$conn" -XAt -c "SELECT run_id FROM report.run_info('2014-10', '2014-bci-moved')")
"$B/scorer" reproduce "$TABLES" --run "${brun2:-0}" --db "$conn" >bci-moved.tsv 2>bci-moved.err; rc=$?
t_eq "reproduce on the BCI-moved runs finds undocumented differences (exit 1)" 1 $rc
t_match "表3.1 no longer reproduced" "^表3.1: 0/20 rows within 0.015 \(followers exact\), 20 DIFFER" "$(grep '^表3.1' bci-moved.tsv)"
size=$(awk -F'\t' '$1 == "t3_2_local_weibo" && $2 == "北京发布" && $3 == "bci" { print $6 }' bci-moved.tsv)
t_ok "reproduce says by how much 北京发布's BCI moved (${size:-none})" awk -v s="${size:-0}" 'BEGIN { exit !(s > 1) }'
t_match "表2.1 still reproduced (the WCI does not depend on the BCI weights)" "^表2.1: 20/20 rows within 0.01 " "$(grep '^表2.1' bci-moved.tsv)"
"$B/scorer" reproduce "$TABLES" --run 999999 --db "$conn" >/dev/null 2>&1; rc=$?
t_eq "reproduce of a missing run: 66" 66 $rc

# Each table's period is conf/report/periods_2014.tsv's (--periods replaces it): without
# the week's line 表2.3-2.6 are compared with the compared run, October's, and reproduce
# says so; the other tables keep their periods' runs.
P=$TOP/conf/report/periods_2014.tsv
grep -v '^week	' "$P" >noweek.tsv
"$B/scorer" reproduce "$TABLES" --periods noweek.tsv --db "$conn" >noweek.out 2>noweek.err; rc=$?
t_eq "reproduce without the week's line: the sub-lists differ (exit 1)" 1 $rc
for t in 表2.3 表2.4 表2.5 表2.6; do
  t_match "$t is compared with October's run and says so" \
    "^$t: .* \(run $mrun, the compared run: noweek.tsv gives $t no period\)$" "$(grep "^$t" noweek.out)"
done
t_ok "... where October's sub-list columns are not the week's (differs lines for t2_3)" \
  grep -qP '^t2_3_party_publicity_wechat\t.*\tdiffers$' noweek.out
t_eq "... and only the sub-lists differ" "t2_3_party_publicity_wechat t2_4_police_traffic_wechat t2_5_judicial_wechat t2_6_health_wechat" \
  "$(awk -F'\t' '$NF == "differs" { print $1 }' noweek.out | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_match "表3.1 keeps the Weibo period's run" "\(run $brun\)$" "$(grep '^表3.1' noweek.out)"
t_match "表2.7 keeps its window's run" "\(run $hrun\)$" "$(grep '^表2.7' noweek.out)"
# ... and the week's line moved to 表2.7's window: the sub-lists are compared with that run
sed 's/^week	2014-11-12..2014-11-19	/week	2014-09-15..2014-10-21	/' "$P" >weekmoved.tsv
"$B/scorer" reproduce "$TABLES" --periods weekmoved.tsv --db "$conn" >weekmoved.out 2>/dev/null
t_match "a changed period on the week's line: 表2.3 is compared with the window's run" "^表2.3: .*\(run $hrun\)$" \
  "$(grep '^表2.3' weekmoved.out)"
# a malformed periods file is named by file and line (65, bad data)
{ grep -v '^week	' "$P"; printf 'week\t2014-11-12..2014-11-19\tthe week\n'; } >short.tsv
n=$(wc -l <short.tsv)
t_fail "a line with 3 fields: 65" 65 "$B/scorer" reproduce "$TABLES" --periods short.tsv --db "$conn" >/dev/null 2>short.err
t_match "... named short.tsv:$n" "short.tsv:$n: 3 fields, the header has 4" "$(cat short.err)"
sed 's/^week	2014-11-12..2014-11-19	/week	2014-11-12..2014-11-31	/' "$P" >baddate.tsv
n=$(grep -n '^week	' baddate.tsv | cut -d: -f1)
t_fail "a period that is no period: 65" 65 "$B/scorer" reproduce "$TABLES" --periods baddate.tsv --db "$conn" >/dev/null 2>baddate.err
t_match "... named baddate.tsv:$n" "baddate.tsv:$n: \"2014-11-12..2014-11-31\" is not a period" "$(cat baddate.err)"
sed 's/表2.3,表2.4/表2.3,表9.9/' "$P" >badtable.tsv
t_fail "a table the report does not have: 65" 65 "$B/scorer" reproduce "$TABLES" --periods badtable.tsv --db "$conn" >/dev/null 2>badtable.err
t_match "... named, with its line" "badtable.tsv:$n: \"表9.9\" is not one of the report's tables" "$(cat badtable.err)"
sed 's/表2.7$/表2.7,表2.1/' "$P" >twice.tsv
t_fail "a table on two lines: 65" 65 "$B/scorer" reproduce "$TABLES" --periods twice.tsv --db "$conn" >/dev/null 2>twice.err
t_match "... named, with both lines" "twice.tsv:[0-9]+: 表2.1 is on line [0-9]+ already" "$(cat twice.err)"
t_fail "a missing periods file: 66" 66 "$B/scorer" reproduce "$TABLES" --periods nosuch.tsv --db "$conn" 2>/dev/null

# Determinism: the calibration data is what the committed script computes, and the
# same seed gives the same truth and the same page bodies.
python3 "$TOP/simweb/calibrate_report_2014.py" "$TABLES" >calibration.tsv 2>calibrate.err
t_ok "simweb/report_2014.tsv is what calibrate_report_2014.py computes (byte for byte)" \
  cmp calibration.tsv "$TOP/simweb/report_2014.tsv"
"$B/scorer" reproduce "$TABLES" --db "$conn" --documented "$TOP/tests/data/report/expected_violations.tsv" >nodoc.tsv 2>/dev/null; rc=$?
t_eq "without the scenario's documentation the contradictions count as differences (exit 1)" 1 $rc
t_fail "scorer reproduce needs a directory (usage: 64)" 64 "$B/scorer" reproduce --db "$conn"
for i in 1 2; do
  "$B/simweb" --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day 31 --truth truth$i 2>/dev/null
done
t_ok "same seed, same truth (byte for byte)" diff -r truth1 truth2
for i in 1 2; do
  "$B/simweb" --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day -273 --truth jan$i 2>/dev/null
done
t_ok "... on the January night too (a day before day 0)" diff -r jan1 jan2
# simweb finds an account's posts of a day by bisection: posts out of order are bad data
awk -F'\t' '$1 == "tp" && n == 0 { h = $0; n = 1; next } $1 == "tp" && n == 1 { print; print h; n = 2; next } { print }' \
  "$TOP/simweb/report_2014.tsv" >unsorted.tsv
"$B/simweb" --seed 2014 --scale small --scenario report-2014 --scenario-data unsorted.tsv --date 2014-10-01 --day 1 \
  --truth unsorted 2>unsorted.err; rc=$?
t_eq "posts out of order in the scenario data: 65" 65 $rc
t_match "... naming the file and line" "unsorted.tsv:[0-9]+: an account's posts out of order" "$(cat unsorted.err)"
t_match "the January night's timeline: the posts of 1 January" "	2014-01-01T[0-9:]+Z	" "$(cat jan1/weibo_post.tsv)"
t_eq "... and none later" "" "$(awk -F'\t' 'NR > 1 && $3 >= "2014-01-02"' jan1/weibo_post.tsv)"
sw_start a --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day 31
pa=$SW_PORT
sw_start b --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day 31
pb=$SW_PORT
n=0 same=0
while read -r method url body; do
  n=$((n + 1))
  [ $((n % 7)) = 0 ] || continue
  if [ "$method" = POST ]; then
    SW_PORT=$pa swc -X POST --data-raw "$body" "$url" >a.body; SW_PORT=$pb swc -X POST --data-raw "$body" "$url" >b.body
  else
    SW_PORT=$pa swc "$url" >a.body; SW_PORT=$pb swc "$url" >b.body
  fi
  cmp -s a.body b.body && [ -s a.body ] && same=$((same + 1))
done <truth1/urls.txt
t_ok "every seventh URL of urls.txt: identical non-empty bodies from two servers ($same of $((n / 7)))" test "$same" -eq $((n / 7)) -a "$same" -gt 10
t_match "the scenario's counts are the calibration's (无锡发布's hot article is capped)" "MzkzNTAzMTM2MA==	[0-9]+	1	100001	t	564" "$(cat truth1/wechat_stat.tsv)"
t_match "... with the report's title" "MzkzNTAzMTM2MA==	[0-9]+	1	[0-9a-f]+	那些伤不起的无锡话	无锡发布	2014-10-07T02:25:07Z	ok" "$(cat truth1/wechat_article.tsv)"
"$B/simweb" --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day 1 --truth oct2 2>/dev/null
t_match "表2.7's September article of 共产党员 is on the history of 2 October" "	解读中共用人方向:什么样的人能当领导干部\?	共产党员	2014-09-15T02:19:59Z	ok" "$(cat oct2/wechat_article.tsv)"
sw_stop_all
GOVREACH_VAR=$GOVREACH_DEMO_DIR "$TOP/scripts/pgembed.sh" stop
