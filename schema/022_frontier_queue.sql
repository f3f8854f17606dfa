-- 022_frontier_queue (issue 17): a claim whose cost does not grow with the
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
-- to do is kept beside it by one set of statement triggers on crawl.frontier
-- (crawl.frontier_queue_sync), whoever writes the frontier: the crawler,
-- `loader targets`, a person at psql. crawl.queue holds the work of now: the
-- queued rows that are due (ready), the leased and the failed ones; a claim's
-- index scan of a host (queue_ready) reads due work only and stops at its
-- limit, and the queue stays as small as a night's work, so its keys stay
-- shallow however long the history. Queued rows due later wait in
-- crawl.queue_later and move to crawl.queue when due (crawl.queue_promote, by
-- the crawler once a second and when idle), a range scan that stops at the
-- first row not yet due.

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
    robots      boolean NOT NULL,
    attempts    integer NOT NULL,
    lease_until timestamptz
);
COMMENT ON TABLE crawl.queue IS 'The work of now in crawl.frontier: one row per frontier row that is queued and due (ready), leased or failed, kept by the triggers of crawl.frontier (crawl.frontier_queue_sync); queued rows due later are in crawl.queue_later. Never written by hand: write crawl.frontier.';
COMMENT ON COLUMN crawl.queue.id IS 'The crawl.frontier row (crawl.frontier.id).';
COMMENT ON COLUMN crawl.queue.host IS 'crawl.frontier.host: the politeness key the claim goes by.';
COMMENT ON COLUMN crawl.queue.priority IS 'crawl.frontier.priority (lower first; robots.txt rows use 0, the lowest).';
COMMENT ON COLUMN crawl.queue.due_at IS 'crawl.frontier.due_at: when the fetch (or a failed URL''s retry) is due.';
COMMENT ON COLUMN crawl.queue.state IS 'crawl.frontier.state: queued (and due: claimable), leased or failed.';
COMMENT ON COLUMN crawl.queue.robots IS 'The row is a robots.txt URL (crawl.frontier.kind = robots): the only one of its host claimable before the host''s robots.txt has been fetched.';
COMMENT ON COLUMN crawl.queue.attempts IS 'crawl.frontier.attempts (a queued row with attempts > 0 is a retry: pending by reason).';
COMMENT ON COLUMN crawl.queue.lease_until IS 'crawl.frontier.lease_until of a leased row: the lease expires then.';
CREATE INDEX queue_ready ON crawl.queue (host, priority, due_at) WHERE state = 'queued';
CREATE INDEX queue_leased ON crawl.queue (lease_until) WHERE state = 'leased';
CREATE INDEX queue_failed ON crawl.queue (due_at) WHERE state = 'failed';
COMMENT ON INDEX crawl.queue_ready IS 'The claim''s index: the due work of each host in the order it is claimed; rows due later are not in it (crawl.queue_later).';
COMMENT ON INDEX crawl.queue_leased IS 'Leases by expiry (returned to the queue by the claim''s reap).';
COMMENT ON INDEX crawl.queue_failed IS 'Failed URLs by their next later-night retry (re-armed by the crawler when due).';

CREATE TABLE crawl.queue_later (
    id          bigint PRIMARY KEY,
    host        text COLLATE "C" NOT NULL,
    priority    integer NOT NULL,
    due_at      timestamptz NOT NULL,
    robots      boolean NOT NULL,
    attempts    integer NOT NULL
);
COMMENT ON TABLE crawl.queue_later IS 'Queued crawl.frontier rows not due yet when written (recrawls, stats schedules): moved to crawl.queue by crawl.queue_promote() once due. Kept by the triggers of crawl.frontier; never written by hand.';
COMMENT ON COLUMN crawl.queue_later.id IS 'The crawl.frontier row (crawl.frontier.id).';
COMMENT ON COLUMN crawl.queue_later.host IS 'crawl.frontier.host.';
COMMENT ON COLUMN crawl.queue_later.priority IS 'crawl.frontier.priority.';
COMMENT ON COLUMN crawl.queue_later.due_at IS 'crawl.frontier.due_at: when the row is due (then promoted).';
COMMENT ON COLUMN crawl.queue_later.robots IS 'The row is a robots.txt URL.';
COMMENT ON COLUMN crawl.queue_later.attempts IS 'crawl.frontier.attempts.';
CREATE INDEX queue_later_due ON crawl.queue_later (due_at);
COMMENT ON INDEX crawl.queue_later_due IS 'crawl.queue_promote() reads it up to now() only.';

