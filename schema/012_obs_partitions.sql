-- 012_obs_partitions: obs.* partitioned by month of fetched_at (issue 17).
--
-- obs.* grows by millions of rows a night and never shrinks. Each table of
-- meta.record_type becomes a declaratively range-partitioned table on
-- fetched_at, one partition a month, named obs.<table>_YYYY_MM. A month is a
-- UTC calendar month: [YYYY-MM-01 00:00 UTC, next month 00:00 UTC). UTC and
-- not period.timezone because partition bounds are fixed instants that must
-- never move, while period.timezone is a methodology parameter the scorer may
-- change for the next run; a period in any timezone still touches only the
-- partitions its window overlaps (Asia/Shanghai months start 8 hours before the
-- UTC month, so a month's window reaches into the previous partition by that
-- much, and the scorer's settle and stock windows reach further anyway).
--
-- Every unique key holds across partitions because it includes fetched_at (the
-- partition key). parse_reject's key was (warc_file, warc_offset); a WARC
-- record has one fetch time, so (warc_file, warc_offset, fetched_at) is the
-- same key and can be enforced on a partitioned table.
--
-- Partitions are created by meta.obs_ensure_partition(): ahead of time by
-- `loader migrate` (loader.partitions_ahead months after the current one) and
-- on demand by `loader load` inside the load's own transaction when a file has
-- rows in a month that has none. There is no DEFAULT partition: a row of a
-- month without a partition is refused ("no partition of relation ... found
-- for row"), never parked where queries would have to scan it. SQL that
-- inserts by hand calls meta.obs_ensure_partitions(from, to) first.
--
-- Retention: scripts/obs_archive.sh YYYY-MM DIR detaches the partitions of
-- the months before YYYY-MM, dumps each with pg_dump beside the WARC files,
-- verifies the dump and only then drops it (README.md, "Partitions").
--
-- Converting an existing database: each table is renamed aside, the
-- partitioned table is created with the same columns, defaults, CHECK
-- constraints, comments, indexes (same names), grants and table comment, the
-- rows are copied, and the old table is dropped. Views over obs.* (report.
-- coverage) are dropped first and recreated from their own definitions, with
-- their comments and grants.

UPDATE meta.record_type SET key_columns = '{warc_file,warc_offset,fetched_at}' WHERE record_type = 'parse_reject';

CREATE FUNCTION meta.obs_partition_name(tbl text, month date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT tbl || '_' || to_char(date_trunc('month', month), 'YYYY_MM') $$;
COMMENT ON FUNCTION meta.obs_partition_name(text, date) IS 'Name (in schema obs) of the partition of obs.<tbl> holding the UTC month of month: <tbl>_YYYY_MM.';

CREATE FUNCTION meta.obs_ensure_partition(tbl text, month date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  part text := meta.obs_partition_name(tbl, month);
  lo timestamptz := make_timestamptz(extract(year FROM m)::int, extract(month FROM m)::int, 1, 0, 0, 0, 'UTC');
  hi timestamptz := make_timestamptz(extract(year FROM m + interval '1 month')::int,
                                     extract(month FROM m + interval '1 month')::int, 1, 0, 0, 0, 'UTC');
  col record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM meta.record_type WHERE record_type = tbl) THEN
    RAISE EXCEPTION 'obs.% is not an observation table (meta.record_type)', tbl;
  END IF;
  IF to_regclass(format('obs.%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- Two loaders may want the same month at once: the second waits here, then
  -- finds the partition the first created.
  PERFORM pg_advisory_xact_lock(hashtextextended('obs partition ' || part, 17));
  IF to_regclass(format('obs.%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE obs.%I PARTITION OF obs.%I FOR VALUES FROM (%L) TO (%L)',
                 part, tbl, to_char(lo AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00',
                 to_char(hi AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00');
  EXECUTE format('COMMENT ON TABLE obs.%I IS %L', part,
                 format('Partition of obs.%s: the rows fetched in %s (UTC month). Query obs.%s, not the partition.',
                        tbl, to_char(m, 'YYYY-MM'), tbl));
  -- Staff reading a partition's columns see the parent's comments.
  FOR col IN SELECT a.attname, col_description(a.attrelid, a.attnum) AS c FROM pg_attribute a
              WHERE a.attrelid = format('obs.%I', tbl)::regclass AND a.attnum > 0 AND NOT a.attisdropped
                AND col_description(a.attrelid, a.attnum) IS NOT NULL LOOP
    EXECUTE format('COMMENT ON COLUMN obs.%I.%I IS %L', part, col.attname, col.c);
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'research') THEN
    EXECUTE format('GRANT SELECT ON obs.%I TO research', part);
  END IF;
  RETURN true;
END $$;
COMMENT ON FUNCTION meta.obs_ensure_partition(text, date) IS 'Creates the partition of obs.<tbl> for the UTC month of month unless it exists (with its comment and the research grant); true when it created it. Safe to call concurrently.';

CREATE FUNCTION meta.obs_ensure_partitions(first_month date, last_month date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  n integer := 0;
  t text;
  m date;
BEGIN
  FOR t IN SELECT record_type FROM meta.record_type ORDER BY record_type LOOP
    FOR m IN SELECT generate_series(date_trunc('month', first_month), date_trunc('month', last_month), interval '1 month')::date LOOP
      IF meta.obs_ensure_partition(t, m) THEN
        n := n + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN n;
END $$;
COMMENT ON FUNCTION meta.obs_ensure_partitions(date, date) IS 'Creates the missing monthly partitions of every obs table from the month of first_month to the month of last_month; returns how many it created. `loader migrate` calls it for the current month and loader.partitions_ahead months after it; SQL that inserts into obs.* by hand calls it for its months first.';

CREATE VIEW meta.obs_partition AS
SELECT pn.nspname || '.' || p.relname AS parent, n.nspname || '.' || c.relname AS partition,
       pg_get_expr(c.relpartbound, c.oid) AS bounds,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), '''([^'']+)'''))[1]::timestamptz AS fetched_from,
       c.reltuples::bigint AS rows_estimate, pg_total_relation_size(c.oid) AS bytes
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
 WHERE pn.nspname = 'obs' AND c.relkind = 'r' AND p.relkind = 'p';
COMMENT ON VIEW meta.obs_partition IS 'Every monthly partition of obs.*: parent table, partition, bounds, first fetch time it holds, planner row estimate and size on disk.';
COMMENT ON COLUMN meta.obs_partition.parent IS 'The partitioned obs table.';
COMMENT ON COLUMN meta.obs_partition.partition IS 'The partition (obs.<table>_YYYY_MM).';
COMMENT ON COLUMN meta.obs_partition.bounds IS 'Its bounds on fetched_at (FOR VALUES FROM ... TO ...).';
COMMENT ON COLUMN meta.obs_partition.fetched_from IS 'Lower bound: the first instant of its UTC month.';
COMMENT ON COLUMN meta.obs_partition.rows_estimate IS 'pg_class.reltuples (after ANALYZE; -1 when never analysed).';
COMMENT ON COLUMN meta.obs_partition.bytes IS 'Size on disk with indexes and TOAST.';

-- ---------------------------------------------------------------- convert the existing tables
DO $$
DECLARE
  t text;
  old text;
  v record;
  ix record;
  g record;
  m date;
  views jsonb := '[]'::jsonb;
  tcomment text;
  keydef text;
BEGIN
  -- Views reading obs.* go first (they are bound to the old tables); they
  -- come back from their own definitions afterwards.
  FOR v IN
    SELECT DISTINCT vc.oid, vn.nspname AS sch, vc.relname AS name
      FROM pg_depend d
      JOIN pg_rewrite r ON r.oid = d.objid
      JOIN pg_class vc ON vc.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = vc.relnamespace
      JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
     WHERE d.classid = 'pg_rewrite'::regclass AND tn.nspname = 'obs' AND vc.oid <> tc.oid
       AND tc.relname IN (SELECT record_type FROM meta.record_type)
  LOOP
    views := views || jsonb_build_object(
      'sch', v.sch, 'name', v.name, 'def', pg_get_viewdef(v.oid),
      'comment', obj_description(v.oid, 'pg_class'),
      'cols', (SELECT coalesce(jsonb_agg(jsonb_build_object('col', a.attname, 'comment', col_description(v.oid, a.attnum))), '[]')
                 FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped
                  AND col_description(v.oid, a.attnum) IS NOT NULL),
      'grants', (SELECT coalesce(jsonb_agg(jsonb_build_object('grantee', x.grantee, 'priv', x.privilege_type)), '[]')
                   FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = v.oid)) x
                  WHERE x.grantee <> (SELECT relowner FROM pg_class WHERE oid = v.oid)));
    EXECUTE format('DROP VIEW %I.%I', v.sch, v.name);
  END LOOP;

  FOR t IN SELECT record_type FROM meta.record_type ORDER BY record_type LOOP
    old := t || '_unpartitioned';
    tcomment := obj_description(format('obs.%I', t)::regclass, 'pg_class');
    CREATE TEMP TABLE IF NOT EXISTS gr_ix (name text, def text, comment text) ON COMMIT DROP;
    TRUNCATE gr_ix;
    INSERT INTO gr_ix
    SELECT c.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class')
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = format('obs.%I', t)::regclass AND NOT i.indisprimary;
    CREATE TEMP TABLE IF NOT EXISTS gr_acl (grantee oid, priv text) ON COMMIT DROP;
    TRUNCATE gr_acl;
    INSERT INTO gr_acl
    SELECT x.grantee, x.privilege_type
      FROM pg_class c, aclexplode(c.relacl) x
     WHERE c.oid = format('obs.%I', t)::regclass AND x.grantee <> c.relowner;

    EXECUTE format('ALTER TABLE obs.%I RENAME TO %I', t, old);
    FOR ix IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = format('obs.%I', old)::regclass LOOP
      EXECUTE format('ALTER INDEX obs.%I RENAME TO %I', ix.relname, left('old_' || ix.relname, 63));
    END LOOP;
    EXECUTE format('CREATE TABLE obs.%I (LIKE obs.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS'
                   ' INCLUDING STORAGE INCLUDING STATISTICS) PARTITION BY RANGE (fetched_at)', t, old);
    SELECT string_agg(quote_ident(k), ', ' ORDER BY o) INTO keydef
      FROM meta.record_type r, unnest(r.key_columns) WITH ORDINALITY u(k, o) WHERE r.record_type = t;
    EXECUTE format('ALTER TABLE obs.%I ADD CONSTRAINT %I PRIMARY KEY (%s)', t, t || '_pkey', keydef);
    FOR ix IN SELECT * FROM gr_ix LOOP
      EXECUTE ix.def;
      IF ix.comment IS NOT NULL THEN
        EXECUTE format('COMMENT ON INDEX obs.%I IS %L', ix.name, ix.comment);
      END IF;
    END LOOP;
    -- Rows arrive in about fetch order: a block-range index on fetched_at lets a
    -- window that covers part of a month read only that part of its partition.
    EXECUTE format('CREATE INDEX %I ON obs.%I USING brin (fetched_at)', t || '_fetched_brin', t);
    EXECUTE format('COMMENT ON INDEX obs.%I IS %L', t || '_fetched_brin',
                   'Block ranges by fetch time: the scorer''s windows read only the part of a month''s partition they cover.');
    EXECUTE format('COMMENT ON TABLE obs.%I IS %L', t,
                   tcomment || ' Partitioned by the UTC month of fetched_at (obs.' || t || '_YYYY_MM, see meta.obs_partition).');
    FOR g IN SELECT * FROM gr_acl LOOP
      EXECUTE format('GRANT %s ON obs.%I TO %s', g.priv, t,
                     CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
    END LOOP;

    FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', fetched_at AT TIME ZONE ''UTC'')::date FROM obs.%I', old) LOOP
      PERFORM meta.obs_ensure_partition(t, m);
    END LOOP;
    EXECUTE format('INSERT INTO obs.%I SELECT * FROM obs.%I', t, old);
    EXECUTE format('DROP TABLE obs.%I', old);
  END LOOP;

  FOR v IN SELECT * FROM jsonb_array_elements(views) e(x) LOOP
    EXECUTE format('CREATE VIEW %I.%I AS %s', v.x ->> 'sch', v.x ->> 'name', v.x ->> 'def');
    IF v.x ->> 'comment' IS NOT NULL THEN
      EXECUTE format('COMMENT ON VIEW %I.%I IS %L', v.x ->> 'sch', v.x ->> 'name', v.x ->> 'comment');
    END IF;
    FOR g IN SELECT * FROM jsonb_array_elements(v.x -> 'cols') c(y) LOOP
      EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', v.x ->> 'sch', v.x ->> 'name', g.y ->> 'col', g.y ->> 'comment');
    END LOOP;
    FOR g IN SELECT * FROM jsonb_array_elements(v.x -> 'grants') c(y) LOOP
      EXECUTE format('GRANT %s ON %I.%I TO %s', g.y ->> 'priv', v.x ->> 'sch', v.x ->> 'name',
                     CASE WHEN (g.y ->> 'grantee')::oid = 0 THEN 'PUBLIC'
                          ELSE quote_ident(((g.y ->> 'grantee')::oid)::regrole::text) END);
    END LOOP;
  END LOOP;
END $$;

COMMENT ON COLUMN meta.record_type.key_columns IS 'Columns of the unique key (always including fetched_at, the partition key of obs.*); loading keeps the first row stored for a key.';

-- The scorer reads only its windows (scorer/run.c): its inputs say so.
COMMENT ON COLUMN score.run.inputs IS 'Per obs table: row count, latest loaded_at and newest fetched_at of the rows inside the run''s windows (period start - period.stock_before_days to the stat cutoff), the newest being the stat cutoff itself when rows fetched after it exist; per src table: row count and latest updated_at, when the run started.';
COMMENT ON COLUMN score.run.newest_input_at IS 'Newest fetch time among the observations inside the run''s windows, or the stat cutoff when observations fetched after it exist (decides final or provisional).';
