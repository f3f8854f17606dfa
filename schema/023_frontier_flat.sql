-- 023_frontier_flat (issue 17): PostgreSQL CPU per crawled page that does not
-- grow with the rows later nights have queued (bench/run history, with the
-- statements of each night: night 30 cost 1.63x night 2's per page).
--
-- Measured (pg_stat_statements, track=all) on night 30 against night 2, the
-- same 52,729 pages: crawl.queue_promote()'s statement took 105 ms a call
-- for 3 buffers. Its plan is made again on every call (an SQL function), and
-- with crawl.queue_later grown by the nights before (750,000 rows) the
-- planner estimates a range scan up to now() over many of them (its
-- statistics lag a night that queued them; enable_seqscan = off adds to the
-- estimate whatever is left): the cost passes jit_above_cost and every call
-- compiles its expressions (JIT), though the scan stops at the first row not
-- yet due. The statements of the frontier's functions are short index probes
-- whatever their estimates: JIT never pays for itself there.
ALTER FUNCTION crawl.queue_promote() SET jit = off;
ALTER FUNCTION crawl.frontier_queue_sync() SET jit = off;

-- The crawler's idle check (what is pending, and when next) read the queued
-- rows due later that are retries (attempts > 0) or due by now: a
-- sequential scan of all of crawl.queue_later (9,416 buffers on night 30
-- against 2,403 on night 2). The retries waiting for a later time are few
-- (a night's failures); an index of them alone, and the due ones by
-- queue_later_due, make the check read what is pending only.
CREATE INDEX queue_later_retry ON crawl.queue_later (due_at) WHERE attempts > 0;
COMMENT ON INDEX crawl.queue_later_retry IS 'Retries (attempts > 0) queued for a later time: the crawler''s idle check counts them without reading the rows due on later nights.';
ANALYZE crawl.queue_later;
