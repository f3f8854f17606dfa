-- 021_frontier_queue (issue 17): a claim whose cost does not grow with the
-- work due on later nights, and HOT state changes of the URL table.
--
-- Before: the claim read each host's queued frontier rows in (priority,
-- due_at) order and filtered due_at <= now(), so every row due on a later
-- night (each night adds them) was read again by every claim; and state,
-- due_at and lease_until sat in partial indexes of crawl.frontier, so every
-- claim and completion rewrote every frontier index (no HOT update).
--
-- Now crawl.frontier is the URL table: one row per URL with its state,
-- schedule and lease as before (every reader and writer keeps using it), but
-- no index on a column a claim or completion changes, and room on its pages
-- (fillfactor) for the new row version: those updates are HOT. The work still
-- to do is crawl.queue, one narrow row per frontier row that is queued,
-- leased or failed, kept by one set of statement triggers on crawl.frontier
-- (crawl.frontier_queue_sync) whoever writes the frontier: the crawler,
-- `loader targets`, a person at psql. A queued row is ready once it is due;
-- only ready rows are in the claim's index (host, priority, due_at), so a
-- claim's index scan of a host reads due work only and stops at its limit.
-- Rows due later wait in queue_waiting (due_at) and are made ready when due
-- (crawl.queue_promote, by the crawler once a second and when idle), a range
-- scan that stops at the first row not yet due. Leases are found by
-- queue_leased (expiry), failed URLs' later-night retries by queue_failed.

