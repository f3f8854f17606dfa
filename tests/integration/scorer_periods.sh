# scorer: the period model. Nights are observations with the fetch times a crawl on
# those days would give: the first night after a month ends scores every platform of
# that month together, provisional until its settle days pass, final afterwards; the
# plain report views follow the latest final month, the provisional companion the month
# in progress; stock metrics without a snapshot in their window are missing with a
# reason; a late snapshot of an old month makes the scorer rescore it; compare refuses
# to mix periods; *_by_methodology pairs runs of one period.
source "$GR_TOP/tests/lib.sh"

t_ok "migrations apply" "$B/loader" -q migrate
q "SELECT meta.obs_ensure_partitions('2014-01-01', '2014-12-01')" >/dev/null # obs.* is partitioned by month (schema/012)
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO src.organisation (org_key, name, level, province, function) VALUES
  ('o1', '部门一', 'central', NULL, '公安'), ('o2', '城市二', 'province', '浙江', '党政宣传');
INSERT INTO src.wechat_account (biz, name, org_key, level, province, function) VALUES
  ('W1=', '一微信', 'o1', 'central', NULL, '公安'), ('W2=', '二微信', 'o2', 'province', '浙江', '党政宣传'),
  ('W3=', '三微信', NULL, 'city', '浙江', '卫生');
INSERT INTO src.weibo_account (account, name, org_key, level, province, function) VALUES
  ('b1', '一微博', 'o1', 'central', NULL, '公安'), ('b2', '二微博', 'o2', 'province', '浙江', '党政宣传'),
  ('b3', '三微博', NULL, 'city', '浙江', '卫生'), ('b4', '四微博', NULL, 'city', '浙江', '旅游');
INSERT INTO src.app (app_key, name, org_key, level, province, function) VALUES
  ('a1', '一应用', 'o1', 'central', NULL, '交通');
INSERT INTO src.store_listing (store, listing_id, app_key, url) VALUES
  ('360', '1', 'a1', 'http://zhushou.360.cn/detail/index/soft_id/1'),
  ('baidu', '2', 'a1', 'http://shouji.baidu.com/software/2.html');
SQL

