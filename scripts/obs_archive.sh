#!/usr/bin/env bash
# obs_archive.sh YYYY-MM DIR: the retention and archive path of obs.* (schema/012).
# Every monthly partition of obs.* whose month is before YYYY-MM is, one at a time:
# detached from its table, dumped with pg_dump (custom format) to DIR/<partition>.dump
# (DIR: beside the WARC files of those months, e.g. spool/warc/archive), verified (the
# dump restores to exactly the partition's row count), recorded with its SHA-256 in
# DIR/<partition>.dump.sha256, and only then dropped. A dump that does not verify is
# removed and the partition attached again: nothing is lost. Restore one with
#   pg_restore -d DB DIR/obs.wechat_stat_2014_01.dump
#   psql -c "ALTER TABLE obs.wechat_stat ATTACH PARTITION obs.wechat_stat_2014_01
#            FOR VALUES FROM ('2014-01-01 00:00+00') TO ('2014-02-01 00:00+00')"
# The connection is libpq's (PG* variables). Exit: 0 ok, 64 usage, 69 database
# unavailable, 74 a dump could not be written or verified (that partition attached again).
set -uo pipefail
if [ $# -ne 2 ] || ! [[ $1 =~ ^[0-9]{4}-(0[1-9]|1[0-2])$ ]]; then
  echo "obs_archive: usage: obs_archive.sh YYYY-MM DIR (archives the obs.* months before YYYY-MM into DIR)" >&2
  exit 64
fi
before=$1 dir=$2
mkdir -p "$dir" || { echo "obs_archive: cannot create $dir" >&2; exit 74; }
sql() { psql -X -qtA -v ON_ERROR_STOP=1 -c "$1"; }
list=$(sql "SELECT parent || ' ' || partition || ' ' || bounds FROM meta.obs_partition
             WHERE fetched_from < timestamptz '$before-01 00:00:00+00' ORDER BY fetched_from, partition") ||
  { echo "obs_archive: cannot list the obs partitions" >&2; exit 69; }
n=0
while read -r parent part bounds; do
  [ -n "$part" ] || continue
  rows=$(sql "SELECT count(*) FROM $part") || exit 69
  f=$dir/$part.dump
  sql "ALTER TABLE $parent DETACH PARTITION $part" >/dev/null || exit 69
  if pg_dump -Fc -t "$part" -f "$f.tmp" &&
     got=$(pg_restore -a -f - "$f.tmp" | awk '/^COPY /{on=1; next} /^\\\.$/{on=0} on' | wc -l) &&
     [ "$got" = "$rows" ] && sync "$f.tmp" && mv "$f.tmp" "$f"; then
    (cd "$dir" && sha256sum "$part.dump" >"$part.dump.sha256")
    sql "DROP TABLE $part" >/dev/null || exit 69
    echo "obs_archive: $part: $rows rows archived to $f and dropped"
    n=$((n + 1))
  else
    rm -f "$f.tmp"
    sql "ALTER TABLE $parent ATTACH PARTITION $part $bounds" >/dev/null
    echo "obs_archive: $part: the dump to $f could not be written or verified (${got:-no} rows of $rows); partition kept" >&2
    exit 74
  fi
done <<<"$list"
echo "obs_archive: $n partition(s) before $before archived in $dir"
