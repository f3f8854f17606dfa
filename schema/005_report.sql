-- 005_report: views for research staff over the scorer's results.
--
-- Views ending in _by_methodology show the latest run of every methodology
-- (a `methodology` column tells them apart). Views with plain names show the
-- latest run of the default methodology (score.setting default_methodology,
-- '2014' unless changed); the t* views are shaped like the report's tables
-- (the TSV files of report/tables/), with every ranked row: add
-- `WHERE rank <= 20` for the printed length. Scores are rounded to 2 decimals.
-- "Latest run" of a methodology: the run with the latest period_end, then the
-- highest run_id (a rerun of the same period replaces an older one here, while
-- both stay in score.*).

CREATE VIEW report.latest_run AS
SELECT DISTINCT ON (m.name)
       m.name AS methodology, m.version, m.sha256, r.run_id, r.period_start, r.period_end,
       r.finished_at, m.params,
       m.name = (SELECT value FROM score.setting WHERE key = 'default_methodology') AS is_default
  FROM score.run r
  JOIN score.methodology m USING (methodology_id)
 ORDER BY m.name, r.period_end DESC, r.run_id DESC;
COMMENT ON VIEW report.latest_run IS 'The latest scoring run of each methodology (latest period_end, then highest run_id).';
COMMENT ON COLUMN report.latest_run.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.latest_run.version IS 'Methodology version of that run.';
COMMENT ON COLUMN report.latest_run.sha256 IS 'SHA-256 of the methodology text of that run.';
COMMENT ON COLUMN report.latest_run.run_id IS 'The run.';
COMMENT ON COLUMN report.latest_run.period_start IS 'First day of the period.';
COMMENT ON COLUMN report.latest_run.period_end IS 'Last day of the period.';
COMMENT ON COLUMN report.latest_run.finished_at IS 'When the run finished.';
COMMENT ON COLUMN report.latest_run.params IS 'The methodology''s parameters.';
COMMENT ON COLUMN report.latest_run.is_default IS 'True for the default methodology (the plain-named views).';

-- ---------------------------------------------------------------- per methodology
CREATE VIEW report.wechat_ranking_by_methodology AS
SELECT l.methodology, w.run_id, l.period_start, l.period_end, w.rank_all AS rank, w.rank_scope, w.scope,
       w.name, w.biz, w.level, w.province, w.function, w.articles, w.reads, w.likes, w.read_max, w.like_max,
       round(w.read_index::numeric, 2) AS read_index, round(w.like_index::numeric, 2) AS like_index,
       round(w.wci::numeric, 2) AS wci
  FROM report.latest_run l JOIN score.wci w USING (run_id);
COMMENT ON VIEW report.wechat_ranking_by_methodology IS 'WCI ranking of the latest run of each methodology.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.period_start IS 'First day of the period.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.period_end IS 'Last day of the period.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.rank IS 'Overall rank.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.rank_scope IS 'Rank among central or local accounts.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.scope IS 'central or local.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.name IS 'Account name.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.biz IS 'Account __biz.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.level IS 'Level.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.province IS 'Province.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.function IS 'Function category.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.articles IS 'N.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.reads IS 'R.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.likes IS 'Z.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.read_max IS 'Rmax.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.like_max IS 'Zmax.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.read_index IS '阅读指数, 2 decimals.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.like_index IS '点赞指数, 2 decimals.';
COMMENT ON COLUMN report.wechat_ranking_by_methodology.wci IS 'WCI, 2 decimals.';

CREATE VIEW report.wechat_sublist_by_methodology AS
SELECT l.methodology, s.run_id, c.sublist,
       row_number() OVER (PARTITION BY s.run_id, c.sublist ORDER BY s.wci DESC, s.biz)::integer AS rank,
       w.name, s.biz, s.function, s.scope,
       round(s.read_col::numeric, 2) AS read_col, round(s.like_col::numeric, 2) AS like_col,
       round(s.wci::numeric, 2) AS wci
  FROM report.latest_run l
  JOIN score.wci_sub s USING (run_id)
  JOIN score.wci w ON w.run_id = s.run_id AND w.biz = s.biz
  JOIN score.sublist_category c ON c.function = s.function;
