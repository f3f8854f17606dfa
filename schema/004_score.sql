-- 004_score: methodologies, scoring runs and per-run results (bin/scorer).
--
-- Every result row is keyed by run_id. A run is written in one transaction by
-- `scorer run`, so a failed or killed run leaves no row anywhere; a rerun adds
-- a new run and never touches an old one. Scores are stored unrounded (double
-- precision); the report.* views round them to 2 decimals, half away from zero.

-- ---------------------------------------------------------------- settings
CREATE TABLE score.setting (
    key   text PRIMARY KEY,
    value text NOT NULL
);
COMMENT ON TABLE score.setting IS 'Scorer settings that research staff may change with SQL.';
COMMENT ON COLUMN score.setting.key IS 'Setting name. default_methodology: the methodology name shown under the plain report.* view names.';
COMMENT ON COLUMN score.setting.value IS 'Setting value.';
INSERT INTO score.setting VALUES ('default_methodology', '2014');

CREATE TABLE score.sublist_category (
    sublist  text NOT NULL,
    function text NOT NULL,
    PRIMARY KEY (sublist, function)
);
COMMENT ON TABLE score.sublist_category IS 'Which account function categories (src.wechat_account.function) feed each WeChat category sub-list (表2.3-2.6).';
COMMENT ON COLUMN score.sublist_category.sublist IS 'Sub-list: party_publicity (表2.3), police_traffic (表2.4), judicial (表2.5), health (表2.6).';
COMMENT ON COLUMN score.sublist_category.function IS 'A function category value that belongs to the sub-list.';
INSERT INTO score.sublist_category VALUES
    ('party_publicity', '党政宣传'), ('party_publicity', '宣传'), ('party_publicity', '党政'),
    ('police_traffic', '公安'), ('police_traffic', '交通'), ('police_traffic', '公安交通'),
    ('judicial', '司法'), ('judicial', '检察'), ('judicial', '法院'),
    ('health', '卫生'), ('health', '医疗卫生'), ('health', '疾控');

