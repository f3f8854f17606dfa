-- 026_bci_run_check (issue 17): score.bci's reference to its run, checked once a
-- statement instead of once a row.
--
-- A scoring run inserts one score.bci row per Tencent Weibo account, 186,697 at
-- the report's scale, in one statement, all of the run the same transaction has
-- just created. The foreign key checked each row on its own (an index probe and
-- a row lock of score.run per row): 0.8-1.1 s of a run of about 5, the largest
-- single cost of the Weibo side (`scorer run --explain`: "Trigger for constraint
-- bci_run_id_fkey: calls=186697"). The same guarantee, checked per statement:
-- the distinct run ids of the new rows must exist in score.run (locked FOR KEY
-- SHARE, as the foreign key locks them), and a run that score.bci rows refer to
-- cannot be deleted nor get another id. score.bci keeps its comment; its other
-- references (org_key and so on) had no foreign key.
ALTER TABLE score.bci DROP CONSTRAINT bci_run_id_fkey;

CREATE FUNCTION score.bci_rows_have_run() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM score.run r WHERE r.run_id IN (SELECT DISTINCT n.run_id FROM new_rows n) FOR KEY SHARE OF r;
    SELECT n.run_id INTO missing FROM (SELECT DISTINCT run_id FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM score.run r WHERE r.run_id = n.run_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "bci" violates its reference to score.run'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (run_id)=(%s) is not present in table "run".', missing);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION score.bci_rows_have_run() IS 'Statement trigger of score.bci: every run_id of the new rows is a score.run row (the foreign key, checked once a statement; schema/026).';
CREATE TRIGGER bci_run_exists_insert AFTER INSERT ON score.bci REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION score.bci_rows_have_run();
CREATE TRIGGER bci_run_exists_update AFTER UPDATE ON score.bci REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION score.bci_rows_have_run();

CREATE FUNCTION score.run_keep_bci_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM score.bci b WHERE b.run_id = OLD.run_id) THEN
        RAISE EXCEPTION 'update or delete on table "run" violates the reference from table "bci"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (run_id)=(%s) is still referenced from table "bci".', OLD.run_id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION score.run_keep_bci_rows() IS 'Row trigger of score.run: a run that score.bci rows refer to is not deleted and keeps its id (the other side of score.bci_rows_have_run; schema/026).';
CREATE TRIGGER run_keep_bci_rows BEFORE DELETE OR UPDATE OF run_id ON score.run
    FOR EACH ROW EXECUTE FUNCTION score.run_keep_bci_rows();
