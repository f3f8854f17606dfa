-- 003_obs: the parser -> loader contract and the append-only observation tables.
--
-- THE CONTRACT. Each record type is one table obs.<record_type>. The parser
-- writes files named <anything>.<record_type>.tsv in PostgreSQL COPY text
-- format, first line a header naming the columns, the columns being exactly
-- the table's columns in order, excluding `loaded_at` (filled by the loader).
-- NULL is \N and means "missing" (never zero). Every row ends with the four
-- provenance columns warc_file, warc_offset, url, fetched_at.
-- meta.record_type lists the record types and the key that makes a row unique:
-- a row whose key is already stored is skipped (observations are append-only).

CREATE TABLE meta.record_type (
    record_type text PRIMARY KEY,
    key_columns text[] NOT NULL
);
COMMENT ON TABLE meta.record_type IS 'Parser output record types: obs.<record_type> is the table, key_columns its uniqueness key.';
COMMENT ON COLUMN meta.record_type.record_type IS 'Name used in file names (<anything>.<record_type>.tsv) and as the obs table name.';
COMMENT ON COLUMN meta.record_type.key_columns IS 'Columns of the unique key; loading keeps the first row stored for a key.';

CREATE TABLE obs.wechat_article (
    biz          text NOT NULL,
    mid          bigint NOT NULL,
    idx          integer NOT NULL,
    sn           text,
    title        text,
    account_name text,
    published_at timestamptz,
    status       text NOT NULL CHECK (status IN ('ok', 'deleted', 'blocked', 'expired', 'verification', 'not_found', 'error')),
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (biz, mid, idx, fetched_at)
);
COMMENT ON TABLE obs.wechat_article IS 'One fetch of a WeChat article page: identity, title, account and publish time.';
COMMENT ON COLUMN obs.wechat_article.biz IS 'Account __biz.';
COMMENT ON COLUMN obs.wechat_article.mid IS 'Message id (appmsgid) of the push.';
COMMENT ON COLUMN obs.wechat_article.idx IS 'Position of the article inside its push, 1-based.';
COMMENT ON COLUMN obs.wechat_article.sn IS 'Article signature from the URL or page.';
COMMENT ON COLUMN obs.wechat_article.title IS 'Article title (msg_title).';
COMMENT ON COLUMN obs.wechat_article.account_name IS 'Account nickname as shown on the page.';
COMMENT ON COLUMN obs.wechat_article.published_at IS 'Publish time (JS var ct).';
COMMENT ON COLUMN obs.wechat_article.status IS 'ok, deleted, blocked, expired, verification (anti-crawl page), not_found or error. Non-ok pages carry no counts.';
COMMENT ON COLUMN obs.wechat_article.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.wechat_article.warc_offset IS 'Provenance: byte offset of the response record in the WARC file.';
COMMENT ON COLUMN obs.wechat_article.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.wechat_article.fetched_at IS 'Provenance: fetch time (WARC-Date).';
COMMENT ON COLUMN obs.wechat_article.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.wechat_stat (
    biz          text NOT NULL,
    mid          bigint NOT NULL,
    idx          integer NOT NULL,
    origin       text NOT NULL CHECK (origin IN ('footer', 'appmsgext')),
    read_num     bigint CHECK (read_num >= 0),
    read_capped  boolean NOT NULL DEFAULT false,
    read_raw     text,
    like_num     bigint CHECK (like_num >= 0),
    like_raw     text,
    old_like_num bigint CHECK (old_like_num >= 0),
    status       text NOT NULL CHECK (status IN ('ok', 'deleted', 'blocked', 'expired', 'verification', 'not_found', 'error')),
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (biz, mid, idx, fetched_at, origin)
);
COMMENT ON TABLE obs.wechat_stat IS 'A snapshot of an article''s reads and likes, from the 2014 page footer or the getappmsgext JSON.';
COMMENT ON COLUMN obs.wechat_stat.biz IS 'Account __biz.';
COMMENT ON COLUMN obs.wechat_stat.mid IS 'Message id of the push.';
COMMENT ON COLUMN obs.wechat_stat.idx IS 'Position inside the push, 1-based.';
COMMENT ON COLUMN obs.wechat_stat.origin IS 'footer (阅读 N in the article HTML) or appmsgext (POST /mp/getappmsgext JSON).';
COMMENT ON COLUMN obs.wechat_stat.read_num IS 'Reads; 100001 when capped (10万+ / 100000+); NULL when missing.';
COMMENT ON COLUMN obs.wechat_stat.read_capped IS 'True when the page showed a cap (10万+, 100000+) rather than an exact count.';
COMMENT ON COLUMN obs.wechat_stat.read_raw IS 'The read count exactly as the page wrote it.';
COMMENT ON COLUMN obs.wechat_stat.like_num IS 'Likes (like_num; 在看 after 2018); NULL when missing.';
COMMENT ON COLUMN obs.wechat_stat.like_raw IS 'The like count exactly as the page wrote it.';
COMMENT ON COLUMN obs.wechat_stat.old_like_num IS 'Classic 赞 count (old_like_num) where the JSON has it.';
COMMENT ON COLUMN obs.wechat_stat.status IS 'Page status; counts are NULL unless ok.';
COMMENT ON COLUMN obs.wechat_stat.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.wechat_stat.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.wechat_stat.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.wechat_stat.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.wechat_stat.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.wechat_history (
    biz          text NOT NULL,
    mid          bigint NOT NULL,
    idx          integer NOT NULL,
    sn           text,
    title        text,
    published_at timestamptz,
    content_url  text,
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (biz, mid, idx, fetched_at)
);
COMMENT ON TABLE obs.wechat_history IS 'An article listed on an account''s history page (profile_ext home or getmsg).';
COMMENT ON COLUMN obs.wechat_history.biz IS 'Account __biz.';
COMMENT ON COLUMN obs.wechat_history.mid IS 'Message id of the push.';
COMMENT ON COLUMN obs.wechat_history.idx IS 'Position inside the push, 1-based.';
COMMENT ON COLUMN obs.wechat_history.sn IS 'Article signature.';
COMMENT ON COLUMN obs.wechat_history.title IS 'Title as listed.';
COMMENT ON COLUMN obs.wechat_history.published_at IS 'Push time (comm_msg_info.datetime).';
COMMENT ON COLUMN obs.wechat_history.content_url IS 'Article URL as listed, unescaped.';
COMMENT ON COLUMN obs.wechat_history.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.wechat_history.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.wechat_history.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.wechat_history.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.wechat_history.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.weibo_account (
    account      text NOT NULL,
    nick         text,
    followers    bigint CHECK (followers >= 0),
    following    bigint CHECK (following >= 0),
    posts        bigint CHECK (posts >= 0),
    status       text NOT NULL CHECK (status IN ('ok', 'deleted', 'blocked', 'expired', 'verification', 'not_found', 'error')),
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, fetched_at)
);
COMMENT ON TABLE obs.weibo_account IS 'A snapshot of a Tencent Weibo account (user/other_info).';
COMMENT ON COLUMN obs.weibo_account.account IS 'Account id (name).';
COMMENT ON COLUMN obs.weibo_account.nick IS 'Display name.';
COMMENT ON COLUMN obs.weibo_account.followers IS '听众 (fansnum); NULL when missing.';
COMMENT ON COLUMN obs.weibo_account.following IS '收听 (idolnum); NULL when missing.';
COMMENT ON COLUMN obs.weibo_account.posts IS '广播 (tweetnum), total posts; NULL when missing.';
COMMENT ON COLUMN obs.weibo_account.status IS 'Page status; counts are NULL unless ok (data: null is error).';
COMMENT ON COLUMN obs.weibo_account.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.weibo_account.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.weibo_account.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.weibo_account.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.weibo_account.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.weibo_post (
    account      text NOT NULL,
    post_id      text NOT NULL,
    posted_at    timestamptz,
    kind         text NOT NULL CHECK (kind IN ('original', 'repost', 'reply', 'comment', 'other')),
    reposts      bigint CHECK (reposts >= 0),
    comments     bigint CHECK (comments >= 0),
    mentions     integer CHECK (mentions >= 0),
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, post_id, fetched_at)
);
COMMENT ON TABLE obs.weibo_post IS 'A snapshot of one post on a Tencent Weibo timeline.';
COMMENT ON COLUMN obs.weibo_post.account IS 'Author account id.';
COMMENT ON COLUMN obs.weibo_post.post_id IS 'Post id.';
COMMENT ON COLUMN obs.weibo_post.posted_at IS 'Post time (timestamp).';
COMMENT ON COLUMN obs.weibo_post.kind IS 'original (type 1), repost (type 2), reply (type 4), comment (type 7) or other.';
COMMENT ON COLUMN obs.weibo_post.reposts IS 'Times reposted (count); NULL when missing.';
COMMENT ON COLUMN obs.weibo_post.comments IS 'Comments received (mcount); NULL when missing.';
COMMENT ON COLUMN obs.weibo_post.mentions IS 'Accounts mentioned (@) in the text.';
COMMENT ON COLUMN obs.weibo_post.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.weibo_post.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.weibo_post.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.weibo_post.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.weibo_post.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.app_listing (
    store        text NOT NULL CHECK (store IN ('360', '91', 'yyb', 'baidu', 'wandoujia', 'appstore')),
    listing_id   text NOT NULL,
    package      text,
    app_name     text,
    downloads    bigint CHECK (downloads >= 0),
    downloads_capped boolean NOT NULL DEFAULT false,
    downloads_raw text,
    rating_count bigint CHECK (rating_count >= 0),
    rating_avg   numeric(4,2),
    status       text NOT NULL CHECK (status IN ('ok', 'deleted', 'blocked', 'expired', 'verification', 'not_found', 'error')),
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, listing_id, fetched_at)
);
COMMENT ON TABLE obs.app_listing IS 'A snapshot of one app store listing: downloads (or, on the App Store, ratings).';
COMMENT ON COLUMN obs.app_listing.store IS 'Store code, as in src.store_listing.';
COMMENT ON COLUMN obs.app_listing.listing_id IS 'The store''s id for the listing.';
COMMENT ON COLUMN obs.app_listing.package IS 'Android package name where the page gives it.';
COMMENT ON COLUMN obs.app_listing.app_name IS 'App name on the page.';
COMMENT ON COLUMN obs.app_listing.downloads IS 'Downloads as an exact integer (8.3亿 = 830000000); NULL when missing (App Store, 少量人).';
COMMENT ON COLUMN obs.app_listing.downloads_capped IS 'True when the page showed a lower bound (N+).';
COMMENT ON COLUMN obs.app_listing.downloads_raw IS 'The download count exactly as the page wrote it.';
COMMENT ON COLUMN obs.app_listing.rating_count IS 'Number of ratings (App Store userRatingCount).';
COMMENT ON COLUMN obs.app_listing.rating_avg IS 'Average rating (App Store averageUserRating).';
COMMENT ON COLUMN obs.app_listing.status IS 'Page status; counts are NULL unless ok.';
COMMENT ON COLUMN obs.app_listing.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.app_listing.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.app_listing.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.app_listing.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.app_listing.loaded_at IS 'When the loader stored the row.';

