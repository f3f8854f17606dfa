# Loader: migrations, target lists, parser output, the ledger, bad input, the research role.
. "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/loader

# --- migrate: a fresh database reaches the newest version; twice changes nothing
t_ok "migrate applies every migration" $B/loader -q migrate
newest=$(ls "$TOP"/schema/[0-9][0-9][0-9]_*.sql | sed 's|.*/\([0-9]*\)_.*|\1|' | sort -n | tail -n 1 | sed 's/^0*//')
t_eq "database at the newest version" "$newest" "$(q 'SELECT max(version) FROM meta.migrations')"
schema_dump() { pg_dump --schema-only -d "$PGDATABASE" | grep -vE '^\\(un)?restrict' | md5sum; }
before=$(schema_dump)
n1=$(q 'SELECT count(*) FROM meta.migrations')
out=$($B/loader migrate 2>&1)
t_match "second migrate says up to date" "up to date" "$out"
t_eq "second migrate changes nothing (migrations)" "$n1" "$(q 'SELECT count(*) FROM meta.migrations')"
t_eq "second migrate changes nothing (schema dump)" "$before" "$(schema_dump)"
t_eq "every obs/src table has a comment" "0" "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname IN ('src','obs','crawl','score','meta') AND c.relkind IN ('r','v') AND obj_description(c.oid,'pg_class') IS NULL")"
t_eq "every column has a comment" "0" "$(q "SELECT count(*) FROM information_schema.columns c JOIN pg_class k ON k.relname=c.table_name JOIN pg_namespace n ON n.oid=k.relnamespace AND n.nspname=c.table_schema WHERE c.table_schema IN ('src','obs','crawl','meta') AND col_description(k.oid, c.ordinal_position) IS NULL")"

# --- targets
t_ok "targets load" $B/loader -q targets "$D/targets"
t_eq "organisations stored" "2" "$(q 'SELECT count(*) FROM src.organisation')"
t_eq "wechat account linked to its organisation" "gaj-bj" "$(q "SELECT org_key FROM src.wechat_account WHERE name='平安北京'")"
t_eq "frontier seeded (2 wechat homes + 2x2 weibo + 2 listings)" "8" "$(q 'SELECT count(*) FROM crawl.frontier')"
t_eq "hosts registered" "4" "$(q 'SELECT count(*) FROM crawl.host')"
t_ok "targets reload" $B/loader -q targets "$D/targets"
t_eq "targets reload keeps one row per key" "2" "$(q 'SELECT count(*) FROM src.wechat_account')"
t_eq "targets reload adds no seeds" "8" "$(q 'SELECT count(*) FROM crawl.frontier')"
for bad in dupkey badlevel missing; do
  cp -r "$D/targets" "bad-$bad"
  cp "$D/bad-targets/$bad.csv" "bad-$bad/wechat_accounts.csv"
  out=$($B/loader targets "bad-$bad" 2>&1); rc=$?
  t_eq "targets $bad exits 65" 65 $rc
  t_match "targets $bad names file and line" "wechat_accounts.csv line 3" "$out"
done
t_eq "bad targets commit nothing" "2" "$(q 'SELECT count(*) FROM src.wechat_account')"

