#!/usr/bin/env bash
# Issue 13, credentials: the WeChat key, appmsg_token and Cookie go to their
# own origin only (https://mp.weixin.qq.com, default port), per request, and
# are never part of a stored URL. A hostile server echoes the query
# (credentials included) in redirects to another host, another port and a
# user@host URL, and back to itself with a parameter repeated: no request
# there carries credentials, the foreign redirects are failures with the
# Location shown redacted, and no table, TSV, log or WARC of the run holds
# key= or appmsg_token= or the secrets themselves.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=govreach test CA' 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=mp.weixin.qq.com' 2>/dev/null
printf 'subjectAltName=DNS:mp.weixin.qq.com,DNS:evil.example\n' >san.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile san.ext 2>/dev/null
python3 "$HERE/crawler_secret_server.py" srv.port srv.log srv.pem srv.key &
SW_PID=$!
for i in $(seq 100); do [ -s srv.port ] && break; sleep 0.1; done
read -r TLSP PLAINP <srv.port
t_eq "server up" 1 "$([ -n "$PLAINP" ] && echo 1)"

t_ok "loader migrate" "$B/loader" migrate
q "INSERT INTO crawl.frontier (url, method, post_body, host, source, kind, target_key) VALUES
  ('https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=A1&scene=124', 'GET', '', 'mp.weixin.qq.com', 'wechat', 'wechat_home', 'A1'),
  ('https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=B1&scene=124', 'GET', '', 'mp.weixin.qq.com', 'wechat', 'wechat_home', 'B1'),
  ('https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=C1&scene=124', 'GET', '', 'mp.weixin.qq.com', 'wechat', 'wechat_home', 'C1'),
  ('https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=D1&scene=124', 'GET', '', 'mp.weixin.qq.com', 'wechat', 'wechat_home', 'D1'),
  ('https://mp.weixin.qq.com/mp/getappmsgext', 'POST', '__biz=E1&mid=1&idx=1&sn=x', 'mp.weixin.qq.com', 'wechat', 'wechat_stats', 'E1'),
  ('http://mp.weixin.qq.com/mp/getappmsgext', 'POST', '__biz=F1&mid=1&idx=1&sn=x', 'mp.weixin.qq.com', 'wechat', 'wechat_stats', 'F1')" >/dev/null

export GOVREACH_WECHAT_COOKIE='wxuin=SECRETCOOKIE1' GOVREACH_WECHAT_KEY=SECRETKEY2 GOVREACH_WECHAT_APPMSG_TOKEN=SECRETTOKEN3
CT="mp.weixin.qq.com:443:127.0.0.1:$TLSP,mp.weixin.qq.com:8443:127.0.0.1:$TLSP,evil.example:443:127.0.0.1:$TLSP,127.0.0.1:$PLAINP"
timeout 60 "$B/crawler" --set log.level=debug --out warc --connect-to "$CT" "${CR_SET[@]}" --set crawler.max_attempts=1 \
  --set crawler.ca_file="$PWD/ca.pem" 2>crawler.log
t_eq "crawler ends (exit 0 or 1)" 1 "$(rc=$?; [ $rc -le 1 ] && echo 1 || echo "rc $rc")"

t_eq "key sent over HTTPS to the stats endpoint" 1 "$(awk -F'\t' '$1 == "https" && $3 == "mp.weixin.qq.com" && $5 ~ /^\/mp\/getappmsgext\?key=SECRETKEY2&appmsg_token=SECRETTOKEN3$/' srv.log | wc -l)"
t_eq "Cookie sent over HTTPS" 1 "$([ "$(awk -F'\t' '$1 == "https" && $6 == "wxuin=SECRETCOOKIE1"' srv.log | wc -l)" -gt 0 ] && echo 1)"
t_eq "no credentials over plain http" 0 "$(awk -F'\t' '$1 == "http"' srv.log | grep -c SECRET)"
t_eq "no credentials to another host or port" 0 "$(awk -F'\t' '$3 != "mp.weixin.qq.com"' srv.log | grep -c SECRET)"
t_eq "the other host, port and user@host are never requested" 0 "$(awk -F'\t' '$3 ~ /evil|:8443/' srv.log | wc -l)"
t_eq "the same-origin redirect is followed" 1 "$(awk -F'\t' '$5 ~ /__biz=D1.*hop=1/' srv.log | wc -l)"
t_eq "no parameter twice in any request" 0 "$(awk -F'\t' '{print $5}' srv.log | awk -F'[?&]' '{delete s; for (i = 2; i <= NF; i++) {split($i, kv, "="); if (s[kv[1]]++) {print; break}}}' | wc -l)"
t_eq "each credential once per request" 0 "$(grep -c 'key=SECRETKEY2.*key=' srv.log)"
t_eq "foreign redirects are failures" 3 "$(q "SELECT count(*) FROM crawl.frontier WHERE state = 'failed' AND last_error LIKE 'redirect to another origin not followed:%'")"
t_match "the Location shown redacted" 'not followed: http://evil.example/steal\?action=home&__biz=A1&scene=124"?$' "$(q "SELECT last_error FROM crawl.frontier WHERE target_key = 'A1'")"

"$B/parser" --out tsv warc/*.warc.gz >parser.log 2>&1
t_eq "parser ran" 1 "$([ "$(ls tsv/*.tsv 2>/dev/null | wc -l)" -gt 0 ] && echo 1)"
"$B/loader" load tsv/*.tsv >loader.log 2>&1
pg_dump --data-only "$PGDATABASE" >dump.sql
for pat in 'key=' 'appmsg_token=' 'SECRET'; do
  t_eq "no $pat in any table" 0 "$(grep -c -- "$pat" dump.sql)"
  t_eq "no $pat in any TSV" 0 "$(cat tsv/*.tsv | grep -c -- "$pat")"
  t_eq "no $pat in any log" 0 "$(cat crawler.log parser.log loader.log | grep -c -- "$pat")"
done
t_eq "no secret in any WARC" 0 "$(zcat warc/*.warc.gz | grep -ac SECRET)"
t_eq "no key= in a WARC-Target-URI" 0 "$(zcat warc/*.warc.gz | grep -a '^WARC-Target-URI:' | grep -Ec 'key=|appmsg_token=')"
t_eq "request records redacted" 1 "$(zcat warc/*.warc.gz | grep -ac 'POST /mp/getappmsgext?key=REDACTED&appmsg_token=REDACTED HTTP')"
t_eq "Cookie redacted" 1 "$([ "$(zcat warc/*.warc.gz | grep -ac '^Cookie: REDACTED')" -gt 0 ] && echo 1)"
