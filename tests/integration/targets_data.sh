# shellcheck shell=bash
# Target lists conf/targets/*.csv against the report's tables (no database needed):
# every account in 表1.2-3.2 and every app in 表4.1 is listed, keys are unique and
# well-formed, levels/provinces valid, org_key references resolve, and every body of
# the combined tables (表1.2, 表1.3) has a WeChat and a Weibo account on one org_key.
# If bin/loader exists, the files are also loaded into the test database.
# shellcheck source=tests/lib.sh
source "$GR_TOP/tests/lib.sh"

DIR=${GR_TARGETS_DIR:-$TOP/conf/targets}
TABLES=${GR_REPORT_TABLES:-/work/shared/report/tables}
[ -d "$TABLES" ] || TABLES=$TOP/tests/data/report/tables

# The checks are written in Python (RFC 4180 parsing); each prints one line
# "NAME<TAB>PROBLEMS" and an empty PROBLEMS means the check passed.
python3 - "$DIR" "$TABLES" >checks.tsv <<'PY'
import base64, csv, os, re, sys
from collections import Counter, defaultdict

d, tables = sys.argv[1], sys.argv[2]
out = []
def check(name, problems):
    out.append((name, "; ".join(problems[:8]) + (" ..." if len(problems) > 8 else "")))

REQ = {
    "organisations": ["org_key", "name", "level"],
    "wechat_accounts": ["biz", "name", "level"],
    "weibo_accounts": ["account", "name", "level"],
    "apps": ["app_key", "name", "level"],
    "store_listings": ["store", "listing_id", "app_key", "url"],
}
f = {}
for base, req in REQ.items():
    path = os.path.join(d, base + ".csv")
    probs = []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, strict=True))
            hdr = rows[0].keys() if rows else []
    except Exception as e:
        rows, hdr = [], []
        probs.append("%s: %s" % (path, e))
    probs += ["%s.csv: no column %s" % (base, c) for c in req if c not in hdr]
    probs += ["%s.csv line %d: empty %s" % (base, i + 2, c)
              for i, r in enumerate(rows) for c in req if not (r.get(c) or "").strip()]
    if not rows:
        probs.append("%s.csv: no rows" % base)
    f[base] = rows
    check("csv_" + base, probs)

def tsv(name):
    with open(os.path.join(tables, name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))

wx_names = {r["name"] for r in f["wechat_accounts"]}
wb_names = {r["name"] for r in f["weibo_accounts"]}
app_names = {r["name"] for r in f["apps"]}

# 1. every name in the report tables is listed
def split_combined(n):
    m = re.fullmatch(r"(.+?)\((.+)\)", n)
    return (m.group(1), m.group(2)) if m else (n, n)

combined = []
for t in ("t1_2_central_combined.tsv", "t1_3_local_combined.tsv"):
    for r in tsv(t):
        combined.append(split_combined(r["name"]))
p = ["WeChat %s" % w for w, _ in combined if w not in wx_names]
p += ["Weibo %s" % b for _, b in combined if b not in wb_names]
check("names_combined_tables", p)
p = []
for t in ("t2_1_central_wechat.tsv", "t2_2_local_wechat.tsv", "t2_3_party_publicity_wechat.tsv",
          "t2_4_police_traffic_wechat.tsv", "t2_5_judicial_wechat.tsv", "t2_6_health_wechat.tsv"):
    p += ["%s: %s" % (t, r["name"]) for r in tsv(t) if r["name"] not in wx_names]
p += ["t2_7: %s" % r["account"] for r in tsv("t2_7_hot_articles.tsv") if r["account"] not in wx_names]
check("names_wechat_tables", p)
p = []
for t in ("t3_1_central_weibo.tsv", "t3_2_local_weibo.tsv"):
    p += ["%s: %s" % (t, r["name"]) for r in tsv(t) if r["name"] not in wb_names]
check("names_weibo_tables", p)
t41 = tsv("t4_1_app_store_top10.tsv")
check("names_apps", ["%s: %s" % (r["store"], r["app"]) for r in t41 if r["app"] not in app_names])