# --- load: each row once; overlapping files keep one row per key; second load is a no-op
cp "$D/a.app_listing.tsv" "$D/b.app_listing.tsv" "$D/a.wechat_stat.tsv" .
t_ok "load two files" $B/loader -q load a.app_listing.tsv a.wechat_stat.tsv
t_eq "app rows stored" "3" "$(q 'SELECT count(*) FROM obs.app_listing')"
t_eq "exact count kept" "830000000" "$(q "SELECT downloads FROM obs.app_listing WHERE listing_id='com.MobileTicket'")"
t_eq "missing stays NULL" "t" "$(q "SELECT downloads IS NULL FROM obs.app_listing WHERE store='appstore'")"
t_eq "capped read stored as cap" "100001|t|10万+" "$(q "SELECT read_num, read_capped, read_raw FROM obs.wechat_stat WHERE mid=2650000001")"
# The scorer, not the loader, decides the periods: stats fetched on 30 October
# touch October; stock snapshots that day serve October's end and November's start.
t_eq "the scorer lists the months the loads touch" "2014-10 2014-11" "$("$B/scorer" pending 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
out=$($B/loader load a.app_listing.tsv 2>&1)
t_match "second load says already loaded" "already loaded" "$out"
t_eq "second load stores nothing" "3" "$(q 'SELECT count(*) FROM obs.app_listing')"
t_ok "overlapping file loads" $B/loader -q load b.app_listing.tsv
t_eq "overlap keeps one row per key" "4" "$(q 'SELECT count(*) FROM obs.app_listing')"
t_eq "ledger has three files" "3" "$(q 'SELECT count(*) FROM meta.load_ledger')"

# --- bad parser output: exit 65, file/line/column named, nothing committed
check_bad() {  # name file pattern
  local out rc
  out=$($B/loader load "$2" 2>&1); rc=$?
  t_eq "bad $1 exits 65" 65 $rc
  t_match "bad $1 message names file, line and column" "$3" "$out"
}
cp "$D/bad/"*.tsv .
check_bad "column count" cols.app_listing.tsv "cols.app_listing.tsv line 3"
check_bad "non-number" notnum.app_listing.tsv "notnum.app_listing.tsv line 3 column downloads"
printf 'store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\tdownloads_raw\trating_count\trating_avg\tstatus\twarc_file\twarc_offset\turl\tfetched_at\n360\t1\t\\N\tok\t5\tf\t5\t\\N\t\\N\tok\tw\t1\thttp://x\t2014-10-01T00:00:00Z\n360\t2\t\\N\t\xff\xfe\t5\tf\t5\t\\N\t\\N\tok\tw\t2\thttp://x\t2014-10-01T00:00:00Z\n' > utf8.app_listing.tsv
check_bad "invalid UTF-8" utf8.app_listing.tsv "utf8.app_listing.tsv line 3"
printf 'store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\tdownloads_raw\trating_count\trating_avg\tstatus\twarc_file\twarc_offset\turl\tfetched_at\n360\t1\t\\N\tok\t5\tf\t5\t\\N\t\\N\tok\tw\t1\thttp://x\t2014-10-01T00:00:00Z\n360\t2\t\\N\ta\x00b\t5\tf\t5\t\\N\t\\N\tok\tw\t2\thttp://x\t2014-10-01T00:00:00Z\n' > nul.app_listing.tsv
check_bad "NUL byte" nul.app_listing.tsv "nul.app_listing.tsv line 3"
check_bad "header" header.app_listing.tsv "header.app_listing.tsv line 1"
check_bad "negative count" negative.app_listing.tsv "negative.app_listing.tsv line 2"
t_eq "bad files commit nothing" "4" "$(q 'SELECT count(*) FROM obs.app_listing')"
t_eq "bad files leave no ledger rows" "3" "$(q 'SELECT count(*) FROM meta.load_ledger')"
out=$($B/loader load nosuch.app_listing.tsv 2>&1); t_eq "missing file exits 66" 66 $?

# --- database unreachable: 69, naming the socket tried
out=$($B/loader --db "host=$GR_WORK/nowhere dbname=x" migrate 2>&1); rc=$?
t_eq "unreachable database exits 69" 69 $rc
t_match "unreachable database names the socket" "nowhere/.s.PGSQL" "$out"

# --- configuration errors: 78 with file:line
printf '[db]\nconninfo = \n[log]\nlevel = maybe\n' > bad.conf
out=$($B/loader --config bad.conf migrate 2>&1); rc=$?
t_eq "bad config value exits 78" 78 $rc
t_match "bad config names file:line" "bad.conf:4" "$out"
printf '[db]\nno_such_key = 1\n' > bad2.conf
out=$($B/loader --config bad2.conf migrate 2>&1); rc=$?
t_eq "unknown config key exits 78" 78 $rc
t_match "unknown key names file:line" "bad2.conf:2: unknown key" "$out"
out=$($B/loader --bogus 2>&1); t_eq "usage error exits 64" 64 $?
t_ok "--help exits 0" $B/loader --help

