-- 002_crawl: the shared crawl frontier, per-host politeness state, runs,
-- the fetch log and the WARC file index.
-- Several crawler processes, on one machine or many, claim work from this
-- frontier with FOR UPDATE SKIP LOCKED and a lease (see crawler/).
--
-- Politeness across processes: a claim locks the host rows it takes work
-- from (FOR UPDATE SKIP LOCKED), takes at most the host's free in-flight
-- budget (one URL when the host has a delay), raises crawl.host.inflight and
-- moves next_allowed_at forward in the same transaction. Completion lowers
-- inflight and sets next_allowed_at = now() + delay (or Retry-After, or the
-- backoff). Expired leases are returned to the queue, and their host's
-- inflight lowered, by the next claim of any process.

CREATE TABLE crawl.host (
    host            text PRIMARY KEY,
    next_allowed_at timestamptz NOT NULL DEFAULT '-infinity',
    inflight        integer NOT NULL DEFAULT 0 CHECK (inflight >= 0),
    backoff_level   integer NOT NULL DEFAULT 0,
    delay_ms        integer,
    max_inflight    integer CHECK (max_inflight > 0),
    robots_fetched_at timestamptz,
    robots_status   integer,
    robots_body     text,
    crawl_delay_ms  integer,
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE crawl.host IS 'Politeness state per host, shared by every crawler process.';
COMMENT ON COLUMN crawl.host.host IS 'Host name of the URL, lower case, without port; the frontier''s host column.';
COMMENT ON COLUMN crawl.host.next_allowed_at IS 'No request may start to this host before this time (delay, Crawl-delay, Retry-After, backoff).';
COMMENT ON COLUMN crawl.host.inflight IS 'Requests currently leased for this host, across all crawler processes.';
COMMENT ON COLUMN crawl.host.backoff_level IS 'Consecutive transient failures (429, 5xx, timeouts); drives exponential backoff with jitter. 0 after a success.';
COMMENT ON COLUMN crawl.host.delay_ms IS 'Per-host delay override from a [host:NAME] config section; NULL = the crawler.delay_ms default.';
COMMENT ON COLUMN crawl.host.max_inflight IS 'Per-host in-flight override from a [host:NAME] config section; NULL = crawler.max_inflight_per_host.';
COMMENT ON COLUMN crawl.host.robots_fetched_at IS 'When robots.txt was last fetched; NULL = not yet, and then only the robots.txt URL of the host may be claimed.';
COMMENT ON COLUMN crawl.host.robots_status IS 'HTTP status of the last robots.txt fetch (0 = unreachable after every attempt: crawled without rules).';
COMMENT ON COLUMN crawl.host.robots_body IS 'The robots.txt body, decoded (capped at 512 KiB); NULL when the status was not 2xx.';
COMMENT ON COLUMN crawl.host.crawl_delay_ms IS 'Crawl-delay from robots.txt for our agent in milliseconds (capped by crawler.max_crawl_delay_ms), when given.';
COMMENT ON COLUMN crawl.host.created_at IS 'When the host was first seen.';

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
    state         text NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'leased', 'done', 'failed', 'blocked')),
    due_at        timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    lease_token   uuid,
    attempts      integer NOT NULL DEFAULT 0,
    fetches       integer NOT NULL DEFAULT 0,
    redirect_hops integer NOT NULL DEFAULT 0,
    published_at  timestamptz,
    parent_id     bigint,
    last_status   integer,
    last_error    text,
    last_fetched_at timestamptz,
    last_warc_file text,
    last_warc_offset bigint,
    etag          text,
    last_modified text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (url, method, post_body)
);
COMMENT ON TABLE crawl.frontier IS 'Every URL the crawl knows, with its schedule and lease. Claimed with FOR UPDATE SKIP LOCKED through its host row.';
COMMENT ON COLUMN crawl.frontier.id IS 'Surrogate key; WARC metadata records carry it as govreach-frontier-id.';
COMMENT ON COLUMN crawl.frontier.url IS 'Absolute URL as discovered (the dedup key with method and post_body).';
COMMENT ON COLUMN crawl.frontier.method IS 'GET, or POST for endpoints such as /mp/getappmsgext.';
COMMENT ON COLUMN crawl.frontier.post_body IS 'Form body for POST requests; empty for GET. Never holds credentials (they are added at fetch time).';
COMMENT ON COLUMN crawl.frontier.host IS 'Host name of url (lower case, no port); the politeness key (crawl.host).';
COMMENT ON COLUMN crawl.frontier.source IS 'Source module that owns the URL (wechat, tqq, 360, 91, yyb, baidu, wandoujia, appstore), or robots.';
COMMENT ON COLUMN crawl.frontier.kind IS 'Page kind (wechat_home, wechat_getmsg, wechat_article, wechat_stats, weibo_user, weibo_timeline, app_listing, robots).';
COMMENT ON COLUMN crawl.frontier.target_key IS 'Key of the registry row (src.*) this URL belongs to; inherited by discovered links.';
COMMENT ON COLUMN crawl.frontier.depth IS 'Link distance from the seed (redirect targets keep their origin''s depth).';
COMMENT ON COLUMN crawl.frontier.priority IS 'Lower is claimed first (robots.txt rows use 0).';
COMMENT ON COLUMN crawl.frontier.state IS 'queued, leased (being fetched), done, failed (permanent error or attempts exhausted) or blocked (robots.txt).';
COMMENT ON COLUMN crawl.frontier.due_at IS 'Earliest time of the next fetch (recrawl schedule, retry backoff).';
COMMENT ON COLUMN crawl.frontier.lease_until IS 'A lease past this time is expired and the URL returns to the queue.';
COMMENT ON COLUMN crawl.frontier.lease_token IS 'Token of the current lease; completion must present it (a lost lease discards the result).';
COMMENT ON COLUMN crawl.frontier.attempts IS 'Fetch attempts since the last success.';
COMMENT ON COLUMN crawl.frontier.fetches IS 'Successful fetches over the URL''s life (one per recrawl).';
COMMENT ON COLUMN crawl.frontier.redirect_hops IS 'Redirects followed to reach this URL; capped by crawler.max_redirects.';
COMMENT ON COLUMN crawl.frontier.published_at IS 'Publishing time of the page, when discovery knew it (drives the article stats schedule).';
COMMENT ON COLUMN crawl.frontier.parent_id IS 'Frontier row whose page linked (or redirected) here; NULL for seeds.';
COMMENT ON COLUMN crawl.frontier.last_status IS 'HTTP status of the last attempt (NULL when no response arrived).';
COMMENT ON COLUMN crawl.frontier.last_error IS 'curl or policy error of the last attempt.';
COMMENT ON COLUMN crawl.frontier.last_fetched_at IS 'When the last attempt finished.';
COMMENT ON COLUMN crawl.frontier.last_warc_file IS 'WARC file holding the last response (base name).';
COMMENT ON COLUMN crawl.frontier.last_warc_offset IS 'Offset of that response record''s gzip member in the file.';
COMMENT ON COLUMN crawl.frontier.etag IS 'ETag of the last 200 response; sent as If-None-Match on the next GET (a 304 becomes a WARC revisit record).';
COMMENT ON COLUMN crawl.frontier.last_modified IS 'Last-Modified of the last 200 response; sent as If-Modified-Since on the next GET.';
COMMENT ON COLUMN crawl.frontier.created_at IS 'When the URL was first added.';
CREATE INDEX frontier_queued ON crawl.frontier (host, priority, due_at) WHERE state = 'queued';
CREATE INDEX frontier_due ON crawl.frontier (due_at) WHERE state = 'queued';
CREATE INDEX frontier_leased ON crawl.frontier (lease_until) WHERE state = 'leased';
CREATE INDEX ON crawl.frontier (host);

