# scorer: kill -9 during a run leaves no partial run visible; the next run succeeds.
source "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/scorer
if [ -x "$B/loader" ]; then "$B/loader" -q migrate || exit 1
else for f in "$TOP"/schema/[0-9][0-9][0-9]_*.sql; do psql -X -q -v ON_ERROR_STOP=1 -f "$f" || exit 1; done; fi
psql -X -q -v ON_ERROR_STOP=1 -f "$D/fixture.sql" || exit 1

# GOVREACH_SCORER_PAUSE_MS (test hook) pauses between the run's SQL steps inside its
# transaction, so the kill lands after results were written but before the commit.
GOVREACH_SCORER_PAUSE_MS=400 "$B/scorer" run --period 2014-10-01..2014-10-31 >kill.out 2>kill.log &
pid=$!
mid=0
for _ in $(seq 1 300); do
  n=$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          JOIN pg_namespace s ON s.oid = c.relnamespace
         WHERE s.nspname = 'score' AND c.relname = 'bci' AND l.mode = 'RowExclusiveLock'")
  if [ "$n" -gt 0 ]; then mid=1; break; fi
  sleep 0.1
done
t_eq "run was caught mid-transaction (score.bci written, not committed)" "1" "$mid"
kill -9 "$pid"
wait "$pid" 2>/dev/null
t_eq "no run visible after kill -9" "0" "$(q "SELECT count(*) FROM score.run")"
t_eq "no result rows visible" "0|0|0" "$(q "SELECT (SELECT count(*) FROM score.wci) || '|' || (SELECT count(*) FROM score.bci) || '|' || (SELECT count(*) FROM score.methodology)")"
# The server notices the dead client and rolls back; then nothing is left at all.
for _ in $(seq 1 50); do
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")" = 0 ] && break
  sleep 0.1
done
t_eq "the killed transaction is gone" "0" "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")"
out=$("$B/scorer" run --period 2014-10-01..2014-10-31 2>/dev/null)
t_match "the next run completes" '^run [0-9]+: methodology 2014 3, .*: 3 WeChat, 3 Weibo, 2 combined' "$out"
t_eq "exactly one run now" "1" "$(q "SELECT count(*) FROM score.run")"

# Two runs of the same methodology and period at once: the second waits for the
# first (advisory lock), then finds an identical run and adds nothing.
psql -X -q -c "INSERT INTO obs.app_listing (store, listing_id, downloads, status, warc_file, warc_offset, url, fetched_at) VALUES ('360', '333', 180000, 'ok', 'k', 1, 'u', '2014-10-21T00:00:00Z')"
GOVREACH_SCORER_PAUSE_MS=100 "$B/scorer" run --period 2014-10-01..2014-10-31 >c1.out 2>/dev/null &
p1=$!
sleep 0.3
"$B/scorer" run --period 2014-10-01..2014-10-31 >c2.out 2>/dev/null &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
t_eq "concurrent runs both succeed" "0 0" "$r1 $r2"
t_eq "exactly one of them scored" "1" "$(cat c1.out c2.out | grep -c '^run ')"
t_eq "the other found it up to date" "1" "$(cat c1.out c2.out | grep -c '^up to date: run ')"
t_eq "two runs in all" "2" "$(q "SELECT count(*) FROM score.run")"
