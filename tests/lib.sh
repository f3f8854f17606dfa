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