CREATE TABLE crawl.run (
    run_id        bigserial PRIMARY KEY,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    hostname      text NOT NULL,
    pid           integer NOT NULL,
    status        text,
    pages         bigint NOT NULL DEFAULT 0,
    bytes         bigint NOT NULL DEFAULT 0,
    errors        bigint NOT NULL DEFAULT 0,
    retries       bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    blocked       bigint NOT NULL DEFAULT 0,
    truncated     bigint NOT NULL DEFAULT 0,
    released      bigint NOT NULL DEFAULT 0,
    links_found   bigint NOT NULL DEFAULT 0,
    statuses      jsonb,
    errors_by_host jsonb,
    seconds       double precision
);
COMMENT ON TABLE crawl.run IS 'One row per crawler process run, with its totals (written at the end; finished_at NULL = running or killed).';
COMMENT ON COLUMN crawl.run.run_id IS 'Surrogate key; crawl.fetch_log rows point here.';
COMMENT ON COLUMN crawl.run.started_at IS 'When the process connected.';
COMMENT ON COLUMN crawl.run.finished_at IS 'When it ended; NULL while it runs, or forever when it was killed.';
COMMENT ON COLUMN crawl.run.hostname IS 'Machine the crawler ran on.';
COMMENT ON COLUMN crawl.run.pid IS 'Its process id.';
COMMENT ON COLUMN crawl.run.status IS 'ok, or the error that ended the run (e.g. temporary failure after a signal).';
COMMENT ON COLUMN crawl.run.pages IS 'Pages fetched to completion (any HTTP status that is not retried).';
COMMENT ON COLUMN crawl.run.bytes IS 'Body bytes received, as served (before content decoding).';
COMMENT ON COLUMN crawl.run.errors IS 'Attempts that failed or returned a 4xx/5xx status.';
COMMENT ON COLUMN crawl.run.retries IS 'Attempts that ended in a transient failure and were requeued.';
COMMENT ON COLUMN crawl.run.failed IS 'URLs recorded as permanently failed in this run.';
COMMENT ON COLUMN crawl.run.blocked IS 'URLs not fetched because robots.txt disallows them.';
COMMENT ON COLUMN crawl.run.truncated IS 'Responses stored truncated (byte cap, timeout or disconnect).';
COMMENT ON COLUMN crawl.run.released IS 'Leases given back unfinished at shutdown.';
COMMENT ON COLUMN crawl.run.links_found IS 'Links returned by discovery (before dedup).';
COMMENT ON COLUMN crawl.run.statuses IS 'Count of responses per HTTP status, e.g. {"200": 10, "429": 2}.';
COMMENT ON COLUMN crawl.run.errors_by_host IS 'Count of errors per host.';
COMMENT ON COLUMN crawl.run.seconds IS 'Wall-clock duration of the run.';

