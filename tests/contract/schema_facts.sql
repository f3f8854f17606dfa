-- The facts of a migrated database in bin/contract_dump's line format (record
-- types and their columns, the status and store CHECKs, the capped count):
-- what tests/integration/schema_contract.sh and toy_source.sh compare the C
-- side with.
SELECT 'record_type ' || r.record_type || ' ' ||
       coalesce(string_agg(c.column_name::text, ',' ORDER BY c.ordinal_position), '(no table obs.' || r.record_type || ')')
  FROM meta.record_type r
  LEFT JOIN information_schema.columns c
    ON c.table_schema = 'obs' AND c.table_name = r.record_type AND c.column_name <> 'loaded_at'
 GROUP BY r.record_type;
-- every CHECK (status IN ...) of obs.* and every CHECK (store IN ...) of obs.* and src.*
SELECT DISTINCT w || ' ' || (SELECT string_agg(m[1], ',' ORDER BY o)
                               FROM regexp_matches(d, '''([^'']*)''', 'g') WITH ORDINALITY AS x(m, o))
  FROM (SELECT pg_get_constraintdef(k.oid) AS d, n.nspname, a.attname AS w
          FROM pg_constraint k
          JOIN pg_namespace n ON n.oid = k.connamespace
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
         WHERE k.contype = 'c' AND a.attname IN ('status', 'store')) s
 WHERE (w = 'status' AND nspname = 'obs') OR (w = 'store' AND nspname IN ('obs', 'src'));
SELECT 'capped ' || coalesce(substring(col_description(a.attrelid, a.attnum) FROM '(\d+) when capped'), '(not stated)')
  FROM pg_attribute a WHERE a.attrelid = 'obs.wechat_stat'::regclass AND a.attname = 'read_num';
