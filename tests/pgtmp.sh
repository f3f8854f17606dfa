# Throwaway PostgreSQL clusters for tests. Source this file, then:
#   pgtmp_start DIR   initdb + start in DIR (Unix socket in DIR), export PGHOST/PGPORT/PGUSER
#   pgtmp_stop DIR    stop and leave DIR to the caller to remove
# PGTMP_OPTS: more server options (e.g. "-c shared_preload_libraries=pg_stat_statements").
# As root the cluster runs as the unprivileged "postgres" user.
pgtmp_bin() {
  local d
  if d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
pgtmp_as() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
pgtmp_start() {
  local dir=$1 bin; bin=$(pgtmp_bin)
  mkdir -p "$dir"; chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  pgtmp_as "$bin/initdb" -D "$dir/data" -U govreach -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || return 1
  pgtmp_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=100 ${PGTMP_OPTS:-}" start >/dev/null || return 1
  export PGHOST=$dir PGPORT=5432 PGUSER=govreach PGDATABASE=postgres
  export PATH="$bin:$PATH"
}
pgtmp_stop() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] && pgtmp_as "$(pgtmp_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  return 0
}
