# End to end: simweb (small universe) -> govreach nightly -> every stored count equals
# the truth; a second day appends; overlapping runs; kill -9 in every stage, then rerun.
. "$GR_TOP/tests/lib.sh"
SEED=7
$B/simweb --seed $SEED --scale small --emit-targets targets --truth truth0 >/dev/null 2>&1
t_ok "simweb writes targets and truth" test -s targets/wechat_accounts.csv -a -s truth0/app_listing.tsv
simweb_start web --seed $SEED --scale small --gzip --log web.log || { t_ok "simweb starts" false; exit 1; }

conf() {  # conf FILE SPOOL
  cat >"$1" <<CONF
[crawler]
connect_to = $SIMWEB_CONNECT
ca_file = $SIMWEB_CA
delay_ms = 0
; take a first stats snapshot at once, then the default +1 and +7 days
stats_schedule = 0,86400,604800
[nightly]
targets = $GR_WORK/targets
spool = $2
crawl_budget = 300
log_file = $2.log
CONF
}
nightly() { $B/govreach --config "$1" nightly; }
# due_now: make every page due again, as the next night would (the recrawl schedule is daily).
due_now() { q "UPDATE crawl.frontier SET due_at = now() - interval '1 second', state = CASE WHEN state = 'done' THEN 'queued' ELSE state END" >/dev/null; }

# ---- one night
conf c0.conf "$GR_WORK/spool0"
out=$(nightly c0.conf); rc=$?
echo "$out"
t_eq "nightly run exits 0" 0 $rc
t_match "nightly prints a summary" "govreach nightly: ok" "$out"
t_eq "a successful run prints only the summary" "" "$(echo "$out" | grep -vE '^(govreach nightly:|  [a-z]+ )')"
truth_check "day 0" truth0
t_match "scores exist for the period" "^[1-9]" "$(q 'SELECT count(*) FROM score.run')"
t_eq "the run is recorded" "ok" "$(q 'SELECT verdict FROM meta.nightly_run ORDER BY id DESC LIMIT 1')"
day0_rows=$(q 'SELECT count(*) FROM obs.app_listing')

# ---- overlap: two runs started together, one runs, the other exits 75 naming the holder
due_now
nightly c0.conf >o1.out 2>o1.err & p1=$!
nightly c0.conf >o2.out 2>o2.err & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
t_eq "two runs together: one ok, one 75" "0 75" "$(printf '%s\n' $r1 $r2 | sort -n | tr '\n' ' ' | sed 's/ $//')"
t_match "the loser names the holder" "holds .*pid [0-9]+" "$(cat o1.err o2.err)"
psql -X -qtA -c "SELECT pg_advisory_lock(7243002), pg_sleep(4)" >/dev/null & holder=$!
sleep 1
out=$(nightly c0.conf 2>&1); rc=$?
t_eq "database lock held elsewhere: exit 75" 75 $rc
t_match "database lock holder named" "holds the database lock: .*backend pid" "$out"
wait $holder

# ---- day 1: a changed world; new snapshots appended, old ones kept
simweb_stop
$B/simweb --seed $SEED --scale small --day 1 --truth truth1 >/dev/null 2>&1
simweb_start web --seed $SEED --scale small --day 1 --gzip --log web1.log
conf c1.conf "$GR_WORK/spool0"
due_now
out=$(nightly c1.conf); rc=$?
t_eq "day 1 nightly exits 0" 0 $rc
truth_check "day 1" truth1
t_match "day 1 appended snapshots, kept day 0's" "^t$" "$(q "SELECT count(*) > $day0_rows FROM obs.app_listing")"
t_eq "no day-0 snapshot was lost" "0" "$(q "SELECT count(*) FROM (SELECT store, listing_id FROM obs.app_listing GROUP BY 1,2 HAVING count(*) < 2) x")"
simweb_stop

# ---- kill -9 in each stage, then rerun: the result equals an uninterrupted run's
# desc_of PID NAME: pids of $B/NAME processes descending from PID.
desc_of() {
  local p q
  for p in $(pgrep -f "^$B/$2 "); do
    q=$p
    while [ -n "$q" ] && [ "$q" -gt 1 ]; do
      q=$(awk '{print $4}' "/proc/$q/stat" 2>/dev/null)
      [ "$q" = "$1" ] && { echo "$p"; break; }
    done
  done
}
simweb_start web --seed $SEED --scale small --gzip
for stage in crawler parser loader scorer; do
  db=kill_$stage
  dropdb --if-exists $db 2>/dev/null; createdb $db
  conf k_$stage.conf "$GR_WORK/spool_$stage"
  PGDATABASE=$db $B/govreach --config k_$stage.conf nightly >/dev/null 2>&1 & drv=$!
  seen=0 victims=
  for _ in $(seq 3000); do
    victims=$(desc_of $drv $stage)
    if [ -n "$victims" ]; then seen=1; kill -9 $drv; break; fi
    kill -0 $drv 2>/dev/null || break
    sleep 0.01
  done
  wait $drv 2>/dev/null
  t_eq "kill -9 landed while $stage ran" 1 $seen
  sleep 0.3
  alive=  # a killed stage may linger as a zombie until init reaps it: that is dead
  for v in $victims; do
    st=$(awk '{print $3}' "/proc/$v/stat" 2>/dev/null)
    [ -n "$st" ] && [ "$st" != Z ] && alive="$alive $v:$st"
  done
  t_eq "the stage died with the driver ($stage)" "" "$alive"
  # the killed run's leases must expire before another run can take those URLs
  PGDATABASE=$db q "UPDATE crawl.frontier SET lease_until = now() - interval '1 second' WHERE state = 'leased'" >/dev/null
  out=$(PGDATABASE=$db $B/govreach --config k_$stage.conf nightly 2>&1); rc=$?
  t_eq "rerun after kill -9 in $stage exits 0" 0 $rc
  [ $rc = 0 ] || echo "$out"
  PGDATABASE=$db truth_check "after kill -9 in $stage" truth0
  t_eq "after kill -9 in $stage: one scoring run per period and methodology" "0" \
    "$(PGDATABASE=$db q "SELECT count(*) FROM (SELECT 1 FROM score.run GROUP BY methodology_id, period_start, period_end HAVING count(*) > 1) x")"
done
simweb_stop
