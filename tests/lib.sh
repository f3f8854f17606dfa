# Helpers for integration tests (tests/integration/*.sh). Each script runs in its
# own empty directory ($GR_WORK) with PGDATABASE set to a fresh database, and
# records results as TAP-like lines in $GR_RESULTS:
#   t_ok NAME CMD...        passes when CMD exits 0
#   t_fail NAME CODE CMD... passes when CMD exits with CODE
#   t_eq NAME EXPECTED ACTUAL
#   t_match NAME REGEX TEXT
#   q SQL                   prints the result of one query (unaligned, tuples only)
set -u
B=${GR_BIN:?}
TOP=${GR_TOP:?}
export GOVREACH_SHARE=$TOP
export GOVREACH_VAR=$GR_WORK/var

_t_res() { echo "$1" >>"$GR_RESULTS"; echo "$1"; }
t_ok() {
  local name=$1; shift
  if "$@"; then _t_res "ok $name"; else _t_res "not ok $name (exit $?: $*)"; fi
}
t_fail() {
  local name=$1 code=$2; shift 2
  "$@"; local rc=$?
  if [ "$rc" = "$code" ]; then _t_res "ok $name"; else _t_res "not ok $name (exit $rc, want $code: $*)"; fi
}
t_eq() {
  if [ "$2" = "$3" ]; then _t_res "ok $1"; else _t_res "not ok $1: expected [$2] got [$3]"; fi
}
t_match() {
  if printf '%s' "$3" | grep -qE -- "$2"; then _t_res "ok $1"; else _t_res "not ok $1: [$3] does not match /$2/"; fi
}
q() { psql -X -v ON_ERROR_STOP=1 -qtA -c "$1"; }

# ---- simulated web and ground truth
# The test CA (scripts/test_ca.sh), made once per test run: simweb serves
# mp.weixin.qq.com over TLS with its certificate, the crawler verifies with
# SIMWEB_CA (crawler.ca_file), as the real https host would be verified.
SIMWEB_TLS=${GR_TEST_TMP:-$GR_WORK}/tls
SIMWEB_CA=$SIMWEB_TLS/ca.pem
simweb_tls_args() {
  "$GR_TOP/scripts/test_ca.sh" "$SIMWEB_TLS" && echo "--tls-port 0 --cert $SIMWEB_TLS/srv.pem --key $SIMWEB_TLS/srv.key"
}
# The crawler's connect_to for a simweb with plain port $1 and TLS port $2:
# https://mp.weixin.qq.com to the TLS port, every other host to the plain one.
simweb_connect() { echo "mp.weixin.qq.com:443:127.0.0.1:$2,127.0.0.1:$1"; }

# simweb_start NAME [ARGS...]: starts bin/simweb on a free port (and a TLS
# port) in the background; sets SIMWEB_PID, SIMWEB_PORT, SIMWEB_TLS_PORT and
# SIMWEB_CONNECT (the crawler's connect_to). simweb_stop stops it.
simweb_start() {
  local name=$1 tls; shift
  tls=$(simweb_tls_args) || return 1
  rm -f "$GR_WORK/$name.port"
  # shellcheck disable=SC2086
  "$B/simweb" --listen 127.0.0.1:0 --port-file "$GR_WORK/$name.port" $tls "$@" 2>>"$GR_WORK/$name.err" &
  SIMWEB_PID=$!
  for _ in $(seq 200); do [ -s "$GR_WORK/$name.port" ] && break; sleep 0.05; done
  read -r SIMWEB_PORT SIMWEB_TLS_PORT <"$GR_WORK/$name.port" 2>/dev/null
  SIMWEB_CONNECT=$(simweb_connect "$SIMWEB_PORT" "$SIMWEB_TLS_PORT")
  [ -n "$SIMWEB_PORT" ] && [ -n "$SIMWEB_TLS_PORT" ]
}
simweb_stop() { [ -n "${SIMWEB_PID:-}" ] && kill "$SIMWEB_PID" 2>/dev/null; wait "${SIMWEB_PID:-}" 2>/dev/null; SIMWEB_PID=; }

