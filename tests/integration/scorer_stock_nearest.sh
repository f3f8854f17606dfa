# scorer: which follower snapshot a stock metric takes. Per account, the ok snapshot
# nearest the target time inside its window (the period end for followers, the start
# of the Weibo window for followers_first), the earlier one at equal distance, to the
# microsecond; the value and the fetch time are those of one snapshot.
# October 2014 in Asia/Shanghai: the end is 2014-10-31 16:00Z, the Weibo window
# (bci.window = year) starts 2013-12-31 16:00Z.
source "$GR_TOP/tests/lib.sh"

t_ok "migrations apply" "$B/loader" -q migrate
q "SELECT meta.obs_ensure_partitions('2013-12-01', '2014-12-01')" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO src.weibo_account (account, name, org_key, level, province, function) VALUES
  ('t1', '等距', NULL, 'city', '浙江', '公安'), ('t2', '后者更近', NULL, 'city', '浙江', '公安'),
  ('t3', '正好', NULL, 'city', '浙江', '公安');
INSERT INTO obs.weibo_account (account, followers, status, warc_file, warc_offset, url, fetched_at) VALUES
  -- t1: one day either side of the end, a microsecond either side of the start.
  ('t1', 100, 'ok', 'n', 1, 'u', '2014-10-30T16:00:00Z'),
  ('t1', 200, 'ok', 'n', 2, 'u', '2014-11-01T16:00:00Z'),
  ('t1', 10, 'ok', 'n', 3, 'u', '2013-12-31T15:59:59.999999Z'),
  ('t1', 20, 'ok', 'n', 4, 'u', '2013-12-31T16:00:00.000001Z'),
  -- t2: 6 h before the end against 4 h after it; an error snapshot nearer still.
  ('t2', 300, 'ok', 'n', 5, 'u', '2014-10-31T10:00:00Z'),
  ('t2', 400, 'ok', 'n', 6, 'u', '2014-10-31T20:00:00Z'),
  ('t2', NULL, 'error', 'n', 7, 'u', '2014-10-31T16:30:00Z'),
  ('t2', 50, 'ok', 'n', 8, 'u', '2014-01-05T02:00:00Z'),
  ('t2', 40, 'ok', 'n', 9, 'u', '2014-01-06T02:00:00Z'),
  -- t3: one exactly at the end, one a microsecond later.
  ('t3', 600, 'ok', 'n', 10, 'u', '2014-10-31T16:00:00.000001Z'),
  ('t3', 500, 'ok', 'n', 11, 'u', '2014-10-31T16:00:00Z');
SQL
t_ok "scorer run scores October" "$B/scorer" -q run --period 2014-10
row() {
  q "SELECT followers || '|' || to_char(followers_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '|'
            || coalesce(followers_first::text, '-') || '|'
            || coalesce(to_char(followers_first_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '-')
       FROM score.bci WHERE run_id = (SELECT max(run_id) FROM score.run) AND account = '$1'"
}
t_eq "equal distance: the earlier snapshot, at the end and at the start (to the microsecond)" \
  "100|2014-10-30 16:00:00.000000|10|2013-12-31 15:59:59.999999" "$(row t1)"
t_eq "the nearer snapshot wins, after the target too; error snapshots do not count" \
  "400|2014-10-31 20:00:00.000000|50|2014-01-05 02:00:00.000000" "$(row t2)"
t_eq "a snapshot at the target time itself; no start snapshot: followers_first missing" \
  "500|2014-10-31 16:00:00.000000|-|-" "$(row t3)"