# 2. keys unique
def dups(rows, key):
    c = Counter(key(r) for r in rows)
    return ["duplicate %s" % (k,) for k, n in c.items() if n > 1]
check("unique_org_key", dups(f["organisations"], lambda r: r["org_key"]))
check("unique_biz", dups(f["wechat_accounts"], lambda r: r["biz"]))
check("unique_weibo_account", dups(f["weibo_accounts"], lambda r: r["account"]))
check("unique_app_key", dups(f["apps"], lambda r: r["app_key"]))
check("unique_listing", dups(f["store_listings"], lambda r: (r["store"], r["listing_id"]))
      + dups(f["store_listings"], lambda r: (r["store"], r["app_key"])))
check("unique_names", dups(f["wechat_accounts"], lambda r: r["name"])
      + dups(f["weibo_accounts"], lambda r: r["name"]) + dups(f["apps"], lambda r: r["name"]))

# 3. key shapes
p = []
for r in f["wechat_accounts"]:
    try:
        ok = re.fullmatch(r"[1-9][0-9]{9}", base64.b64decode(r["biz"], validate=True).decode("ascii"))
    except Exception:
        ok = None
    if not ok:
        p.append("biz %s (%s) is not base64 of 10 digits" % (r["biz"], r["name"]))
check("biz_shape", p)
check("weibo_account_shape", ["%s" % r["account"] for r in f["weibo_accounts"]
                              if not re.fullmatch(r"[a-z][a-z0-9_]{2,39}", r["account"])])
