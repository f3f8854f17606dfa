-- 021_discovered_obs: the Sogou discovery pages as observations (issue 16).
-- The parser's record type discovered_account (lib/gr_rows.c) is one row per
-- account a page shows: a Sogou search result (query, page and rank set), a
-- Sogou-linked profile page or a temporary article link (query NULL: the
-- account's identity, its newest article and, from an article page, its
-- __biz). `loader load` stores the rows here like every record type and, in
-- the same transaction, folds them into the registry (src.discovered_account
-- and src.discovered_sighting, schema/020) and classifies what is new or
-- changed (loader/loader_candidates.c, loader_candidates_absorb).

CREATE TABLE obs.discovered_account (
    query         text,
    page          integer CHECK (page >= 1),
    rank          integer CHECK (rank >= 1),
    wechat_id     text NOT NULL,
    name          text NOT NULL,
    verified_body text,
    description   text,
    latest_title  text,
    latest_url    text,
    latest_at     timestamptz,
    profile_url   text,
    biz           text,
    warc_file     text NOT NULL,
    warc_offset   bigint NOT NULL,
    url           text NOT NULL,
    fetched_at    timestamptz NOT NULL,
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (warc_file, warc_offset, wechat_id, fetched_at),
    CHECK ((query IS NULL) = (page IS NULL) AND (query IS NULL) = (rank IS NULL))
) PARTITION BY RANGE (fetched_at);
COMMENT ON TABLE obs.discovered_account IS 'An account as a discovery page showed it: a Sogou WeChat account search result (query, page, rank set), or the Sogou-linked profile page or a temporary article page of the account (query NULL). Folded into src.discovered_account by the load. Partitioned by the UTC month of fetched_at (obs.discovered_account_YYYY_MM, see meta.obs_partition).';
COMMENT ON COLUMN obs.discovered_account.query IS 'The search query (the URL''s query parameter); NULL for a profile or article page.';
COMMENT ON COLUMN obs.discovered_account.page IS 'Result page number (1-based); NULL off a result page.';
COMMENT ON COLUMN obs.discovered_account.rank IS 'Position on the result page (1-based); NULL off a result page.';
COMMENT ON COLUMN obs.discovered_account.wechat_id IS 'The WeChat id (微信号; an article page''s user_name).';
COMMENT ON COLUMN obs.discovered_account.name IS 'Account name as shown (highlighting removed).';
COMMENT ON COLUMN obs.discovered_account.verified_body IS 'The 认证 text (微信认证, or the profile''s 帐号主体); NULL when not verified or not shown.';
COMMENT ON COLUMN obs.discovered_account.description IS 'The function description (功能介绍).';
COMMENT ON COLUMN obs.discovered_account.latest_title IS 'Title of the newest article the page shows (result: 最近文章; profile: the newest of msgList; article page: its own).';
COMMENT ON COLUMN obs.discovered_account.latest_url IS 'Its link: a temporary signed link (/s?timestamp=...&signature=...), absolute.';
COMMENT ON COLUMN obs.discovered_account.latest_at IS 'Its publish time.';
COMMENT ON COLUMN obs.discovered_account.profile_url IS 'The temporary Sogou-linked profile link (/profile?src=3&timestamp=...&signature=...), absolute.';
COMMENT ON COLUMN obs.discovered_account.biz IS 'The account''s __biz where the page reveals it (an article page); NULL otherwise.';
COMMENT ON COLUMN obs.discovered_account.warc_file IS 'Provenance: WARC file name.';
COMMENT ON COLUMN obs.discovered_account.warc_offset IS 'Provenance: byte offset of the response record.';
COMMENT ON COLUMN obs.discovered_account.url IS 'Provenance: fetched URL.';
COMMENT ON COLUMN obs.discovered_account.fetched_at IS 'Provenance: fetch time.';
COMMENT ON COLUMN obs.discovered_account.loaded_at IS 'When the loader stored the row (the load''s transaction time: the rows one load folds into the registry).';
CREATE INDEX ON obs.discovered_account (wechat_id);
-- as every obs table since 012: block ranges by fetch time
CREATE INDEX discovered_account_fetched_brin ON obs.discovered_account USING brin (fetched_at);
COMMENT ON INDEX obs.discovered_account_fetched_brin IS 'Block ranges by fetch time: the scorer''s windows read only the part of a month''s partition they cover.';
CREATE INDEX ON obs.discovered_account (loaded_at);

INSERT INTO meta.record_type VALUES ('discovered_account', '{warc_file,warc_offset,wechat_id,fetched_at}');
GRANT SELECT ON obs.discovered_account TO research;
