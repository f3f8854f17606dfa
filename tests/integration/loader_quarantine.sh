#!/usr/bin/env bash
# Issue 13, bad files never block good ones: one bad TSV among good ones.
# `loader load --quarantine DIR` loads the good ones, moves the bad one to DIR
# with its error (file, line, column) in meta.load_quarantine and a summary
# line, and exits 1; `govreach nightly` does the same for its spool, and the
# next night is not blocked. Without --quarantine the first bad file still
# stops the load with 65.
. "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/loader
t_ok "migrate" $B/loader -q migrate

mkdir in
cp "$D/a.app_listing.tsv" "$D/a.wechat_stat.tsv" in/
cp "$D/bad/notnum.app_listing.tsv" in/m.app_listing.tsv
out=$($B/loader --quarantine q load in/a.app_listing.tsv in/m.app_listing.tsv in/a.wechat_stat.tsv 2>&1); rc=$?
echo "$out"
t_eq "a bad file among good ones: exit 1" 1 $rc
t_eq "the good files loaded" "3 1" "$(q 'SELECT count(*) FROM obs.app_listing') $(q "SELECT count(*) FROM obs.wechat_stat WHERE mid=2650000001")"
t_eq "the bad file moved to the quarantine folder" "1 0" "$([ -f q/m.app_listing.tsv ] && echo 1) $(ls in | grep -c '^m\.')"
t_match "its error recorded with file, line and column" 'm.app_listing.tsv line 3 column downloads' "$(q 'SELECT error FROM meta.load_quarantine')"
t_eq "recorded where it went and its hash" 1 "$(q "SELECT count(*) FROM meta.load_quarantine WHERE moved_to LIKE '%q/m.app_listing.tsv' AND length(sha256) = 64")"
t_match "a summary line says so" '1 file\(s\) quarantined in q' "$out"
t_eq "nothing of the bad file committed" 0 "$(q "SELECT count(*) FROM meta.load_ledger WHERE file LIKE '%m.app_listing.tsv'" 2>/dev/null || echo 0)"

cp "$D/bad/cols.app_listing.tsv" in/c.app_listing.tsv
t_fail "without --quarantine the bad file stops the load (65)" 65 $B/loader -q load in/c.app_listing.tsv

# the nightly driver: a bad TSV in its spool, good ones beside it
mkdir -p spool/parsed
cp "$D/b.app_listing.tsv" spool/parsed/
cp "$D/bad/negative.app_listing.tsv" spool/parsed/u.app_listing.tsv
printf '[nightly]\nspool = %s/spool\nlog_file = %s/n.log\n' "$GR_WORK" "$GR_WORK" >n.conf
out=$($B/govreach --config n.conf --no-crawl nightly 2>&1); rc=$?
echo "$out"
t_eq "nightly with a bad TSV: exit 1" 1 $rc
t_match "the summary names the quarantined file" 'load +partial .*1 quarantined' "$out"
t_eq "its good file loaded" 4 "$(q 'SELECT count(*) FROM obs.app_listing')"
t_eq "the bad file is in the spool's quarantine" 1 "$(ls spool/parsed/quarantine | grep -c '^u\.app_listing\.tsv$')"
cp "$D/a.wechat_stat.tsv" spool/parsed/z.wechat_stat.tsv
out=$($B/govreach --config n.conf --no-crawl nightly 2>&1); rc=$?
echo "$out"
t_eq "the next night is not blocked: exit 0" 0 $rc
t_match "and loads its files" 'load +ok .*1 file\(s\)' "$out"