-- The origin (scheme://host[:port]) of an absolute URL: the robots.txt URL
-- of a host is its origin || '/robots.txt'.
CREATE FUNCTION crawl.url_origin(url text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN substring(url FROM '^[A-Za-z]+://[^/?#]+');
COMMENT ON FUNCTION crawl.url_origin(text) IS 'scheme://host[:port] of an absolute URL (NULL when it has none); a host''s robots.txt URL is its origin || ''/robots.txt''.';

CREATE TABLE crawl.queue (
    id          bigint PRIMARY KEY,
    host        text COLLATE "C" NOT NULL,
    priority    integer NOT NULL,
    due_at      timestamptz NOT NULL,
    state       text NOT NULL CHECK (state IN ('queued', 'leased', 'failed')),
    ready       boolean NOT NULL,
    robots      boolean NOT NULL,
    attempts    integer NOT NULL,
    lease_until timestamptz
);
COMMENT ON TABLE crawl.queue IS 'The work left in crawl.frontier: one row per frontier row that is queued, leased or failed (none for done or blocked), kept by the triggers of crawl.frontier (crawl.frontier_queue_sync); a claim reads its ready rows only. Never written by hand: write crawl.frontier.';
COMMENT ON COLUMN crawl.queue.id IS 'The crawl.frontier row (crawl.frontier.id).';
COMMENT ON COLUMN crawl.queue.host IS 'crawl.frontier.host: the politeness key the claim goes by.';
COMMENT ON COLUMN crawl.queue.priority IS 'crawl.frontier.priority (lower first; robots.txt rows use 0, the lowest).';
COMMENT ON COLUMN crawl.queue.due_at IS 'crawl.frontier.due_at: when the next fetch (or a failed URL''s retry) is due.';
COMMENT ON COLUMN crawl.queue.state IS 'crawl.frontier.state: queued, leased or failed.';
COMMENT ON COLUMN crawl.queue.ready IS 'Queued and due: in the claim''s index (queue_ready). Set when the row is written due, or by crawl.queue_promote() once due_at has passed.';
COMMENT ON COLUMN crawl.queue.robots IS 'The row is a robots.txt URL (crawl.frontier.kind = robots): the only one of its host claimable before the host''s robots.txt has been fetched.';
COMMENT ON COLUMN crawl.queue.attempts IS 'crawl.frontier.attempts (a queued row with attempts > 0 is a retry: pending by reason).';
COMMENT ON COLUMN crawl.queue.lease_until IS 'crawl.frontier.lease_until of a leased row: the lease expires then.';
CREATE INDEX queue_ready ON crawl.queue (host, priority, due_at) WHERE state = 'queued' AND ready;
CREATE INDEX queue_waiting ON crawl.queue (due_at) WHERE state = 'queued' AND NOT ready;
CREATE INDEX queue_leased ON crawl.queue (lease_until) WHERE state = 'leased';
CREATE INDEX queue_failed ON crawl.queue (due_at) WHERE state = 'failed';
COMMENT ON INDEX crawl.queue_ready IS 'The claim''s index: the due work of each host in the order it is claimed; rows due later are not in it.';
COMMENT ON INDEX crawl.queue_waiting IS 'Queued rows not yet due, by due time: crawl.queue_promote() reads them up to now() only.';
COMMENT ON INDEX crawl.queue_leased IS 'Leases by expiry (returned to the queue by the claim''s reap).';
COMMENT ON INDEX crawl.queue_failed IS 'Failed URLs by their next later-night retry (re-armed by the crawler when due).';

-- The one place a frontier row's queue row is made: the triggers of
-- crawl.frontier below and the conversion of an existing frontier.
CREATE FUNCTION crawl.frontier_queue_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE crawl.queue;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM crawl.queue q USING old_rows o WHERE q.id = o.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM crawl.queue q USING new_rows n
         WHERE q.id = n.id AND n.state NOT IN ('queued', 'leased', 'failed');
    END IF;
    INSERT INTO crawl.queue AS q (id, host, priority, due_at, state, ready, robots, attempts, lease_until)
    SELECT n.id, n.host, n.priority, n.due_at, n.state, n.state = 'queued' AND n.due_at <= now(),
           n.kind = 'robots', n.attempts, CASE WHEN n.state = 'leased' THEN n.lease_until END
      FROM new_rows n WHERE n.state IN ('queued', 'leased', 'failed')
    ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, priority = EXCLUDED.priority, due_at = EXCLUDED.due_at,
           state = EXCLUDED.state, ready = EXCLUDED.ready, robots = EXCLUDED.robots, attempts = EXCLUDED.attempts,
           lease_until = EXCLUDED.lease_until
     WHERE (q.host, q.priority, q.due_at, q.state, q.ready, q.robots, q.attempts, q.lease_until)
           IS DISTINCT FROM (EXCLUDED.host, EXCLUDED.priority, EXCLUDED.due_at, EXCLUDED.state, EXCLUDED.ready,
                             EXCLUDED.robots, EXCLUDED.attempts, EXCLUDED.lease_until);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION crawl.frontier_queue_sync() IS 'Statement trigger of crawl.frontier: the queue rows of the rows a statement inserted, updated, deleted or truncated (queued, leased and failed rows have one; ready when queued and due).';

-- Queued rows that have come due become ready (claimable); returns how many.
CREATE FUNCTION crawl.queue_promote() RETURNS bigint LANGUAGE sql AS $$
    WITH d AS (
        SELECT id FROM crawl.queue WHERE state = 'queued' AND NOT ready AND due_at <= now()
           FOR UPDATE SKIP LOCKED        -- a row being rewritten gets its ready from its writer
    ), p AS (
        UPDATE crawl.queue w SET ready = true FROM d WHERE w.id = d.id RETURNING 1)
    SELECT count(*) FROM p
$$;
COMMENT ON FUNCTION crawl.queue_promote() IS 'Makes the queued rows whose due_at has passed ready (claimable); an index range scan of queue_waiting up to now().';

-- The conversion of an existing frontier: every row kept as it is; the
-- queue made from its queued, leased and failed rows.
INSERT INTO crawl.queue (id, host, priority, due_at, state, ready, robots, attempts, lease_until)
SELECT f.id, f.host, f.priority, f.due_at, f.state, f.state = 'queued' AND f.due_at <= now(), f.kind = 'robots',
       f.attempts, CASE WHEN f.state = 'leased' THEN f.lease_until END
  FROM crawl.frontier f WHERE f.state IN ('queued', 'leased', 'failed');

CREATE TRIGGER frontier_queue_ins AFTER INSERT ON crawl.frontier
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crawl.frontier_queue_sync();
CREATE TRIGGER frontier_queue_upd AFTER UPDATE ON crawl.frontier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crawl.frontier_queue_sync();
CREATE TRIGGER frontier_queue_del AFTER DELETE ON crawl.frontier
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION crawl.frontier_queue_sync();
CREATE TRIGGER frontier_queue_trunc AFTER TRUNCATE ON crawl.frontier
    FOR EACH STATEMENT EXECUTE FUNCTION crawl.frontier_queue_sync();

-- crawl.frontier: no index on what a claim or completion changes (state,
-- due_at, lease_until, ...), so those updates are HOT; the robots.txt row of
-- a host found by host (neither column ever changes).
DROP INDEX crawl.frontier_queued;
DROP INDEX crawl.frontier_due;
DROP INDEX crawl.frontier_leased;
DROP INDEX crawl.frontier_failed;
CREATE INDEX frontier_robots ON crawl.frontier (host) WHERE kind = 'robots';
COMMENT ON INDEX crawl.frontier_robots IS 'The robots.txt row of each host.';
ALTER TABLE crawl.frontier ADD CONSTRAINT frontier_priority_check CHECK (priority >= 0);
-- Room on every page for the updated version of its rows (HOT), the
-- existing pages included (CLUSTER rewrites the table at this fillfactor).
ALTER TABLE crawl.frontier SET (fillfactor = 60);
CLUSTER crawl.frontier USING frontier_pkey;
ANALYZE crawl.frontier;
ANALYZE crawl.queue;

COMMENT ON TABLE crawl.frontier IS 'Every URL the crawl knows, with its state, schedule and lease (the URL table). The work left is crawl.queue, kept from it by its triggers; a claim takes ready queue rows through their host row (FOR UPDATE SKIP LOCKED). No index on what a claim or completion changes: those updates are HOT.';
COMMENT ON COLUMN crawl.frontier.state IS 'queued, leased (being fetched), done, failed (permanent error or attempts exhausted) or blocked (robots.txt); queued, leased and failed rows have a crawl.queue row.';
COMMENT ON COLUMN crawl.frontier.priority IS 'Lower is claimed first (robots.txt rows use 0, the lowest allowed).';
