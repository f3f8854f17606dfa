# The research login, read-only by construction, and the embedded cluster that only
# its owner can enter: research logs in over the socket and cannot write anything or
# read crawl; another OS user cannot connect at all; the pipeline's role is no
# superuser (no COPY ... FROM PROGRAM). On a shared server (here the test cluster),
# `loader grant-research NAME` makes a login that reads src, obs, score and report
# and nothing else.
source "$GR_TOP/tests/lib.sh"

# ---------------------------------------------------------------- embedded cluster
export GOVREACH_VAR=$PWD/var
emb() { env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE "$@"; }
conn=$(emb "$TOP/scripts/pgembed.sh" start)
t_match "embedded cluster starts" "user=govreach dbname=govreach" "$conn"
trap 'emb "$TOP/scripts/pgembed.sh" stop' EXIT
run=$(readlink -f "$GOVREACH_VAR/pg")/run
t_eq "socket directory only for the server's user" "700" "$(stat -c %a "$run")"
t_eq "peer authentication, no trust" "0|1" "$(grep -c '^[^#]*trust' "$(readlink -f "$GOVREACH_VAR/pg")/data/pg_hba.conf")|$(grep -c '^local all all peer map=owner' "$(readlink -f "$GOVREACH_VAR/pg")/data/pg_hba.conf")"
t_ok "migrations as the pipeline's role" emb "$B/loader" -q --db "$conn" migrate
gq() { emb psql "$conn" -X -qtA -c "$1" 2>&1; }
t_eq "the pipeline's role is not a superuser" "false|false" "$(gq "SELECT rolsuper || '|' || rolcreaterole FROM pg_roles WHERE rolname = current_user")"
t_match "the pipeline's role cannot COPY ... FROM PROGRAM" "must be superuser or have privileges of the pg_execute_server_program role" "$(gq "COPY (SELECT 1) TO PROGRAM 'id'")"
t_match "... nor read server files" "permission denied|must be superuser" "$(gq "SELECT pg_read_file('/etc/passwd')")"
gq "INSERT INTO src.organisation (org_key, name, level) VALUES ('o', '机构', 'central')" >/dev/null

login=$(emb "$TOP/scripts/pgembed.sh" research)
t_eq "pgembed research prints the login command" "psql \"host=$run port=5432 user=research dbname=govreach\"" "$login"
rconn="host=$run port=5432 user=research dbname=govreach"
rq() { emb psql "$rconn" -X -qtA -c "$1" 2>&1; }
# rq2 A B: A, then B in a transaction of its own (a SET that must outlive its transaction)
rq2() { emb psql "$rconn" -X -qtA -c "$1" -c "$2" 2>&1; }
t_eq "research logs in on the embedded cluster" "research|1" "$(rq "SELECT current_user || '|' || count(*) FROM src.organisation")"
t_match "research cannot write" "read-only transaction|permission denied" "$(rq "INSERT INTO src.organisation (org_key, name, level) VALUES ('x', 'x', 'central')")"
t_match "... not even after leaving read-only mode" "permission denied" "$(rq2 "SET default_transaction_read_only = off" "INSERT INTO src.organisation (org_key, name, level) VALUES ('x', 'x', 'central')")"
t_match "... nor create tables" "read-only transaction|permission denied" "$(rq2 "SET default_transaction_read_only = off" "CREATE TABLE src.mine (a int)")"
t_match "research cannot read crawl" "permission denied for schema crawl" "$(rq "SELECT count(*) FROM crawl.frontier")"
t_match "research cannot become the owner" "permission denied to set role" "$(rq "SET ROLE govreach")"
t_eq "research reads the report" "0" "$(rq "SELECT count(*) FROM report.t2_1_central_wechat")"
if [ "$(id -u)" = 0 ]; then
  out=$(cd / && runuser -u nobody -- env -u PGHOST -u PGPORT -u PGUSER psql "$conn" -X -qtA -c "SELECT 1" 2>&1); rc=$?
  t_eq "another OS user cannot connect" 2 $rc
  t_match "... refused at the socket" "Permission denied|authentication failed" "$out"
  out=$(cd / && runuser -u nobody -- env -u PGHOST -u PGPORT -u PGUSER psql "$rconn" -X -qtA -c "SELECT 1" 2>&1); rc=$?
  t_eq "... not even as research" 2 $rc
else
  t_ok "another OS user cannot connect (needs root to try; skipped)" true
fi

# ---------------------------------------------------------------- shared server: grant-research
t_ok "migrations on the shared server" "$B/loader" -q migrate
q "INSERT INTO src.organisation (org_key, name, level) VALUES ('o', '机构', 'central')"
out=$("$B/loader" grant-research alice 2>&1); rc=$?
t_eq "grant-research makes a login" 0 $rc
pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
t_match "... and prints its generated password once" "^[0-9a-f]{32}$" "$pw"
aq() { PGUSER=alice psql -X -qtA -c "$1" 2>&1; }
aq2() { PGUSER=alice psql -X -qtA -c "$1" -c "$2" 2>&1; }
t_eq "the login is a member of research and nothing else" "false|false|false|false|research" "$(q "SELECT r.rolsuper || '|' || r.rolcreaterole || '|' || r.rolcreatedb || '|' || r.rolreplication || '|' || (SELECT string_agg(g.rolname, ',') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) FROM pg_roles r WHERE rolname = 'alice'")"
t_eq "the login reads src, obs, score and report" "1|0|0|0" "$(aq "SELECT (SELECT count(*) FROM src.organisation) || '|' || (SELECT count(*) FROM obs.wechat_stat) || '|' || (SELECT count(*) FROM score.run) || '|' || (SELECT count(*) FROM report.coverage WHERE platform = 'weibo')")"
t_match "... not crawl" "permission denied for schema crawl" "$(aq "SELECT count(*) FROM crawl.host")"
t_match "... not meta" "permission denied for schema meta" "$(aq "SELECT count(*) FROM meta.load_ledger")"
t_match "... and writes nothing" "read-only transaction|permission denied" "$(aq "DELETE FROM src.organisation")"
t_match "... even outside read-only mode" "permission denied" "$(aq2 "SET default_transaction_read_only = off" "DELETE FROM src.organisation")"
t_ok "grant-research again repairs the same login" "$B/loader" -q grant-research alice
q "CREATE ROLE bob LOGIN CREATEDB"
out=$("$B/loader" grant-research bob 2>&1); rc=$?
t_eq "a role with other rights is left alone" 65 $rc
t_match "... and the message says why" "role bob exists and has rights beyond reading" "$out"
t_fail "a name that is not a plain identifier is refused" 64 "$B/loader" grant-research 'x; DROP TABLE src.app'
