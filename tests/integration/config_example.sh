# conf/govreach.conf.example: every program accepts it, and it documents every key
# every program knows.
. "$GR_TOP/tests/lib.sh"
EX=$TOP/conf/govreach.conf.example
t_ok "loader accepts the example" $B/loader -q --config "$EX" migrate
: >empty.txt
t_ok "crawler accepts the example" $B/crawler --config "$EX" --urls empty.txt --out w
t_fail "parser accepts the example (then misses its input)" 66 $B/parser --config "$EX" --out p nosuch.warc.gz
out=$($B/govreach --config "$EX" --no-crawl nightly 2>&1); rc=$?
t_eq "the nightly driver accepts the example" 0 $rc
t_ok "scorer accepts the example" $B/scorer --config "$EX" list
keys_of() { "$@" 2>&1 | sed -n 's/^  \([a-z_:*]*\.[a-z_]*\) .*/\1/p' | sed 's/^host:\*\./host:mp.weixin.qq.com./'; }
documented() { # section.key -> present in the example (commented or not)
  local sec=${1%.*} key=${1##*.}
  awk -v s="[$sec]" -v k="$key" '$0 == s {in_s = 1; next} /^\[/ {in_s = 0} in_s && ($0 ~ "^;?" k " =") {f = 1} END {exit !f}' "$EX"
}
all=$(keys_of $B/loader --help; keys_of $B/crawler --help-config; keys_of $B/parser --help; keys_of $B/govreach --help; keys_of $B/scorer --help)
t_match "the programs list their keys (more than 50)" "^([5-9][0-9]|[1-9][0-9][0-9])$" "$(echo "$all" | sort -u | wc -l)"
missing=
for k in $(keys_of $B/loader --help) $(keys_of $B/crawler --help-config) $(keys_of $B/parser --help) $(keys_of $B/govreach --help) $(keys_of $B/scorer --help); do
  documented "$k" || missing="$missing $k"
done
t_eq "every key of every program is documented in the example" "" "$missing"
bad=$(printf '[crawler]\ndelay_ms = fast\n' > bad.conf; $B/crawler --config bad.conf --urls empty.txt --out w 2>&1); rc=$?
t_eq "a bad crawler value exits 78" 78 $rc
t_match "and names file:line" "bad.conf:2" "$bad"
