-- Issue 13: honest completion. A failed URL is retried on later nights with
-- a growing backoff until it has been failing for crawler.failed_give_up_seconds;
-- a crawler's leases name its run, so a restart on the same machine releases
-- the leases of a dead process at once; a run records the work it left pending
-- and its failures by reason.
ALTER TABLE crawl.frontier
    ADD COLUMN failures integer NOT NULL DEFAULT 0,
    ADD COLUMN failed_since timestamptz,
    ADD COLUMN lease_run bigint;
COMMENT ON COLUMN crawl.frontier.failures IS 'Consecutive nights this URL ended failed (attempts exhausted); 0 after a fetch that is done. The next night''s retry waits crawler.failed_retry_seconds · 2^(failures - 1), capped at crawler.failed_retry_cap_seconds.';
COMMENT ON COLUMN crawl.frontier.failed_since IS 'When this URL first failed since it was last done; once older than crawler.failed_give_up_seconds the URL is given up (stays failed; `loader targets` re-arms a given-up seed). NULL when not failing.';
COMMENT ON COLUMN crawl.frontier.lease_run IS 'crawl.run.run_id of the crawler holding the lease (state leased); a crawler started on the same machine releases the leases of a run whose process is gone.';

ALTER TABLE crawl.run
    ADD COLUMN pending bigint NOT NULL DEFAULT 0,
    ADD COLUMN pending_by_reason jsonb,
    ADD COLUMN failed_by_reason jsonb;
COMMENT ON COLUMN crawl.run.pending IS 'Frontier rows this run left due before its budget ended but could not fetch in time (retries waiting on backoff or Retry-After, leases held by other crawlers); > 0 makes status incomplete and the exit status 1.';
COMMENT ON COLUMN crawl.run.pending_by_reason IS 'The pending rows by reason: {"leased": n, "retry": n, "host_wait": n, "due": n, "robots_unreachable": n} (leased: held by another crawler; retry: a transient failure waiting for its next attempt; host_wait: due but its host waits on Retry-After, backoff or its delay; due: not reached before the budget ended; robots_unreachable: on a host whose robots.txt answered 5xx or not at all, disallowed until it answers, RFC 9309).';
COMMENT ON COLUMN crawl.run.failed_by_reason IS 'URLs this run recorded failed, by reason ({"HTTP 500": n, "curl 56": n, "redirect to another origin": n, ...}).';
COMMENT ON COLUMN crawl.run.status IS 'ok (nothing left that was due before the budget ended), incomplete (work left pending: see pending), interrupted, killed (its process was found gone by a later crawler on the same machine, which returned its leases; finished_at stays NULL), or the error that ended the run; running while it runs.';

CREATE INDEX frontier_failed ON crawl.frontier (due_at) WHERE state = 'failed';
COMMENT ON INDEX crawl.frontier_failed IS 'Failed URLs by their next retry (re-armed by the crawler when due).';

-- Issue 13, bad files never block good ones: a parser TSV that fails to load
-- is moved to a quarantine folder and recorded here; the other files load.
CREATE TABLE meta.load_quarantine (
    id             bigserial PRIMARY KEY,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    file           text NOT NULL,
    moved_to       text,
    sha256         text,
    error          text NOT NULL
);
COMMENT ON TABLE meta.load_quarantine IS 'Parser TSV files `loader load --quarantine DIR` could not load (bad data: file, line and column in error): moved aside so that later files and later nights load; nothing of them was committed. Fix or delete the file, then load it again by hand.';
COMMENT ON COLUMN meta.load_quarantine.id IS 'Surrogate key.';
COMMENT ON COLUMN meta.load_quarantine.quarantined_at IS 'When the load failed and the file was moved.';
COMMENT ON COLUMN meta.load_quarantine.file IS 'The path the file was loaded from.';
COMMENT ON COLUMN meta.load_quarantine.moved_to IS 'Where it was moved (in the quarantine folder); NULL when it could not be moved.';
COMMENT ON COLUMN meta.load_quarantine.sha256 IS 'SHA-256 of the file (hex), as meta.load_ledger would have keyed it; NULL when unreadable.';
COMMENT ON COLUMN meta.load_quarantine.error IS 'Why it was not loaded: the loader''s message naming file, line and column.';