CREATE TABLE crawl.fetch_log (
    id            bigserial PRIMARY KEY,
    run_id        bigint NOT NULL REFERENCES crawl.run (run_id),
    frontier_id   bigint NOT NULL,
    url           text NOT NULL,
    method        text NOT NULL,
    host          text NOT NULL,
    kind          text NOT NULL,
    attempt       integer NOT NULL,
    outcome       text NOT NULL CHECK (outcome IN ('done', 'retry', 'failed', 'blocked', 'released')),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    status        integer,
    curl_code     integer,
    error         text,
    bytes         bigint NOT NULL DEFAULT 0,
    truncated     text,
    retry_after_s double precision,
    dns_ms        double precision,
    connect_ms    double precision,
    ttfb_ms       double precision,
    total_ms      double precision,
    ip            text,
    redirect_to   text,
    warc_file     text,
    warc_offset   bigint,
    lease_lost    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE crawl.fetch_log IS 'One row per fetch attempt (and per robots.txt refusal). Never holds credentials: URLs are the frontier''s, without the parameters added at fetch time.';
COMMENT ON COLUMN crawl.fetch_log.id IS 'Surrogate key.';
COMMENT ON COLUMN crawl.fetch_log.run_id IS 'The crawler run that made the attempt.';
COMMENT ON COLUMN crawl.fetch_log.frontier_id IS 'The frontier row fetched.';
COMMENT ON COLUMN crawl.fetch_log.url IS 'URL as in the frontier.';
COMMENT ON COLUMN crawl.fetch_log.method IS 'GET or POST.';
COMMENT ON COLUMN crawl.fetch_log.host IS 'Politeness host.';
COMMENT ON COLUMN crawl.fetch_log.kind IS 'Page kind.';
COMMENT ON COLUMN crawl.fetch_log.attempt IS 'Attempt number since the URL''s last success (1 = first).';
COMMENT ON COLUMN crawl.fetch_log.outcome IS 'done, retry (transient, requeued), failed (permanent), blocked (robots.txt) or released (shutdown).';
COMMENT ON COLUMN crawl.fetch_log.started_at IS 'When the transfer started.';
COMMENT ON COLUMN crawl.fetch_log.finished_at IS 'When it ended.';
COMMENT ON COLUMN crawl.fetch_log.status IS 'HTTP status; NULL when no response arrived.';
COMMENT ON COLUMN crawl.fetch_log.curl_code IS 'libcurl result code (0 = ok; 23 = body cut at the byte cap; 28 = timeout).';
COMMENT ON COLUMN crawl.fetch_log.error IS 'libcurl''s error text or the policy reason (HTTP 429 with Retry-After, robots.txt, ...).';
COMMENT ON COLUMN crawl.fetch_log.bytes IS 'Body bytes received, as served.';
COMMENT ON COLUMN crawl.fetch_log.truncated IS 'WARC-Truncated reason when the body is incomplete: length, time or disconnect.';
COMMENT ON COLUMN crawl.fetch_log.retry_after_s IS 'Retry-After the server sent, in seconds.';
COMMENT ON COLUMN crawl.fetch_log.dns_ms IS 'Name lookup time.';
COMMENT ON COLUMN crawl.fetch_log.connect_ms IS 'Time until connected.';
COMMENT ON COLUMN crawl.fetch_log.ttfb_ms IS 'Time until the first response byte.';
COMMENT ON COLUMN crawl.fetch_log.total_ms IS 'Total transfer time.';
COMMENT ON COLUMN crawl.fetch_log.ip IS 'Address connected to.';
COMMENT ON COLUMN crawl.fetch_log.redirect_to IS 'Absolute Location of a 3xx response.';
COMMENT ON COLUMN crawl.fetch_log.warc_file IS 'WARC file holding the response record (base name).';
COMMENT ON COLUMN crawl.fetch_log.warc_offset IS 'Offset of the response record''s gzip member.';
COMMENT ON COLUMN crawl.fetch_log.lease_lost IS 'True when the lease had expired and been retaken: the result was not applied to the frontier.';
CREATE INDEX ON crawl.fetch_log (run_id);
CREATE INDEX ON crawl.fetch_log (frontier_id);

CREATE TABLE crawl.warc_file (
    file_name     text PRIMARY KEY,
    run_id        bigint REFERENCES crawl.run (run_id),
    path          text NOT NULL,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    records       bigint,
    bytes         bigint
);
COMMENT ON TABLE crawl.warc_file IS 'WARC files written by the crawler. closed_at NULL = still open, or left .open by a killed crawler (recovered and renamed at the next start in that directory).';
COMMENT ON COLUMN crawl.warc_file.file_name IS 'Base name of the final file (*.warc.gz).';
COMMENT ON COLUMN crawl.warc_file.run_id IS 'Run that wrote it.';
COMMENT ON COLUMN crawl.warc_file.path IS 'Path of the final file as the crawler saw it.';
COMMENT ON COLUMN crawl.warc_file.opened_at IS 'When the file was created (as NAME.warc.gz.open).';
COMMENT ON COLUMN crawl.warc_file.closed_at IS 'When it was fsynced and renamed.';
COMMENT ON COLUMN crawl.warc_file.records IS 'WARC records in the file, warcinfo included.';
COMMENT ON COLUMN crawl.warc_file.bytes IS 'File size in bytes.';