COMMENT ON VIEW report.wechat_sublist_by_methodology IS 'Category sub-lists (表2.3-2.6) of the latest run of each methodology; categories from score.sublist_category.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.sublist IS 'party_publicity, police_traffic, judicial or health.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.rank IS 'Rank within the sub-list.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.name IS 'Account name.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.biz IS 'Account __biz.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.function IS 'Function category.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.scope IS 'central or local.';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.read_col IS 'The printed 阅读指数 column (raw-scale weighted reads).';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.like_col IS 'The printed 点赞指数 column (raw-scale weighted likes).';
COMMENT ON COLUMN report.wechat_sublist_by_methodology.wci IS 'Sub-list WCI.';

CREATE VIEW report.hot_articles_by_methodology AS
SELECT l.methodology, h.run_id, h.rank, h.account_name AS account,
       to_char(h.published_at AT TIME ZONE coalesce(l.params ->> 'period.timezone', 'Asia/Shanghai'),
               'YYYY-MM-DD HH24:MI:SS') AS published_at,
       h.title, coalesce(h.read_raw, h.reads::text) AS reads_raw, h.reads, h.read_capped, h.likes, h.biz, h.mid, h.idx
  FROM report.latest_run l JOIN score.hot_article h USING (run_id);
COMMENT ON VIEW report.hot_articles_by_methodology IS 'Most-read articles (表2.7) of the latest run of each methodology.';
COMMENT ON COLUMN report.hot_articles_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.hot_articles_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.hot_articles_by_methodology.rank IS 'Rank by reads.';
COMMENT ON COLUMN report.hot_articles_by_methodology.account IS 'Account name.';
COMMENT ON COLUMN report.hot_articles_by_methodology.published_at IS 'Publish time in the methodology''s time zone.';
COMMENT ON COLUMN report.hot_articles_by_methodology.title IS 'Title.';
COMMENT ON COLUMN report.hot_articles_by_methodology.reads_raw IS 'Reads as the page wrote them (10万+ for capped).';
COMMENT ON COLUMN report.hot_articles_by_methodology.reads IS 'Reads used for ranking.';
COMMENT ON COLUMN report.hot_articles_by_methodology.read_capped IS 'True when capped.';
COMMENT ON COLUMN report.hot_articles_by_methodology.likes IS 'Likes.';
COMMENT ON COLUMN report.hot_articles_by_methodology.biz IS 'Account __biz.';
COMMENT ON COLUMN report.hot_articles_by_methodology.mid IS 'Message id.';
COMMENT ON COLUMN report.hot_articles_by_methodology.idx IS 'Position in the push.';

CREATE VIEW report.weibo_ranking_by_methodology AS
SELECT l.methodology, b.run_id, l.period_start, l.period_end, b.rank_all AS rank, b.rank_scope, b.scope,
       b.name, b.account, b.level, b.province, b.function, b.followers, b.new_followers, b.posts,
       round(b.coverage::numeric, 2) AS coverage, round(b.activity::numeric, 2) AS activity,
       round(b.interaction::numeric, 2) AS interaction, round(b.propagation::numeric, 2) AS propagation,
       round(b.bci::numeric, 2) AS bci
  FROM report.latest_run l JOIN score.bci b USING (run_id);
COMMENT ON VIEW report.weibo_ranking_by_methodology IS 'BCI ranking of the latest run of each methodology.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.period_start IS 'First day of the period.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.period_end IS 'Last day of the period.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.rank IS 'Overall rank.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.rank_scope IS 'Rank among central or local accounts.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.scope IS 'central or local.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.name IS 'Account name.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.account IS 'Account id.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.level IS 'Level.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.province IS 'Province.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.function IS 'Function category.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.followers IS '听众数 at period end.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.new_followers IS '新增听众数.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.posts IS 'Posts written in the period.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.coverage IS '覆盖度.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.activity IS '活跃度.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.interaction IS '互动度.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.propagation IS '传播度.';
COMMENT ON COLUMN report.weibo_ranking_by_methodology.bci IS 'BCI.';

CREATE VIEW report.combined_ranking_by_methodology AS
SELECT l.methodology, c.run_id, l.period_start, l.period_end, c.rank_all AS rank, c.rank_scope, c.scope,
       c.name, c.org_key, c.level, c.province, c.function, c.biz, c.account,
       round(c.wci::numeric, 2) AS wci, round(c.bci::numeric, 2) AS bci, round(c.combined::numeric, 2) AS combined
  FROM report.latest_run l JOIN score.combined c USING (run_id);
