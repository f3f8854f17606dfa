# simweb over HTTPS: a throwaway test CA (made here with openssl; no key is
# committed) signs a certificate for the simulated hosts, and a verifying client
# given that CA file reaches simweb; without it, verification fails.
source "$GR_TOP/tests/lib.sh"
source "$TOP/simweb/testlib.sh"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=govreach test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=mp.weixin.qq.com" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:mp.weixin.qq.com,DNS:open.t.qq.com,DNS:zhushou.360.cn,DNS:apk.91.com,DNS:sj.qq.com,DNS:shouji.baidu.com,DNS:www.wandoujia.com,DNS:itunes.apple.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out server.pem 2>/dev/null
t_ok "test CA and server certificate made" test -s server.pem

"$B/simweb" --no-named --date $SW_DATE --truth truth 2>/dev/null
art=$(grep -m1 '^GET http://mp.weixin.qq.com/s?' truth/urls.txt | cut -d' ' -f2)
sw_start t --no-named --date $SW_DATE --tls-port 0 --cert server.pem --key server.key
tls_port=$(sed -n 's/^simweb: listening (TLS) on 127.0.0.1:\([0-9]*\)$/\1/p' t.err)
t_match "TLS listener announced" '^[0-9]+$' "$tls_port"
tcurl() { curl -s --max-time 20 --connect-to "::127.0.0.1:$tls_port" "$@"; }
t_eq "HTTPS with the test CA verifies" 200 "$(tcurl --cacert ca.pem -o /dev/null -w '%{http_code}' https://mp.weixin.qq.com/robots.txt)"
tcurl -o /dev/null https://mp.weixin.qq.com/robots.txt; rc=$?
t_eq "HTTPS without the CA fails verification (curl 60)" 60 "$rc"
tcurl --cacert ca.pem -o /dev/null https://www.example.com/; rc=$?
t_eq "a host the certificate does not name fails (curl 60)" 60 "$rc"
tcurl --cacert ca.pem -o https.html "https://${art#http://}"
swc -o http.html "$art"
t_ok "same article over HTTP and HTTPS" cmp https.html http.html
l360=$(grep -m1 '^GET http://zhushou.360.cn/' truth/urls.txt | cut -d' ' -f2)
t_eq "store page over HTTPS" 200 "$(tcurl --cacert ca.pem -o /dev/null -w '%{http_code}' "https://${l360#http://}")"
sw_stop_all
