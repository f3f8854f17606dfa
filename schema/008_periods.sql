-- 008_periods: one period model, owned by the scorer, and report views a reader
-- can trust.
--
-- A scoring run covers one period: a calendar month (the report's main tables),
-- an ISO week (the category sub-lists) or a custom date range. Flow metrics
-- (articles, posts) belong to the period of their publish time, their counts
-- taken from the latest snapshot fetched before period end + settle days
-- (period.stat_grace_days). Stock metrics (followers, downloads, ratings) take
-- the snapshot nearest the period end inside [end - period.stock_before_days,
-- end + settle days). A run is final when end + settle days had passed at the
-- fetch time of the newest observation present when it ran (or when forced),
-- else provisional. The plain-named report.* views show the latest final month
-- of the default methodology; nothing provisional is ever the default answer.

-- ---------------------------------------------------------------- runs carry their period and status
ALTER TABLE score.run
    ADD COLUMN period_kind text NOT NULL DEFAULT 'custom' CHECK (period_kind IN ('month', 'week', 'custom')),
    ADD COLUMN period text,
    ADD COLUMN status text NOT NULL DEFAULT 'provisional' CHECK (status IN ('final', 'provisional')),
    ADD COLUMN newest_input_at timestamptz,
    ADD COLUMN forced_final boolean NOT NULL DEFAULT false;
UPDATE score.run SET period = to_char(period_start, 'YYYY-MM-DD') || '..' || to_char(period_end, 'YYYY-MM-DD');
ALTER TABLE score.run ALTER COLUMN period SET NOT NULL;
COMMENT ON COLUMN score.run.period_kind IS 'month (a calendar month), week (an ISO week, Monday to Sunday) or custom (any other date range).';
COMMENT ON COLUMN score.run.period IS 'The period''s name: YYYY-MM for a month, YYYY-Www for an ISO week, YYYY-MM-DD..YYYY-MM-DD otherwise. report.* functions take it as their period argument.';
COMMENT ON COLUMN score.run.status IS 'final: the period end + settle days (period.stat_grace_days) had passed at newest_input_at, or an operator forced it (forced_final); provisional: the period was still open to new counts. Provisional runs are kept but never shown as the default answer.';
COMMENT ON COLUMN score.run.newest_input_at IS 'Fetch time of the newest observation in obs.* when the run started (decides final or provisional).';
COMMENT ON COLUMN score.run.forced_final IS 'True when `scorer run --final` declared the run final although its settle days had not passed.';
COMMENT ON COLUMN score.run.stat_cutoff IS 'window_end + period.stat_grace_days (the settle days): flow counts (article stats, post counts) come from the latest snapshot fetched before it; stock snapshots (followers, downloads) count up to it.';
CREATE INDEX ON score.run (period, status);

-- ---------------------------------------------------------------- stock metrics may be missing
ALTER TABLE score.bci ALTER COLUMN followers_first DROP NOT NULL,
                      ALTER COLUMN new_followers DROP NOT NULL,
                      ADD COLUMN followers_at timestamptz,
                      ADD COLUMN followers_first_at timestamptz,
                      ADD COLUMN new_followers_missing text;
COMMENT ON TABLE score.bci IS 'Tencent Weibo BCI per account and run: registered accounts with an ok follower snapshot inside the stock window of the period end (see score.unscored for the others).';
COMMENT ON COLUMN score.bci.followers IS 'Followers at the period end: the ok snapshot nearest the period end within [end - period.stock_before_days, end + period.stat_grace_days).';
COMMENT ON COLUMN score.bci.followers_first IS 'Followers at the period start: the ok snapshot nearest the period start within the same window around the start; NULL when there is none (new_followers is then missing).';
COMMENT ON COLUMN score.bci.new_followers IS 'followers - followers_first, a loss counting as 0 (the report''s rule); NULL (missing, never 0) when no start snapshot exists, with the reason in new_followers_missing. A missing value adds nothing to coverage.';
COMMENT ON COLUMN score.bci.followers_at IS 'Fetch time of the snapshot that gave followers.';
COMMENT ON COLUMN score.bci.followers_first_at IS 'Fetch time of the snapshot that gave followers_first.';
COMMENT ON COLUMN score.bci.new_followers_missing IS 'Why new_followers is missing (no follower snapshot near the period start); NULL when it is known.';
COMMENT ON TABLE score.app_listing IS 'Per listing and run: the ok snapshot nearest the period end within [end - period.stock_before_days, end + period.stat_grace_days). Listings without one are in score.unscored.';

CREATE TABLE score.unscored (
    run_id   bigint NOT NULL REFERENCES score.run (run_id),
    platform text NOT NULL CHECK (platform IN ('wechat', 'weibo', 'app_listing')),
    key      text NOT NULL,
    name     text,
    reason   text NOT NULL,
    PRIMARY KEY (run_id, platform, key)
);
COMMENT ON TABLE score.unscored IS 'Registry entries a run did not score, each with the reason (nothing published in the period, no usable stats snapshot, no stock snapshot inside the window): "not scored" is never silent.';
COMMENT ON COLUMN score.unscored.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.unscored.platform IS 'wechat (src.wechat_account), weibo (src.weibo_account) or app_listing (src.store_listing).';
COMMENT ON COLUMN score.unscored.key IS 'biz, Weibo account name, or store:listing_id.';
COMMENT ON COLUMN score.unscored.name IS 'Registry name.';
COMMENT ON COLUMN score.unscored.reason IS 'Why the entry has no score in this run.';

-- ---------------------------------------------------------------- what the scorer has seen
CREATE TABLE score.pending_mark (
    methodology text NOT NULL,
    obs_table   text NOT NULL,
    loaded_through timestamptz NOT NULL,
    PRIMARY KEY (methodology, obs_table)
);
COMMENT ON TABLE score.pending_mark IS 'Per methodology name and obs table: observations loaded up to this time have been scored by `scorer run --pending`; `scorer pending` lists the periods that rows loaded later touch.';
COMMENT ON COLUMN score.pending_mark.methodology IS 'Methodology name (score.methodology.name).';
COMMENT ON COLUMN score.pending_mark.obs_table IS 'obs table, e.g. obs.wechat_stat.';
COMMENT ON COLUMN score.pending_mark.loaded_through IS 'Latest loaded_at of that table that was scored.';

-- obs.* is append-only and loaded_at grows with it: block-range indexes find the
-- rows loaded after a mark for almost no upkeep.
CREATE INDEX wechat_article_loaded_brin ON obs.wechat_article USING brin (loaded_at);
CREATE INDEX wechat_history_loaded_brin ON obs.wechat_history USING brin (loaded_at);
CREATE INDEX wechat_stat_loaded_brin ON obs.wechat_stat USING brin (loaded_at);
CREATE INDEX weibo_account_loaded_brin ON obs.weibo_account USING brin (loaded_at);
CREATE INDEX weibo_post_loaded_brin ON obs.weibo_post USING brin (loaded_at);
CREATE INDEX app_listing_loaded_brin ON obs.app_listing USING brin (loaded_at);

-- The loader no longer decides periods: the scorer does (scorer pending).
DROP TABLE meta.score_pending;

-- ---------------------------------------------------------------- settings and comments that tell the truth
COMMENT ON TABLE score.setting IS 'Scorer settings, changed by the database owner (research staff can read them, not change them).';
COMMENT ON TABLE score.aggregate IS 'Report-level figures per run. wechat: accounts, articles, articles_capped, articles_unobserved, reads, likes, mean_wci, share_wci_above_mean (share of accounts whose WCI is above the mean WCI of the run), cr_reads, cr_likes (share of reads/likes held by the report.cr_n accounts with most reads/likes), and the report''s own distribution figure (2.11): share_avg_reads_above_mean_central / _local and share_avg_likes_above_mean_central / _local = share of the central (local) accounts whose average reads (likes) per article, R/N (Z/N), are above the mean of R/N (Z/N) over the central (local) accounts. weibo: accounts, posts, mean_bci, share_bci_above_mean. combined: organisations, mean_combined. apps: listings, apps, downloads.';

-- ---------------------------------------------------------------- which run answers a question
CREATE FUNCTION report.default_methodology() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT value FROM score.setting WHERE key = 'default_methodology' $$;
COMMENT ON FUNCTION report.default_methodology() IS 'The methodology name the plain report.* views show (score.setting default_methodology).';

CREATE FUNCTION report.run_of(period text DEFAULT NULL, methodology text DEFAULT NULL) RETURNS bigint
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT r.run_id, r.period, r.period_kind, r.period_start, r.period_end, r.status
      FROM score.run r JOIN score.methodology m USING (methodology_id)
     WHERE m.name = coalesce($2, report.default_methodology())
  ), lf AS (
    SELECT max(period_start) AS s FROM r WHERE period_kind = 'month' AND status = 'final'
  )
  SELECT r.run_id FROM r, lf
   WHERE CASE
           WHEN $1 IS NULL OR $1 = 'final' THEN r.period_kind = 'month' AND r.status = 'final'
           WHEN $1 = 'provisional' THEN r.period_kind = 'month' AND r.status = 'provisional'
                                        AND r.period_start = (SELECT min(p.period_start) FROM r p
                                                               WHERE p.period_kind = 'month' AND p.status = 'provisional'
                                                                 AND p.period_start > coalesce(lf.s, '-infinity'::date))
           WHEN position('..' IN $1) > 0 THEN r.period_start = split_part($1, '..', 1)::date
                                              AND r.period_end = split_part($1, '..', 2)::date
           ELSE r.period = $1
         END
   ORDER BY r.period_start DESC, r.run_id DESC
   LIMIT 1