COMMENT ON VIEW report.combined_ranking_by_methodology IS 'Combined-index ranking of the latest run of each methodology.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.period_start IS 'First day of the period.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.period_end IS 'Last day of the period.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.rank IS 'Overall rank.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.rank_scope IS 'Rank among central or local organisations.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.scope IS 'central or local.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.name IS 'Organisation name.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.org_key IS 'Organisation key.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.level IS 'Level.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.province IS 'Province.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.function IS 'Function category.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.biz IS 'WeChat account used.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.account IS 'Weibo account used.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.wci IS 'WCI.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.bci IS 'BCI.';
COMMENT ON COLUMN report.combined_ranking_by_methodology.combined IS 'Combined index.';

CREATE VIEW report.app_ranking_by_methodology AS
SELECT l.methodology, a.run_id, a.store, a.rank_store AS rank, a.app_name AS app, a.downloads,
       a.downloads_capped, a.app_key, a.listing_id, a.province, a.fetched_at
  FROM report.latest_run l JOIN score.app_listing a USING (run_id)
 WHERE a.rank_store IS NOT NULL
UNION ALL
SELECT l.methodology, t.run_id, 'total', t.rank, t.name, t.downloads, false, t.app_key, NULL, t.province, NULL
  FROM report.latest_run l JOIN score.app_total t USING (run_id);
COMMENT ON VIEW report.app_ranking_by_methodology IS 'App downloads ranked per store, plus the store "total" (sum over stores), for the latest run of each methodology.';
COMMENT ON COLUMN report.app_ranking_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.app_ranking_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.app_ranking_by_methodology.store IS 'Store code, or total.';
COMMENT ON COLUMN report.app_ranking_by_methodology.rank IS 'Rank within the store (or overall for total).';
COMMENT ON COLUMN report.app_ranking_by_methodology.app IS 'App name.';
COMMENT ON COLUMN report.app_ranking_by_methodology.downloads IS 'Downloads.';
COMMENT ON COLUMN report.app_ranking_by_methodology.downloads_capped IS 'True when the store showed a lower bound.';
COMMENT ON COLUMN report.app_ranking_by_methodology.app_key IS 'App key.';
COMMENT ON COLUMN report.app_ranking_by_methodology.listing_id IS 'Store listing id (NULL for total).';
COMMENT ON COLUMN report.app_ranking_by_methodology.province IS 'App province.';
COMMENT ON COLUMN report.app_ranking_by_methodology.fetched_at IS 'Snapshot fetch time (NULL for total).';

CREATE VIEW report.app_store_summary_by_methodology AS
SELECT l.methodology, s.run_id, s.store, s.listings, s.listings_with_downloads, s.downloads,
       round(s.downloads_avg::numeric, 2) AS downloads_avg
  FROM report.latest_run l JOIN score.app_store s USING (run_id);
COMMENT ON VIEW report.app_store_summary_by_methodology IS 'Listings, total and average downloads per store.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.store IS 'Store code.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.listings IS 'Listings with a snapshot.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.listings_with_downloads IS 'Listings with a download count.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.downloads IS 'Total downloads.';
COMMENT ON COLUMN report.app_store_summary_by_methodology.downloads_avg IS 'Average downloads per listing with a count.';

CREATE VIEW report.app_province_summary_by_methodology AS
SELECT l.methodology, p.run_id, p.province, p.apps, p.downloads, round(p.downloads_avg::numeric, 2) AS downloads_avg
  FROM report.latest_run l JOIN score.app_province p USING (run_id);
COMMENT ON VIEW report.app_province_summary_by_methodology IS 'Apps, total and average downloads per province.';
COMMENT ON COLUMN report.app_province_summary_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.app_province_summary_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.app_province_summary_by_methodology.province IS 'Province or (central).';
COMMENT ON COLUMN report.app_province_summary_by_methodology.apps IS 'Apps with a download count.';
COMMENT ON COLUMN report.app_province_summary_by_methodology.downloads IS 'Total downloads.';
COMMENT ON COLUMN report.app_province_summary_by_methodology.downloads_avg IS 'Average downloads per app.';

CREATE VIEW report.distribution_by_methodology AS
SELECT l.methodology, d.run_id, d.platform, d.dimension, d.value, d.accounts,
       round(d.share::numeric, 4) AS share, round(d.mean_score::numeric, 2) AS mean_score, d.above_mean
  FROM report.latest_run l JOIN score.distribution d USING (run_id);
