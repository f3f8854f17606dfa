#!/usr/bin/env bash
# Issue 4: TLS. simweb serves HTTPS with a certificate from a test CA; the
# crawler, given that CA (crawler.ca_file), verifies and fetches; without it
# verification fails, is recorded per URL, and the crawl goes on. Verification
# is never switched off.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=govreach test CA' 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=itunes.apple.com' 2>/dev/null
printf 'subjectAltName=DNS:itunes.apple.com,DNS:mp.weixin.qq.com\n' >san.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile san.ext 2>/dev/null
t_eq "test certificates made" 1 "$([ -s srv.pem ] && echo 1)"
TLSP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$B/simweb" --truth truth >/dev/null 2>&1
start_simweb --tls-port "$TLSP" --cert srv.pem --key srv.key
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$TLSP) 2>/dev/null && break; sleep 0.1; done
grep -E '^GET http://(itunes.apple.com|mp.weixin.qq.com/s\?)' truth/urls.txt | head -n 12 | sed 's|http://|https://|' >urls.txt
CT="127.0.0.1:$SW_PORT"; CT=":443:127.0.0.1:$TLSP,$CT"

"$B/crawler" --urls urls.txt --out w1 --connect-to "$CT" --set crawler.delay_ms=0 \
  --set crawler.ca_file="$PWD/ca.pem" 2>c1.log
t_eq "with the test CA: exit 0" 0 $?
t_eq "with the test CA: every page fetched over HTTPS" 12 "$(grep -v robots.txt c1.log | grep -c '^.*GET https://[^ ]* -> 200$')"
t_eq "WARC records keep https URLs" 1 "$([ "$(zcat w1/*.warc.gz | grep -ac '^WARC-Target-URI: https://')" -ge 36 ] && echo 1)"

"$B/crawler" --urls urls.txt --out w2 --connect-to "$CT" --set crawler.delay_ms=0 \
  --set crawler.max_attempts=1 2>c2.log
t_eq "without the CA: the crawl still ends (exit 1: the fetch failed)" 1 $?
t_eq "without the CA: nothing fetched" 0 "$(grep -c ' -> 200$' c2.log)"
t_match "without the CA: verification failure recorded" 'curl 60: SSL peer certificate|curl 60' "$(cat c2.log)"
