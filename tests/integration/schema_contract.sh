# The parser -> loader contract has one source, schema/ (003_obs.sql): the C side
# (lib/gr_rows.c record types and columns, the status strings of the sources and
# simweb, the store codes, the capped count; printed by bin/contract_dump) and
# simweb's truth-file headers are compared with a database migrated from it.
# Any difference (a column name, order or count, a record type, a status or
# store name, the capped constant) fails. The second half proves the check can
# fail: a deliberately altered copy of the schema must give each drift.
. "$GR_TOP/tests/lib.sh"

# Facts of a migrated database, in bin/contract_dump's line format.
schema_facts() {
  psql -X -v ON_ERROR_STOP=1 -qtA -d "$1" -f "$TOP/tests/contract/schema_facts.sql"
}

# simweb's truth files name obs columns: each header must be the obs table's
# columns in order, some left out (the truth has no provenance).
truth_facts() {
  local f t
  for f in truth/*.tsv; do
    t=$(basename "$f" .tsv)
    # the discovery truth (every account's true classification) is no obs record
    [ "$t" = discovery_account ] && continue
    python3 - "$t" "$(head -n 1 "$f")" "$(grep "^record_type $t " c.facts | cut -d' ' -f3)" <<'PY'
import sys
t, header, cols = sys.argv[1], sys.argv[2].split('\t'), sys.argv[3].split(',')
it = iter(cols)
if cols == [''] or not all(any(h == c for c in it) for h in header):
    print(f"truth {t}: header {','.join(header)} is not in the order of obs.{t} ({','.join(cols)})")
PY
  done
}

# contract_diff DB: the differences between the C side and DB's schema; exit 1 if any.
contract_diff() {
  schema_facts "$1" | sort -u >"$1.facts" || return 2
  diff "$1.facts" c.facts | sed -n 's/^< /schema only: /p; s/^> /C only:      /p' >"$1.diff"
  truth_facts >>"$1.diff"
  cat "$1.diff"
  [ ! -s "$1.diff" ]
}

t_ok "migrate" $B/loader -q migrate
t_ok "contract_dump prints the C side" sh -c "$B/contract_dump | sort -u >c.facts"
t_eq "the C side names every record type of the enum" "8" "$(grep -c '^record_type ' c.facts)"
t_ok "simweb writes its truth" $B/simweb --accounts 20 --weibo 10 --apps 10 --date 2014-10-01 --truth truth
t_eq "simweb wrote truth for five record types (and the discovery truth)" "5 1" "$(ls truth/*.tsv | grep -vc '/discovery_account.tsv$') $(ls truth/discovery_account.tsv | wc -l)"
t_ok "the C side agrees with schema/ (no drift)" contract_diff "$PGDATABASE"

# --- a deliberately altered copy of the contract's migrations must fail the check
mkdir alt
cp "$TOP"/schema/00[123]_*.sql alt/
python3 - alt/003_obs.sql <<'PY' || echo "alteration failed" >alt.err
import re, sys
p = sys.argv[1]
s = open(p, encoding='utf-8').read()
def once(old, new, within=None):
    global s
    if within:
        start = s.index(within)
        end = s.index(');', start)
        block = s[start:end]
        assert block.count(old) == 1, (old, within)
        s = s[:start] + block.replace(old, new) + s[end:]
    else:
        assert s.count(old) >= 1, old
        s = s.replace(old, new)
once('like_raw', 'like_text')                                                # a column renamed
once('    sn           text,\n    title        text,\n', '    title        text,\n    sn           text,\n',
     'CREATE TABLE obs.wechat_history')                                      # two columns swapped
once('    mentions     integer CHECK (mentions >= 0),\n',
     '    mentions     integer CHECK (mentions >= 0),\n    lang         text,\n',
     'CREATE TABLE obs.weibo_post')                                          # a column added
once("'verification'", "'captcha'", 'CREATE TABLE obs.weibo_account')        # a status renamed
once("'wandoujia'", "'wdj'", 'CREATE TABLE obs.app_listing')                 # a store renamed
once('100001 when capped', '100000 when capped')                             # the cap changed
once("('parse_reject',", "('parse_rejects',")                                # a record type renamed
open(p, 'w', encoding='utf-8').write(s)
PY
t_eq "the schema copy was altered" "" "$(cat alt.err 2>/dev/null)"
alt=${PGDATABASE}_alt
dropdb --if-exists "$alt" 2>/dev/null
t_ok "createdb for the altered copy" createdb "$alt"
t_ok "the altered copy migrates" env PGDATABASE="$alt" $B/loader -q --schema alt migrate
contract_diff "$alt" >drift.txt
t_eq "the check fails on the altered copy" "1" "$?"
drift=$(cat drift.txt)
t_match "drift: a renamed column" "schema only: record_type wechat_stat .*like_text" "$drift"
t_match "drift: swapped columns" "schema only: record_type wechat_history biz,mid,idx,title,sn," "$drift"
t_match "drift: an added column" "schema only: record_type weibo_post .*mentions,lang," "$drift"
t_match "drift: a renamed status" "schema only: status .*captcha" "$drift"
t_match "drift: a renamed store" "schema only: store .*wdj" "$drift"
t_match "drift: the capped constant" "schema only: capped 100000" "$drift"
t_match "drift: the renamed column names the C side too" "C only: +record_type wechat_stat .*like_raw" "$drift"
t_match "drift: a record type missing from the schema" "C only: +record_type parse_reject " "$drift"
dropdb --if-exists "$alt" 2>/dev/null
