-- 001_core: schemas, the registry (src) and the read-only research role.
-- Applied by `loader migrate` inside one transaction; recorded in meta.migrations.

CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS src;
CREATE SCHEMA IF NOT EXISTS crawl;
CREATE SCHEMA IF NOT EXISTS obs;
CREATE SCHEMA IF NOT EXISTS score;
CREATE SCHEMA IF NOT EXISTS report;

COMMENT ON SCHEMA meta   IS 'govreach bookkeeping: applied migrations and the load ledger.';
COMMENT ON SCHEMA src    IS 'The registry of what is measured: organisations, WeChat and Weibo accounts, apps and their store listings.';
COMMENT ON SCHEMA crawl  IS 'Crawler state: frontier, hosts (politeness, robots.txt), runs, fetch log, WARC files. Not readable by research.';
COMMENT ON SCHEMA obs    IS 'Append-only observations parsed from crawled pages, each row with provenance (WARC file, offset, URL, fetch time).';
COMMENT ON SCHEMA score  IS 'Methodologies, scoring runs and per-run results (WCI, BCI, combined, apps). Runs are never overwritten.';
COMMENT ON SCHEMA report IS 'Views shaped like the 2014 report''s tables, over the latest scoring run of each methodology.';

CREATE TABLE meta.load_ledger (
    sha256      text PRIMARY KEY,
    file_name   text NOT NULL,
    record_type text NOT NULL,
    rows_read   bigint NOT NULL,
    rows_new    bigint NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE meta.load_ledger IS 'One row per parser output file loaded; a file whose SHA-256 is here is not loaded again.';
COMMENT ON COLUMN meta.load_ledger.sha256 IS 'SHA-256 of the file''s bytes, hex.';
COMMENT ON COLUMN meta.load_ledger.file_name IS 'Path of the file as given to the loader.';
COMMENT ON COLUMN meta.load_ledger.record_type IS 'Record type from the file name (<anything>.<record_type>.tsv).';
COMMENT ON COLUMN meta.load_ledger.rows_read IS 'Data rows in the file.';
COMMENT ON COLUMN meta.load_ledger.rows_new IS 'Rows inserted; the rest were already present.';
COMMENT ON COLUMN meta.load_ledger.loaded_at IS 'When the load committed.';

-- ---------------------------------------------------------------- registry
CREATE TABLE src.organisation (
    org_key   text PRIMARY KEY,
    name      text NOT NULL,
    level     text NOT NULL CHECK (level IN ('central', 'province', 'city', 'county')),
    province  text,
    city      text,
    function  text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE src.organisation IS 'A government body; links its WeChat and Weibo accounts and apps (for the combined index).';
COMMENT ON COLUMN src.organisation.org_key IS 'Stable natural key from conf/targets/organisations.csv.';
COMMENT ON COLUMN src.organisation.name IS 'Name as the report prints it.';
COMMENT ON COLUMN src.organisation.level IS 'Administrative level: central, province, city or county.';
COMMENT ON COLUMN src.organisation.province IS 'Province (省级行政区) for local bodies; NULL for central ones.';
COMMENT ON COLUMN src.organisation.city IS 'City or county name where known.';
COMMENT ON COLUMN src.organisation.function IS 'Function category (公安, 旅游, 司法, 卫生, 党政宣传, ...).';
COMMENT ON COLUMN src.organisation.updated_at IS 'Last time `loader targets` changed this row.';

CREATE TABLE src.wechat_account (
    biz       text PRIMARY KEY,
    name      text NOT NULL,
    org_key   text REFERENCES src.organisation (org_key),
    level     text NOT NULL CHECK (level IN ('central', 'province', 'city', 'county')),
    province  text,
    function  text,
    verified_body text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE src.wechat_account IS 'A tracked WeChat public account.';
COMMENT ON COLUMN src.wechat_account.biz IS 'The account''s __biz identifier (base64), the key in every WeChat URL.';
COMMENT ON COLUMN src.wechat_account.name IS 'Account name (nickname).';
COMMENT ON COLUMN src.wechat_account.org_key IS 'Owning organisation, when known.';
COMMENT ON COLUMN src.wechat_account.level IS 'central, province, city or county.';
COMMENT ON COLUMN src.wechat_account.province IS 'Province for local accounts; NULL for central ones.';
COMMENT ON COLUMN src.wechat_account.function IS 'Function category used by the sub-lists (表2.3-2.6).';
COMMENT ON COLUMN src.wechat_account.verified_body IS 'The verified body (认证信息) shown on the profile.';
COMMENT ON COLUMN src.wechat_account.updated_at IS 'Last time `loader targets` changed this row.';
CREATE INDEX ON src.wechat_account (org_key);

CREATE TABLE src.weibo_account (
    account   text PRIMARY KEY,
    name      text NOT NULL,
    org_key   text REFERENCES src.organisation (org_key),
    level     text NOT NULL CHECK (level IN ('central', 'province', 'city', 'county')),
    province  text,
    function  text,
    kind      text NOT NULL DEFAULT 'organisation' CHECK (kind IN ('organisation', 'civil_servant')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE src.weibo_account IS 'A tracked Tencent Weibo account.';
COMMENT ON COLUMN src.weibo_account.account IS 'The account id (name parameter of the open.t.qq.com API).';
COMMENT ON COLUMN src.weibo_account.name IS 'Display name (nick).';
COMMENT ON COLUMN src.weibo_account.org_key IS 'Owning organisation, when known.';
COMMENT ON COLUMN src.weibo_account.level IS 'central, province, city or county.';
COMMENT ON COLUMN src.weibo_account.province IS 'Province for local accounts; NULL for central ones.';
COMMENT ON COLUMN src.weibo_account.function IS 'Function category.';
COMMENT ON COLUMN src.weibo_account.kind IS 'organisation (机构) or civil_servant (公务人员) account.';
COMMENT ON COLUMN src.weibo_account.updated_at IS 'Last time `loader targets` changed this row.';
CREATE INDEX ON src.weibo_account (org_key);

CREATE TABLE src.app (
    app_key   text PRIMARY KEY,
    name      text NOT NULL,
    org_key   text REFERENCES src.organisation (org_key),
    level     text NOT NULL CHECK (level IN ('central', 'province', 'city', 'county')),
    province  text,
    function  text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE src.app IS 'A government mobile app, independent of store.';
COMMENT ON COLUMN src.app.app_key IS 'Stable natural key (usually the Android package name).';
COMMENT ON COLUMN src.app.name IS 'App name as the report prints it.';
COMMENT ON COLUMN src.app.org_key IS 'Publishing organisation, when known.';
COMMENT ON COLUMN src.app.level IS 'central, province, city or county.';
COMMENT ON COLUMN src.app.province IS 'Province for local apps; NULL for central ones.';
COMMENT ON COLUMN src.app.function IS 'Function category.';
COMMENT ON COLUMN src.app.updated_at IS 'Last time `loader targets` changed this row.';

CREATE TABLE src.store_listing (
    store      text NOT NULL CHECK (store IN ('360', '91', 'yyb', 'baidu', 'wandoujia', 'appstore')),
    listing_id text NOT NULL,
    app_key    text NOT NULL REFERENCES src.app (app_key),
    url        text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, listing_id)
);
COMMENT ON TABLE src.store_listing IS 'One app on one store: the page the crawler fetches for its download count.';
COMMENT ON COLUMN src.store_listing.store IS '360 (360手机助手), 91 (91助手), yyb (应用宝), baidu (百度手机助手), wandoujia (豌豆荚), appstore (App Store).';
COMMENT ON COLUMN src.store_listing.listing_id IS 'The store''s own id: soft_id, package name, docid or trackId.';
COMMENT ON COLUMN src.store_listing.app_key IS 'The app this listing belongs to.';
COMMENT ON COLUMN src.store_listing.url IS 'Listing URL (crawl seed).';
COMMENT ON COLUMN src.store_listing.updated_at IS 'Last time `loader targets` changed this row.';
CREATE INDEX ON src.store_listing (app_key);

-- ---------------------------------------------------------------- research role
-- The pipeline's own role need not be able to create roles (on the embedded
-- cluster it cannot: scripts/pgembed.sh creates research as the cluster's
-- superuser); a DBA creates research beforehand on a shared server.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'research') THEN
        CREATE ROLE research NOLOGIN;
    END IF;
    IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
        COMMENT ON ROLE research IS 'Read-only access for research staff: SELECT on src, obs, score and report; nothing on crawl or meta.';
    END IF;
END
$$;
REVOKE ALL ON SCHEMA crawl, meta FROM research;
GRANT USAGE ON SCHEMA src, obs, score, report TO research;
GRANT SELECT ON ALL TABLES IN SCHEMA src, obs, score, report TO research;
ALTER DEFAULT PRIVILEGES IN SCHEMA src, obs, score, report GRANT SELECT ON TABLES TO research;