# --- research role: reads src/obs/score/report, writes nothing, no crawl
r() { psql -X -qtA -c "SET ROLE research; $1" 2>&1; }
t_eq "research reads obs" "4" "$(r 'SELECT count(*) FROM obs.app_listing')"
t_eq "research reads src" "2" "$(r 'SELECT count(*) FROM src.organisation')"
t_match "research cannot read crawl" "permission denied" "$(r 'SELECT count(*) FROM crawl.frontier')"
t_match "research cannot write obs" "permission denied" "$(r "DELETE FROM obs.app_listing")"
t_match "research cannot write src" "permission denied" "$(r "UPDATE src.organisation SET name = 'x'")"
t_match "research cannot create in obs" "permission denied" "$(r "CREATE TABLE obs.x (a int)")"
if [ -n "$(q "SELECT 1 FROM information_schema.schemata WHERE schema_name='score'")" ]; then
  t_eq "research can use score and report" "t|t" "$(q "SELECT has_schema_privilege('research','score','USAGE'), has_schema_privilege('research','report','USAGE')")"
fi

# --- the ledger: a file's SHA-256 is claimed after its COPY, in the same transaction
t_eq "the ledger holds the file's SHA-256 and counts" "$(sha256sum a.app_listing.tsv | cut -c1-64)|3|3" \
  "$(q "SELECT sha256, rows_read, rows_new FROM meta.load_ledger WHERE file_name = 'a.app_listing.tsv'")"
# The ledger, not the rows, says a file was loaded: with its rows gone (archived,
# say), it is still skipped, and nothing is stored again.
sed 's/2014-10-30T08:00:00Z/2014-10-29T08:00:00Z/' a.app_listing.tsv > c.app_listing.tsv
t_ok "a new file loads" $B/loader -q load c.app_listing.tsv
q "DELETE FROM obs.app_listing WHERE fetched_at = '2014-10-29T08:00:00Z'" >/dev/null
out=$($B/loader load c.app_listing.tsv 2>&1)
t_match "with its rows gone it is still skipped by its ledger row" "already loaded" "$out"
t_eq "and nothing is stored again" "0" "$(q "SELECT count(*) FROM obs.app_listing WHERE fetched_at = '2014-10-29T08:00:00Z'")"
# Two loaders of one file at once: one stores it, the other waits for it on the
# rows' keys and then skips it; every row once, one ledger row.
python3 - <<'PY' > big.app_listing.tsv
print("store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\tdownloads_raw\trating_count\trating_avg\tstatus\twarc_file\twarc_offset\turl\tfetched_at")
for i in range(60000):
    print(f"360\tbig{i}\t\\N\tapp{i}\t{i}\tf\t{i}\t\\N\t\\N\tok\tbig.warc.gz\t{i}\thttp://x/{i}\t2014-10-28T08:00:00Z")
PY
$B/loader load big.app_listing.tsv >l1.out 2>&1 & p1=$!
$B/loader load big.app_listing.tsv >l2.out 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
t_eq "two loaders of one file both succeed" "0 0" "$r1 $r2"
t_eq "one of them says it was loaded already" "1" "$(cat l1.out l2.out | grep -c 'already loaded (same SHA-256)')"
t_eq "every row once" "60000" "$(q "SELECT count(*) FROM obs.app_listing WHERE warc_file = 'big.warc.gz'")"
t_eq "one ledger row, with the file's counts" "1|60000|60000" \
  "$(q "SELECT count(*), max(rows_read), max(rows_new) FROM meta.load_ledger WHERE file_name = 'big.app_listing.tsv'")"
