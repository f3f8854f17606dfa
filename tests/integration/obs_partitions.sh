# obs.* partitioned by month (schema/012, issue 17). An existing database on
# the schema before 012, holding a crawled night and the scorer fixture, is
# migrated: every row, comment, index, grant and the view over obs.* survive.
# Loads stay idempotent, a month without a partition gets one in the load's own
# transaction (none from a failed load), and a scoring run reads only the
# partitions its period's windows touch (checked from scorer run --explain).
source "$GR_TOP/tests/lib.sh"
SEED=11
DATE=2014-10-05

mkdir old_schema
for f in "$TOP"/schema/[0-9][0-9][0-9]_*.sql; do
  # and what this scorer needs of later ones: 025 (score.run's Weibo window, which it
  # writes; it needs only 004) and 028 (the score.sum8 aggregate it sums with)
  n=$(basename "$f"); case ${n%%_*} in 025|028) cp "$f" old_schema/ ;; *) [ "$((10#${n%%_*}))" -lt 12 ] && cp "$f" old_schema/ ;; esac
done
t_ok "the schema before partitioning (001-011, 025, 028) applies" "$B/loader" -q --schema old_schema migrate
t_eq "no partitioned obs table yet" 0 "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'obs' AND c.relkind = 'p'")"

# A night: simweb's universe crawled from its URL list, parsed and loaded.
"$B/simweb" --seed $SEED --date $DATE --no-named --truth truth --emit-targets targets 2>/dev/null
"$B/simweb" --seed $SEED --date $DATE --no-named --listen 127.0.0.1:0 --port-file port 2>sw.log &
SW=$!
trap 'kill $SW 2>/dev/null' EXIT
for i in $(seq 50); do [ -s port ] && break; sleep 0.1; done
t_ok "targets load" "$B/loader" -q targets targets
t_ok "crawl the night" "$B/crawler" --urls truth/urls.txt --connect-to 127.0.0.1:"$(cat port)" --out warc \
  --set crawler.delay_ms=0 --set crawler.max_inflight_per_host=4 --concurrency 16
