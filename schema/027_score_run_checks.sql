-- 027_score_run_checks (issue 17): the per-account score tables' reference to
-- their run, checked once a statement, as 026 did for score.bci alone.
--
-- A scoring run inserts one score.wci and one score.wci_sub row per WeChat
-- account (16,446 at the report's scale) and one score.combined row per
-- organisation (8,000 in `bench/run scorer`), each in one statement, all of the
-- run the same transaction has just created. Their foreign keys checked each
-- row on its own: `scorer run --explain` showed "Trigger for constraint
-- wci_run_id_fkey: time=90-158 ms calls=16446", as much again for wci_sub, a
-- third of the WCI step. The same guarantee, checked per statement, by one
-- function for the four tables: the run ids of the new rows must exist in
-- score.run (locked FOR KEY SHARE, as a foreign key locks them), and a run
-- that rows of any of them refer to cannot be deleted nor get another id.
-- 026's check read the new rows twice (two DISTINCT passes); this one reads
-- them once (their smallest and largest run id, which a scoring run's
-- statement has equal) and only looks further when they differ.
-- The small per-run tables (app lists, distributions, aggregates, ...) keep
-- their foreign keys: a few hundred rows a run.
ALTER TABLE score.wci DROP CONSTRAINT wci_run_id_fkey;
ALTER TABLE score.wci_sub DROP CONSTRAINT wci_sub_run_id_fkey;
ALTER TABLE score.combined DROP CONSTRAINT combined_run_id_fkey;

CREATE FUNCTION score.rows_have_run() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lo bigint;
    hi bigint;
    missing bigint;
BEGIN
    SELECT min(n.run_id), max(n.run_id) INTO lo, hi FROM new_rows n;
    IF lo IS NULL THEN
        RETURN NULL;
    END IF;
    IF lo = hi THEN
        PERFORM 1 FROM score.run r WHERE r.run_id = lo FOR KEY SHARE OF r;
        IF NOT FOUND THEN
            missing := lo;
        END IF;
    ELSE
        PERFORM 1 FROM score.run r WHERE r.run_id IN (SELECT DISTINCT n.run_id FROM new_rows n) FOR KEY SHARE OF r;
        SELECT n.run_id INTO missing FROM (SELECT DISTINCT run_id FROM new_rows) n
         WHERE NOT EXISTS (SELECT 1 FROM score.run r WHERE r.run_id = n.run_id) LIMIT 1;
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "%" violates its reference to score.run', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (run_id)=(%s) is not present in table "run".', missing);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION score.rows_have_run() IS
    'Statement trigger of score.wci, wci_sub, bci and combined: every run_id of the new rows is a score.run row (their foreign key, checked once a statement; schema/026 and 027).';

DROP TRIGGER bci_run_exists_insert ON score.bci;
DROP TRIGGER bci_run_exists_update ON score.bci;
DROP FUNCTION score.bci_rows_have_run();
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['wci', 'wci_sub', 'bci', 'combined'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON score.%I REFERENCING NEW TABLE AS new_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION score.rows_have_run()', t || '_run_exists_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON score.%I REFERENCING NEW TABLE AS new_rows'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION score.rows_have_run()', t || '_run_exists_update', t);
    END LOOP;
END $$;

-- The tables checked are the ones whose triggers call score.rows_have_run():
-- the list above is the only one.
CREATE FUNCTION score.run_keep_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    found boolean;
BEGIN
    FOR t IN SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
              WHERE g.tgfoid = 'score.rows_have_run'::regproc ORDER BY c.relname LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM score.%I x WHERE x.run_id = $1)', t) INTO found USING OLD.run_id;
        IF found THEN
            RAISE EXCEPTION 'update or delete on table "run" violates the reference from table "%"', t
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Key (run_id)=(%s) is still referenced from table "%s".', OLD.run_id, t);
        END IF;
    END LOOP;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION score.run_keep_rows() IS
    'Row trigger of score.run: a run that rows of the tables checked by score.rows_have_run (score.wci, wci_sub, bci, combined) refer to is not deleted and keeps its id (schema/026 and 027).';
DROP TRIGGER run_keep_bci_rows ON score.run;
DROP FUNCTION score.run_keep_bci_rows();
CREATE TRIGGER run_keep_score_rows BEFORE DELETE OR UPDATE OF run_id ON score.run
    FOR EACH ROW EXECUTE FUNCTION score.run_keep_rows();