$$;
COMMENT ON FUNCTION report.run_of(text, text) IS 'The run that answers for a period and a methodology. period: NULL or ''final'' = the latest final calendar month; ''provisional'' = the month being settled (the oldest month after the latest final one, still provisional); ''YYYY-MM'', ''YYYY-Www'' or ''YYYY-MM-DD..YYYY-MM-DD'' = that period''s latest run. methodology: a name, NULL = the default. NULL when there is no such run.';

CREATE FUNCTION report.run_info(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (run_id bigint, methodology text, version text, sha256 text, params jsonb, period_kind text,
               period text, period_start date, period_end date, status text, newest_input_at timestamptz,
               finished_at timestamptz, wechat_accounts integer, weibo_accounts integer, organisations integer,
               app_listings integer)
LANGUAGE sql STABLE AS $$
  SELECT r.run_id, m.name, m.version, m.sha256, m.params, r.period_kind, r.period, r.period_start, r.period_end,
         r.status, r.newest_input_at, r.finished_at, r.wechat_accounts, r.weibo_accounts, r.organisations,
         r.app_listings
    FROM score.run r JOIN score.methodology m USING (methodology_id)
   WHERE r.run_id = report.run_of($1, $2)
$$;
COMMENT ON FUNCTION report.run_info(text, text) IS 'The run report.run_of(period, methodology) picks, with its methodology, period and status: what every report table of that period and methodology is computed from. No row when there is no such run.';

CREATE VIEW report.periods AS
SELECT DISTINCT ON (m.name, r.period)
       m.name AS methodology, r.period, r.period_kind, r.period_start, r.period_end, r.status, r.run_id,
       r.newest_input_at, r.finished_at
  FROM score.run r JOIN score.methodology m USING (methodology_id)
 ORDER BY m.name, r.period, r.run_id DESC;
COMMENT ON VIEW report.periods IS 'Every scored period of every methodology with its latest run and whether it is final.';
COMMENT ON COLUMN report.periods.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.periods.period IS 'Period name (YYYY-MM, YYYY-Www or a date range): the period argument of the report.* functions.';
COMMENT ON COLUMN report.periods.period_kind IS 'month, week or custom.';
COMMENT ON COLUMN report.periods.period_start IS 'First day.';
COMMENT ON COLUMN report.periods.period_end IS 'Last day.';
COMMENT ON COLUMN report.periods.status IS 'final or provisional (of the latest run).';
COMMENT ON COLUMN report.periods.run_id IS 'The latest run of the period.';
COMMENT ON COLUMN report.periods.newest_input_at IS 'Fetch time of the newest observation that run saw.';
COMMENT ON COLUMN report.periods.finished_at IS 'When that run finished.';

-- The *_by_methodology views compare methodologies on the same period: every
-- methodology's latest run of the latest final month of the default methodology.
CREATE OR REPLACE VIEW report.latest_run AS
WITH p AS (SELECT period FROM score.run WHERE run_id = report.run_of('final', NULL))
SELECT DISTINCT ON (m.name)
       m.name AS methodology, m.version, m.sha256, r.run_id, r.period_start, r.period_end,
       r.finished_at, m.params,
       m.name = report.default_methodology() AS is_default,
       r.period, r.period_kind, r.status
  FROM score.run r
  JOIN score.methodology m USING (methodology_id)
  JOIN p ON p.period = r.period
 ORDER BY m.name, r.run_id DESC;
COMMENT ON VIEW report.latest_run IS 'Per methodology, its latest run of one period: the latest final month of the default methodology. The *_by_methodology views read it, so they always compare the same period.';
COMMENT ON COLUMN report.latest_run.period IS 'The period (the same on every row).';
COMMENT ON COLUMN report.latest_run.period_kind IS 'month.';
COMMENT ON COLUMN report.latest_run.status IS 'final or provisional (a methodology scored before the period settled).';

-- Reads as a reader saw them: the page's own text for a capped count (阅读 10万+,
-- 100000+); the in-app JSON gives the cap as the number 100001, which the app shows
-- as 10万+.
CREATE FUNCTION report.reads_shown(capped boolean, raw text, reads bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN capped THEN CASE WHEN raw LIKE '%+%' THEN raw ELSE '10万+' END
              ELSE coalesce(raw, reads::text) END
$$;
COMMENT ON FUNCTION report.reads_shown(boolean, text, bigint) IS 'Reads as shown to readers: a capped count as the page showed it (10万+ or 100000+; the JSON''s 100001 becomes 10万+), else the exact number.';

CREATE OR REPLACE VIEW report.hot_articles_by_methodology AS
SELECT l.methodology, h.run_id, h.rank, h.account_name AS account,
       to_char(h.published_at AT TIME ZONE coalesce(l.params ->> 'period.timezone', 'Asia/Shanghai'),
               'YYYY-MM-DD HH24:MI:SS') AS published_at,
       h.title, report.reads_shown(h.read_capped, h.read_raw, h.reads) AS reads_raw,
       h.reads, h.read_capped, h.likes, h.biz, h.mid, h.idx
  FROM report.latest_run l JOIN score.hot_article h USING (run_id);
COMMENT ON COLUMN report.hot_articles_by_methodology.reads_raw IS 'Reads as shown to readers: the page''s own text when a footer snapshot was used (阅读 10万+ or 100000+), else 10万+ for a capped count (as the page shows it) or the exact number.';

-- ---------------------------------------------------------------- any period, any methodology
CREATE FUNCTION report.t1_2_central_combined(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, wci numeric, bci numeric, combined numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.rank_scope, c.name, round(c.wci::numeric, 2), round(c.bci::numeric, 2), round(c.combined::numeric, 2)
    FROM score.combined c WHERE c.run_id = report.run_of($1, $2) AND c.scope = 'central' ORDER BY c.rank_scope
$$;
CREATE FUNCTION report.t1_3_local_combined(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, wci numeric, bci numeric, combined numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.rank_scope, c.name, round(c.wci::numeric, 2), round(c.bci::numeric, 2), round(c.combined::numeric, 2)
    FROM score.combined c WHERE c.run_id = report.run_of($1, $2) AND c.scope = 'local' ORDER BY c.rank_scope
$$;
CREATE FUNCTION report.wechat_ranking(period text, methodology text, scope text)
RETURNS TABLE (rank integer, name text, read_index numeric, like_index numeric, wci numeric)
LANGUAGE sql STABLE AS $$
  SELECT w.rank_scope, w.name, round(w.read_index::numeric, 2), round(w.like_index::numeric, 2), round(w.wci::numeric, 2)
    FROM score.wci w WHERE w.run_id = report.run_of($1, $2) AND w.scope = $3 ORDER BY w.rank_scope
$$;
CREATE FUNCTION report.t2_1_central_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_index numeric, like_index numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_ranking($1, $2, 'central') $$;
CREATE FUNCTION report.t2_2_local_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_index numeric, like_index numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_ranking($1, $2, 'local') $$;
CREATE FUNCTION report.wechat_sublist(period text, methodology text, sublist text)
RETURNS TABLE (rank integer, name text, read_col numeric, like_col numeric, wci numeric)
LANGUAGE sql STABLE AS $$
  SELECT (row_number() OVER (ORDER BY s.wci DESC, s.biz))::integer, w.name, round(s.read_col::numeric, 2),
         round(s.like_col::numeric, 2), round(s.wci::numeric, 2)
    FROM score.wci_sub s
    JOIN score.wci w ON w.run_id = s.run_id AND w.biz = s.biz
    JOIN score.sublist_category c ON c.function = s.function AND c.sublist = $3
   WHERE s.run_id = report.run_of($1, $2)
   ORDER BY s.wci DESC, s.biz
$$;
CREATE FUNCTION report.t2_3_party_publicity_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_col numeric, like_col numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_sublist($1, $2, 'party_publicity') $$;
CREATE FUNCTION report.t2_4_police_traffic_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_col numeric, like_col numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_sublist($1, $2, 'police_traffic') $$;
CREATE FUNCTION report.t2_5_judicial_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_col numeric, like_col numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_sublist($1, $2, 'judicial') $$;
CREATE FUNCTION report.t2_6_health_wechat(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, read_col numeric, like_col numeric, wci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.wechat_sublist($1, $2, 'health') $$;
CREATE FUNCTION report.t2_7_hot_articles(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, account text, published_at text, title text, reads_raw text, likes bigint)
LANGUAGE sql STABLE AS $$
  SELECT h.rank, h.account_name,
         to_char(h.published_at AT TIME ZONE coalesce(r.params_effective ->> 'period_timezone', 'Asia/Shanghai'),
                 'YYYY-MM-DD HH24:MI:SS'),
         h.title,
         report.reads_shown(h.read_capped, h.read_raw, h.reads),
         h.likes
    FROM score.hot_article h JOIN score.run r USING (run_id)
   WHERE h.run_id = report.run_of($1, $2) ORDER BY h.rank
$$;
CREATE FUNCTION report.weibo_ranking(period text, methodology text, scope text)
RETURNS TABLE (rank integer, name text, followers bigint, coverage numeric, activity numeric, interaction numeric,
               propagation numeric, bci numeric)
LANGUAGE sql STABLE AS $$
  SELECT b.rank_scope, b.name, b.followers, round(b.coverage::numeric, 2), round(b.activity::numeric, 2),
         round(b.interaction::numeric, 2), round(b.propagation::numeric, 2), round(b.bci::numeric, 2)
    FROM score.bci b WHERE b.run_id = report.run_of($1, $2) AND b.scope = $3 ORDER BY b.rank_scope
$$;
CREATE FUNCTION report.t3_1_central_weibo(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, followers bigint, coverage numeric, activity numeric, interaction numeric,
               propagation numeric, bci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.weibo_ranking($1, $2, 'central') $$;
CREATE FUNCTION report.t3_2_local_weibo(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (rank integer, name text, followers bigint, coverage numeric, activity numeric, interaction numeric,
               propagation numeric, bci numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM report.weibo_ranking($1, $2, 'local') $$;
CREATE FUNCTION report.t4_1_app_store_top10(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (store text, rank integer, app text, downloads bigint)
LANGUAGE sql STABLE AS $$
  WITH r AS (SELECT report.run_of($1, $2) AS run_id)
  SELECT x.store, x.rank, x.app, x.downloads FROM (
    SELECT l.store, l.rank_store AS rank, l.app_name AS app, l.downloads, 1 AS blk
      FROM score.app_listing l, r WHERE l.run_id = r.run_id AND l.rank_store IS NOT NULL
    UNION ALL
    SELECT 'total', t.rank, t.name, t.downloads, 2 FROM score.app_total t, r WHERE t.run_id = r.run_id
  ) x JOIN score.run sr ON sr.run_id = (SELECT run_id FROM r)
   WHERE x.rank <= coalesce((sr.params_effective ->> 'apps_top_n')::integer, 10)
   ORDER BY x.blk, x.store, x.rank
$$;
CREATE FUNCTION report.accounts_by_group(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (platform text, dimension text, value text, accounts integer, share numeric, mean_score numeric,
               above_mean integer)
LANGUAGE sql STABLE AS $$
  SELECT d.platform, d.dimension, d.value, d.accounts, round(d.share::numeric, 4), round(d.mean_score::numeric, 2),
         d.above_mean
    FROM score.distribution d WHERE d.run_id = report.run_of($1, $2)
   ORDER BY d.platform, d.dimension, d.accounts DESC, d.value
$$;
CREATE FUNCTION report.aggregates(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (platform text, metric text, value double precision)
LANGUAGE sql STABLE AS $$
  SELECT a.platform, a.metric, a.value FROM score.aggregate a WHERE a.run_id = report.run_of($1, $2)
   ORDER BY a.platform, a.metric
$$;
CREATE FUNCTION report.app_store_summary(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (store text, listings integer, ranked integer, downloads bigint, mean_downloads numeric)
LANGUAGE sql STABLE AS $$
  SELECT s.store, s.listings, s.listings_with_downloads, s.downloads, round(s.downloads_avg::numeric, 2)
    FROM score.app_store s WHERE s.run_id = report.run_of($1, $2) ORDER BY s.downloads DESC, s.store
$$;
CREATE FUNCTION report.app_province_summary(period text DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS TABLE (province text, apps integer, downloads bigint, mean_downloads numeric)
LANGUAGE sql STABLE AS $$
  SELECT p.province, p.apps, p.downloads, round(p.downloads_avg::numeric, 2)
    FROM score.app_province p WHERE p.run_id = report.run_of($1, $2) ORDER BY p.downloads DESC, p.province
$$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['t1_2_central_combined', 't1_3_local_combined', 't2_1_central_wechat', 't2_2_local_wechat',
      't2_3_party_publicity_wechat', 't2_4_police_traffic_wechat', 't2_5_judicial_wechat', 't2_6_health_wechat',
      't2_7_hot_articles', 't3_1_central_weibo', 't3_2_local_weibo', 't4_1_app_store_top10', 'accounts_by_group',
      'aggregates', 'app_store_summary', 'app_province_summary'] LOOP
    EXECUTE format('COMMENT ON FUNCTION report.%I(text, text) IS %L', f,
      'The rows of report.' || f || ' for any period and methodology: (period, methodology) as in report.run_of '
      || '(NULL, NULL = the latest final month of the default methodology; ''provisional'' = the month in progress; '
      || '''2014-10'', ''2014-W46'' or ''2014-10-01..2014-10-31''). Ordered by rank.');
  END LOOP;
END $$;
COMMENT ON FUNCTION report.wechat_ranking(text, text, text) IS 'WCI ranking of one scope (central or local) for a period and methodology (report.run_of).';
COMMENT ON FUNCTION report.wechat_sublist(text, text, text) IS 'A category sub-list (party_publicity, police_traffic, judicial, health) for a period and methodology (report.run_of).';
COMMENT ON FUNCTION report.weibo_ranking(text, text, text) IS 'BCI ranking of one scope (central or local) for a period and methodology (report.run_of).';

-- ---------------------------------------------------------------- the plain names: latest final month, by rank
-- Recreated over the functions; their column comments are kept.
CREATE TEMP TABLE plain_view_comments ON COMMIT DROP AS
SELECT c.relname AS view_name, a.attname AS column_name, d.description
  FROM pg_description d
  JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'report'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
 WHERE d.objsubid > 0;

DO $$
DECLARE
  v text;
  d text;
  r record;
  plain text[] := ARRAY['t1_2_central_combined', 't1_3_local_combined', 't2_1_central_wechat', 't2_2_local_wechat',
      't2_3_party_publicity_wechat', 't2_4_police_traffic_wechat', 't2_5_judicial_wechat', 't2_6_health_wechat',
      't2_7_hot_articles', 't3_1_central_weibo', 't3_2_local_weibo', 't4_1_app_store_top10', 'accounts_by_group',
      'aggregates'];
BEGIN
  FOREACH v IN ARRAY plain LOOP
    d := obj_description(format('report.%I', v)::regclass, 'pg_class');
    EXECUTE format('DROP VIEW report.%I', v);
    EXECUTE format('CREATE VIEW report.%I AS SELECT * FROM report.%I() %s', v, v,
                   CASE WHEN v = 't4_1_app_store_top10' THEN 'ORDER BY store = ''total'', store, rank'
                        WHEN v IN ('accounts_by_group', 'aggregates') THEN ''
                        ELSE 'ORDER BY rank' END);
    EXECUTE format('COMMENT ON VIEW report.%I IS %L', v,
                   regexp_replace(coalesce(d, v), ' *\(default methodology, latest run\)', '')
                   || ' Latest FINAL calendar month of the default methodology, ordered by rank; any period or'
                   || ' methodology: report.' || v || '(period, methodology).');
    FOR r IN SELECT column_name, description FROM plain_view_comments WHERE view_name = v LOOP
      EXECUTE format('COMMENT ON COLUMN report.%I.%I IS %L', v, r.column_name, r.description);
    END LOOP;
  END LOOP;
END $$;
COMMENT ON COLUMN report.t2_7_hot_articles.reads_raw IS 'Reads as the page showed them: the footer''s own text (阅读 10万+ or 100000+) when a footer snapshot was used, else 10万+ for a capped count or the exact number.';

-- The period in progress, marked: the same tables from the latest provisional month.
CREATE VIEW report.provisional AS
SELECT t.table_name, i.period, i.status, i.run_id, i.newest_input_at, t.rows
  FROM report.run_info('provisional') i
 CROSS JOIN LATERAL (VALUES
   ('t1_2_central_combined', (SELECT count(*) FROM report.t1_2_central_combined('provisional'))),
   ('t1_3_local_combined', (SELECT count(*) FROM report.t1_3_local_combined('provisional'))),
   ('t2_1_central_wechat', (SELECT count(*) FROM report.t2_1_central_wechat('provisional'))),
   ('t2_2_local_wechat', (SELECT count(*) FROM report.t2_2_local_wechat('provisional'))),
   ('t3_1_central_weibo', (SELECT count(*) FROM report.t3_1_central_weibo('provisional'))),
   ('t3_2_local_weibo', (SELECT count(*) FROM report.t3_2_local_weibo('provisional'))),
   ('t4_1_app_store_top10', (SELECT count(*) FROM report.t4_1_app_store_top10('provisional')))
 ) t(table_name, rows);
COMMENT ON VIEW report.provisional IS 'The month in progress: the oldest month after the latest final one, still settling (PROVISIONAL: its counts may still change): its run and how many rows each report table has for it. Read its tables with the functions and the period ''provisional'', e.g. SELECT * FROM report.t2_2_local_wechat(''provisional'').';
COMMENT ON COLUMN report.provisional.table_name IS 'Report table (function) name.';
COMMENT ON COLUMN report.provisional.period IS 'The month in progress.';
COMMENT ON COLUMN report.provisional.status IS 'Always provisional.';
COMMENT ON COLUMN report.provisional.run_id IS 'The provisional run.';
COMMENT ON COLUMN report.provisional.newest_input_at IS 'Fetch time of the newest observation that run saw.';
COMMENT ON COLUMN report.provisional.rows IS 'Rows of that table for the provisional period.';

-- ---------------------------------------------------------------- coverage: observed, failed or never seen
CREATE VIEW report.coverage AS
WITH lf AS (SELECT report.run_of('final', NULL) AS run_id),
ent AS (
  SELECT 'wechat'::text AS platform, a.biz AS key, a.name,
         greatest((SELECT max(x.fetched_at) FROM obs.wechat_article x WHERE x.biz = a.biz AND x.status = 'ok'),
                  (SELECT max(h.fetched_at) FROM obs.wechat_history h WHERE h.biz = a.biz)) AS last_ok_at,
         (SELECT x.status FROM obs.wechat_article x WHERE x.biz = a.biz AND x.status <> 'ok'
           ORDER BY x.fetched_at DESC LIMIT 1) AS obs_failure,
         EXISTS (SELECT 1 FROM score.wci w, lf WHERE w.run_id = lf.run_id AND w.biz = a.biz) AS scored
    FROM src.wechat_account a
  UNION ALL
  SELECT 'weibo', a.account, a.name,
         (SELECT max(x.fetched_at) FROM obs.weibo_account x WHERE x.account = a.account AND x.status = 'ok'),
         (SELECT x.status FROM obs.weibo_account x WHERE x.account = a.account AND x.status <> 'ok'
           ORDER BY x.fetched_at DESC LIMIT 1),
         EXISTS (SELECT 1 FROM score.bci b, lf WHERE b.run_id = lf.run_id AND b.account = a.account)
    FROM src.weibo_account a
  UNION ALL
  SELECT 'app_listing', l.store || ':' || l.listing_id, a.name,
         (SELECT max(x.fetched_at) FROM obs.app_listing x WHERE x.store = l.store AND x.listing_id = l.listing_id
             AND x.status = 'ok'),
         (SELECT x.status FROM obs.app_listing x WHERE x.store = l.store AND x.listing_id = l.listing_id
             AND x.status <> 'ok' ORDER BY x.fetched_at DESC LIMIT 1),
         EXISTS (SELECT 1 FROM score.app_listing s, lf WHERE s.run_id = lf.run_id AND s.store = l.store
                    AND s.listing_id = l.listing_id)
    FROM src.store_listing l JOIN src.app a USING (app_key)
)
SELECT e.platform, e.key, e.name, e.last_ok_at,
       coalesce(e.obs_failure, CASE WHEN f.state IN ('failed', 'blocked') OR f.last_status >= 400
                                    THEN coalesce('HTTP ' || f.last_status, f.state) END) AS last_failure_status,
       CASE WHEN e.obs_failure IS NOT NULL THEN 'the page says: ' || e.obs_failure
            WHEN f.state IN ('failed', 'blocked') OR f.last_status >= 400 THEN f.last_error END AS last_failure_reason,
       e.scored AS scored_in_latest_final,
       CASE WHEN e.scored THEN NULL
            WHEN (SELECT run_id FROM lf) IS NULL THEN 'no final period has been scored yet'
            WHEN u.reason IS NOT NULL THEN u.reason
            WHEN e.last_ok_at IS NULL AND f.state IS NULL THEN 'never observed: no URL of it in the crawl frontier (run loader targets)'
            WHEN e.last_ok_at IS NULL AND f.state = 'queued' AND f.fetches = 0 THEN 'never observed: queued, not fetched yet'
            WHEN e.last_ok_at IS NULL THEN 'never observed: ' || coalesce(e.obs_failure, f.last_error, 'HTTP ' || f.last_status, f.state)
            ELSE 'not scored in the latest final period' END AS reason
  FROM ent e
  LEFT JOIN LATERAL (
    SELECT fr.state, fr.last_status, fr.last_error, fr.fetches FROM crawl.frontier fr
     WHERE fr.target_key = e.key AND fr.depth = 0
     ORDER BY (fr.state IN ('failed', 'blocked') OR fr.last_status >= 400) DESC, fr.last_fetched_at DESC NULLS LAST
     LIMIT 1) f ON true
  LEFT JOIN score.unscored u ON u.run_id = (SELECT run_id FROM lf) AND u.platform = e.platform AND u.key = e.key
 ORDER BY e.platform, e.scored DESC, e.key;
COMMENT ON VIEW report.coverage IS 'Every registered WeChat account, Weibo account and store listing: its last successful observation, its last failure, and whether the latest final period (default methodology) scored it, with the reason when not. Entries never observed are listed with the reason.';
COMMENT ON COLUMN report.coverage.platform IS 'wechat, weibo or app_listing.';
COMMENT ON COLUMN report.coverage.key IS 'biz, Weibo account name, or store:listing_id.';
COMMENT ON COLUMN report.coverage.name IS 'Registry name (the app''s name for a listing).';
COMMENT ON COLUMN report.coverage.last_ok_at IS 'Fetch time of its latest ok observation; NULL = never observed.';
COMMENT ON COLUMN report.coverage.last_failure_status IS 'Its latest failure: a page status (deleted, blocked, verification, error, not_found ...), an HTTP status, or the crawl state failed/blocked; NULL when none.';
COMMENT ON COLUMN report.coverage.last_failure_reason IS 'What that failure was, in words.';
COMMENT ON COLUMN report.coverage.scored_in_latest_final IS 'True when the latest final period''s run of the default methodology scored it.';
COMMENT ON COLUMN report.coverage.reason IS 'Why it was not scored (NULL when it was).';

-- Views and functions created here: research reads them (functions are executable by PUBLIC).
GRANT SELECT ON ALL TABLES IN SCHEMA score, report TO research;

-- 001 changed once, without changing what it does (the role comment is set only
-- by a role allowed to: the pipeline's role on the embedded cluster is not).
-- Record the new text's hash so `loader migrate` does not warn about it again.
UPDATE meta.migrations SET sha256 = 'b870cce15963d67102a8f1fa6b232d3f361a7370c1b974c2daca4ffee1acb033'
 WHERE version = 1 AND sha256 = '0cddcc9d072859558139f9c7362281acfd2004ebfc9ef5935efb74ffd582b455';