t_ok "parse the night" "$B/parser" --out parsed warc/*.warc.gz
# (discovered_account, schema/021, is a record type newer than this schema)
t_ok "load the night (pre-partition schema)" "$B/loader" -q load $(ls parsed/*.tsv | grep -v '\.discovered_account\.tsv$')
# The scorer fixture (October 2014) and rows in months no October run may read.
t_ok "scorer fixture loads" psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -f <(grep -v obs_ensure_partitions "$TOP/tests/data/scorer/fixture.sql")
t_ok "rows of other months" psql -X -q -v ON_ERROR_STOP=1 -c "
INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, status, warc_file, warc_offset, url, fetched_at)
SELECT 'MzA=', 2650000001, 1, 'appmsgext', 5 * m, 'ok', 'far', m, 'u', timestamptz '2014-01-15T00:00:00Z' + m * interval '1 month'
  FROM generate_series(0, 20) m WHERE m NOT BETWEEN 7 AND 11;
INSERT INTO obs.weibo_account (account, followers, status, warc_file, warc_offset, url, fetched_at)
SELECT 'wb_a', 10 * m, 'ok', 'far', m, 'u', timestamptz '2014-01-15T00:00:00Z' + m * interval '1 month'
  FROM generate_series(0, 20) m WHERE m NOT BETWEEN 7 AND 11;
INSERT INTO obs.app_listing (store, listing_id, downloads, status, warc_file, warc_offset, url, fetched_at)
SELECT '360', '333', 10 * m, 'ok', 'far', m, 'u', timestamptz '2014-01-15T00:00:00Z' + m * interval '1 month'
  FROM generate_series(0, 20) m WHERE m NOT BETWEEN 7 AND 11;"
t_ok "scorer runs before the migration" "$B/scorer" run --period 2014-10
tables=$(q "SELECT string_agg(record_type, ' ' ORDER BY record_type) FROM meta.record_type")
snapshot() { # per obs table: rows, digest of every row, column comments, indexes, research's rights
  for t in $tables; do
    q "SELECT '$t', count(*), md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) FROM obs.$t x"
    q "SELECT string_agg(a.attname || '=' || coalesce(col_description(a.attrelid, a.attnum), '-'), ';' ORDER BY a.attnum)
         FROM pg_attribute a WHERE a.attrelid = 'obs.$t'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
    q "SELECT string_agg(c.relname || ':' || am.amname || ':' || coalesce(obj_description(c.oid, 'pg_class'), '-'), ';' ORDER BY c.relname)
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE i.indrelid = 'obs.$t'::regclass AND am.amname <> 'brin'"
    q "SELECT has_table_privilege('research', 'obs.$t', 'SELECT'), has_table_privilege('research', 'obs.$t', 'INSERT')"
  done
  # (its last_failure_* and reason columns pick one of several failures fetched at the
  # same instant, whichever the scan meets first: compared without them)
  q "SELECT (SELECT md5(string_agg((c.platform, c.key, c.name, c.last_ok_at, c.scored_in_latest_final)::text, E'\n' ORDER BY c.key, c.platform))
               FROM report.coverage c),
            obj_description('report.coverage'::regclass, 'pg_class'), has_table_privilege('research', 'report.coverage', 'SELECT'),
            (SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute
              WHERE attrelid = 'report.coverage'::regclass AND attnum > 0)"
  q "SELECT count(*) FROM pg_attribute a WHERE a.attrelid = 'report.coverage'::regclass AND col_description(a.attrelid, a.attnum) IS NOT NULL"
}
snapshot >before.txt
before_loaded_brin=$(q "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_indexes WHERE schemaname = 'obs'
                         AND indexname = tablename || '_loaded_brin'")
comments_before=$(for t in $tables; do q "SELECT obj_description('obs.$t'::regclass, 'pg_class')"; done)
t_ok "some rows to migrate" test "$(q 'SELECT count(*) FROM obs.wechat_stat')" -gt 100

t_ok "migrate to the partitioned layout" "$B/loader" -q migrate
snapshot >after.txt
t_eq "every row, column comment, index, grant and the coverage view kept" "" "$(diff before.txt after.txt)"
t_eq "every obs table partitioned by range of fetched_at" "$(q 'SELECT count(*) FROM meta.record_type')" \
  "$(q "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
        WHERE n.nspname = 'obs' AND p.partstrat = 'r' AND a.attname = 'fetched_at'")"
t_eq "table comments kept (partitioning noted after them)" "0" \
  "$(paste -d '\v' <(echo "$comments_before") <(for t in $tables; do q "SELECT obj_description('obs.$t'::regclass, 'pg_class')"; done) \
     | awk -F '\v' 'index($2, $1) != 1' | wc -l)"
t_eq "rows sit in the partition of their UTC month" "0" \
  "$(q "SELECT count(*) FROM obs.wechat_stat s WHERE s.tableoid::regclass::text <> 'obs.' || meta.obs_partition_name('wechat_stat', (s.fetched_at AT TIME ZONE 'UTC')::date)")"
t_eq "October 2014 partition bounds are UTC" "FOR VALUES FROM ('2014-10-01 00:00:00+00') TO ('2014-11-01 00:00:00+00')" \
  "$(PGTZ=UTC q "SELECT bounds FROM meta.obs_partition WHERE partition = 'obs.wechat_stat_2014_10'")"
t_eq "partitions ahead: the current month and loader.partitions_ahead (3) after it" "4" \
  "$(q "SELECT count(*) FROM meta.obs_partition WHERE parent = 'obs.app_listing' AND fetched_from >= date_trunc('month', now(), 'UTC')")"
# (BRIN indexes are left out of the snapshots: 012 adds one on fetched_at, 029 makes
# it and 008's on loaded_at one index over both columns)
t_eq "every obs table has a BRIN index on fetched_at (new in 012)" "$(q 'SELECT count(*) FROM meta.record_type')" \
  "$(q "SELECT count(DISTINCT tablename) FROM pg_indexes WHERE schemaname = 'obs' AND tablename IN (SELECT record_type FROM meta.record_type)
         AND indexdef ~ 'USING brin \(fetched_at[,)]'")"
t_eq "six tables had a BRIN index on loaded_at (008)" 6 "$(echo "$before_loaded_brin" | wc -w)"
t_eq "each has it in the same index now (029)" 6 \
  "$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'obs' AND tablename = ANY (string_to_array('$before_loaded_brin', ' '))
         AND indexname = tablename || '_brin' AND indexdef LIKE '%USING brin (fetched_at, loaded_at)'")"
t_eq "and no other BRIN index" "0" \
  "$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'obs' AND tablename = ANY (string_to_array('$before_loaded_brin', ' '))
         AND indexdef LIKE '%USING brin%' AND indexname <> tablename || '_brin'")"
t_eq "research reads a partition" "t" "$(q "SELECT has_table_privilege('research', 'obs.wechat_stat_2014_10', 'SELECT')")"
t_eq "every partition and its columns have comments" "0" \
  "$(q "SELECT count(*) FROM meta.obs_partition p JOIN pg_attribute a ON a.attrelid = p.partition::regclass AND a.attnum > 0
        WHERE col_description(a.attrelid, a.attnum) IS NULL OR obj_description(a.attrelid, 'pg_class') IS NULL")"
t_ok "migrate again: nothing to do" "$B/loader" -q migrate

# Loads on partitioned tables: the same files again change nothing; an
# overlapping file with a row in a month without a partition creates that
# partition and stores only the new row; a failing file leaves no partition.
n0=$(q "SELECT count(*) FROM obs.wechat_stat")
out=$("$B/loader" load parsed/*.tsv 2>&1)
t_match "reloading the night: already loaded" "already loaded" "$out"
t_eq "reloading stores nothing" "$n0" "$(q 'SELECT count(*) FROM obs.wechat_stat')"
f=$(ls parsed/*.wechat_stat.tsv | head -n 1)
{ cat "$f"; tail -n 1 "$f" | awk -F '\t' -v OFS='\t' '{ $NF = "2013-05-09T10:00:00Z"; print }'; } >overlap.wechat_stat.tsv
t_eq "no May 2013 partition yet" "" "$(q "SELECT to_regclass('obs.wechat_stat_2013_05')")"
t_ok "an overlapping file with a new month loads" "$B/loader" -q load overlap.wechat_stat.tsv
t_eq "its month got a partition" "obs.wechat_stat_2013_05" "$(q "SELECT to_regclass('obs.wechat_stat_2013_05')")"
t_eq "only its new row stored" "$((n0 + 1))|1" "$(q "SELECT (SELECT count(*) FROM obs.wechat_stat), rows_new FROM meta.load_ledger WHERE file_name = 'overlap.wechat_stat.tsv'")"
{ head -n 1 "$f"; tail -n 1 "$f" | awk -F '\t' -v OFS='\t' '{ $5 = "-7"; $NF = "2012-02-09T10:00:00Z"; print }'; } >bad.wechat_stat.tsv
out=$("$B/loader" load bad.wechat_stat.tsv 2>&1); rc=$?
t_eq "a bad row in a new month: exit 65" 65 $rc
t_match "the error names the file and line" "bad.wechat_stat.tsv line 2" "$out"
t_eq "the failed load left no partition" "" "$(q "SELECT to_regclass('obs.wechat_stat_2012_02')")"

# The scorer reads only the partitions of its windows.
t_ok "scorer --explain runs" sh -c "'$B/scorer' run --force --period 2014-10 --explain >explain.txt 2>explain.err"
t_match "scorer --explain prints each step's plan and time" '-- step "articles of the period": [0-9.]+ ms' "$(cat explain.txt)"
t_match "the October partition is read" "on wechat_stat_2014_10" "$(cat explain.txt)"
# The partitions each table may read: every obs table but Weibo's the months of
# [window start - stock days, stat cutoff); the Weibo posts those from the Weibo
# window's start (bci.window = year: 1 January) on; the follower snapshots only
# the months of its two stock windows, around 1 January and around the end.
allowed=$(q "WITH r AS (SELECT r.*, make_interval(days => (r.params_effective ->> 'period_stock_before_days')::int) AS bf,
                               make_interval(days => (r.params_effective ->> 'period_stat_grace_days')::int) AS gr
                          FROM score.run r WHERE r.run_id = (SELECT max(run_id) FROM score.run)),
                  w(tb, lo, hi) AS (
               SELECT t, r.window_start - r.bf, r.stat_cutoff FROM r,
                      unnest(ARRAY['wechat_article', 'wechat_history', 'wechat_stat', 'app_listing']) t
               UNION ALL SELECT 'weibo_post', r.weibo_window_start - r.bf, r.stat_cutoff FROM r
               UNION ALL SELECT 'weibo_account', r.weibo_window_start - r.bf, r.weibo_window_start + r.gr FROM r
               UNION ALL SELECT 'weibo_account', r.window_end - r.bf, r.stat_cutoff FROM r)
             SELECT string_agg(DISTINCT tb || '_' || to_char(m, 'YYYY_MM'), '|') FROM w,
                    generate_series(date_trunc('month', lo AT TIME ZONE 'UTC'),
                                    date_trunc('month', (hi - interval '1 microsecond') AT TIME ZONE 'UTC'), interval '1 month') m")
t_match "the window's months" '(^|\|)wechat_stat_2014_09\|wechat_stat_2014_10\|wechat_stat_2014_11(\||$)' "$allowed"
t_match "the Weibo window's (bci.window = year: from 1 January)" '(^|\|)weibo_post_2013_12\|weibo_post_2014_01\|' "$allowed"
t_eq "follower snapshots: only the months of the two stock windows" "weibo_account_2013_12|weibo_account_2014_01|weibo_account_2014_10|weibo_account_2014_11" \
  "$(printf '%s\n' "$allowed" | tr '|' '\n' | grep '^weibo_account' | paste -sd '|')"
# The watermark step also asks whether anything was fetched after the stat
# cutoff (final or provisional): it stops in the first partition after the
# cutoff that has a row, so it is checked apart.
awk '/^-- step "/ { skip = ($0 ~ /^-- step "watermark"/) } !skip' explain.txt >steps.txt
awk '/^-- step "/ { on = ($0 ~ /^-- step "watermark"/) } on' explain.txt >watermark.txt
t_eq "the watermark plans nothing before the windows" "" \
  "$(grep -oE "on [a-z_]+_(2013_[0-9]{2}|2014_0[1-8])" watermark.txt | sed 's/^on //' | sort -u | grep -vE "^($allowed)\$")"
read_parts=$(grep -v "never executed" steps.txt | grep -oE "on [a-z_]+_[0-9]{4}_[0-9]{2}" | sed 's/^on //' | sort -u)
echo "partitions read: $(echo $read_parts)"
t_eq "only partitions of the period's windows are read" "" "$(echo "$read_parts" | grep -vE "^($allowed)\$")"
t_eq "no partition outside them is even planned (pruned at plan time)" "" \
  "$(grep -oE "on [a-z_]+_[0-9]{4}_[0-9]{2}" steps.txt | sed 's/^on //' | sort -u | grep -vE "^($allowed)\$")"
t_match "the follower snapshots near 1 January are read" "on weibo_account_2014_01" "$(cat steps.txt)"
t_eq "the --explain run scored the fixture as before" "3|3" "$(q "SELECT wechat_accounts || '|' || weibo_accounts FROM score.run WHERE run_id = (SELECT max(run_id) FROM score.run)")"

# Retention: the months before June 2014 detached, dumped, verified, dropped.
n_old=$(q "SELECT count(*) FROM obs.wechat_stat WHERE fetched_at < '2014-06-01 00:00+00'")
n_all=$(q "SELECT count(*) FROM obs.wechat_stat")
t_fail "archive: a bad month is a usage error" 64 "$TOP/scripts/obs_archive.sh" 2014-13 archive
t_ok "archive the months before 2014-06" sh -c "'$TOP/scripts/obs_archive.sh' 2014-06 archive >archive.out 2>&1"
t_eq "their partitions are gone" "0" "$(q "SELECT count(*) FROM meta.obs_partition WHERE fetched_from < '2014-06-01 00:00+00'")"
t_eq "no other partition dropped" "$((n_all - n_old))" "$(q 'SELECT count(*) FROM obs.wechat_stat')"
t_ok "each dump has its checksum" sh -c "cd archive && sha256sum -c --quiet obs.wechat_stat_2014_01.dump.sha256"
t_ok "a dump restores" pg_restore -d "$PGDATABASE" archive/obs.wechat_stat_2013_05.dump
t_ok "and attaches again" q "ALTER TABLE obs.wechat_stat ATTACH PARTITION obs.wechat_stat_2013_05 FOR VALUES FROM ('2013-05-01 00:00+00') TO ('2013-06-01 00:00+00')"
t_eq "with its row" "1" "$(q "SELECT count(*) FROM obs.wechat_stat WHERE fetched_at < '2013-06-01 00:00+00'")"

# kill -9 of a loader while it copies a file of a month without a partition
# (the fast path creates the partition in the load transaction, then COPYs):
# nothing of it stays (rows, partition, ledger); the rerun loads it whole.
python3 - >big.weibo_account.tsv <<'PY'
print("account\tnick\tfollowers\tfollowing\tposts\tstatus\twarc_file\twarc_offset\turl\tfetched_at")
for i in range(400000):
    print(f"k{i}\t\\N\t{i}\t\\N\t\\N\tok\tbig.warc.gz\t{i}\thttp://open.t.qq.com/k{i}\t2013-02-0{1 + i % 9}T03:00:00Z")
PY
"$B/loader" -q load big.weibo_account.tsv &
LP=$!
staged=no
for i in $(seq 400); do
  if [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY obs.weibo_account%' AND state = 'active'")" = 1 ]; then
    staged=yes; break
  fi
  sleep 0.05
done
kill -9 $LP 2>/dev/null; wait $LP 2>/dev/null
t_eq "the loader was killed while copying" "yes" "$staged"
for i in $(seq 100); do
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY obs.weibo_account%'")" = 0 ] && break; sleep 0.1
done
t_eq "after kill -9: no row, no partition, no ledger entry" "0||0" \
  "$(q "SELECT (SELECT count(*) FROM obs.weibo_account WHERE account LIKE 'k%'), to_regclass('obs.weibo_account_2013_02'),
                (SELECT count(*) FROM meta.load_ledger WHERE file_name = 'big.weibo_account.tsv')")"
out=$("$B/loader" load big.weibo_account.tsv 2>&1)
t_match "the rerun loads the file by the fast path, creating its month" "created 1 obs.weibo_account partition.*400000 rows, 400000 new" "$(echo $out)"
t_eq "every row, in its new partition" "400000|400000" \
  "$(q "SELECT count(*), count(*) FILTER (WHERE tableoid = 'obs.weibo_account_2013_02'::regclass) FROM obs.weibo_account WHERE account LIKE 'k%'")"