-- ln(x + off), with ln(0) taken as 0 when off is 0 (the sub-list convention), and
-- NULL as 0. Written so that each argument appears once: the planner then inlines
-- it (an SQL function that is not inlined costs microseconds per call).
CREATE FUNCTION score.ln_off(x double precision, off double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(ln(nullif(x + off, 0)), 0) $$;
COMMENT ON FUNCTION score.ln_off(double precision, double precision) IS
    'The methodologies'' log transform: ln(x + off); when off = 0, ln(x) with ln(0) (and NULL) taken as 0.';

-- ---------------------------------------------------------------- methodology and runs
CREATE TABLE score.methodology (
    methodology_id bigserial PRIMARY KEY,
    name        text NOT NULL,
    version     text NOT NULL,
    sha256      text NOT NULL UNIQUE,
    source_path text,
    text        text NOT NULL,
    params      jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE score.methodology IS 'A methodology file as used by at least one run: its full text, hash and every parameter (file values over built-in defaults). The same text is stored once.';
COMMENT ON COLUMN score.methodology.methodology_id IS 'Surrogate key.';
COMMENT ON COLUMN score.methodology.name IS 'methodology.name from the file (2014, wci-v2, wci-v13, sina-bci, ...).';
COMMENT ON COLUMN score.methodology.version IS 'methodology.version from the file.';
COMMENT ON COLUMN score.methodology.sha256 IS 'SHA-256 (hex) of the file text; identifies the methodology exactly.';
COMMENT ON COLUMN score.methodology.source_path IS 'Path the file was first read from.';
COMMENT ON COLUMN score.methodology.text IS 'The full file text.';
COMMENT ON COLUMN score.methodology.params IS 'Every parameter, "section.key": value, after defaults were applied.';
COMMENT ON COLUMN score.methodology.created_at IS 'When the methodology was first stored.';

CREATE TABLE score.run (
    run_id          bigserial PRIMARY KEY,
    methodology_id  bigint NOT NULL REFERENCES score.methodology (methodology_id),
    period_start    date NOT NULL,
    period_end      date NOT NULL,
    period_days     integer NOT NULL,
    window_start    timestamptz NOT NULL,
    window_end      timestamptz NOT NULL,
    stat_cutoff     timestamptz NOT NULL,
    params_effective jsonb NOT NULL,
    watermark       text NOT NULL,
    inputs          jsonb NOT NULL,
    forced          boolean NOT NULL DEFAULT false,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    wechat_accounts integer,
    weibo_accounts  integer,
    organisations   integer,
    app_listings    integer,
    CHECK (period_end >= period_start)
);
COMMENT ON TABLE score.run IS 'One scoring run: a methodology applied to a period over the observations present at the time. Committed with all its results or not at all.';
COMMENT ON COLUMN score.run.run_id IS 'Run number; every score.* result row carries it.';
COMMENT ON COLUMN score.run.methodology_id IS 'The methodology used.';
COMMENT ON COLUMN score.run.period_start IS 'First day of the period (inclusive).';
COMMENT ON COLUMN score.run.period_end IS 'Last day of the period (inclusive).';
COMMENT ON COLUMN score.run.period_days IS 'Days in the period (the d of per-day formulas).';
COMMENT ON COLUMN score.run.window_start IS 'period_start 00:00 in the methodology''s time zone (period.timezone).';
COMMENT ON COLUMN score.run.window_end IS 'The day after period_end, 00:00 in period.timezone (exclusive end).';
COMMENT ON COLUMN score.run.stat_cutoff IS 'Snapshots of counts (article stats, post counts) fetched before this time are used: window_end + period.stat_grace_days.';
COMMENT ON COLUMN score.run.params_effective IS 'The parameters as applied, including weights renormalised because a count cannot be observed (bci.unobservable).';
COMMENT ON COLUMN score.run.watermark IS 'SHA-256 of inputs: a rerun with the same methodology, period and watermark is skipped unless forced.';
COMMENT ON COLUMN score.run.inputs IS 'Row count and latest loaded_at (updated_at for src) of every input table when the run started.';
COMMENT ON COLUMN score.run.forced IS 'True when the run was made with --force although an identical run existed.';
COMMENT ON COLUMN score.run.started_at IS 'When the run began.';
COMMENT ON COLUMN score.run.finished_at IS 'When its results were complete (the commit follows at once).';
COMMENT ON COLUMN score.run.wechat_accounts IS 'Rows in score.wci for this run.';
COMMENT ON COLUMN score.run.weibo_accounts IS 'Rows in score.bci for this run.';
COMMENT ON COLUMN score.run.organisations IS 'Rows in score.combined for this run.';
COMMENT ON COLUMN score.run.app_listings IS 'Rows in score.app_listing for this run.';
CREATE INDEX ON score.run (methodology_id, period_start, period_end);

-- ---------------------------------------------------------------- WeChat
CREATE TABLE score.wci (
    run_id     bigint NOT NULL REFERENCES score.run (run_id),
    biz        text NOT NULL,
    name       text NOT NULL,
    org_key    text,
    level      text NOT NULL,
    scope      text NOT NULL CHECK (scope IN ('central', 'local')),
    province   text,
    function   text,
    articles   integer NOT NULL,
    articles_unobserved integer NOT NULL,
    articles_capped integer NOT NULL,
    reads      bigint NOT NULL,
    likes      bigint NOT NULL,
    read_max   bigint NOT NULL,
    like_max   bigint NOT NULL,
    head_articles integer NOT NULL,
    head_reads bigint NOT NULL,
    head_likes bigint NOT NULL,
    read_composite double precision NOT NULL,
    like_composite double precision NOT NULL,
    read_index double precision NOT NULL,
    like_index double precision NOT NULL,
    wci        double precision NOT NULL,
    rank_all   integer NOT NULL,
    rank_scope integer NOT NULL,
    rank_function integer,
    PRIMARY KEY (run_id, biz)
);
COMMENT ON TABLE score.wci IS 'WeChat Communication Index per account and run, from the articles published in the period that have a usable stats snapshot.';
COMMENT ON COLUMN score.wci.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.wci.biz IS 'Account __biz (src.wechat_account).';
COMMENT ON COLUMN score.wci.name IS 'Account name from the registry at run time.';
COMMENT ON COLUMN score.wci.org_key IS 'Owning organisation at run time.';
COMMENT ON COLUMN score.wci.level IS 'central, province, city or county at run time.';
COMMENT ON COLUMN score.wci.scope IS 'central (level central) or local (every other level): the report''s two lists.';
COMMENT ON COLUMN score.wci.province IS 'Province at run time.';
COMMENT ON COLUMN score.wci.function IS 'Function category at run time.';
COMMENT ON COLUMN score.wci.articles IS 'N: articles published in the period with a usable stats snapshot.';
COMMENT ON COLUMN score.wci.articles_unobserved IS 'Articles published in the period with no usable stats snapshot (missing, not counted as zero).';
COMMENT ON COLUMN score.wci.articles_capped IS 'Articles whose reads showed the cap (10万+), counted as wci.read_cap.';
COMMENT ON COLUMN score.wci.reads IS 'R: total reads (capped articles count as wci.read_cap).';
COMMENT ON COLUMN score.wci.likes IS 'Z: total likes (a snapshot without a like count adds 0).';
COMMENT ON COLUMN score.wci.read_max IS 'Rmax: most reads of one article.';
COMMENT ON COLUMN score.wci.like_max IS 'Zmax: most likes of one article.';
COMMENT ON COLUMN score.wci.head_articles IS 'Headline articles (idx = 1) among N.';
COMMENT ON COLUMN score.wci.head_reads IS 'Rt: reads of headline articles.';
COMMENT ON COLUMN score.wci.head_likes IS 'Zt: likes of headline articles.';
COMMENT ON COLUMN score.wci.read_composite IS 'a = weighted sum of L(R/d), L(R/N), L(Rmax), L(Rt/d) with the [wci.read] weights.';
COMMENT ON COLUMN score.wci.like_composite IS 'b = the same over likes multiplied by wci.like.scale, with the [wci.like] weights.';
COMMENT ON COLUMN score.wci.read_index IS '阅读指数 = wci.k * a^2.';
COMMENT ON COLUMN score.wci.like_index IS '点赞指数 = wci.k * b^2.';
COMMENT ON COLUMN score.wci.wci IS 'WCI: w_read*read_index + w_like*like_index (linear_of_indices) or k*(w_read*a + w_like*b)^2 (square_of_linear).';
COMMENT ON COLUMN score.wci.rank_all IS 'Rank by WCI among all accounts of the run (ties broken by biz).';
COMMENT ON COLUMN score.wci.rank_scope IS 'Rank within central or local accounts.';
COMMENT ON COLUMN score.wci.rank_function IS 'Rank within the function category; NULL when the account has none.';

CREATE TABLE score.wci_sub (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    biz       text NOT NULL,
    function  text,
    scope     text NOT NULL,
    read_col  double precision NOT NULL,
    like_col  double precision NOT NULL,
    wci       double precision NOT NULL,
    rank_function integer,
    PRIMARY KEY (run_id, biz)
);
COMMENT ON TABLE score.wci_sub IS 'Category sub-list WCI (表2.3-2.6) per account and run: k*(w_read*L(read_col) + w_like*L(like_col))^2 over raw-scale weighted counts.';
COMMENT ON COLUMN score.wci_sub.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.wci_sub.biz IS 'Account __biz.';
COMMENT ON COLUMN score.wci_sub.function IS 'Function category at run time.';
COMMENT ON COLUMN score.wci_sub.scope IS 'central or local.';
COMMENT ON COLUMN score.wci_sub.read_col IS 'The printed 阅读指数 column: w_total*R + w_avg*R/N + w_max*Rmax with the [wci_sub.read] weights (a guess).';
COMMENT ON COLUMN score.wci_sub.like_col IS 'The printed 点赞指数 column: the same over likes with the [wci_sub.like] weights.';
COMMENT ON COLUMN score.wci_sub.wci IS 'Sub-list WCI.';
COMMENT ON COLUMN score.wci_sub.rank_function IS 'Rank by sub-list WCI within the function category.';

CREATE TABLE score.hot_article (
    run_id      bigint NOT NULL REFERENCES score.run (run_id),
    rank        integer NOT NULL,
    biz         text NOT NULL,
    mid         bigint NOT NULL,
    idx         integer NOT NULL,
    account_name text,
    title       text,
    published_at timestamptz NOT NULL,
    reads       bigint NOT NULL,
    read_capped boolean NOT NULL,
    read_raw    text,
    likes       bigint,
    PRIMARY KEY (run_id, rank)
);
COMMENT ON TABLE score.hot_article IS 'The most-read articles of the period (表2.7): report.hot_articles rows, ordered by reads (capped = wci.read_cap), then likes, then publish time.';
COMMENT ON COLUMN score.hot_article.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.hot_article.rank IS '1 = most read.';
COMMENT ON COLUMN score.hot_article.biz IS 'Account __biz.';
COMMENT ON COLUMN score.hot_article.mid IS 'Message id.';
COMMENT ON COLUMN score.hot_article.idx IS 'Position in the push.';
COMMENT ON COLUMN score.hot_article.account_name IS 'Account name (registry, else as shown on the page).';
COMMENT ON COLUMN score.hot_article.title IS 'Title.';
COMMENT ON COLUMN score.hot_article.published_at IS 'Publish time.';
COMMENT ON COLUMN score.hot_article.reads IS 'Reads used for ranking (capped = wci.read_cap).';
COMMENT ON COLUMN score.hot_article.read_capped IS 'True when the page showed 10万+.';
COMMENT ON COLUMN score.hot_article.read_raw IS 'Reads exactly as the page wrote them.';
COMMENT ON COLUMN score.hot_article.likes IS 'Likes; NULL when missing.';

-- ---------------------------------------------------------------- Weibo
CREATE TABLE score.bci (
    run_id      bigint NOT NULL REFERENCES score.run (run_id),
    account     text NOT NULL,
    name        text NOT NULL,
    org_key     text,
    level       text NOT NULL,
    scope       text NOT NULL CHECK (scope IN ('central', 'local')),
    province    text,
    function    text,
    followers   bigint NOT NULL,
    followers_first bigint NOT NULL,
    new_followers bigint NOT NULL,
    posts       integer NOT NULL,
    originals   integer NOT NULL,
    reposts_made integer NOT NULL,
    replies     integer NOT NULL,
    mentions    bigint NOT NULL,
    reposts_received bigint NOT NULL,
    comments_received bigint NOT NULL,
    orig_reposts bigint NOT NULL,
    orig_comments bigint NOT NULL,
    second_reposts bigint NOT NULL,
    second_comments bigint NOT NULL,
    coverage    double precision NOT NULL,
    activity    double precision NOT NULL,
    interaction double precision NOT NULL,
    propagation double precision NOT NULL,
    bci         double precision NOT NULL,
    rank_all    integer NOT NULL,
    rank_scope  integer NOT NULL,
    PRIMARY KEY (run_id, account)
);
COMMENT ON TABLE score.bci IS 'Tencent Weibo BCI per account and run: accounts with at least one ok account snapshot in the period.';
COMMENT ON COLUMN score.bci.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.bci.account IS 'Account id (src.weibo_account).';
COMMENT ON COLUMN score.bci.name IS 'Display name from the registry at run time.';
COMMENT ON COLUMN score.bci.org_key IS 'Owning organisation at run time.';
COMMENT ON COLUMN score.bci.level IS 'central, province, city or county.';
COMMENT ON COLUMN score.bci.scope IS 'central or local.';
COMMENT ON COLUMN score.bci.province IS 'Province at run time.';
COMMENT ON COLUMN score.bci.function IS 'Function category at run time.';
COMMENT ON COLUMN score.bci.followers IS '听众数 at the end of the period: the latest ok snapshot in the period.';
COMMENT ON COLUMN score.bci.followers_first IS 'Followers in the earliest ok snapshot in the period.';
COMMENT ON COLUMN score.bci.new_followers IS '新增听众数 = followers - followers_first, a loss counting as 0.';
COMMENT ON COLUMN score.bci.posts IS 'Posts of every kind written in the period (latest snapshot of each post).';
COMMENT ON COLUMN score.bci.originals IS 'Original posts (kind original).';
COMMENT ON COLUMN score.bci.reposts_made IS 'Reposts made (kind repost).';
COMMENT ON COLUMN score.bci.replies IS 'Replies and comments written (kind reply or comment).';
COMMENT ON COLUMN score.bci.mentions IS 'Accounts mentioned (@) in the period''s posts.';
COMMENT ON COLUMN score.bci.reposts_received IS 'Times the period''s posts were reposted (missing counts add 0).';
COMMENT ON COLUMN score.bci.comments_received IS 'Comments the period''s posts received.';
COMMENT ON COLUMN score.bci.orig_reposts IS 'Reposts received by original posts (原创被转播).';
COMMENT ON COLUMN score.bci.orig_comments IS 'Comments received by original posts (原创被评论).';
COMMENT ON COLUMN score.bci.second_reposts IS 'Reposts received by reposts (二次被转播).';
COMMENT ON COLUMN score.bci.second_comments IS 'Comments received by reposts (二次被评论).';
COMMENT ON COLUMN score.bci.coverage IS '覆盖度 = bci.sub_k * weighted sum of L(followers), L(new_followers).';
COMMENT ON COLUMN score.bci.activity IS '活跃度 = bci.sub_k * weighted sum of L(posts), L(originals), L(reposts_made).';
COMMENT ON COLUMN score.bci.interaction IS '互动度 = bci.sub_k * weighted sum of L(replies), L(mentions) (private messages cannot be observed).';
COMMENT ON COLUMN score.bci.propagation IS '传播度 = bci.sub_k * weighted sum of L() over the received reposts and comments.';
COMMENT ON COLUMN score.bci.bci IS 'BCI = w_coverage*coverage + w_activity*activity + w_interaction*interaction + w_propagation*propagation.';
COMMENT ON COLUMN score.bci.rank_all IS 'Rank by BCI among all accounts of the run (ties broken by account).';
COMMENT ON COLUMN score.bci.rank_scope IS 'Rank within central or local accounts.';

-- ---------------------------------------------------------------- combined
CREATE TABLE score.combined (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    org_key   text NOT NULL,
    name      text NOT NULL,
    level     text NOT NULL,
    scope     text NOT NULL CHECK (scope IN ('central', 'local')),
    province  text,
    function  text,
    biz       text NOT NULL,
    account   text NOT NULL,
    wci       double precision NOT NULL,
    bci       double precision NOT NULL,
    combined  double precision NOT NULL,
    rank_all  integer NOT NULL,
    rank_scope integer NOT NULL,
    PRIMARY KEY (run_id, org_key)
);
COMMENT ON TABLE score.combined IS 'Combined index per organisation that has a scored WeChat and a scored Weibo account in the run (表1.2, 1.3).';
COMMENT ON COLUMN score.combined.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.combined.org_key IS 'Organisation (src.organisation).';
COMMENT ON COLUMN score.combined.name IS 'Organisation name at run time.';
COMMENT ON COLUMN score.combined.level IS 'Organisation level.';
COMMENT ON COLUMN score.combined.scope IS 'central or local.';
COMMENT ON COLUMN score.combined.province IS 'Province.';
COMMENT ON COLUMN score.combined.function IS 'Function category.';
COMMENT ON COLUMN score.combined.biz IS 'The WeChat account used: the organisation''s highest-WCI account in the run.';
COMMENT ON COLUMN score.combined.account IS 'The Weibo account used: the organisation''s highest-BCI account in the run.';
COMMENT ON COLUMN score.combined.wci IS 'WCI of biz.';
COMMENT ON COLUMN score.combined.bci IS 'BCI of account.';
COMMENT ON COLUMN score.combined.combined IS '综合 = combined.w_wci*WCI + combined.w_bci*BCI.';
COMMENT ON COLUMN score.combined.rank_all IS 'Rank among all organisations of the run.';
COMMENT ON COLUMN score.combined.rank_scope IS 'Rank within central or local organisations.';

-- ---------------------------------------------------------------- apps
CREATE TABLE score.app_listing (
    run_id      bigint NOT NULL REFERENCES score.run (run_id),
    store       text NOT NULL,
    listing_id  text NOT NULL,
    app_key     text NOT NULL,
    app_name    text NOT NULL,
    level       text NOT NULL,
    province    text,
    downloads   bigint,
    downloads_capped boolean NOT NULL,
    downloads_raw text,
    rating_count bigint,
    rating_avg  numeric(4,2),
    fetched_at  timestamptz NOT NULL,
    rank_store  integer,
    PRIMARY KEY (run_id, store, listing_id)
);
COMMENT ON TABLE score.app_listing IS 'Per listing and run: the latest ok snapshot fetched before the end of the period (and within apps.max_age_days of it, when that is not 0).';
COMMENT ON COLUMN score.app_listing.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.app_listing.store IS 'Store code.';
COMMENT ON COLUMN score.app_listing.listing_id IS 'The store''s id.';
COMMENT ON COLUMN score.app_listing.app_key IS 'App (src.app).';
COMMENT ON COLUMN score.app_listing.app_name IS 'App name from the registry.';
COMMENT ON COLUMN score.app_listing.level IS 'App level.';
COMMENT ON COLUMN score.app_listing.province IS 'App province.';
COMMENT ON COLUMN score.app_listing.downloads IS 'Downloads in the snapshot; NULL when the store shows none (App Store).';
COMMENT ON COLUMN score.app_listing.downloads_capped IS 'True when the page showed a lower bound.';
COMMENT ON COLUMN score.app_listing.downloads_raw IS 'Downloads as the page wrote them.';
COMMENT ON COLUMN score.app_listing.rating_count IS 'Ratings (App Store).';
COMMENT ON COLUMN score.app_listing.rating_avg IS 'Average rating (App Store).';
COMMENT ON COLUMN score.app_listing.fetched_at IS 'Fetch time of the snapshot used.';
COMMENT ON COLUMN score.app_listing.rank_store IS 'Rank by downloads within the store (ties broken by app_key); NULL without downloads.';

CREATE TABLE score.app_total (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    app_key   text NOT NULL,
    name      text NOT NULL,
    level     text NOT NULL,
    province  text,
    stores    integer NOT NULL,
    downloads bigint NOT NULL,
    rank      integer NOT NULL,
    PRIMARY KEY (run_id, app_key)
);
COMMENT ON TABLE score.app_total IS 'Per app and run: downloads summed over the stores that show a count.';
COMMENT ON COLUMN score.app_total.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.app_total.app_key IS 'App.';
COMMENT ON COLUMN score.app_total.name IS 'App name.';
COMMENT ON COLUMN score.app_total.level IS 'App level.';
COMMENT ON COLUMN score.app_total.province IS 'App province.';
COMMENT ON COLUMN score.app_total.stores IS 'Stores with a download count.';
COMMENT ON COLUMN score.app_total.downloads IS 'Sum of downloads over those stores.';
COMMENT ON COLUMN score.app_total.rank IS 'Rank by total downloads (ties broken by app_key).';

CREATE TABLE score.app_store (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    store     text NOT NULL,
    listings  integer NOT NULL,
    listings_with_downloads integer NOT NULL,
    downloads bigint NOT NULL,
    downloads_avg double precision,
    PRIMARY KEY (run_id, store)
);
COMMENT ON TABLE score.app_store IS 'Per store and run: how many listings, total and average downloads.';
COMMENT ON COLUMN score.app_store.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.app_store.store IS 'Store code.';
COMMENT ON COLUMN score.app_store.listings IS 'Listings with a snapshot.';
COMMENT ON COLUMN score.app_store.listings_with_downloads IS 'Listings whose snapshot has a download count.';
COMMENT ON COLUMN score.app_store.downloads IS 'Total downloads.';
COMMENT ON COLUMN score.app_store.downloads_avg IS 'downloads / listings_with_downloads; NULL when none.';

CREATE TABLE score.app_province (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    province  text NOT NULL,
    apps      integer NOT NULL,
    downloads bigint NOT NULL,
    downloads_avg double precision NOT NULL,
    PRIMARY KEY (run_id, province)
);
COMMENT ON TABLE score.app_province IS 'Per province and run: apps with a download count, total and average downloads per app. Central apps are grouped under the province value "(central)".';
COMMENT ON COLUMN score.app_province.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.app_province.province IS 'Province, or "(central)".';
COMMENT ON COLUMN score.app_province.apps IS 'Apps (score.app_total rows).';
COMMENT ON COLUMN score.app_province.downloads IS 'Total downloads.';
COMMENT ON COLUMN score.app_province.downloads_avg IS 'downloads / apps.';

-- ---------------------------------------------------------------- aggregates
CREATE TABLE score.distribution (
    run_id    bigint NOT NULL REFERENCES score.run (run_id),
    platform  text NOT NULL CHECK (platform IN ('wechat', 'weibo')),
    dimension text NOT NULL CHECK (dimension IN ('province', 'level', 'function')),
    value     text NOT NULL,
    accounts  integer NOT NULL,
    share     double precision NOT NULL,
    mean_score double precision NOT NULL,
    above_mean integer NOT NULL,
    PRIMARY KEY (run_id, platform, dimension, value)
);
COMMENT ON TABLE score.distribution IS 'Scored accounts per province, level and function, per platform and run. NULL values are grouped as "(none)".';
COMMENT ON COLUMN score.distribution.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.distribution.platform IS 'wechat (score.wci) or weibo (score.bci).';
COMMENT ON COLUMN score.distribution.dimension IS 'province, level or function.';
COMMENT ON COLUMN score.distribution.value IS 'The province, level or function.';
COMMENT ON COLUMN score.distribution.accounts IS 'Scored accounts with this value.';
COMMENT ON COLUMN score.distribution.share IS 'accounts / all scored accounts of the platform.';
COMMENT ON COLUMN score.distribution.mean_score IS 'Mean WCI or BCI of these accounts.';
COMMENT ON COLUMN score.distribution.above_mean IS 'Of these accounts, how many score above the platform''s overall mean.';

CREATE TABLE score.aggregate (
    run_id   bigint NOT NULL REFERENCES score.run (run_id),
    platform text NOT NULL,
    metric   text NOT NULL,
    value    double precision,
    PRIMARY KEY (run_id, platform, metric)
);
COMMENT ON TABLE score.aggregate IS 'Report-level figures per run. wechat: accounts, articles, articles_capped, articles_unobserved, reads, likes, mean_wci, share_above_mean, cr_reads, cr_likes (share of reads/likes held by the report.cr_n accounts with most reads/likes). weibo: accounts, posts, mean_bci, share_above_mean. combined: organisations, mean_combined. apps: listings, apps, downloads.';
COMMENT ON COLUMN score.aggregate.run_id IS 'Scoring run.';
COMMENT ON COLUMN score.aggregate.platform IS 'wechat, weibo, combined or apps.';
COMMENT ON COLUMN score.aggregate.metric IS 'Figure name (see the table comment).';
COMMENT ON COLUMN score.aggregate.value IS 'Figure value; shares are fractions (0.608 = 60.8 %).';

-- ---------------------------------------------------------------- comparisons
CREATE TABLE score.comparison (
    comparison_id bigserial PRIMARY KEY,
    run_a      bigint NOT NULL REFERENCES score.run (run_id),
    run_b      bigint NOT NULL REFERENCES score.run (run_id),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE score.comparison IS 'A `scorer compare RUN_A RUN_B`: who moved from run A to run B.';
COMMENT ON COLUMN score.comparison.comparison_id IS 'Surrogate key.';
COMMENT ON COLUMN score.comparison.run_a IS 'The earlier (reference) run.';
COMMENT ON COLUMN score.comparison.run_b IS 'The later run.';
COMMENT ON COLUMN score.comparison.created_at IS 'When the comparison was made.';

CREATE TABLE score.comparison_row (
    comparison_id bigint NOT NULL REFERENCES score.comparison (comparison_id),
    list       text NOT NULL CHECK (list IN ('wci', 'bci', 'combined', 'app')),
    entity     text NOT NULL,
    name       text,
    rank_a     integer,
    rank_b     integer,
    rank_move  integer,
    score_a    double precision,
    score_b    double precision,
    score_delta double precision,
    status     text NOT NULL CHECK (status IN ('both', 'new', 'dropped')),
    PRIMARY KEY (comparison_id, list, entity)
);
COMMENT ON TABLE score.comparison_row IS 'One entity of one list in a comparison.';
COMMENT ON COLUMN score.comparison_row.comparison_id IS 'The comparison.';
COMMENT ON COLUMN score.comparison_row.list IS 'wci (score.wci), bci (score.bci), combined (score.combined) or app (score.app_total).';
COMMENT ON COLUMN score.comparison_row.entity IS 'biz, Weibo account, org_key or app_key.';
COMMENT ON COLUMN score.comparison_row.name IS 'Display name.';
COMMENT ON COLUMN score.comparison_row.rank_a IS 'Overall rank in run A; NULL when absent.';
COMMENT ON COLUMN score.comparison_row.rank_b IS 'Overall rank in run B; NULL when absent.';
COMMENT ON COLUMN score.comparison_row.rank_move IS 'rank_a - rank_b: positive = moved up.';
COMMENT ON COLUMN score.comparison_row.score_a IS 'Score in run A (WCI, BCI, combined or downloads).';
COMMENT ON COLUMN score.comparison_row.score_b IS 'Score in run B.';
COMMENT ON COLUMN score.comparison_row.score_delta IS 'score_b - score_a.';
COMMENT ON COLUMN score.comparison_row.status IS 'both, new (only in B) or dropped (only in A).';
