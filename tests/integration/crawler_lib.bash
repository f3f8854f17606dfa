# Helpers shared by tests/integration/crawler_*.sh (sourced after tests/lib.sh;
# not a test itself, hence the .bash suffix).
HERE=$TOP/tests/integration
SW_PID=
CR_PIDS=
cr_cleanup() {
  local p
  for p in $CR_PIDS $SW_PID; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cr_cleanup EXIT

# start_simweb ARGS...: starts bin/simweb (log in sw.log; mp.weixin.qq.com
# also over TLS, tests/lib.sh), sets SW_PORT, SW_TLS_PORT and SW_CONNECT (the
# crawler's --connect-to).
start_simweb() {
  local tls
  tls=$(simweb_tls_args) || return 1
  rm -f sw.port
  # shellcheck disable=SC2086
  "$B/simweb" --port-file sw.port --log sw.log $tls "$@" >simweb.out 2>&1 &
  SW_PID=$!
  local i
  for i in $(seq 100); do [ -s sw.port ] && break; sleep 0.1; done
  read -r SW_PORT SW_TLS_PORT <sw.port
  SW_CONNECT=$(simweb_connect "$SW_PORT" "$SW_TLS_PORT")
}

stop_simweb() { [ -n "$SW_PID" ] && kill "$SW_PID" 2>/dev/null; wait "$SW_PID" 2>/dev/null; SW_PID=; }

# The universe's URLs as the truth lists them, one "METHOD URL [BODY]" a line.
# The history list URL discovered from a history page carries two more
# parameters than simweb's truth names (is_ok, scene); simweb answers both.
# The truth names pages by plain http URLs; the crawl reaches mp.weixin.qq.com
# over https (its seeds are https, and links found on an https page are).
norm_urls() { sed -e 's/&is_ok=1&scene=124//' -e 's|^\([A-Z]* \)https://mp\.weixin\.qq\.com/|\1http://mp.weixin.qq.com/|' | sort; }

# Every non-robots URL fetched to completion, in the truth's format.
fetched_urls() {
  q "SELECT f.method || ' ' || f.url || CASE WHEN f.post_body <> '' THEN ' ' || f.post_body ELSE '' END
     FROM crawl.fetch_log l JOIN crawl.frontier f ON f.id = l.frontier_id
     WHERE l.outcome = 'done' AND f.kind <> 'robots'" | norm_urls
}

# Common crawler settings for the simulated web (short timeouts, no delay).
CR_SET=(--set crawler.stats_schedule=0 --set crawler.idle_exit_seconds=2 --set crawler.delay_ms=0
        --set crawler.backoff_base_ms=200 --set crawler.timeout_ms=5000 --set crawler.poll_ms=20
        --set crawler.ca_file="$SIMWEB_CA")

# warcio from npm, installed once per test run; empty when npm is unavailable.
warcio_dir() {
  local d=${GR_TEST_TMP:-/tmp}/warcio
  if [ ! -f "$d/node_modules/warcio/package.json" ]; then
    mkdir -p "$d"
    (cd "$d" && timeout 180 npm install --silent --no-audit --no-fund warcio@2 >/dev/null 2>&1) || true
  fi
  [ -f "$d/node_modules/warcio/package.json" ] && command -v node >/dev/null && echo "$d"
}
