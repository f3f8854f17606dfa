#!/usr/bin/env bash
# Issue 13, database loss bounded: PostgreSQL (a cluster of this test's own)
# stopped at random moments of a crawl, 20 trials: each crawl ends within
# 15 s with 69 or 75. Then the
# server stalled (SIGSTOP) mid-crawl: the crawl ends by its database
# deadline with 69, and a SIGTERM sent during the stall ends it within the
# grace period. Last, the nightly driver with PostgreSQL gone mid-crawl: it ends
# with 69 and its lock is free.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"
source "$TOP/tests/pgtmp.sh"

mine=$GR_WORK/pg
pg_up() { pgtmp_as "$(pgtmp_bin)/pg_ctl" -D "$mine/data" -l "$mine/log" -w -t 60 \
  -o "-c listen_addresses='' -k $mine -c fsync=off" start >/dev/null; }
pg_down() { pgtmp_as "$(pgtmp_bin)/pg_ctl" -D "$mine/data" -m immediate -w stop >/dev/null 2>&1; }
pgtmp_start "$mine" || { t_ok "own cluster" false; exit 1; }
export PGDATABASE=postgres
pids=
trap 'cr_cleanup; [ -n "$pids" ] && kill -CONT $pids 2>/dev/null; pg_down' EXIT

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
t_ok "loader migrate" "$B/loader" -q migrate
t_ok "loader targets" "$B/loader" -q targets targets
start_simweb --gzip --fault kind=slow-first-byte,share=0.3,delay_ms=200
CR=(--out warc --connect-to "$SW_CONNECT" "${CR_SET[@]}" --concurrency 4 --set crawler.db_timeout_ms=3000
    --set crawler.grace_seconds=5)

bad=
for trial in $(seq 20); do
  q "UPDATE crawl.frontier SET state = 'queued', due_at = now(), lease_token = NULL, lease_until = NULL, attempts = 0; UPDATE crawl.host SET inflight = 0" >/dev/null
  "$B/crawler" "${CR[@]}" 2>c$trial.log &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"; sleep $((trial % 2))
  pg_down
  t0=$(date +%s)
  for _ in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 $pid 2>/dev/null; then kill -9 $pid; bad="$bad $trial:hang"; fi
  wait $pid; rc=$?
  dt=$(( $(date +%s) - t0 ))
  echo "trial $trial: exit $rc after ${dt}s"
  case $rc in 69|75) [ $dt -le 15 ] || bad="$bad $trial:${dt}s" ;; *) bad="$bad $trial:rc$rc" ;; esac
  pg_up
done
t_eq "PostgreSQL stopped mid-crawl, 20 trials: each ends within 15 s with 69 or 75" "" "$bad"

# a stalled server: no answer at all
q "UPDATE crawl.frontier SET state = 'queued', due_at = now(), lease_token = NULL, lease_until = NULL, attempts = 0; UPDATE crawl.host SET inflight = 0" >/dev/null
"$B/crawler" "${CR[@]}" 2>s1.log &
pid=$!
sleep 1.5
pm=$(head -n 1 "$mine/data/postmaster.pid"); pids="$pm $(pgrep -P "$pm" | tr '\n' ' ')"; kill -STOP $pids
t0=$(date +%s)
for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && kill -9 $pid
wait $pid; rc=$?
dt=$(( $(date +%s) - t0 ))
kill -CONT $pids
t_eq "stalled server: exit 69" 69 $rc
t_eq "stalled server: ended within 15 s (${dt}s)" 1 "$([ $dt -le 15 ] && echo 1)"
t_match "the deadline is named" 'no answer from PostgreSQL within 3000 ms' "$(cat s1.log)"

q "UPDATE crawl.frontier SET state = 'queued', due_at = now(), lease_token = NULL, lease_until = NULL, attempts = 0; UPDATE crawl.host SET inflight = 0" >/dev/null
"$B/crawler" "${CR[@]}" --set crawler.db_timeout_ms=60000 2>s2.log &
pid=$!
sleep 1.5
pm=$(head -n 1 "$mine/data/postmaster.pid"); pids="$pm $(pgrep -P "$pm" | tr '\n' ' ')"; kill -STOP $pids
sleep 0.5
kill -TERM $pid
t0=$(date +%s)
for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -9 $pid; echo "SIGTERM ignored"; }
wait $pid; rc=$?
dt=$(( $(date +%s) - t0 ))
kill -CONT $pids
echo "SIGTERM during a stall: exit $rc after ${dt}s"
t_eq "SIGTERM during a stalled database call ends within the grace period (5 s + 3)" 1 "$([ $dt -le 8 ] && echo 1)"

# the nightly driver: PostgreSQL stopped during its crawl; it ends, naming
# the failure, and its lock is free for the next run
pg_up
q "UPDATE crawl.frontier SET state = 'queued', due_at = now(), lease_token = NULL, lease_until = NULL, attempts = 0; UPDATE crawl.host SET inflight = 0" >/dev/null
cat >n.conf <<CONF
[crawler]
connect_to = $SW_CONNECT
ca_file = $SIMWEB_CA
delay_ms = 0
stats_schedule = 0
db_timeout_ms = 3000
[nightly]
spool = $GR_WORK/spool
crawl_budget = 60
log_file = $GR_WORK/n.log
CONF
runs0=$(q "SELECT count(*) FROM crawl.run")
"$B/govreach" --config n.conf nightly >n.out 2>&1 &
np=$!
for _ in $(seq 200); do [ "$(q "SELECT count(*) FROM crawl.run" 2>/dev/null)" -gt "$runs0" ] && break; sleep 0.05; done
sleep 0.5
pg_down
t0=$(date +%s)
for _ in $(seq 600); do kill -0 $np 2>/dev/null || break; sleep 0.1; done
kill -0 $np 2>/dev/null && { kill -9 $np; echo "nightly hung"; }
wait $np; rc=$?
dt=$(( $(date +%s) - t0 ))
cat n.out
t_eq "nightly with PostgreSQL gone mid-crawl: exit 69 or 75 (got $rc)" 1 "$([ $rc = 69 ] || [ $rc = 75 ] && echo 1)"
t_eq "nightly ended within 45 s (${dt}s)" 1 "$([ $dt -le 45 ] && echo 1)"
t_ok "its lock is free" flock -n spool/nightly.lock true
pg_up
