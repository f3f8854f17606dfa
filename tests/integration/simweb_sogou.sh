# simweb's Sogou WeChat account search (issue 16): ten results a page by relevance, paging,
# the empty page, profile pages with temporary links that reveal __biz, the anti-spider
# redirect under a fast client; the search universe's truth (levels down to townships,
# lookalikes), its determinism, and the registry's evaluation against it (small universe).
. "$GR_TOP/tests/lib.sh"

t_ok "truth written" $B/simweb --date 2014-10-01 --no-named --truth truth
t_ok "truth again" $B/simweb --date 2014-10-01 --no-named --truth truth2
t_eq "truth is deterministic" "$(md5sum < truth/discovery_account.tsv)" "$(md5sum < truth2/discovery_account.tsv)"
t_eq "search universe: 60 government accounts and 12 lookalikes" "60 12" \
  "$(awk -F'\t' 'NR>1 {n[$6]++} END {print n["t"], n["f"]}' truth/discovery_account.tsv)"
t_eq "every level, townships included" "central city county province township" \
  "$(awk -F'\t' 'NR>1 && $6=="t" {print $8}' truth/discovery_account.tsv | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_eq "lookalikes of every kind" "company media school unverified" \
  "$(awk -F'\t' 'NR>1 && $6=="f" {print $7}' truth/discovery_account.tsv | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_eq "wechat ids unique" "72" "$(tail -n +2 truth/discovery_account.tsv | cut -f1 | sort -u | wc -l)"

if simweb_start sogou --date 2014-10-01 --no-named --sogou-rate 2 --sogou-burst 5 --sogou-block-ms 2000; then
  python3 "$TOP/tests/integration/simweb_sogou_check.py" "$SIMWEB_PORT" truth > check.out 2>&1
  while IFS= read -r line; do
    case $line in
      "ok "*) _t_res "$line" ;;
      "not ok "*) _t_res "$line" ;;
      *) _t_res "not ok simweb_sogou_check: $line" ;;
    esac
  done < check.out
  simweb_stop
else
  _t_res "not ok simweb starts"
fi
t_fail "a missing gazetteer named explicitly exits 66" 66 $B/simweb --no-named --divisions nowhere --truth t3

# the registry against the truth (a small universe; the crawl of Sogou end to end is discovery_crawl.sh:
# the candidate rows come from the truth, through the documented loading path)
t_ok "migrate" $B/loader -q migrate
t_ok "divisions" $B/loader -q divisions
python3 "$TOP/tests/integration/discovery_rows.py" truth rows.discovered_account.tsv
t_ok "candidates load" $B/loader -q candidates load rows.discovered_account.tsv
out=$($B/loader -q candidates evaluate --check truth); rc=$?
printf '%s\n' "$out"
t_eq "every measure meets its target on the small universe" 0 $rc
t_eq "all government accounts found" "100.00" "$(printf '%s\n' "$out" | awk -F'\t' '$1=="government accounts found" {print $2}')"
t_eq "lookalikes rejected" "100.00" "$(printf '%s\n' "$out" | awk -F'\t' '$1=="lookalikes rejected" {print $2}')"
t_eq "township accounts classified at their level" \
  "$(awk -F'\t' 'NR>1 && $8=="township"' truth/discovery_account.tsv | wc -l)" \
  "$(q "SELECT count(*) FROM src.discovered_account WHERE level = 'township'")"
# the evaluation can fail: a registry that took every account for a government body
q "UPDATE src.discovered_account SET is_gov = true" >/dev/null
t_fail "evaluate --check fails when lookalikes are taken in" 1 $B/loader -q candidates evaluate --check truth
