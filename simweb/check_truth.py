#!/usr/bin/env python3
"""Compares what simweb serves with the truth it wrote.

usage: check_truth.py PORT TRUTH_DIR [dump DIR]

Fetches every URL of TRUTH_DIR/urls.txt from the simweb on 127.0.0.1:PORT
(Host header = the URL's host), extracts the numbers the way a careful parser
would (independently of simweb's C code) and checks each truth row against
them. Prints one line per failed check and a summary; exits 1 on any failure.
With `dump DIR`, writes every body to DIR/<n> instead (for determinism tests).
"""
import html
import http.client
import json
import os
import re
import sys
import unicodedata
from urllib.parse import unquote, urlsplit

port, tdir = int(sys.argv[1]), sys.argv[2]
dump = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "dump" else None
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
fails = []
checks = 0


def fetch(method, url, body=None):
    global conn
    u = urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    hdrs = {"Host": u.hostname}
    if body is not None:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    for attempt in range(2):
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            return r.status, r.getheader("Content-Type") or "", data
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    raise SystemExit("cannot fetch " + url)


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)


def text_of(ctype, data):
    cs = "gbk" if "gbk" in ctype.lower() else "utf-8"
    return data.decode(cs)


def rows(name):
    lines = open(os.path.join(tdir, name), encoding="utf-8").read().splitlines()
    head = lines[0].split("\t")
    out = []
    for l in lines[1:]:
        f = [None if x == "\\N" else x.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
             for x in l.split("\t")]
        out.append(dict(zip(head, f)))
    return out


def count_value(s):
    """Exact integer of a display count: 8.3亿, 1.2万, 12,330,000, full-width digits, &nbsp;, comments."""
    s = re.sub(r"<!--.*?-->", "", s)
    s = html.unescape(s)
    s = unicodedata.normalize("NFKC", s).replace(",", "").replace(" ", "").replace("\u00a0", "")
    m = re.search(r"([0-9]+)(?:\.([0-9]+))?(亿|万)?", s)
    if not m:
        return None
    whole, frac, unit = m.group(1), m.group(2) or "", m.group(3)
    mult = {"亿": 10**8, "万": 10**4, None: 1}[unit]
    return (int(whole + frac) * mult) // (10 ** len(frac))


urls = [l.split(" ", 2) for l in open(os.path.join(tdir, "urls.txt"), encoding="utf-8").read().splitlines()]
if dump:
    os.makedirs(dump, exist_ok=True)
    for n, u in enumerate(urls):
        st, ct, data = fetch(u[0], u[1], u[2] if len(u) > 2 else None)
        with open(os.path.join(dump, "%05d" % n), "wb") as f:
            f.write(b"%d %s\n" % (st, ct.encode()) + data)
    print("dumped %d pages" % len(urls))
    sys.exit(0)

pages = {}
for u in urls:
    st, ct, data = fetch(u[0], u[1], u[2] if len(u) > 2 else None)
    pages[(u[0], u[1], u[2] if len(u) > 2 else None)] = (st, ct, data)
    check(st in (200, 404), "status %d for %s" % (st, u[1]))

# ---- WeChat ----------------------------------------------------------------
arts = rows("wechat_article.tsv")
stats = {(r["biz"], r["mid"], r["idx"]): r for r in rows("wechat_stat.tsv")}
status_text = {"deleted": "该内容已被发布者删除", "blocked": "此帐号已被屏蔽", "expired": "链接已过期"}
listed = {}
for key, (st, ct, data) in pages.items():
    if "action=home" in key[1]:
        t = text_of(ct, data)
        m = re.search(r"var msgList = '(.*?)';", t)
        check(m is not None, "home without msgList: " + key[1])
        if m:
            doc = json.loads(html.unescape(m.group(1)))
            biz = re.search(r"__biz=([^&]+)", key[1]).group(1)
            for it in doc["list"]:
                for a in [it["app_msg_ext_info"]] + it["app_msg_ext_info"].get("multi_app_msg_item_list", []):
                    listed.setdefault(biz, set()).add(a["content_url"].replace("amp;", ""))
    elif "action=getmsg" in key[1]:
        j = json.loads(data)
        doc = json.loads(j["general_msg_list"])
        biz = re.search(r"__biz=([^&]+)", key[1]).group(1)
        for it in doc["list"]:
            check(it["comm_msg_info"]["type"] == 49, "getmsg item type")
            for a in [it["app_msg_ext_info"]] + it["app_msg_ext_info"].get("multi_app_msg_item_list", []):
                listed.setdefault(biz, set()).add(a["content_url"].replace("amp;", ""))
stat_pages = {}
for key, val in pages.items():
    if key[0] == "POST" and "getappmsgext" in key[1]:
        f = dict((kv.split("=", 1)[0], unquote(kv.split("=", 1)[1])) for kv in key[2].split("&") if "=" in kv)
        stat_pages[(f["__biz"], f["mid"], f["idx"])] = val