COMMENT ON VIEW report.distribution_by_methodology IS 'Scored accounts per province, level and function.';
COMMENT ON COLUMN report.distribution_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.distribution_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.distribution_by_methodology.platform IS 'wechat or weibo.';
COMMENT ON COLUMN report.distribution_by_methodology.dimension IS 'province, level or function.';
COMMENT ON COLUMN report.distribution_by_methodology.value IS 'The value.';
COMMENT ON COLUMN report.distribution_by_methodology.accounts IS 'Accounts.';
COMMENT ON COLUMN report.distribution_by_methodology.share IS 'Share of all scored accounts of the platform.';
COMMENT ON COLUMN report.distribution_by_methodology.mean_score IS 'Mean WCI or BCI.';
COMMENT ON COLUMN report.distribution_by_methodology.above_mean IS 'Accounts above the platform mean.';

CREATE VIEW report.aggregates_by_methodology AS
SELECT l.methodology, a.run_id, a.platform, a.metric, a.value
  FROM report.latest_run l JOIN score.aggregate a USING (run_id);
COMMENT ON VIEW report.aggregates_by_methodology IS 'Report-level figures (totals, means, share above mean, CR20) of the latest run of each methodology.';
COMMENT ON COLUMN report.aggregates_by_methodology.methodology IS 'Methodology name.';
COMMENT ON COLUMN report.aggregates_by_methodology.run_id IS 'The run.';
COMMENT ON COLUMN report.aggregates_by_methodology.platform IS 'wechat, weibo, combined or apps.';
COMMENT ON COLUMN report.aggregates_by_methodology.metric IS 'Figure name (see score.aggregate).';
COMMENT ON COLUMN report.aggregates_by_methodology.value IS 'Figure value.';

-- ---------------------------------------------------------------- default methodology, report-shaped
CREATE VIEW report.t1_2_central_combined AS
SELECT rank_scope AS rank, name, wci, bci, combined
  FROM report.combined_ranking_by_methodology
 WHERE scope = 'central' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t1_2_central_combined IS '表1.2: central bodies with both accounts, combined index (default methodology, latest run).';
COMMENT ON COLUMN report.t1_2_central_combined.rank IS 'Rank among central bodies.';
COMMENT ON COLUMN report.t1_2_central_combined.name IS 'Organisation name.';
COMMENT ON COLUMN report.t1_2_central_combined.wci IS 'WCI.';
COMMENT ON COLUMN report.t1_2_central_combined.bci IS 'BCI.';
COMMENT ON COLUMN report.t1_2_central_combined.combined IS 'Combined index.';

CREATE VIEW report.t1_3_local_combined AS
SELECT rank_scope AS rank, name, wci, bci, combined
  FROM report.combined_ranking_by_methodology
 WHERE scope = 'local' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t1_3_local_combined IS '表1.3: local governments with both accounts, combined index.';
COMMENT ON COLUMN report.t1_3_local_combined.rank IS 'Rank among local bodies.';
COMMENT ON COLUMN report.t1_3_local_combined.name IS 'Organisation name.';
COMMENT ON COLUMN report.t1_3_local_combined.wci IS 'WCI.';
COMMENT ON COLUMN report.t1_3_local_combined.bci IS 'BCI.';
COMMENT ON COLUMN report.t1_3_local_combined.combined IS 'Combined index.';

CREATE VIEW report.t2_1_central_wechat AS
SELECT rank_scope AS rank, name, read_index, like_index, wci
  FROM report.wechat_ranking_by_methodology
 WHERE scope = 'central' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_1_central_wechat IS '表2.1: central WeChat accounts by WCI.';
COMMENT ON COLUMN report.t2_1_central_wechat.rank IS 'Rank among central accounts.';
COMMENT ON COLUMN report.t2_1_central_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_1_central_wechat.read_index IS '阅读指数.';
COMMENT ON COLUMN report.t2_1_central_wechat.like_index IS '点赞指数.';
COMMENT ON COLUMN report.t2_1_central_wechat.wci IS 'WCI.';

CREATE VIEW report.t2_2_local_wechat AS
SELECT rank_scope AS rank, name, read_index, like_index, wci
  FROM report.wechat_ranking_by_methodology
 WHERE scope = 'local' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_2_local_wechat IS '表2.2: local WeChat accounts by WCI.';
COMMENT ON COLUMN report.t2_2_local_wechat.rank IS 'Rank among local accounts.';
COMMENT ON COLUMN report.t2_2_local_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_2_local_wechat.read_index IS '阅读指数.';
COMMENT ON COLUMN report.t2_2_local_wechat.like_index IS '点赞指数.';
COMMENT ON COLUMN report.t2_2_local_wechat.wci IS 'WCI.';

