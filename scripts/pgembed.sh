#!/usr/bin/env bash
# The project-local PostgreSQL cluster used when no database is configured.
#   scripts/pgembed.sh start    initialise (first time) and start; prints the conninfo
#   scripts/pgembed.sh stop     stop cleanly
#   scripts/pgembed.sh status   exit 0 when running
#   scripts/pgembed.sh conninfo print the conninfo
#   scripts/pgembed.sh research print the psql command research staff log in with
# The cluster lives in $GOVREACH_VAR/pg (default: var/ in the source tree) and listens
# only on a Unix socket inside that directory. Run as root, it runs as the
# unprivileged "postgres" user.
#
# Only its owner gets in: the socket directory is mode 0700, and every connection is
# authenticated by peer (the connecting OS user, checked by the kernel) through the map
# "owner": the OS user who runs this script (and, as root, the server's own user) may
# connect as the pipeline's role govreach, as research, or as the cluster's superuser
# postgres; nobody else may connect at all. govreach owns the databases and their schemas
# but is not a superuser (no COPY ... FROM PROGRAM, no file access on the server);
# research can log in and only read src, obs, score and report.
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
owner_user() { id -un; }

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

# pg_hba.conf and pg_ident.conf: peer authentication through the map "owner".
write_auth() {
  local me; me=$(owner_user)
  as_owner tee "$data/pg_hba.conf" >/dev/null <<HBA
# Written by scripts/pgembed.sh: Unix socket only, peer authentication through the
# map "owner" (pg_ident.conf); no TCP, no trust, no password.
local all all peer map=owner
HBA
  {
    echo "# Written by scripts/pgembed.sh: who may connect as which role (OS user -> role)."
    for role in govreach research postgres; do echo "owner $me $role"; done
    if [ "$me" = root ]; then for role in govreach research postgres; do echo "owner postgres $role"; done; fi
  } | as_owner tee "$data/pg_ident.conf" >/dev/null
}

su_psql() { "$(pgbin)/psql" -X -q -h "$run" -p $port -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# The roles: govreach owns the databases but is no superuser; research logs in and reads.
ensure_roles() {
  su_psql <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'govreach') THEN
    CREATE ROLE govreach LOGIN CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'research') THEN
    CREATE ROLE research LOGIN;
  END IF;
  ALTER ROLE research LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  ALTER ROLE research SET default_transaction_read_only = on;
END
$$;
COMMENT ON ROLE research IS 'Read-only access for research staff: SELECT on src, obs, score and report; nothing on crawl or meta. Logs in over the embedded cluster''s socket (peer).';
COMMENT ON ROLE govreach IS 'The pipeline''s role: owns the govreach databases and their schemas; not a superuser.';
SQL
}

start() {
  place
  exec 9>"$pgdir/.lock"
  flock 9
  local bin; bin=$(pgbin)
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner mkdir -p "$data" "$run"
    # The bootstrap superuser is "postgres"; the pipeline gets a role of its own below.
    as_owner "$bin/initdb" -D "$data" -U postgres -A peer -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1 ||
      { echo "pgembed: initdb failed, see $pgdir/initdb.log" >&2; exit 70; }
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<CONF
listen_addresses = ''
unix_socket_directories = '$run'
unix_socket_permissions = 0700
port = $port
max_connections = 60
shared_buffers = 128MB
CONF
    write_auth
  elif grep -q '^[^#]*trust' "$data/pg_hba.conf" 2>/dev/null; then
    echo "pgembed: $data was made by an older govreach with trust authentication; switching it to peer" \
         "(owner only). Its govreach role stays the cluster's superuser: to drop that right, dump the" \
         "database, remove $pgdir and start again." >&2
    grep -q '^unix_socket_permissions' "$data/postgresql.conf" ||
      echo "unix_socket_permissions = 0700" | as_owner tee -a "$data/postgresql.conf" >/dev/null
    write_auth
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  fi
  as_owner mkdir -p "$run"
  as_owner chmod 700 "$run"
  if ! running; then
    # 9>&-: the server must not inherit (and so hold forever) the start lock
    # PGEMBED_PRELOAD: a library preloaded into the server only (the demo's simulated
    # clock); set here, as the server's user, so no process of another user shares its state
    as_owner env ${PGEMBED_PRELOAD:+LD_PRELOAD=$PGEMBED_PRELOAD} "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
      >/dev/null 9>&- ||
      { echo "pgembed: PostgreSQL did not start, see $log" >&2; exit 69; }
  fi
  if ! "$bin/psql" -X -h "$run" -p $port -U postgres -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
    # an old cluster whose bootstrap superuser is govreach
    su_psql() { "$(pgbin)/psql" -X -q -h "$run" -p $port -U govreach -d postgres -v ON_ERROR_STOP=1 "$@"; }
  fi
  ensure_roles
  if ! su_psql -tAc "SELECT 1 FROM pg_database WHERE datname='govreach'" | grep -q 1; then
    su_psql -c "CREATE DATABASE govreach OWNER govreach"
  fi
  conninfo
}

research() {
  echo "psql \"host=$run port=$port user=research dbname=${1:-govreach}\""
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
  research) research "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|conninfo|research [DBNAME]" >&2; exit 64 ;;
esac