footers = 0
for r in arts:
    url = "http://mp.weixin.qq.com/s?__biz=%s&mid=%s&idx=%s&sn=%s" % (r["biz"], r["mid"], r["idx"], r["sn"])
    check(url + "#rd" in listed.get(r["biz"], set()), "article not listed in its history: " + url)
    st, ct, data = pages[("GET", url, None)]
    t = text_of(ct, data)
    s = stats[(r["biz"], r["mid"], r["idx"])]
    j = json.loads(stat_pages[(r["biz"], r["mid"], r["idx"])][2])
    if r["status"] == "ok":
        check(25000 <= len(t.encode()) <= 60000, "article size %d: %s" % (len(t.encode()), url))
        m = re.search(r'var ct = "(\d+)"', t)
        import datetime
        ts = datetime.datetime.fromtimestamp(int(m.group(1)), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if m else None
        check(ts == r["published_at"], "ct %s vs %s: %s" % (ts, r["published_at"], url))
        m = re.search(r'var msg_title = "([^"]*)"', t)
        check(m and m.group(1) == r["title"], "title: " + url)
        m = re.search(r'var nickname = "([^"]*)"', t)
        check(m and m.group(1) == r["account_name"], "nickname: " + url)
        m = re.search(r'var mid = "" \|\| "" \|\| "(\d+)"', t)
        check(m and m.group(1) == r["mid"], "mid var: " + url)
        st_ = j.get("appmsgstat", {})
        check(str(st_.get("read_num")) == s["read_num"] and str(st_.get("like_num")) == s["like_num"],
              "getappmsgext %s/%s vs truth %s/%s: %s" % (st_.get("read_num"), st_.get("like_num"), s["read_num"], s["like_num"], url))
        check((int(s["read_num"]) == 100001) == (s["read_capped"] == "t"), "capped flag: " + url)
        m = re.search(r'id="readNum">阅读 ([^<]*)</em>', t)
        if m:
            footers += 1
            raw = m.group(1)
            if raw.endswith("+"):
                check(s["read_capped"] == "t" and raw in ("100000+", "10万+"), "footer cap %s: %s" % (raw, url))
            else:
                check(raw == s["read_num"], "footer reads %s vs %s: %s" % (raw, s["read_num"], url))
            m2 = re.search(r'id="likeNum">(\d+)<', t)
            check(m2 and m2.group(1) == s["like_num"], "footer likes: " + url)
    else:
        check("appmsgstat" not in j, "stats for a %s article: %s" % (r["status"], url))
        check(s["read_num"] is None and s["like_num"] is None, "truth counts for a non-ok article: " + url)
        if r["status"] == "verification":
            check("访问过于频繁" in t or "环境异常" in t, "verification page: " + url)
        else:
            check(status_text[r["status"]] in t, "%s page: %s" % (r["status"], url))
check(footers > 0, "no 2014 footer pages")

# ---- Tencent Weibo ---------------------------------------------------------
for r in rows("weibo_account.tsv"):
    url = "http://open.t.qq.com/api/user/other_info?format=json&name=" + r["account"]
    j = json.loads(pages[("GET", url, None)][2])
    if r["status"] == "ok":
        d = j["data"]
        check(d and [str(d["fansnum"]), str(d["idolnum"]), str(d["tweetnum"]), d["nick"]] ==
              [r["followers"], r["following"], r["posts"], r["nick"]], "weibo account " + r["account"])
    else:
        check(j["data"] is None and r["status"] == "error", "weibo null data " + r["account"])
served = set()
for key, (st, ct, data) in pages.items():
    if "user_timeline" in key[1]:
        j = json.loads(data)
        for p in j["data"]["info"]:
            kind = {1: "original", 2: "repost", 4: "reply", 7: "comment"}.get(p["type"], "other")
            import datetime
            ts = datetime.datetime.fromtimestamp(p["timestamp"], datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            served.add((p["name"], p["id"], ts, kind, str(p["count"]), str(p["mcount"]), str(p["text"].count("@"))))
truth_posts = set(tuple(r.values()) for r in rows("weibo_post.tsv"))
check(served == truth_posts, "weibo posts: %d served, %d in truth, %d differ" %
      (len(served), len(truth_posts), len(served ^ truth_posts)))

# ---- stores ----------------------------------------------------------------
listing_url = {}
for l in urls:
    listing_url.setdefault(l[1], l[1])
pat = {
    "360": r'<span class="s-3">下载：(.*?)次</span>',
    "91": r"<li>下载次数：(.*?)</li>",
    "yyb": r'<div class="det-ins-num">(.*?)下载</div>',
    "baidu": r'<span class="download-num">下载次数: (.*?)</span>',
    "wandoujia": r'<i itemprop="interactionCount">(.*?)</i>',
}
import csv as _csv
stores = {}
for r in rows("app_listing.tsv"):
    stores[r["store"]] = stores.get(r["store"], 0) + 1
lst = [l for l in urls if not l[1].startswith(("http://mp.", "http://open."))]
truth_ls = rows("app_listing.tsv")
check(len(lst) == len(truth_ls), "listing URL count")
for (m_, url, *_), r in zip(lst, truth_ls):
    st, ct, data = pages[("GET", url, None)]
    if r["status"] == "not_found":
        if r["store"] == "appstore":
            check(json.loads(data)["resultCount"] == 0, "removed app store listing " + url)
        else:
            check(st == 404, "removed listing should 404: " + url)
        continue
    check(st == 200, "listing status %d: %s" % (st, url))
    if r["store"] == "appstore":
        res = json.loads(data)["results"][0]
        check(str(res.get("userRatingCount")) == (r["rating_count"] or "None"), "ratings " + url)
        if r["rating_avg"]:
            check(abs(res["averageUserRating"] - float(r["rating_avg"])) < 1e-9, "rating avg " + url)
        check(res["bundleId"] == r["package"] and res["trackName"] == r["app_name"], "app names " + url)
        continue
    t = text_of(ct, data)
    m = re.search(pat[r["store"]], t)
    check(m is not None, "no count on " + url)
    if m:
        v = count_value(m.group(1))
        check((str(v) if v is not None else None) == r["downloads"],
              "downloads %r -> %s vs truth %s: %s" % (m.group(1), v, r["downloads"], url))

print("check_truth: %d checks, %d failed" % (checks, len(fails)))
for f in fails[:30]:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
