#!/usr/bin/env bash
# make demo: build, then replay a night of January 2014 and the nights of October and
# November 2014 on the simulated web (a small universe that holds every account and app
# the 2014 report names), so that the report's periods are fully crawled and final:
# October 2014 (its month), 1 January - 31 October 2014 (its Weibo tables), 15 September
# - 21 October (its hot articles) and the week 12-19 November (its sub-lists); print the
# report's tables from those final runs, and how to open psql on the result.
#
# The nights run under a simulated clock (libfaketime: every process of a night, the
# PostgreSQL server included, sees the same 2014 time, while monotonic clocks stay
# real), because fetch times, publish times and "has the month settled" all have to
# agree as they would have in 2014. The demo has a database cluster of its own,
# var/demo/pg, that stays running on the last night's clock; `make db-stop` stops it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export GOVREACH_SHARE=$top
unset PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGHOSTADDR GOVREACH_DB_CONNINFO
make -s -j2 all
demo=${GOVREACH_DEMO_DIR:-$top/var/demo}
export GOVREACH_VAR=$demo
scripts/pgembed.sh stop 2>/dev/null || true
rm -rf "$demo" "$(readlink -f "$demo/pg" 2>/dev/null || echo "$demo/pg")"
mkdir -p "$demo"

faketime_lib=
for f in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
  [ -f "$f" ] && { faketime_lib=$f; break; }
done
[ -n "$faketime_lib" ] || { echo "demo: libfaketime is missing (scripts/deps.sh installs it: apt-get install faketime)" >&2; exit 69; }

# The simulated web's universe starts on 1 October 2014 (its day 0). Each night runs
# at 23:00 UTC (07:00 the next morning in Beijing) of its simweb day:
#   day -273 (1 Jan): the start of the report's Weibo period: the follower snapshots
#   day 1  (2 Oct):  the start of October: follower and download snapshots, 1-2 Oct, and
#                    the articles of the last 30 days (from 3 Sep: 表2.7's September ones);
#                    the Tencent Weibo timelines reach back to 1 January
#   day 21 (22 Oct): the day after 表2.7's window (15 Sep - 21 Oct) ends, inside its settle
#                    days: the stats of its October articles (a later night's would come
#                    after the window's stat cut-off, 28 Oct)
#   day 31 (1 Nov):  the first night after October: every article and post of 3-31 Oct
#                    (the history pages show 30 days), the end-of-month snapshots;
#                    October is scored, provisional (its 7 settle days have not passed)
#   day 38 (8 Nov):  the settle days have passed: October is scored again, final
#   day 50 (20 Nov): the week 12-19 November of the category sub-lists (表2.3-2.6): its
#                    articles and their stats, inside the week's settle days
#   day 57 (27 Nov): the week's settle days have passed: after this night the week is
#                    scored as a period of its own (scorer run --period $week), final,
#                    and so is 表2.7's window ($hot). (October's run scores Weibo over
#                    1 January - 31 October, the methodology's bci.window = year: the
#                    January night gives its start snapshots)
# (the nights are chosen for the periods of conf/report/periods_2014.tsv, read below)
nights=(-273 1 21 31 38 50 57)
names=("2014-01-02" "2014-10-02" "2014-10-22" "2014-11-01" "2014-11-08" "2014-11-20" "2014-11-27")

