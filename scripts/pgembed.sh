#!/usr/bin/env bash
# The project-local PostgreSQL cluster used when no database is configured.
#   scripts/pgembed.sh start    initialise (first time) and start; prints the conninfo
#   scripts/pgembed.sh stop     stop cleanly
#   scripts/pgembed.sh status   exit 0 when running
#   scripts/pgembed.sh conninfo print the conninfo
# The cluster lives in $GOVREACH_VAR/pg (default: var/ in the source tree) and listens
# only on a Unix socket inside that directory. Run as root, it runs as the
# unprivileged "postgres" user.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
var=${GOVREACH_VAR:-$here/var}
pgdir=$var/pg
[ -e "$pgdir" ] && pgdir=$(readlink -f "$pgdir")
data=$pgdir/data
run=$pgdir/run
log=$pgdir/postgresql.log
port=5432

pgbin() {
  local d
  if d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "pgembed: no PostgreSQL server binaries found (apt-get install postgresql)" >&2; exit 69; }
  echo "$d"
}

as_owner() {
  # from /, so the server user need not be able to enter the caller's directory
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

conninfo() { echo "host=$run port=$port user=govreach dbname=govreach"; }

running() { [ -S "$run/.s.PGSQL.$port" ] && as_owner "$(pgbin)/pg_ctl" -D "$data" status >/dev/null 2>&1; }

# As root, the server runs as "postgres", which must reach its directories. When the
# checkout lies where postgres cannot go (a home directory, a private CI folder), the
# cluster lives in /var/tmp instead and var/pg points there; clients (root) follow the link.
place() {
  mkdir -p "$var"
  if [ "$(id -u)" = 0 ] && [ ! -e "$var/pg" ] && ! runuser -u postgres -- test -x "$var" 2>/dev/null; then
    local real
    real=/var/tmp/govreach-pg-$(printf '%s' "$var" | md5sum | cut -c1-12)
    mkdir -p "$real"
    ln -sfn "$real" "$var/pg"
  fi
  mkdir -p "$var/pg"
  pgdir=$(readlink -f "$var/pg")
  data=$pgdir/data
  run=$pgdir/run
  log=$pgdir/postgresql.log
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pgdir"; fi
}

start() {
  place
  exec 9>"$pgdir/.lock"
  flock 9
  local bin; bin=$(pgbin)
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner mkdir -p "$data" "$run"
    as_owner "$bin/initdb" -D "$data" -U govreach -A trust -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1 ||
      { echo "pgembed: initdb failed, see $pgdir/initdb.log" >&2; exit 70; }
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<CONF
listen_addresses = ''
unix_socket_directories = '$run'
port = $port
max_connections = 60
shared_buffers = 128MB
CONF
  fi
  if ! running; then
    as_owner mkdir -p "$run"
    # 9>&-: the server must not inherit (and so hold forever) the start lock
    as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 9>&- ||
      { echo "pgembed: PostgreSQL did not start, see $log" >&2; exit 69; }
  fi
  if ! "$bin/psql" -h "$run" -p $port -U govreach -d postgres -tAc \
       "SELECT 1 FROM pg_database WHERE datname='govreach'" | grep -q 1; then
    "$bin/createdb" -h "$run" -p $port -U govreach govreach
  fi
  conninfo
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  if running; then as_owner "$(pgbin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running ;;
  conninfo) conninfo ;;
  *) echo "usage: $0 start|stop|status|conninfo" >&2; exit 64 ;;
esac