# truth_diff DIR: compares what obs.* holds (the latest snapshot of each thing)
# with simweb's truth files in DIR; prints "<table>|<missing>|<wrong>|<total>" per table
# and a few differing rows. missing: truth rows not stored as such; wrong: stored rows
# whose key the truth has but whose values differ (things that left simweb's 30-day
# window since an earlier crawl are neither).
truth_diff() {
  local dir=$1
  psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE t_app AS SELECT store, listing_id, downloads, downloads_capped, status FROM obs.app_listing WITH NO DATA;
\copy t_app FROM PROGRAM 'cut -f1,2,5,6,9 $dir/app_listing.tsv | tail -n +2'
CREATE TEMP TABLE t_wa AS SELECT account, followers, following, posts, status FROM obs.weibo_account WITH NO DATA;
\copy t_wa FROM PROGRAM 'cut -f1,3,4,5,6 $dir/weibo_account.tsv | tail -n +2'
CREATE TEMP TABLE t_wp AS SELECT account, post_id, kind, reposts, comments FROM obs.weibo_post WITH NO DATA;
\copy t_wp FROM PROGRAM 'cut -f1,2,4,5,6 $dir/weibo_post.tsv | tail -n +2'
CREATE TEMP TABLE t_ws AS SELECT biz, mid, idx, read_num, read_capped, like_num FROM obs.wechat_stat WITH NO DATA;
\copy t_ws FROM PROGRAM 'cut -f1-6 $dir/wechat_stat.tsv | tail -n +2'
CREATE TEMP TABLE t_art AS SELECT biz, mid, idx, status FROM obs.wechat_article WITH NO DATA;
\copy t_art FROM PROGRAM 'cut -f1,2,3,8 $dir/wechat_article.tsv | tail -n +2'
CREATE TEMP VIEW o_app AS SELECT DISTINCT ON (store, listing_id) store, listing_id, downloads, downloads_capped, status
  FROM obs.app_listing ORDER BY store, listing_id, fetched_at DESC;
CREATE TEMP VIEW o_wa AS SELECT DISTINCT ON (account) account, followers, following, posts, status
  FROM obs.weibo_account ORDER BY account, fetched_at DESC;
CREATE TEMP VIEW o_wp AS SELECT DISTINCT ON (account, post_id) account, post_id, kind, reposts, comments
  FROM obs.weibo_post ORDER BY account, post_id, fetched_at DESC;
CREATE TEMP VIEW o_ws AS SELECT DISTINCT ON (biz, mid, idx) biz, mid, idx, read_num, read_capped, like_num
  FROM obs.wechat_stat WHERE origin = 'appmsgext' AND status = 'ok' ORDER BY biz, mid, idx, fetched_at DESC;
CREATE TEMP VIEW o_art AS SELECT DISTINCT ON (biz, mid, idx) biz, mid, idx, status
  FROM obs.wechat_article ORDER BY biz, mid, idx, fetched_at DESC;
\pset format unaligned
\pset tuples_only on
SELECT 'app_listing', (SELECT count(*) FROM (SELECT * FROM t_app EXCEPT SELECT * FROM o_app) x),
                      (SELECT count(*) FROM (SELECT * FROM o_app WHERE (store, listing_id) IN (SELECT store, listing_id FROM t_app) EXCEPT SELECT * FROM t_app) x), (SELECT count(*) FROM t_app);
SELECT 'weibo_account', (SELECT count(*) FROM (SELECT * FROM t_wa EXCEPT SELECT * FROM o_wa) x),
                      (SELECT count(*) FROM (SELECT * FROM o_wa WHERE account IN (SELECT account FROM t_wa) EXCEPT SELECT * FROM t_wa) x), (SELECT count(*) FROM t_wa);
SELECT 'weibo_post', (SELECT count(*) FROM (SELECT * FROM t_wp EXCEPT SELECT * FROM o_wp) x),
                      (SELECT count(*) FROM (SELECT * FROM o_wp WHERE (account, post_id) IN (SELECT account, post_id FROM t_wp) EXCEPT SELECT * FROM t_wp) x), (SELECT count(*) FROM t_wp);
SELECT 'wechat_stat', (SELECT count(*) FROM (SELECT * FROM t_ws WHERE read_num IS NOT NULL EXCEPT SELECT * FROM o_ws) x),
                      (SELECT count(*) FROM (SELECT * FROM o_ws WHERE (biz, mid, idx) IN (SELECT biz, mid, idx FROM t_ws) EXCEPT SELECT * FROM t_ws) x), (SELECT count(*) FROM t_ws);
SELECT 'wechat_article', (SELECT count(*) FROM (SELECT * FROM t_art EXCEPT SELECT * FROM o_art) x),
                      (SELECT count(*) FROM (SELECT * FROM o_art WHERE (biz, mid, idx) IN (SELECT biz, mid, idx FROM t_art) EXCEPT SELECT * FROM t_art) x), (SELECT count(*) FROM t_art);
SELECT 'sample missing', * FROM (SELECT * FROM t_app EXCEPT SELECT * FROM o_app LIMIT 3) x;
SELECT 'sample missing', * FROM (SELECT * FROM t_ws WHERE read_num IS NOT NULL EXCEPT SELECT * FROM o_ws LIMIT 3) x;
SELECT 'sample missing', * FROM (SELECT * FROM t_wa EXCEPT SELECT * FROM o_wa LIMIT 3) x;
SELECT 'sample missing', * FROM (SELECT * FROM t_wp EXCEPT SELECT * FROM o_wp LIMIT 3) x;
SELECT 'sample missing', * FROM (SELECT * FROM t_art EXCEPT SELECT * FROM o_art LIMIT 3) x;
SELECT 'sample wrong', * FROM (SELECT * FROM o_ws WHERE (biz, mid, idx) IN (SELECT biz, mid, idx FROM t_ws) EXCEPT SELECT * FROM t_ws LIMIT 3) x;
SQL
}
# truth_check NAME DIR: one test per table: nothing missing, nothing wrong.
truth_check() {
  local name=$1 out
  out=$(truth_diff "$2" 2>&1)
  echo "$out" | grep sample | head -n 20
  for t in app_listing weibo_account weibo_post wechat_stat wechat_article; do
    local line; line=$(echo "$out" | grep "^$t|")
    t_match "$name: $t equals the truth (table|missing|wrong|total)" "^$t\|0\|0\|[1-9]" "$line"
  done
}
