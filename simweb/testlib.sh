# Helpers for the simweb integration tests (tests/integration/simweb_*.sh),
# sourced after tests/lib.sh.
#   sw_start NAME [OPTIONS...]  start bin/simweb in the background (ephemeral port);
#                               sets SW_PORT (and SW_TLS_PORT with --tls-port); stderr goes to NAME.err
#   sw_stop_all                 stop every simweb this script started (also on exit)
#   swc [CURL ARGS...]          curl through the simulated web (real host names kept)
#   swu URL                     the body of URL as UTF-8 (GBK pages converted)
SW_PIDS=()
SW_DATE=2014-10-01

sw_start() {
  local name=$1 i
  shift
  rm -f "$name.port"
  "$B/simweb" --port-file "$name.port" "$@" 2>"$name.err" &
  SW_PIDS+=($!)
  for i in $(seq 200); do
    [ -s "$name.port" ] && break
    sleep 0.05
  done
  read -r SW_PORT SW_TLS_PORT <"$name.port" 2>/dev/null   # "PLAIN [TLS]"
}

sw_stop_all() {
  local p
  for p in "${SW_PIDS[@]}"; do
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  SW_PIDS=()
}
trap sw_stop_all EXIT

swc() { curl -s --max-time 30 --connect-to "::127.0.0.1:$SW_PORT" "$@"; }

swu() {
  local tmp ct
  tmp=$(mktemp)
  ct=$(swc -o "$tmp" -w '%{content_type}' "$1")
  case $ct in
    *gbk*) iconv -f gbk -t utf-8 "$tmp" ;;
    *) cat "$tmp" ;;
  esac
  rm -f "$tmp"
}