# night(FETCHED_AT): the observations one crawl on that day gives.
# 2 January: b1's follower snapshot near the start of the Weibo window (the
# 2014 methodology scores Weibo year to date, bci.window = year).
night_jan2() {
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('b1', '一微博', 1000, 1, 1, 'ok', 'n0', 1, 'u', '2014-01-02T01:00:00Z');
SQL
}
night_oct2() {
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.wechat_history (biz, mid, idx, title, published_at, warc_file, warc_offset, url, fetched_at) VALUES
  ('W1=', 1, 1, '十月一日', '2014-10-01T02:00:00Z', 'n1', 1, 'u', '2014-10-02T01:00:00Z');
INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, read_capped, read_raw, like_num, like_raw, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('W1=', 1, 1, 'appmsgext', 300, false, '300', 3, '3', 'ok', 'n1', 2, 'u', '2014-10-02T01:00:00Z');
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('b1', '一微博', 1100, 1, 1, 'ok', 'n1', 3, 'u', '2014-10-02T01:00:00Z'),
  ('b2', '二微博', 5000, 1, 1, 'ok', 'n1', 4, 'u', '2014-10-02T01:00:00Z');
INSERT INTO obs.app_listing (store, listing_id, package, app_name, downloads, downloads_capped, downloads_raw, rating_count, rating_avg, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('360', '1', 'a1', '一应用', 5000, false, '5000次', NULL, NULL, 'ok', 'n1', 5, 'u', '2014-10-02T01:00:00Z'),
  ('baidu', '2', 'a1', '一应用', 7000, false, '7000', NULL, NULL, 'ok', 'n1', 6, 'u', '2014-10-02T01:00:00Z');
SQL
}
# b4 is seen only in mid-October: no snapshot near the end, so not scored (missing, not 0).
night_oct15() {
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('b4', '四微博', 400, 1, 1, 'ok', 'n2', 1, 'u', '2014-10-15T01:00:00Z');
SQL
}
# The first night after October ends (the 2nd of November, Beijing time).
night_nov2() {
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.wechat_history (biz, mid, idx, title, published_at, warc_file, warc_offset, url, fetched_at) VALUES
  ('W1=', 2, 1, '十月二十日', '2014-10-20T02:00:00Z', 'n3', 1, 'u', '2014-11-02T01:00:00Z'),
  ('W2=', 1, 1, '十月三十日', '2014-10-30T02:00:00Z', 'n3', 2, 'u', '2014-11-02T01:00:00Z'),
  ('W2=', 2, 1, '十一月一日', '2014-11-01T02:00:00Z', 'n3', 3, 'u', '2014-11-02T01:00:00Z');
INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, read_capped, read_raw, like_num, like_raw, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('W1=', 1, 1, 'appmsgext', 800, false, '800', 8, '8', 'ok', 'n3', 4, 'u', '2014-11-02T01:00:00Z'),
  ('W1=', 2, 1, 'appmsgext', 2000, false, '2000', 20, '20', 'ok', 'n3', 5, 'u', '2014-11-02T01:00:00Z'),
  ('W2=', 1, 1, 'appmsgext', 100001, true, '100001', 900, '900', 'ok', 'n3', 6, 'u', '2014-11-02T01:00:00Z'),
  ('W2=', 2, 1, 'appmsgext', 50, false, '50', 1, '1', 'ok', 'n3', 7, 'u', '2014-11-02T01:00:00Z');
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('b1', '一微博', 1300, 1, 3, 'ok', 'n3', 8, 'u', '2014-11-02T01:00:00Z'),
  ('b2', '二微博', 4000, 1, 3, 'ok', 'n3', 9, 'u', '2014-11-02T01:00:00Z'),
  ('b3', '三微博', 300, 1, 1, 'ok', 'n3', 10, 'u', '2014-11-02T01:00:00Z');
INSERT INTO obs.weibo_post (account, post_id, posted_at, kind, reposts, comments, mentions, warc_file, warc_offset, url, fetched_at) VALUES
  ('b1', 'p1', '2014-10-10T01:00:00Z', 'original', 10, 2, 0, 'n3', 11, 'u', '2014-11-02T01:00:00Z'),
  ('b2', 'q1', '2014-10-11T01:00:00Z', 'original', 3, 1, 1, 'n3', 12, 'u', '2014-11-02T01:00:00Z');
INSERT INTO obs.app_listing (store, listing_id, package, app_name, downloads, downloads_capped, downloads_raw, rating_count, rating_avg, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('360', '1', 'a1', '一应用', 6000, false, '6000次', NULL, NULL, 'ok', 'n3', 13, 'u', '2014-11-02T01:00:00Z'),
  ('baidu', '2', 'a1', '一应用', 9000, false, '9000', NULL, NULL, 'ok', 'n3', 14, 'u', '2014-11-02T01:00:00Z');
SQL
}
# A week later: October's settle days (7, to 2014-11-07 16:00Z) have passed.
night_nov9() {
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('b1', '一微博', 1400, 1, 4, 'ok', 'n4', 1, 'u', '2014-11-09T01:00:00Z');
INSERT INTO obs.app_listing (store, listing_id, package, app_name, downloads, downloads_capped, downloads_raw, rating_count, rating_avg, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('360', '1', 'a1', '一应用', 6500, false, '6500次', NULL, NULL, 'ok', 'n4', 2, 'u', '2014-11-09T01:00:00Z');
SQL
}
oct() { q "SELECT $1 FROM score.run WHERE period = '2014-10' ORDER BY run_id DESC LIMIT 1"; }

night_jan2; night_oct2; night_oct15
t_ok "scorer run --pending after the early October nights" "$B/scorer" run --pending
night_nov2
t_eq "scorer pending lists the months the new observations touch" "2014-10 2014-11" "$("$B/scorer" pending 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
out=$("$B/scorer" run --pending 2>pending.log)
t_match "run --pending scores October, provisional" "2014-10 \(2014-10-01\.\.2014-10-31\), provisional" "$out"
t_eq "pending is empty once scored" "" "$("$B/scorer" pending 2>/dev/null)"
t_eq "first night after October: WeChat, Weibo, combined and apps in one run" "2|3|2|2|provisional" "$(oct "wechat_accounts || '|' || weibo_accounts || '|' || organisations || '|' || app_listings || '|' || status")"
t_eq "followers at the end: the snapshot nearest the end (Nov 2), new = end - the start of the Weibo window (Jan 2)" "1300|1000|300" "$(q "SELECT followers || '|' || followers_first || '|' || new_followers FROM score.bci WHERE run_id = $(oct run_id) AND account = 'b1'")"
t_eq "new followers are missing (not 0) on an account's first snapshot, with the reason" "t|t" "$(q "SELECT new_followers IS NULL, new_followers_missing = 'no ok follower snapshot from 2013-12-25 to 2014-01-08 (near 1 January, the start of the Weibo window) other than the end one' FROM score.bci WHERE run_id = $(oct run_id) AND account = 'b3'")"
t_eq "a stock metric with no snapshot in its window is not scored as 0" "0" "$(q "SELECT count(*) FROM score.bci WHERE run_id = $(oct run_id) AND account = 'b4'")"
t_eq "... and says why" "no ok follower snapshot from 2014-10-25 to 2014-11-08 (near the period end)" "$(q "SELECT reason FROM score.unscored WHERE run_id = $(oct run_id) AND key = 'b4'")"
t_eq "downloads: the snapshot nearest the period end" "6000" "$(q "SELECT downloads FROM score.app_listing WHERE run_id = $(oct run_id) AND store = '360'")"
t_eq "a WeChat account with nothing published is listed with its reason" "no article published in the period was seen (history page or article page)" "$(q "SELECT reason FROM score.unscored WHERE run_id = $(oct run_id) AND key = 'W3='")"
t_eq "plain views: the latest final month (September), not the provisional October" "2014-09|final" "$(q "SELECT period || '|' || status FROM report.run_info()")"
t_eq "provisional companion: October (settling; November has begun too)" "2014-10|provisional|1" "$(q "SELECT period || '|' || status || '|' || rows FROM report.provisional WHERE table_name = 't1_2_central_combined'")"
t_eq "provisional tables read with the period 'provisional'" "1|一微信" "$(q "SELECT rank || '|' || name FROM report.t2_1_central_wechat('provisional')")"

night_nov9
t_ok "scorer run --pending after the settle days" "$B/scorer" run --pending
t_eq "October is final now, and the plain views show it" "2014-10|final" "$(q "SELECT period || '|' || status FROM report.run_info()")"
t_eq "final October: stock snapshots after the settle days are not used" "1300|6000" "$(q "SELECT (SELECT followers FROM score.bci b WHERE b.run_id = r.run_id AND account = 'b1') || '|' || (SELECT downloads FROM score.app_listing l WHERE l.run_id = r.run_id AND store = '360') FROM report.run_info() r")"
t_eq "plain views: every platform from that one run" "1|1|1|1|2" "$(q "SELECT (SELECT count(*) FROM report.t1_2_central_combined) || '|' || (SELECT count(*) FROM report.t2_1_central_wechat) || '|' || (SELECT count(*) FROM report.t2_2_local_wechat) || '|' || (SELECT count(*) FROM report.t3_1_central_weibo) || '|' || (SELECT count(*) FROM report.t4_1_app_store_top10 WHERE store <> 'total')")"
t_eq "plain views come ordered by rank" "1 2" "$(q "SELECT string_agg(rank::text, ' ') FROM (SELECT rank FROM report.t3_2_local_weibo) x")"
t_eq "capped reads shown as the app shows them" "10万+" "$(q "SELECT reads_raw FROM report.t2_7_hot_articles WHERE rank = 1")"
t_eq "any period through the functions: 2014-10 by name" "2" "$(q "SELECT count(*) FROM report.t3_2_local_weibo('2014-10', '2014')")"
t_eq "a period never scored gives no rows" "0" "$(q "SELECT count(*) FROM report.t2_1_central_wechat('2013-01')")"
t_eq "report.coverage: every registered entry, with the reason when not scored" "9|b4|no ok follower snapshot from 2014-10-25 to 2014-11-08 (near the period end)" "$(q "SELECT (SELECT count(*) FROM report.coverage) || '|' || key || '|' || reason FROM report.coverage WHERE platform = 'weibo' AND NOT scored_in_latest_final")"

# A late snapshot of an old month: an article stat of October fetched within its settle
# days but loaded only now (a delayed parse) rescores October; the earlier run stays.
runs_before=$(q "SELECT count(*) FROM score.run WHERE period = '2014-10'")
old_run=$(oct run_id)
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, read_capped, read_raw, like_num, like_raw, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('W1=', 2, 1, 'appmsgext', 2500, false, '2500', 25, '25', 'ok', 'late', 1, 'u', '2014-11-05T01:00:00Z');
SQL
t_eq "a late snapshot: scorer pending lists its month" "2014-10 2014-11" "$("$B/scorer" pending 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
t_ok "scorer run --pending rescores it" "$B/scorer" run --pending
t_eq "a new October run, the earlier one kept" "$((runs_before + 1))|true" "$(q "SELECT count(*) || '|' || bool_and(EXISTS (SELECT 1 FROM score.wci w WHERE w.run_id = $old_run)) FROM score.run WHERE period = '2014-10'")"
t_eq "the new run uses the late snapshot" "3300" "$(q "SELECT reads FROM score.wci w JOIN report.run_info() r USING (run_id) WHERE biz = 'W1='")"
# Weibo's window is the year (bci.window = year): a post of March found late, in a crawl
# of 5 November, touches every month of 2014 from March to November (its month's run
# and every later one of the year count it); a post snapshot of 5 November touches the
# months whose cut-off is later (October, whose settle days end on 7 November, and
# November).
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO obs.weibo_post (account, post_id, posted_at, kind, reposts, comments, mentions, warc_file, warc_offset, url, fetched_at) VALUES
  ('b2', 'm1', '2014-03-05T01:00:00Z', 'original', 7, 0, 0, 'late', 2, 'u', '2014-11-05T01:00:00Z');
SQL
t_eq "a late Weibo post: pending lists its month and the year's later months" \
  "2014-03 2014-04 2014-05 2014-06 2014-07 2014-08 2014-09 2014-10 2014-11" "$("$B/scorer" pending 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
t_ok "scorer run --pending scores them" "$B/scorer" run --pending
t_eq "October's new run counts the March post beside October's q1 (Weibo from 1 January)" "2" "$(q "SELECT posts FROM score.bci b JOIN report.run_info('2014-10') r USING (run_id) WHERE account = 'b2'" | tail -n 1)"

# compare: same period by default; different periods only when asked.
sep=$(q "SELECT run_id FROM score.run WHERE period = '2014-09' ORDER BY run_id DESC LIMIT 1")
new=$(oct run_id)
out=$("$B/scorer" compare "$sep" "$new" 2>&1); rc=$?
t_eq "compare refuses runs of different periods" 64 $rc
t_match "... and says how to ask" "covers 2014-09 .*covers 2014-10.*--across-periods" "$out"
out=$("$B/scorer" compare --across-periods "$sep" "$new" 2>&1); rc=$?
t_eq "compare --across-periods runs" 0 $rc
t_match "... and says so in its output" "ACROSS PERIODS" "$out"
t_ok "compare of two runs of October" "$B/scorer" compare "$old_run" "$new"

# *_by_methodology: every methodology's run of the same period, even when another
# methodology has a later (provisional) period.
t_ok "wci-v2 scores October" "$B/scorer" run -m "$TOP/conf/methodology/wci-v2.conf" --period 2014-10
t_ok "wci-v2 scores November" "$B/scorer" run -m "$TOP/conf/methodology/wci-v2.conf" --period 2014-11
t_eq "by_methodology pairs the same period" "2014|2014-10 wci-v2|2014-10" "$(q "SELECT string_agg(DISTINCT methodology || '|' || period_start::text, ' ') FROM (SELECT methodology, to_char(period_start, 'YYYY-MM') AS period_start FROM report.wechat_ranking_by_methodology) x")"

# Period names: ISO weeks and ranges that are months.
out=$("$B/scorer" run --period 2014-W46 2>/dev/null)
t_match "ISO week 2014-W46 is 10-16 November" "2014-W46 \(2014-11-10\.\.2014-11-16\)" "$out"
out=$("$B/scorer" run --period 2014-11-10..2014-11-16 2>/dev/null)
t_match "the same range is named as the week (and is up to date)" "2014-W46" "$out"
out=$("$B/scorer" run --final --period 2014-11 2>/dev/null)
t_match "--final declares a month final" "2014-11 \(2014-11-01\.\.2014-11-30\), final" "$out"
t_eq "... and says it was forced" "t" "$(q "SELECT forced_final FROM score.run WHERE period = '2014-11' ORDER BY run_id DESC LIMIT 1")"
t_fail "a bad period is a usage error" 64 "$B/scorer" run --period 2014-13
t_fail "pending takes no period" 64 "$B/scorer" pending --period 2014-10
