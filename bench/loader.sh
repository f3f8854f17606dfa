# Loader throughput: 1,000,000 app_listing rows through `loader load` (staging COPY,
# upsert, ledger) against psql \copy of the same rows into a table with the same
# columns and the same unique key, in the same run.
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
t0=$(date +%s.%N)
psql -X -q -c "\\copy bench_copy ($cols) FROM 'bench.app_listing.tsv' WITH (FORMAT text, HEADER true)"
t1=$(date +%s.%N)
$B/loader -q load bench.app_listing.tsv
t2=$(date +%s.%N)
python3 - "$N" "$t0" "$t1" "$t2" <<'PY'
import sys
n, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
c, l = n / (t1 - t0), n / (t2 - t1)
print(f"rows              {n}")
print(f"psql \\copy        {c:12,.0f} rows/s  ({t1 - t0:.2f}s, into a table with the same primary key)")
print(f"loader load       {l:12,.0f} rows/s  ({t2 - t1:.2f}s, staging COPY + upsert + ledger)")
print(f"ratio loader/copy {l / c:.2f}  (target >= 0.90, into the partitioned obs table)")
PY
