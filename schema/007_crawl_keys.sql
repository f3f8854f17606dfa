-- 007_crawl_keys: cheaper index upkeep on the crawler's hot path.
--
-- Every claim and every completion rewrites a frontier row, and a changed
-- state moves it between partial indexes, so each row version is inserted
-- into every index of the table (no HOT update is possible). Measured with
-- `bench/run crawler`, btree insertion was about half of PostgreSQL's CPU per
-- page, most of it comparing text keys:
--   * the plain index on frontier.host duplicated frontier_queued (which
--     leads with host) for every query the crawler makes; it goes;
--   * the text keys compare bytewise (COLLATE "C") whatever the cluster's
--     locale: URLs and host names have no linguistic order, and a locale
--     collation costs a strcoll() per comparison.
DROP INDEX IF EXISTS crawl.frontier_host_idx;

ALTER TABLE crawl.frontier
    ALTER COLUMN url TYPE text COLLATE "C",
    ALTER COLUMN post_body TYPE text COLLATE "C",
    ALTER COLUMN host TYPE text COLLATE "C";
ALTER TABLE crawl.host ALTER COLUMN host TYPE text COLLATE "C";
