# Hostile input: HTML that is not HTML, JSON that is not JSON, a 50 MB page,
# deeply nested markup, NUL bytes, invalid UTF-8, a broken gzip body, a page
# with a lying Content-Length inside the WARC record. Each gives rows or a
# reject row naming the WARC offset; the parser never crashes or hangs, and
# every output line is valid UTF-8 with the right number of columns.
source "$GR_TOP/tests/lib.sh"
MK="python3 $TOP/tests/data/mkwarc.py"
mkdir -p pages
python3 - <<'PY'
import os
P = 'pages'
def page(name, url, body, ctype='text/html; charset=utf-8', status=200, extra=''):
    with open(os.path.join(P, name + '.page'), 'wb') as f:
        f.write(('url: %s\nstatus: %d\ncontent-type: %s\n%s\n' % (url, status, ctype, extra)).encode() + body)
art = open(os.path.join(os.environ['GR_TOP'], 'tests/data/pages/wx_article_2014_exact.page'), 'rb').read().split(b'\n\n', 1)[1]
u360 = 'http://zhushou.360.cn/detail/index/soft_id/%d'
page('notjson', 'http://open.t.qq.com/api/user/other_info?format=json&name=x', b'<html>not json</html>', 'application/json')
page('nothtml', u360 % 1, b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 40, 'image/png')
page('huge', u360 % 2, b'<html><body>' + b'<p>' + b'x' * (50 << 20) + b'</p><span class="s-3">\xe4\xb8\x8b\xe8\xbd\xbd\xef\xbc\x9a7\xe4\xb8\x87\xe6\xac\xa1</span></body></html>')
page('nested', u360 % 3, b'<html><body>' + b'<div>' * 200000 + b'<span class="s-3">\xe4\xb8\x8b\xe8\xbd\xbd\xef\xbc\x9a12\xe6\xac\xa1</span>' + b'</div>' * 200000 + b'</body></html>')
page('nuls', 'http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=206354657&idx=1&sn=0123456789abcdef0123456789abcdef', art.replace(b'<p>', b'<p>\x00\x00', 3))
page('badutf8', 'http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=206354658&idx=1&sn=0123456789abcdef0123456789abcdef', art.replace('天气预报'.encode(), b'\xff\xfe\xc3(\xe2\x82'))
page('badjson_utf8', 'http://open.t.qq.com/api/user/other_info?format=json&name=y', b'{"data":{"nick":"\xff\xfe","fansnum":5},"ret":0}', 'application/json')
page('deepjson', 'http://open.t.qq.com/api/user/other_info?format=json&name=z', b'[' * 100000 + b']' * 100000, 'application/json')
page('regex_bomb', u360 % 4, b'<span class="s-3">' + b'\xe4\xb8\x8b' * 100000 + b'<span class="s-3"> ' * 20000)
page('scripts', 'http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=206354659&idx=1&sn=x', b'<script>var biz = "' + b'"||"' * 200000 + b'</script>')
PY
names=$(cd pages && ls *.page | sed 's/\.page$//' | tr '\n' ' ')
$MK bad.warc.gz --pages=pages $names >offsets
# a record whose Content-Length lies, in a plain WARC, then a good record
$MK good.warc --plain --pages=pages badjson_utf8 >/dev/null
printf 'WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:x>\r\nWARC-Target-URI: http://x/\r\nContent-Length: 500000\r\n\r\nHTTP/1.1 200 OK\r\n\r\nshort\r\n\r\n' >lie.warc
cat good.warc >>lie.warc

start=$(date +%s)
t_ok "parser survives the hostile WARC" timeout 120 "$B/parser" -q --verify --out out bad.warc.gz
t_ok "parser survives a lying Content-Length" timeout 60 "$B/parser" -q --out out lie.warc
t_match "the lie is a reject row with its offset" "^\\\\N	offset 0: Content-Length 500000" "$(tail -n +2 out/lie.parse_reject.tsv)"
t_eq "the record after the lie is parsed" 1 "$(tail -n +2 out/lie.weibo_account.tsv | wc -l)"
t_match "finishes in reasonable time" "^[0-9]$|^[1-9][0-9]$" "$(( $(date +%s) - start ))"
t_ok "every output line is valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null out/bad.wechat_article.tsv out/bad.wechat_stat.tsv out/bad.weibo_account.tsv out/bad.app_listing.tsv out/bad.parse_reject.tsv
for f in out/bad.*.tsv; do
  n=$(head -n 1 "$f" | awk -F'\t' '{print NF}')
  t_eq "$(basename "$f"): every row has $n columns" "" "$(awk -F'\t' -v n="$n" 'NF != n' "$f")"
done
t_eq "no NUL bytes in any output" 0 "$(cat out/*.tsv | tr -d -c '\000' | wc -c)"
rej() { awk -F'\t' -v o="$(awk -v n="$1" '$2==n{print $1}' offsets)" '$4==o' out/bad.parse_reject.tsv; }
t_match "JSON that is not JSON: reject" "not JSON" "$(rej notjson)"
t_match "an image: reject" "no listing data|not HTML" "$(rej nothtml)"
t_match "a 50 MB page: reject or row" "." "$(rej huge; grep -c '	2	' out/bad.app_listing.tsv)"
# libxml2 stops at its depth limit and at 10 MB text nodes: the DOM path
# (which decides, the page having no app name for the fast path) may not see
# the count; a reject row is the right outcome then, never a crash or a zero.
t_match "deep nesting: a row or a reject" "." "$(rej nested; grep '^360	3	' out/bad.app_listing.tsv)"
t_eq "no zero downloads invented" "" "$(awk -F'\t' '$5=="0"' out/bad.app_listing.tsv)"
t_match "NUL bytes: the row is still read" "^MzA4ODUzNjAxOA==	206354657	1	.*天气预报" "$(cat out/bad.wechat_article.tsv)"
t_match "invalid UTF-8 becomes U+FFFD" "^MzA4ODUzNjAxOA==	206354658	1	.*�" "$(cat out/bad.wechat_article.tsv)"
t_match "invalid UTF-8 in JSON is read, replaced" "^y	��	5	" "$(cat out/bad.weibo_account.tsv)"
t_match "deeply nested JSON: reject" "not JSON" "$(rej deepjson)"