CREATE VIEW report.t2_3_party_publicity_wechat AS
SELECT rank, name, read_col, like_col, wci FROM report.wechat_sublist_by_methodology
 WHERE sublist = 'party_publicity' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_3_party_publicity_wechat IS '表2.3: party and publicity accounts, sub-list WCI.';
COMMENT ON COLUMN report.t2_3_party_publicity_wechat.rank IS 'Rank in the sub-list.';
COMMENT ON COLUMN report.t2_3_party_publicity_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_3_party_publicity_wechat.read_col IS 'Raw-scale weighted reads (printed as 阅读指数).';
COMMENT ON COLUMN report.t2_3_party_publicity_wechat.like_col IS 'Raw-scale weighted likes (printed as 点赞指数).';
COMMENT ON COLUMN report.t2_3_party_publicity_wechat.wci IS 'Sub-list WCI.';

CREATE VIEW report.t2_4_police_traffic_wechat AS
SELECT rank, name, read_col, like_col, wci FROM report.wechat_sublist_by_methodology
 WHERE sublist = 'police_traffic' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_4_police_traffic_wechat IS '表2.4: police and traffic accounts, sub-list WCI.';
COMMENT ON COLUMN report.t2_4_police_traffic_wechat.rank IS 'Rank in the sub-list.';
COMMENT ON COLUMN report.t2_4_police_traffic_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_4_police_traffic_wechat.read_col IS 'Raw-scale weighted reads.';
COMMENT ON COLUMN report.t2_4_police_traffic_wechat.like_col IS 'Raw-scale weighted likes.';
COMMENT ON COLUMN report.t2_4_police_traffic_wechat.wci IS 'Sub-list WCI.';

CREATE VIEW report.t2_5_judicial_wechat AS
SELECT rank, name, read_col, like_col, wci FROM report.wechat_sublist_by_methodology
 WHERE sublist = 'judicial' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_5_judicial_wechat IS '表2.5: judicial accounts, sub-list WCI.';
COMMENT ON COLUMN report.t2_5_judicial_wechat.rank IS 'Rank in the sub-list.';
COMMENT ON COLUMN report.t2_5_judicial_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_5_judicial_wechat.read_col IS 'Raw-scale weighted reads.';
COMMENT ON COLUMN report.t2_5_judicial_wechat.like_col IS 'Raw-scale weighted likes.';
COMMENT ON COLUMN report.t2_5_judicial_wechat.wci IS 'Sub-list WCI.';

CREATE VIEW report.t2_6_health_wechat AS
SELECT rank, name, read_col, like_col, wci FROM report.wechat_sublist_by_methodology
 WHERE sublist = 'health' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_6_health_wechat IS '表2.6: health accounts, sub-list WCI.';
COMMENT ON COLUMN report.t2_6_health_wechat.rank IS 'Rank in the sub-list.';
COMMENT ON COLUMN report.t2_6_health_wechat.name IS 'Account name.';
COMMENT ON COLUMN report.t2_6_health_wechat.read_col IS 'Raw-scale weighted reads.';
COMMENT ON COLUMN report.t2_6_health_wechat.like_col IS 'Raw-scale weighted likes.';
COMMENT ON COLUMN report.t2_6_health_wechat.wci IS 'Sub-list WCI.';

CREATE VIEW report.t2_7_hot_articles AS
SELECT rank, account, published_at, title, reads_raw, likes FROM report.hot_articles_by_methodology
 WHERE methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t2_7_hot_articles IS '表2.7: most-read articles of the period.';
COMMENT ON COLUMN report.t2_7_hot_articles.rank IS 'Rank by reads (capped ones ordered by likes).';
COMMENT ON COLUMN report.t2_7_hot_articles.account IS 'Account name.';
COMMENT ON COLUMN report.t2_7_hot_articles.published_at IS 'Publish time, local.';
COMMENT ON COLUMN report.t2_7_hot_articles.title IS 'Title.';
COMMENT ON COLUMN report.t2_7_hot_articles.reads_raw IS 'Reads as printed on the page.';
COMMENT ON COLUMN report.t2_7_hot_articles.likes IS 'Likes.';

CREATE VIEW report.t3_1_central_weibo AS
SELECT rank_scope AS rank, name, followers, coverage, activity, interaction, propagation, bci
  FROM report.weibo_ranking_by_methodology
 WHERE scope = 'central' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t3_1_central_weibo IS '表3.1: central Tencent Weibo accounts by BCI.';
