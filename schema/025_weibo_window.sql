-- 025_weibo_window (issue 14): Weibo's own window inside a run.
--
-- The 2014 report scores WeChat over October and Tencent Weibo over 1 January
-- - 31 October ("统计时间为 10 月 1 日至 31 日" and "1 月 1 日至 10 月 31 日",
-- seed-report-2014.txt line 49), and its combined tables 表1.2/1.3 pair the
-- two in one list. The methodology key bci.window says which window Weibo has
-- in a run: `period` (the run's period, as WeChat and the apps) or `year`
-- (from 1 January of the year the period ends in). One run then scores
-- October with its BCI over January-October, as the report does.
ALTER TABLE score.run ADD COLUMN weibo_window_start timestamptz;
UPDATE score.run SET weibo_window_start = window_start;
ALTER TABLE score.run ALTER COLUMN weibo_window_start SET NOT NULL;
COMMENT ON COLUMN score.run.weibo_window_start IS 'Start of the Weibo window (posts posted from then on count; new followers are counted from the snapshot nearest it), 00:00 in period.timezone: window_start, or 1 January of period_end''s year under bci.window = year. It ends at window_end, as the period.';