CREATE TABLE obs.parse_reject (
    source       text,
    reason       text NOT NULL,
    warc_file    text NOT NULL,
    warc_offset  bigint NOT NULL,
    url          text NOT NULL,
    fetched_at   timestamptz NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (warc_file, warc_offset)
);
COMMENT ON TABLE obs.parse_reject IS 'A crawled page the parser could not turn into records, with the reason.';
COMMENT ON COLUMN obs.parse_reject.source IS 'Source module that owned the URL, NULL if none did.';
COMMENT ON COLUMN obs.parse_reject.reason IS 'Why the page was rejected.';
COMMENT ON COLUMN obs.parse_reject.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.parse_reject.warc_offset IS 'Provenance: byte offset of the record.';
COMMENT ON COLUMN obs.parse_reject.url IS 'Provenance: URL (empty when the record had none).';
COMMENT ON COLUMN obs.parse_reject.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.parse_reject.loaded_at IS 'When the loader stored the row.';

INSERT INTO meta.record_type VALUES
    ('wechat_article', '{biz,mid,idx,fetched_at}'),
    ('wechat_stat',    '{biz,mid,idx,fetched_at,origin}'),
    ('wechat_history', '{biz,mid,idx,fetched_at}'),
    ('weibo_account',  '{account,fetched_at}'),
    ('weibo_post',     '{account,post_id,fetched_at}'),
    ('app_listing',    '{store,listing_id,fetched_at}'),
    ('parse_reject',   '{warc_file,warc_offset}');

-- The scorer selects articles and posts by period: index their time columns. Snapshot
-- tables are read through their primary keys (entity first, then fetch time).
CREATE INDEX ON obs.wechat_article (published_at);
CREATE INDEX ON obs.weibo_post (posted_at);

CREATE TABLE meta.score_pending (
    period_start date PRIMARY KEY,
    since        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE meta.score_pending IS 'Months whose observations changed since they were last scored. The loader adds a month in the same transaction as the load, and removes it once the scorer has run for it, so a crash between loading and scoring loses no scoring.';
COMMENT ON COLUMN meta.score_pending.period_start IS 'First day of the month to score.';
COMMENT ON COLUMN meta.score_pending.since IS 'When the month was first marked.';