COMMENT ON COLUMN report.t3_1_central_weibo.rank IS 'Rank among central accounts (the report prints none).';
COMMENT ON COLUMN report.t3_1_central_weibo.name IS 'Account name.';
COMMENT ON COLUMN report.t3_1_central_weibo.followers IS '听众数.';
COMMENT ON COLUMN report.t3_1_central_weibo.coverage IS '覆盖度.';
COMMENT ON COLUMN report.t3_1_central_weibo.activity IS '活跃度.';
COMMENT ON COLUMN report.t3_1_central_weibo.interaction IS '互动度.';
COMMENT ON COLUMN report.t3_1_central_weibo.propagation IS '传播度.';
COMMENT ON COLUMN report.t3_1_central_weibo.bci IS 'BCI.';

CREATE VIEW report.t3_2_local_weibo AS
SELECT rank_scope AS rank, name, followers, coverage, activity, interaction, propagation, bci
  FROM report.weibo_ranking_by_methodology
 WHERE scope = 'local' AND methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.t3_2_local_weibo IS '表3.2: local Tencent Weibo accounts by BCI.';
COMMENT ON COLUMN report.t3_2_local_weibo.rank IS 'Rank among local accounts.';
COMMENT ON COLUMN report.t3_2_local_weibo.name IS 'Account name.';
COMMENT ON COLUMN report.t3_2_local_weibo.followers IS '听众数.';
COMMENT ON COLUMN report.t3_2_local_weibo.coverage IS '覆盖度.';
COMMENT ON COLUMN report.t3_2_local_weibo.activity IS '活跃度.';
COMMENT ON COLUMN report.t3_2_local_weibo.interaction IS '互动度.';
COMMENT ON COLUMN report.t3_2_local_weibo.propagation IS '传播度.';
COMMENT ON COLUMN report.t3_2_local_weibo.bci IS 'BCI.';

CREATE VIEW report.t4_1_app_store_top10 AS
SELECT a.store, a.rank, a.app, a.downloads
  FROM report.app_ranking_by_methodology a
  JOIN report.latest_run l ON l.run_id = a.run_id
 WHERE l.is_default AND a.rank <= coalesce((l.params ->> 'apps.top_n')::integer, 10);
COMMENT ON VIEW report.t4_1_app_store_top10 IS '表4.1: top apps per store by downloads (apps.top_n, 10 by default), and the store "total" (sum over stores).';
COMMENT ON COLUMN report.t4_1_app_store_top10.store IS 'Store code, or total.';
COMMENT ON COLUMN report.t4_1_app_store_top10.rank IS 'Rank within the store.';
COMMENT ON COLUMN report.t4_1_app_store_top10.app IS 'App name.';
COMMENT ON COLUMN report.t4_1_app_store_top10.downloads IS 'Downloads.';

CREATE VIEW report.accounts_by_group AS
SELECT platform, dimension, value, accounts, share, mean_score, above_mean
  FROM report.distribution_by_methodology
 WHERE methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.accounts_by_group IS 'Scored accounts per province, level and function (default methodology, latest run).';
COMMENT ON COLUMN report.accounts_by_group.platform IS 'wechat or weibo.';
COMMENT ON COLUMN report.accounts_by_group.dimension IS 'province, level or function.';
COMMENT ON COLUMN report.accounts_by_group.value IS 'The value.';
COMMENT ON COLUMN report.accounts_by_group.accounts IS 'Accounts.';
COMMENT ON COLUMN report.accounts_by_group.share IS 'Share of scored accounts.';
COMMENT ON COLUMN report.accounts_by_group.mean_score IS 'Mean score.';
COMMENT ON COLUMN report.accounts_by_group.above_mean IS 'Accounts above the platform mean.';

CREATE VIEW report.aggregates AS
SELECT platform, metric, value FROM report.aggregates_by_methodology
 WHERE methodology = (SELECT value FROM score.setting WHERE key = 'default_methodology');
COMMENT ON VIEW report.aggregates IS 'Report-level figures (default methodology, latest run).';
COMMENT ON COLUMN report.aggregates.platform IS 'wechat, weibo, combined or apps.';
COMMENT ON COLUMN report.aggregates.metric IS 'Figure name.';
COMMENT ON COLUMN report.aggregates.value IS 'Figure value.';

-- Views created after 001's ALTER DEFAULT PRIVILEGES get SELECT for research
-- automatically when created by the same role; grant explicitly as well, so a
-- migration run by another role cannot leave research without access.
GRANT SELECT ON ALL TABLES IN SCHEMA score, report TO research;
