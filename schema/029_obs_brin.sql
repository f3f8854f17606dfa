-- 029_obs_brin (issue 17): one block-range index per obs table on
-- (fetched_at, loaded_at), in place of one on each column (012's fetched_brin,
-- 008's loaded_brin).
--
-- A BRIN index costs each inserted row a lookup of its block range (and, for a
-- summarised range, a check of the summary); two indexes cost it twice, one
-- index over both columns once. `bench/run loader` (1,000,000 app_listing rows,
-- psql \copy, medians of 3): a table with the primary key alone 3.22 s, with
-- one BRIN 3.34 s, with the two BRINs 3.48 s, with one BRIN over both columns
-- 3.34 s: the two indexes were a tenth of the loader's time, the gap to the
-- 0.9x of \copy that issue 17 asks for. A multicolumn BRIN index is used by
-- conditions on any of its columns: the scorer's windows on fetched_at and
-- `scorer pending`'s "loaded since the mark" on loaded_at read the same block
-- ranges as before.
--
-- The tables that have both indexes (obs.discovered_account has a btree on
-- loaded_at, which its registry fold looks up by equality, and keeps it).
-- Building the index reads every partition once.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT r.record_type FROM meta.record_type r
              WHERE to_regclass(format('obs.%I', r.record_type || '_fetched_brin')) IS NOT NULL
                AND to_regclass(format('obs.%I', r.record_type || '_loaded_brin')) IS NOT NULL
              ORDER BY r.record_type LOOP
        EXECUTE format('DROP INDEX obs.%I', t || '_fetched_brin');
        EXECUTE format('DROP INDEX obs.%I', t || '_loaded_brin');
        EXECUTE format('CREATE INDEX %I ON obs.%I USING brin (fetched_at, loaded_at)', t || '_brin', t);
        EXECUTE format('COMMENT ON INDEX obs.%I IS %L', t || '_brin',
                       'Block ranges by fetch time and by load time: the scorer''s windows read only the part of a'
                       ' month''s partition they cover, `scorer pending` only the blocks loaded since its mark.');
    END LOOP;
END
$$;
