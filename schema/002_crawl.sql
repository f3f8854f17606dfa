-- 002_crawl: the shared crawl frontier and per-host politeness state.
-- Several crawler processes, on one machine or many, claim work from this
-- frontier with FOR UPDATE SKIP LOCKED and a lease (see crawler/).

CREATE TABLE crawl.host (
    host            text PRIMARY KEY,
    next_allowed_at timestamptz NOT NULL DEFAULT '-infinity',
    inflight        integer NOT NULL DEFAULT 0,
    backoff_level   integer NOT NULL DEFAULT 0,
    robots_fetched_at timestamptz,
    robots_status   integer,
    robots_body     text,
    crawl_delay_ms  integer
);
COMMENT ON TABLE crawl.host IS 'Politeness state per host, shared by every crawler process.';
COMMENT ON COLUMN crawl.host.host IS 'Host name as in the URL (lower case).';
COMMENT ON COLUMN crawl.host.next_allowed_at IS 'No request may start to this host before this time.';
COMMENT ON COLUMN crawl.host.inflight IS 'Requests currently leased for this host, across all crawler processes.';
COMMENT ON COLUMN crawl.host.backoff_level IS 'Consecutive transient failures (429, 5xx, timeouts); drives exponential backoff.';
COMMENT ON COLUMN crawl.host.robots_fetched_at IS 'When robots.txt was last fetched.';
COMMENT ON COLUMN crawl.host.robots_status IS 'HTTP status of the last robots.txt fetch.';
COMMENT ON COLUMN crawl.host.robots_body IS 'The robots.txt body (capped).';
COMMENT ON COLUMN crawl.host.crawl_delay_ms IS 'Crawl-delay from robots.txt in milliseconds, when given.';

CREATE TABLE crawl.frontier (
    id            bigserial PRIMARY KEY,
    url           text NOT NULL,
    method        text NOT NULL DEFAULT 'GET' CHECK (method IN ('GET', 'POST')),
    post_body     text NOT NULL DEFAULT '',
    host          text NOT NULL,
    source        text NOT NULL,
    kind          text NOT NULL,
    target_key    text,
    depth         integer NOT NULL DEFAULT 0,
    priority      integer NOT NULL DEFAULT 100,
    state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done', 'failed')),
    due_at        timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    lease_token   uuid,
    attempts      integer NOT NULL DEFAULT 0,
    last_status   integer,
    last_error    text,
    last_fetched_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (url, method, post_body)
);
COMMENT ON TABLE crawl.frontier IS 'Every URL the crawl knows, with its schedule and lease. Claimed with FOR UPDATE SKIP LOCKED.';
COMMENT ON COLUMN crawl.frontier.id IS 'Surrogate key.';
COMMENT ON COLUMN crawl.frontier.url IS 'Normalised absolute URL.';
COMMENT ON COLUMN crawl.frontier.method IS 'GET, or POST for endpoints such as /mp/getappmsgext.';
COMMENT ON COLUMN crawl.frontier.post_body IS 'Form body for POST requests; empty for GET.';
COMMENT ON COLUMN crawl.frontier.host IS 'Host of url; the politeness key (crawl.host).';
COMMENT ON COLUMN crawl.frontier.source IS 'Source module that owns the URL (wechat, tqq, 360, 91, yyb, baidu, wandoujia, appstore).';
COMMENT ON COLUMN crawl.frontier.kind IS 'Page kind (e.g. wechat_home, wechat_article, wechat_stats, weibo_user, weibo_timeline, app_listing).';
COMMENT ON COLUMN crawl.frontier.target_key IS 'Key of the registry row (src.*) this URL belongs to.';
COMMENT ON COLUMN crawl.frontier.depth IS 'Link distance from the seed.';
COMMENT ON COLUMN crawl.frontier.priority IS 'Lower is claimed first.';
COMMENT ON COLUMN crawl.frontier.state IS 'queued, leased (being fetched), done, or failed (attempts exhausted).';
COMMENT ON COLUMN crawl.frontier.due_at IS 'Earliest time of the next fetch (recrawl schedule, retry backoff).';
COMMENT ON COLUMN crawl.frontier.lease_until IS 'A lease past this time is expired and the URL may be claimed again.';
COMMENT ON COLUMN crawl.frontier.lease_token IS 'Token of the current lease; completion must present it.';
COMMENT ON COLUMN crawl.frontier.attempts IS 'Fetch attempts since the last success.';
COMMENT ON COLUMN crawl.frontier.last_status IS 'HTTP status of the last attempt.';
COMMENT ON COLUMN crawl.frontier.last_error IS 'curl or policy error of the last attempt.';
COMMENT ON COLUMN crawl.frontier.last_fetched_at IS 'When the last attempt finished.';
COMMENT ON COLUMN crawl.frontier.created_at IS 'When the URL was first added.';
CREATE INDEX frontier_queued ON crawl.frontier (due_at, priority) WHERE state = 'queued';
CREATE INDEX frontier_leased ON crawl.frontier (lease_until) WHERE state = 'leased';
CREATE INDEX ON crawl.frontier (host);
