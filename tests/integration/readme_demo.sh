# The README's first command as a newcomer meets it: the demo (here in a directory of
# the test's own) replays the 2014 nights and prints the report's tables of October
# 2014, full and from one final run (表2.3 from its week's run), then the research login; every SQL example in the
# README runs as research on that database and returns rows.
source "$GR_TOP/tests/lib.sh"

export GOVREACH_DEMO_DIR=$PWD/demo
# (to a file: the database server the demo leaves running must not hold a pipe open)
env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$TOP/scripts/demo.sh" >demo.out 2>&1 </dev/null; rc=$?
out=$(cat demo.out)
t_eq "the demo runs" 0 $rc
t_match "five nights, each ok" "night 5 of 5: govreach nightly at 2014-11-27" "$out"
t_eq "every night says ok" 5 "$(printf '%s\n' "$out" | grep -c '^govreach nightly: ok')"
t_match "October is provisional after the first night of November" "2014-10 provisional" "$(printf '%s\n' "$out" | grep -A8 'night 2 of 5' | grep score)"
t_match "... and final after its settle days" "2014-10 final" "$(printf '%s\n' "$out" | grep -A8 'night 3 of 5' | grep score)"
t_match "the sub-lists' week is scored after the last night" "== the week 2014-11-12..2014-11-19 of the category sub-lists" "$out"
t_match "the tables come from one final run of October 2014" "The report's tables for 2014-10, all from scoring run [0-9]+ \(final" "$out"
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