check("org_key_shape", [r["org_key"] for r in f["organisations"]
                        if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", r["org_key"])])
check("app_key_shape", [r["app_key"] for r in f["apps"]
                        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+", r["app_key"])])

# 4. levels and provinces
LEVELS = {"central", "province", "city", "county"}
p = []
for base in ("organisations", "wechat_accounts", "weibo_accounts", "apps"):
    for i, r in enumerate(f[base]):
        lv, pv = r["level"], (r.get("province") or "")
        where = "%s.csv line %d (%s)" % (base, i + 2, r["name"])
        if lv not in LEVELS:
            p.append("%s: level %r" % (where, lv))
        elif lv == "central" and pv:
            p.append("%s: central with province %s" % (where, pv))
        elif lv != "central" and not pv:
            p.append("%s: %s-level without province" % (where, lv))
check("levels_provinces", p)
if "kind" in (f["weibo_accounts"][0].keys() if f["weibo_accounts"] else []):
    check("weibo_kind", [r["account"] for r in f["weibo_accounts"]
                         if r["kind"] not in ("", "organisation", "civil_servant")])

# 5. org references resolve, and accounts agree with their organisation
orgs = {r["org_key"]: r for r in f["organisations"]}
p, q = [], []
for base in ("wechat_accounts", "weibo_accounts", "apps"):
    for r in f[base]:
        k = r.get("org_key") or ""
        if not k:
            continue
        if k not in orgs:
            p.append("%s %s -> %s" % (base, r["name"], k))
        elif base != "apps" and (orgs[k]["level"], orgs[k]["province"]) != (r["level"], r["province"]):
            q.append("%s %s level/province differ from %s" % (base, r["name"], k))
check("org_refs_exist", p)
check("accounts_match_org", q)
wx_org = {r["name"]: r.get("org_key") or "" for r in f["wechat_accounts"]}
wb_org = {r["name"]: r.get("org_key") or "" for r in f["weibo_accounts"]}
check("accounts_have_org", ["WeChat " + n for n, k in wx_org.items() if not k]
      + ["Weibo " + n for n, k in wb_org.items() if not k])

# 6. combined-table bodies: WeChat and Weibo on one org_key, one of each
per_org = defaultdict(lambda: [0, 0])
for k in wx_org.values():
    per_org[k][0] += 1
for k in wb_org.values():
    per_org[k][1] += 1
p = []
for w, b in combined:
    kw, kb = wx_org.get(w), wb_org.get(b)
    if not kw or kw != kb:
        p.append("%s/%s: org_key %s vs %s" % (w, b, kw, kb))
    elif per_org[kw] != [1, 1]:
        p.append("%s: org %s has %d WeChat, %d Weibo" % (w, kw, *per_org[kw]))
check("combined_bodies_linked", p)
# the same name on WeChat and Weibo means the same body
check("same_name_same_org", ["%s: %s vs %s" % (n, wx_org[n], wb_org[n])
                             for n in wx_names & wb_names if wx_org[n] != wb_org[n]])

# 7. store listings: one per (store, app) of 表4.1, with the store's id and URL shape
STORE = {"360": "360", "qq": "yyb", "91": "91", "baidu": "baidu", "wandoujia": "wandoujia",
         "appstore": "appstore"}
app_key = {r["name"]: r["app_key"] for r in f["apps"]}
want = {(STORE[r["store"]], app_key.get(r["app"])) for r in t41 if r["store"] != "total"}
have = {(r["store"], r["app_key"]) for r in f["store_listings"]}
check("listings_cover_table", ["missing %s/%s" % w for w in sorted(want - have, key=str)]
      + ["extra %s/%s" % h for h in sorted(have - want)])
apps_keys = set(app_key.values())
URL = {
    "360": lambda r: r["listing_id"].isdigit() and r["url"] == "http://zhushou.360.cn/detail/index/soft_id/" + r["listing_id"],
    "91": lambda r: r["listing_id"] == r["app_key"] and re.fullmatch(re.escape("http://apk.91.com/Soft/Android/" + r["app_key"]) + r"-[0-9]+\.html", r["url"]),
    "yyb": lambda r: r["listing_id"] == r["app_key"] and r["url"] == "http://sj.qq.com/myapp/detail.htm?apkName=" + r["app_key"],
    "baidu": lambda r: r["listing_id"].isdigit() and r["url"] == "http://shouji.baidu.com/software/%s.html" % r["listing_id"],
    "wandoujia": lambda r: r["listing_id"] == r["app_key"] and r["url"] == "http://www.wandoujia.com/apps/" + r["app_key"],
    "appstore": lambda r: r["listing_id"].isdigit() and r["url"] == "http://itunes.apple.com/lookup?id=%s&country=cn" % r["listing_id"],
}
p = []
for r in f["store_listings"]:
    if r["store"] not in URL:
        p.append("unknown store %s" % r["store"])
    elif r["app_key"] not in apps_keys:
        p.append("%s listing %s: unknown app_key %s" % (r["store"], r["listing_id"], r["app_key"]))
    elif not URL[r["store"]](r):
        p.append("%s listing %s: bad id/url %s" % (r["store"], r["listing_id"], r["url"]))
check("listing_shapes", p)

for name, probs in out:
    print("%s\t%s" % (name, probs.replace("\t", " ").replace("\n", " ")))
PY
t_eq targets_checks_ran 0 "$?"
t_ok targets_checks_nonempty test -s checks.tsv
while IFS=$'\t' read -r name problems; do
    t_eq "targets_$name" "" "$problems"
done <checks.tsv

# The generator (if committed) reproduces the files byte for byte.
if [ -f "$TOP/scripts/make-targets.py" ] && [ -z "${GR_TARGETS_DIR:-}" ]; then
    mkdir -p regen
    t_ok targets_regenerate env GR_REPORT_TABLES="$TABLES" python3 "$TOP/scripts/make-targets.py" regen
    for c in organisations wechat_accounts weibo_accounts apps store_listings; do
        t_ok "targets_regenerate_same_$c" cmp -s "regen/$c.csv" "$DIR/$c.csv"
    done
fi

# Loaded by the real loader, when it has been built (otherwise this part is skipped).
if [ -x "$B/loader" ]; then
    t_ok targets_loader_migrate "$B/loader" migrate
    t_ok targets_loader_targets "$B/loader" targets "$DIR"
    for pair in organisation:organisations wechat_account:wechat_accounts \
                weibo_account:weibo_accounts app:apps store_listing:store_listings; do
        tbl=${pair%%:*} csvf=${pair#*:}
        want=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8"))))' "$DIR/$csvf.csv")
        t_eq "targets_loaded_$tbl" "$want" "$(q "SELECT count(*) FROM src.$tbl")"
    done
else
    echo "# bin/loader not built: load check skipped"
fi