# The report's periods (key, period, label, tables; `scorer reproduce` reads the same
# file): every one but the month is scored on its own after the last night.
periods_file=$top/conf/report/periods_2014.tsv
declare -A period_of label_of tables_of
keys=()
while IFS=$'\t' read -r key p label tabs; do
  case $key in ''|'#'*|key) continue ;; esac
  period_of[$key]=$p
  label_of[$key]=$label
  tables_of[$key]=${tabs//,/, }
  keys+=("$key")
done <"$periods_file"
for k in month week hot; do
  [ -n "${period_of[$k]:-}" ] || { echo "demo: $periods_file has no \"$k\" line (key period label tables)" >&2; exit 78; }
done
week=${period_of[week]}
hot=${period_of[hot]}

cat >"$demo/govreach.conf.in" <<CONF
[crawler]
; mp.weixin.qq.com over TLS (as the real host: the WeChat credentials go only over https),
; verified with the demo's own test CA; every other host over plain http
connect_to = mp.weixin.qq.com:443:127.0.0.1:@TLSPORT@,127.0.0.1:@PORT@
ca_file = $demo/tls/ca.pem
delay_ms = 0
; follow a busy Tencent Weibo timeline to its end (a calibrated account posts up to 1,860
; times from 1 January to 31 October, 70 posts a timeline page: up to 27 pages)
max_depth = 40
; take a first stats snapshot at once, then the default +1 and +7 days
stats_schedule = 0,86400,604800
[nightly]
targets = $demo/targets
spool = $demo/spool
crawl_budget = 600
log_file = $demo/nightly.log
CONF

bin/simweb --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --emit-targets "$demo/targets" --truth "$demo/truth" >/dev/null
simweb=

# libfaketime leaves a semaphore and a shared-memory segment named by the pid of each
# process it starts in; a stale one whose pid comes round again (and belongs to the
# database server's user) makes that process fail. Remove those of dead processes.
faketime_clean() {
  local f pid
  for f in /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; do
    [ -e "$f" ] || continue
    pid=${f##*_}
    kill -0 "$pid" 2>/dev/null || rm -f "$f" 2>/dev/null || true
  done
}
trap 'faketime_clean; [ -n "$simweb" ] && kill $simweb 2>/dev/null; wait 2>/dev/null || true' EXIT

# the test CA and simweb's certificate, made under the simulated clock so that they are
# valid from the first night on (scripts/test_ca.sh; kept for later demos)
env FAKETIME="$(( $(date -u -d "2014-01-01 00:00:00 UTC" +%s) - $(date +%s) ))" FAKETIME_DONT_FAKE_MONOTONIC=1 \
  LD_PRELOAD="$faketime_lib" scripts/test_ca.sh "$demo/tls"

for i in "${!nights[@]}"; do
  faketime_clean
  day=${nights[$i]}
  at=$(date -u -d "2014-10-01 00:00:00 UTC + $day days + 23 hours" +%s)
  # every process of this night: the same offset from the real clock
  # (env execs the program, so "$!" of a night in the background is the program itself)
  night() { env FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$faketime_lib" "$@"; }
  offset=$((at - $(date +%s)))
  scripts/pgembed.sh stop
  # (the server gets the clock through PGEMBED_PRELOAD: libfaketime keeps state in shared
  # memory that a process of root's cannot hand to the server's own user)
  base=$(env FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 PGEMBED_PRELOAD="$faketime_lib" \
         scripts/pgembed.sh start | sed 's/ dbname=.*//')
  conn="$base dbname=govreach_demo"
  if [ "$i" = 0 ]; then
    psql "$base dbname=postgres" -X -q -c "CREATE DATABASE govreach_demo"
  fi
  rm -f "$demo/port"
  env FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$faketime_lib" bin/simweb --seed 2014 --scale small --scenario report-2014 --date 2014-10-01 --day "$day" --listen 127.0.0.1:0 \
    --tls-port 0 --cert "$demo/tls/srv.pem" --key "$demo/tls/srv.key" --port-file "$demo/port" --gzip --log "$demo/simweb-$day.log" 2>"$demo/simweb-$day.err" &
  simweb=$!
  for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
  read -r port tlsport <"$demo/port"
  { echo "[db]"; echo "conninfo = $conn"; sed "s/@PORT@/$port/; s/@TLSPORT@/$tlsport/" "$demo/govreach.conf.in"; } >"$demo/govreach.conf"

  echo "== night $((i + 1)) of ${#nights[@]}: govreach nightly at $(date -u -d "@$at" '+%Y-%m-%d %H:%M UTC') (simulated; simweb day $day, ${names[$i]})"
  rc=0
  night bin/govreach --config "$demo/govreach.conf" nightly || rc=$?
  kill $simweb 2>/dev/null; wait $simweb 2>/dev/null || true
  simweb=
  [ $rc -le 1 ] || { echo "demo: the nightly run failed (exit $rc); see $demo/nightly.log" >&2; exit $rc; }
done
# (still on the last night's clock) the report's periods other than its month
# ($periods_file), each a custom period scored on its own
for k in "${keys[@]}"; do
  [ "$k" != month ] || continue
  echo "== ${label_of[$k]}: bin/scorer run --period ${period_of[$k]}"
  rc=0
  night bin/scorer run --period "${period_of[$k]}" --db "$conn" >"$demo/score-$k.log" 2>&1 || rc=$?
  [ $rc = 0 ] || { echo "demo: scoring ${period_of[$k]} failed (exit $rc): $(tail -n 1 "$demo/score-$k.log")" >&2; exit $rc; }
done

q() { psql "$conn" -X -At -c "$1"; }
info=$(q "SELECT run_id || ' ' || period || ' ' || status FROM report.run_info()")
[ -n "$info" ] || { echo "demo: no final period was scored; see $demo/nightly.log" >&2; exit 70; }
read -r run period status <<<"$info"
echo
rid() { q "SELECT run_id FROM report.run_info('$1')"; }
echo "== The report's tables, each from the final run of its period (methodology $(q "SELECT methodology || ' ' || version FROM report.run_info()")):"
echo "   $period (run $run, $status; Weibo from $(q "SELECT to_char(weibo_window_start AT TIME ZONE (params_effective ->> 'period_timezone'), 'YYYY-MM-DD') FROM score.run WHERE run_id = $run") on: ${tables_of[month]}),"
echo "   $hot (run $(rid "$hot"): ${tables_of[hot]}), $week (run $(rid "$week"): ${tables_of[week]})"
echo "   Every registered entry not scored is in report.coverage, with the reason."
show() { echo; echo "== $1"; psql "$conn" -X -P pager=off -c "$2"; }
show "表1.2 central bodies, combined index (0.6·WCI + 0.4·BCI), top 5" "SELECT * FROM report.t1_2_central_combined LIMIT 5"
show "表1.3 local governments, combined index, top 5" "SELECT * FROM report.t1_3_local_combined LIMIT 5"
show "表2.1 central WeChat accounts, WCI, top 5" "SELECT * FROM report.t2_1_central_wechat LIMIT 5"
show "表2.2 local WeChat accounts, WCI, top 5" "SELECT * FROM report.t2_2_local_wechat LIMIT 5"
show "表2.3 party and publicity accounts, the week $week, top 5 (sub-list WCI)" "SELECT * FROM report.t2_3_party_publicity_wechat('$week') LIMIT 5"
show "表2.7 the most-read articles of $hot, top 5 (reads as the page showed them)" "SELECT * FROM report.t2_7_hot_articles('$hot') LIMIT 5"
show "表3.1 central Tencent Weibo accounts, BCI (over the Weibo window), top 5" "SELECT * FROM report.t3_1_central_weibo LIMIT 5"
show "表3.2 local Tencent Weibo accounts, BCI, top 5" "SELECT * FROM report.t3_2_local_weibo LIMIT 5"
show "表4.1 apps by downloads, top 3 per store" "SELECT * FROM report.t4_1_app_store_top10 WHERE rank <= 3"
show "Coverage of the registry in $period" "SELECT platform, count(*) AS registered, count(last_ok_at) AS observed, count(*) FILTER (WHERE scored_in_latest_final) AS scored FROM report.coverage GROUP BY platform ORDER BY platform"
echo
echo "The report for readers (HTML, CSV, JSON; opens from disk): file://$demo/spool/report/latest/index.html"
echo "Open the database as research staff (read-only):   $(scripts/pgembed.sh research govreach_demo)"
echo "Open it as the pipeline's owner:                    psql \"$conn\""
echo "Stop it:                                            make db-stop"

# The simulated web is calibrated to the report (simweb --scenario report-2014): the
# run just printed, recomputed from pages, against the report's own printed tables.
tables=${GR_REPORT_TABLES:-$top/../shared/report/tables}
[ -d "$tables" ] || tables=$top/tests/data/report/tables
rrc=0
bin/scorer reproduce "$tables" --db "$conn" >"$demo/reproduce.tsv" 2>"$demo/reproduce.err" || rrc=$?
echo
echo "== The report reproduced from pages (scorer reproduce $tables; run $run)"
echo "   every difference, each named as a report error or a documented scenario choice: $demo/reproduce.tsv"
sed -n '/^表/p' "$demo/reproduce.tsv"
case $rrc in
  0) echo "No undocumented difference: every row that differs from the print is named in reproduce.tsv (a report"
     echo "error, a scenario choice, or a value the 2014 methodology's guessed BCI weights cannot reach)." ;;
  1) echo "NOT reproduced: $(grep -c 'differs$' "$demo/reproduce.tsv") undocumented difference(s), see $demo/reproduce.tsv" ;;
  *) echo "demo: scorer reproduce failed (exit $rrc): $(cat "$demo/reproduce.err")" >&2; exit $rrc ;;
esac
