#!/usr/bin/env bash
# Issue 13, honest completion: a host answering 429 with Retry-After 120 and
# another answering 500s: the night (govreach nightly, a 25 s crawl budget)
# exits 1 and says what is pending, in its summary and crawl.run; the next
# night (the Retry-After and the failed URLs' later-night backoff over)
# completes it, and URLs that failed by connection resets are fetched again.
# A given-up seed is re-armed by `loader targets`.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

"$B/simweb" --emit-targets targets --truth truth >/dev/null 2>&1
start_simweb --gzip \
  --fault kind=429,host=itunes.apple.com,retry_after=120,count=1 \
  --fault kind=500,host=zhushou.360.cn,count=2 \
  --fault kind=reset,host=apk.91.com,share=0.5,count=2
cat >c.conf <<CONF
[crawler]
connect_to = $SW_CONNECT
ca_file = $SIMWEB_CA
delay_ms = 0
stats_schedule = 0
idle_exit_seconds = 2
poll_ms = 20
max_attempts = 2
backoff_base_ms = 100
backoff_cap_ms = 300
timeout_ms = 5000
[nightly]
targets = $GR_WORK/targets
spool = $GR_WORK/spool
crawl_budget = 25
log_file = $GR_WORK/nightly.log
CONF
start=$(date +%s)
out=$("$B/govreach" --config c.conf nightly 2>&1); rc=$?
echo "$out"
t_eq "night 1 exits 1" 1 $rc
t_eq "night 1 ends within its budget" 1 "$([ $(( $(date +%s) - start )) -lt 60 ] && echo 1)"
t_match "the summary names the pending work" 'crawl +partial .*[1-9][0-9]* pending .*"retry": [1-9]' "$out"
t_match "the summary names the failures by reason" 'failed, [0-9]+ pending .*"curl 5[0-9]": [1-9]' "$out"
t_eq "crawl.run says incomplete" "incomplete" "$(q "SELECT status FROM crawl.run ORDER BY run_id DESC LIMIT 1")"
t_eq "App Store listings pending, not done" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'itunes.apple.com' AND kind <> 'robots' AND state = 'done'")"
nfail=$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'apk.91.com' AND state = 'failed'")
t_eq "resets left failed URLs" 1 "$([ "$nfail" -gt 0 ] && echo 1)"
t_eq "failed URLs wait for a later night" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'failed' AND (due_at < now() + interval '1 hour' OR failures <> 1 OR failed_since IS NULL)")"

# the next night: the hosts have recovered, the Retry-After is over, the
# failed URLs' retry is due
stop_simweb
start_simweb --gzip
sed -i "s/^connect_to = .*/connect_to = $SW_CONNECT/" c.conf
q "UPDATE crawl.host SET next_allowed_at = now(); UPDATE crawl.frontier SET due_at = now() WHERE state = 'failed' OR (state = 'queued' AND attempts > 0)" >/dev/null
out=$("$B/govreach" --config c.conf nightly 2>&1); rc=$?
echo "$out"
t_eq "night 2 exits 0" 0 $rc
t_match "night 2: nothing pending" 'crawl +ok .* 0 failed, 0 pending' "$out"
t_eq "every App Store listing fetched" "$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'itunes.apple.com' AND kind <> 'robots'")" "$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'itunes.apple.com' AND kind <> 'robots' AND state IN ('done', 'queued') AND fetches > 0")"
t_eq "the reset-failed URLs fetched again, done" "$nfail" "$(q "SELECT count(*) FROM crawl.frontier WHERE host = 'apk.91.com' AND fetches > 0 AND failures = 0 AND id IN (SELECT frontier_id FROM crawl.fetch_log WHERE outcome = 'failed')")"
t_eq "nothing failed any more" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'failed'")"

# give-up: a seed failing longer than failed_give_up_seconds stays failed ...
id=$(q "SELECT id FROM crawl.frontier WHERE host = 'apk.91.com' AND depth = 0 LIMIT 1")
q "UPDATE crawl.frontier SET state = 'failed', failures = 5, failed_since = now() - interval '60 days', due_at = now() WHERE id = $id" >/dev/null
timeout 60 "$B/crawler" --config c.conf --out w3 --time-budget 20 2>c3.log
t_eq "a given-up URL is not retried" "failed" "$(q "SELECT state FROM crawl.frontier WHERE id = $id")"
# ... until loader targets re-arms it
"$B/loader" --config c.conf targets targets >/dev/null 2>&1
t_eq "loader targets re-arms a given-up seed" "queued 0 0" "$(q "SELECT state || ' ' || attempts || ' ' || failures FROM crawl.frontier WHERE id = $id")"
