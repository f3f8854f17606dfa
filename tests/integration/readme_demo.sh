# tests/run: long (minutes: started first when the scripts run in parallel)
# The README's first command as a newcomer meets it: the demo (here in a directory of
# the test's own) replays the 2014 nights and prints the report's tables, each from the
# final run of its period (October 2014, its Weibo window 1 January - 31 October for 表1.2,
# 1.3, 3.1, 3.2; 表2.7's window; 表2.3's week), then the research login; every SQL example in the
# README runs as research on that database and returns rows.
source "$GR_TOP/tests/lib.sh"

export GOVREACH_DEMO_DIR=$PWD/demo
# (to a file: the database server the demo leaves running must not hold a pipe open)
env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$TOP/scripts/demo.sh" >demo.out 2>&1 </dev/null; rc=$?
out=$(cat demo.out)
t_eq "the demo runs" 0 $rc
t_match "seven nights, each ok" "night 7 of 7: govreach nightly at 2014-11-27" "$out"
t_match "... the first in January 2014 (the Weibo period's start)" "night 1 of 7: govreach nightly at 2014-01-01" "$out"
t_eq "every night says ok" 7 "$(printf '%s\n' "$out" | grep -c '^govreach nightly: ok')"
t_match "October is provisional after the first night of November" "2014-10 provisional" "$(printf '%s\n' "$out" | grep -A8 'night 4 of 7' | grep score)"
t_match "... and final after its settle days" "2014-10 final" "$(printf '%s\n' "$out" | grep -A8 'night 5 of 7' | grep score)"
t_match "the sub-lists' week is scored after the last night" "== the category sub-lists' week \(表2.3-2.6\): bin/scorer run --period 2014-11-12..2014-11-19" "$out"
t_eq "... and no Weibo period of its own (October's run scores Weibo from 1 January)" "" "$(printf '%s\n' "$out" | grep -e '--period 2014-01-01')"
t_match "... and 表2.7's window" "== the hot articles' window \(表2.7\): bin/scorer run --period 2014-09-15..2014-10-21" "$out"
t_match "the tables come from the final runs of the report's periods" "The report's tables, each from the final run of its period \(methodology 2014 [0-9]+\):" "$out"
t_match "... October's named, with its Weibo window" "^   2014-10 \(run [0-9]+, final; Weibo from 2014-01-01 on: 表1.2, 表1.3, 表2.1, 表2.2, 表3.1, 表3.2, 表4.1\),$" "$(printf '%s\n' "$out" | grep '^   2014-10 ')"
# rows printed under each table heading (psql's "(N rows)")
rows_of() { printf '%s\n' "$out" | awk -v h="$1" 'index($0, "== " h) == 1 { on = 1; next } on && /^\([0-9]+ rows?\)$/ { gsub(/[()a-z ]/, ""); print; exit }'; }
for t in 表1.2 表1.3 表2.1 表2.2 表2.3 表2.7 表3.1 表3.2; do
  n=$(rows_of "$t")
  t_ok "$t printed with at least 5 rows (got ${n:-none})" test "${n:-0}" -ge 5
done
n=$(rows_of 表4.1)
t_ok "表4.1 printed with 3 rows for each of 5 stores and the total (got ${n:-none})" test "${n:-0}" -ge 18
t_match "the demo ends with the research login" "Open the database as research staff \(read-only\): +psql \"host=.*user=research dbname=govreach_demo\"" "$out"

login=$(printf '%s\n' "$out" | sed -n 's/^Open the database as research staff (read-only): *psql "\(.*\)"$/\1/p')
rq() { env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE psql "$login" -X -v ON_ERROR_STOP=1 -qtA -c "$1" 2>&1; }
t_eq "the login command works as research" "research" "$(rq "SELECT current_user")"

# Every statement of every ```sql block of the README.
awk '/^```sql$/ { on = 1; next } /^```$/ { on = 0 } on' "$TOP/README.md" | grep -v '^--' >readme.sql
n=0
stmt=
while IFS= read -r line; do
  stmt="$stmt $line"
  case "$line" in
    *\;)
      n=$((n + 1))
      res=$(rq "$stmt"); rc=$?
      rows=$(printf '%s' "$res" | grep -c .)
      t_ok "README SQL example $n returns rows as research (got $rows, exit $rc): $(printf '%.70s' "${stmt# }")" test $rc -eq 0 -a "$rows" -gt 0
      stmt= ;;
  esac
done <readme.sql
t_ok "the README has SQL examples (found $n)" test "$n" -ge 8
GOVREACH_VAR=$GOVREACH_DEMO_DIR "$TOP/scripts/pgembed.sh" stop
