#!/usr/bin/env python3
"""Checks simweb's Sogou account search against its own truth, over real HTTP
(curl-free: urllib through the simulated host names mapped to 127.0.0.1:PORT).
Prints one "ok NAME" or "not ok NAME: why" line per check.

usage: simweb_sogou_check.py PORT TRUTH_DIR"""
import html, re, sys, time, urllib.parse, urllib.request, http.client

port, truth = int(sys.argv[1]), sys.argv[2]
rows = []
with open(truth + '/discovery_account.tsv', encoding='utf-8') as f:
    cols = f.readline().rstrip('\n').split('\t')
    for line in f:
        rows.append(dict(zip(cols, [None if v == '\\N' else v for v in line.rstrip('\n').split('\t')])))
by_id = {r['wechat_id']: r for r in rows}

def get(host, path):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=20)
    c.request('GET', path, headers={'Host': host})
    r = c.getresponse()
    body = r.read().decode('utf-8')
    return r.status, r.getheader('Location'), body

def say(ok, name, why=''):
    print(('ok ' if ok else 'not ok ') + name + ('' if ok else ': ' + why))

def search(q, page):
    return get('weixin.sogou.com', '/weixin?type=1&query=%s&page=%d' % (urllib.parse.quote(q), page))

def results(body):
    ids = re.findall(r'<label name="em_weixinhao">([^<]*)</label>', body)
    return [html.unescape(i) for i in ids]

def relevance(r, q):
    if r['name'] == q: return 50
    if r['name'].startswith(q): return 40
    if q in r['name']: return 30
    if r['verified_body'] and q in r['verified_body']: return 20
    if q in (r['description'] or ''): return 10
    return 0

# a query with more than ten matches: the commonest function word among the names
q = '公安'
matching = [r for r in rows if relevance(r, q)]
st, _, b1 = search(q, 1)
ids1 = results(b1)
say(st == 200 and len(ids1) == 10, 'page 1 has ten results', '%d %d (%d matching)' % (st, len(ids1), len(matching)))
rel = [relevance(by_id[i], q) for i in ids1]
say(all(x > 0 for x in rel) and rel == sorted(rel, reverse=True), 'results match and come by relevance', str(rel))
say(all(by_id[i]['name'] in html.unescape(re.sub(r'<em><!--red_beg-->|<!--red_end--></em>', '', b1)) for i in ids1),
    'each result shows its name', '')
bodies = [by_id[i]['verified_body'] for i in ids1 if by_id[i]['verified_body']]
say(all(html.escape(x, quote=False) in re.sub(r'<em><!--red_beg-->|<!--red_end--></em>', '', b1) for x in bodies) and
    b1.count('微信认证：') == len(bodies), 'verified accounts show their 认证, unverified ones none', '')
say(b1.count("timeConvert('") == 10 and b1.count('最近文章：') == 10, 'each result has its latest article and time', '')
seen, pages = [], 0
for p in range(1, 12):
    st, _, b = search(q, p)
    ids = results(b)
    if not ids:
        say('noresult_part1_container' in b, 'the page past the last is the empty page', b[:200])
        break
    pages += 1
    seen += ids
    time.sleep(0.5)   # the limit is 2 a second
want = min(len(matching), 100)
say(len(seen) == want and len(set(seen)) == len(seen), 'paging shows every match once, at most 100',
    '%d seen, %d unique, %d wanted' % (len(seen), len(set(seen)), want))
st, _, b = search('不存在的查询词', 1)
say(st == 200 and not results(b) and 'noresult_part1_container' in b, 'no match gives the empty page', b[:200])

# the profile link of the first result, then one of its temporary article links reveals __biz
m = re.search(r'uigs="account_name_0" href="([^"]+)"', b1)
purl = html.unescape(m.group(1)) if m else ''
u = urllib.parse.urlsplit(purl)
st, _, prof = get(u.netloc, u.path + '?' + u.query)
links = re.findall(r'"content_url":"([^"]+)"', prof)
say(st == 200 and len(links) == 5 and all('signature=' in l and 'src=3' in l for l in links) and
    by_id[ids1[0]]['name'] in prof, 'profile page lists five temporary links', prof[:300])
art = html.unescape(links[0]) if links else '/s'
st, _, a = get('mp.weixin.qq.com', art)
mb = re.search(r'var biz = "" \|\| "([^"]*)"', a)
say(st == 200 and mb and mb.group(1) == by_id[ids1[0]]['biz'], 'a temporary link reveals the account''s __biz',
    a[:300])
st, _, e = get('mp.weixin.qq.com', re.sub(r'timestamp=\d+', 'timestamp=1', art))
say('链接已过期' in e, 'a link of another day has expired', e[:200])
st, _, e = get('mp.weixin.qq.com', re.sub(r'signature=\w+', 'signature=0000000000ffffffffffffffffff', purl.split('mp.weixin.qq.com', 1)[1]))
say('链接已过期' in e, 'a forged signature is not a profile', e[:200])

# anti-spider: a fast client is sent to /antispider/, never given an empty result; after the block it resumes
time.sleep(3)
codes, loc = [], None
for _ in range(12):
    st, l, b = search(q, 1)
    codes.append(st)
    if st == 302:
        loc = l
    elif st == 200 and not results(b):
        codes.append('empty')
say(302 in codes and 'empty' not in codes and codes[0] == 200, 'a fast client is redirected, never given no results', str(codes))
say(bool(loc) and loc.startswith('http://weixin.sogou.com/antispider/?from=%2Fweixin%3F'), 'the redirect goes to /antispider/', str(loc))
st, _, b = get('weixin.sogou.com', urllib.parse.urlsplit(loc or 'http://x/antispider/').path + '?' + (urllib.parse.urlsplit(loc or '').query))
say(st == 200 and '请输入验证码' in b and 'antispider/thank.php' in b, 'the anti-spider page asks for the code', b[:200])
time.sleep(3)
st, _, b = search(q, 1)
say(st == 200 and results(b) == ids1, 'after backing off the same results come back', str(st))