-- The one place a frontier row's queue row is made: the triggers of
-- crawl.frontier below (the conversion of an existing frontier is the same
-- statements over every row).
CREATE FUNCTION crawl.frontier_queue_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE crawl.queue, crawl.queue_later;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        -- the old rows' entries: in crawl.queue, or (queued, not promoted yet)
        -- in crawl.queue_later, probed only for the rows crawl.queue did not
        -- have (a promotion locks the frontier row, so none moves meanwhile)
        WITH d AS (DELETE FROM crawl.queue q WHERE q.id = ANY (ARRAY(SELECT o.id FROM old_rows o)) RETURNING q.id)
        DELETE FROM crawl.queue_later l
         WHERE l.id = ANY (ARRAY(SELECT o.id FROM old_rows o WHERE o.state = 'queued' EXCEPT ALL SELECT d.id FROM d));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    INSERT INTO crawl.queue AS q (id, host, priority, due_at, state, robots, attempts, lease_until)
    SELECT n.id, n.host, n.priority, n.due_at, n.state, n.kind = 'robots', n.attempts,
           CASE WHEN n.state = 'leased' THEN n.lease_until END
      FROM new_rows n WHERE n.state IN ('leased', 'failed') OR (n.state = 'queued' AND n.due_at <= now())
    ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, priority = EXCLUDED.priority, due_at = EXCLUDED.due_at,
           state = EXCLUDED.state, robots = EXCLUDED.robots, attempts = EXCLUDED.attempts,
           lease_until = EXCLUDED.lease_until;
    INSERT INTO crawl.queue_later AS l (id, host, priority, due_at, robots, attempts)
    SELECT n.id, n.host, n.priority, n.due_at, n.kind = 'robots', n.attempts
      FROM new_rows n WHERE n.state = 'queued' AND n.due_at > now()
    ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, priority = EXCLUDED.priority, due_at = EXCLUDED.due_at,
           robots = EXCLUDED.robots, attempts = EXCLUDED.attempts;
    RETURN NULL;
END
$$;
-- Its statements find queue rows by id (id = ANY (the ids), index probes),
-- whatever size the queue had when a session first planned them: plpgsql
-- keeps a session's plans, and a join planned while crawl.queue_later was
-- empty (a night's first claim) would read all of it on every claim once
-- the night had filled it.
ALTER FUNCTION crawl.frontier_queue_sync() SET enable_seqscan = off;
ALTER FUNCTION crawl.frontier_queue_sync() SET enable_hashjoin = off;
ALTER FUNCTION crawl.frontier_queue_sync() SET enable_mergejoin = off;
COMMENT ON FUNCTION crawl.frontier_queue_sync() IS 'Statement trigger of crawl.frontier: the crawl.queue or crawl.queue_later rows of the rows a statement inserted, updated, deleted or truncated (queued rows due now, leased and failed rows in crawl.queue; queued rows due later in crawl.queue_later).';

-- Queued rows that have come due move to crawl.queue (claimable); returns how many.
CREATE FUNCTION crawl.queue_promote() RETURNS bigint LANGUAGE sql AS $$
    WITH d AS (
        -- the frontier row locked too: one being rewritten is placed by its
        -- writer (crawl.frontier_queue_sync), and none is rewritten while moved
        SELECT l.id FROM crawl.queue_later l JOIN crawl.frontier f ON f.id = l.id
         WHERE l.due_at <= now() FOR UPDATE OF l, f SKIP LOCKED
    ), m AS (
        DELETE FROM crawl.queue_later l USING d WHERE l.id = d.id RETURNING l.*
    ), p AS (
        INSERT INTO crawl.queue (id, host, priority, due_at, state, robots, attempts)
        SELECT id, host, priority, due_at, 'queued', robots, attempts FROM m
        ON CONFLICT (id) DO NOTHING RETURNING 1)
    SELECT count(*) FROM p
$$;
-- Index probes, as the trigger's (a join over a sequential scan of the
-- frontier, planned on stale estimates, would read it once a second).
ALTER FUNCTION crawl.queue_promote() SET enable_seqscan = off;
ALTER FUNCTION crawl.queue_promote() SET enable_hashjoin = off;
ALTER FUNCTION crawl.queue_promote() SET enable_mergejoin = off;
COMMENT ON FUNCTION crawl.queue_promote() IS 'Moves the crawl.queue_later rows whose due_at has passed to crawl.queue (claimable); an index range scan of queue_later_due up to now().';

-- The conversion of an existing frontier: every row kept as it is; its
-- queued, leased and failed rows placed as the triggers place them.
INSERT INTO crawl.queue (id, host, priority, due_at, state, robots, attempts, lease_until)
SELECT f.id, f.host, f.priority, f.due_at, f.state, f.kind = 'robots', f.attempts,
       CASE WHEN f.state = 'leased' THEN f.lease_until END
  FROM crawl.frontier f WHERE f.state IN ('leased', 'failed') OR (f.state = 'queued' AND f.due_at <= now());
INSERT INTO crawl.queue_later (id, host, priority, due_at, robots, attempts)
SELECT f.id, f.host, f.priority, f.due_at, f.kind = 'robots', f.attempts
  FROM crawl.frontier f WHERE f.state = 'queued' AND f.due_at > now();

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
ANALYZE crawl.queue_later;

COMMENT ON TABLE crawl.frontier IS 'Every URL the crawl knows, with its state, schedule and lease (the URL table). The work left is crawl.queue (due now, leased, failed) and crawl.queue_later (due later), kept from it by its triggers; a claim takes queue rows through their host row (FOR UPDATE SKIP LOCKED). No index on what a claim or completion changes: those updates are HOT.';
COMMENT ON COLUMN crawl.frontier.state IS 'queued, leased (being fetched), done, failed (permanent error or attempts exhausted) or blocked (robots.txt); queued, leased and failed rows have a crawl.queue (or, queued and due later, a crawl.queue_later) row.';
COMMENT ON COLUMN crawl.frontier.priority IS 'Lower is claimed first (robots.txt rows use 0, the lowest allowed).';
