# Loader throughput: 1,000,000 app_listing rows through `loader load` (COPY into the
# partitioned obs table, or staged and upserted when keys are already there; ledger)
# against psql \copy of the same rows into a table with the same columns and the same
# unique key, and into obs.app_listing itself, in the same run: BENCH_LOADER_ROUNDS
# (default 3) rounds, each step from the same footing (tables emptied, vacuumed,
# checkpointed: the autovacuum of the step before fell into the next one's time).
# Prints each round and the medians.
set -euo pipefail
B=$GR_BIN
N=${BENCH_ROWS:-1000000}
$B/loader -q migrate
python3 - "$N" > bench.app_listing.tsv <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
out.write("store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\tdownloads_raw\trating_count\trating_avg\tstatus\twarc_file\twarc_offset\turl\tfetched_at\n")
stores = ["360", "91", "yyb", "baidu", "wandoujia", "appstore"]
for i in range(n):
    s = stores[i % 6]
    d = (i * 7919) % 900000000
    out.write(f"{s}\t{i}\tcom.gov.app{i}\t政务应用{i}\t{d}\tf\t{d}\t\\N\t\\N\tok\tbench-{i // 100000}.warc.gz\t{i * 1000}\thttp://x.example/{s}/{i}\t2014-10-{1 + i % 28:02d}T08:00:00Z\n")
PY
psql -X -q -c "CREATE TABLE bench_copy (LIKE obs.app_listing INCLUDING DEFAULTS INCLUDING CONSTRAINTS); ALTER TABLE bench_copy ADD PRIMARY KEY (store, listing_id, fetched_at)"
cols=$(head -n 1 bench.app_listing.tsv | tr '\t' ',')
settle() { psql -X -q -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null 2>&1; sleep 1; }
empty() { psql -X -q -c "TRUNCATE bench_copy, obs.app_listing" -c "DELETE FROM meta.load_ledger"; }
secs() { local t0 t1; settle; t0=$(date +%s.%N); "$@" >/dev/null || return 1; t1=$(date +%s.%N); echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'; }
copy_into() { psql -X -q -c "\\copy $1 ($cols) FROM 'bench.app_listing.tsv' WITH (FORMAT text, HEADER true)"; }
# the months' partitions created once (a first load's cost, not a night's)
$B/loader -q load bench.app_listing.tsv && empty
: >rounds.txt
for r in $(seq "${BENCH_LOADER_ROUNDS:-3}"); do
  c=$(secs copy_into bench_copy) && o=$(secs copy_into obs.app_listing) && empty &&
    l=$(secs "$B/loader" -q load bench.app_listing.tsv) && empty || { echo "round $r failed"; exit 1; }
  echo "round $r: psql \\copy ${c}s, psql \\copy into obs.app_listing ${o}s, loader load ${l}s"
  echo "$c $o $l" >>rounds.txt
done
python3 - "$N" <<'PY'
import statistics, sys
n = int(sys.argv[1])
rows = [list(map(float, l.split())) for l in open("rounds.txt")]
c, o, l = (statistics.median(r[i] for r in rows) for i in range(3))
print(f"rows              {n} (medians of {len(rows)} rounds)")
print(f"psql \\copy        {n / c:12,.0f} rows/s  ({c:.2f}s, into a table with the same primary key)")
print(f"psql \\copy obs    {n / o:12,.0f} rows/s  ({o:.2f}s, into obs.app_listing: its partition and BRIN indexes)")
print(f"loader load       {n / l:12,.0f} rows/s  ({l:.2f}s, COPY into the partitioned table + ledger)")
print(f"ratio loader/copy {c / l:.2f}  (target >= 0.90, into the partitioned obs table); loader/copy into obs {o / l:.2f}")
PY
