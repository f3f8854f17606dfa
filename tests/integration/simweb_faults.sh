# simweb: each misbehaviour switch does what --help says (one check or more per switch).
source "$GR_TOP/tests/lib.sh"
source "$TOP/simweb/testlib.sh"

"$B/simweb" --no-named --date $SW_DATE --truth truth 2>/dev/null
art=$(grep -m1 '^GET http://mp.weixin.qq.com/s?' truth/urls.txt | cut -d' ' -f2)
arts=$(grep '^GET http://mp.weixin.qq.com/s?' truth/urls.txt | cut -d' ' -f2 | head -40)
l360=$(grep -m1 '^GET http://zhushou.360.cn/' truth/urls.txt | cut -d' ' -f2)
tw=$(grep -m1 '^GET http://open.t.qq.com/api/user' truth/urls.txt | cut -d' ' -f2)

# Reference bodies from a well-behaved server.
sw_start ref --no-named --date $SW_DATE
swc -o ref.html "$art"
ref_len=$(stat -c %s ref.html)
sw_stop_all

serve() { sw_stop_all; sw_start f --no-named --date $SW_DATE --log "f$1.log" "${@:2}"; }
code() { swc -o /dev/null -w '%{http_code}' "$@"; }

serve 1 --fault kind=429,retry_after=7
t_eq "429 first" 429 "$(code "$art")"
t_match "429 Retry-After" $'^[Rr]etry-[Aa]fter: 7\r?$' "$(swc -D - -o /dev/null "$l360" | grep -i retry-after)"
t_eq "429 then the page (count 1)" 200 "$(code "$art")"
t_eq "robots.txt untouched by faults" 200 "$(code http://mp.weixin.qq.com/robots.txt)"

serve 2 --fault kind=503,count=2,retry_after=3
t_eq "503 first two, then 200" "503 503 200" "$(code "$art") $(code "$art") $(code "$art")"
t_match "503 Retry-After" 'etry-After: 3' "$(swc -D - -o /dev/null "$l360")"

serve 3 --fault kind=500
t_eq "500 for ever" "500 500 500" "$(code "$art") $(code "$art") $(code "$art")"

serve 4 --fault kind=500,host=zhushou.360.cn
t_eq "host= limits a fault to one host" "500 200" "$(code "$l360") $(code "$tw")"

serve 5 --fault kind=500,share=0.5
for u in $arts; do code "$u"; echo; done >share1.txt
for u in $arts; do code "$u"; echo; done >share2.txt
n500=$(grep -c 500 share1.txt)
t_ok "share=0.5 hits some URLs ($n500 of $(wc -l <share1.txt))" test "$n500" -gt 5 -a "$n500" -lt 35
t_ok "share picks the same URLs every time" cmp share1.txt share2.txt

serve 6 --fault kind=slow-first-byte,delay_ms=800
t_match "slow-first-byte waits" '^0\.[89]|^[1-9]' "$(swc -o slow1.html -w '%{time_starttransfer}' "$art")"
t_ok "slow-first-byte then the whole page" cmp slow1.html ref.html
# Three at once: the delays overlap (no pool thread sleeps), so the log shows concurrency 3.
pids=()
for i in 1 2 3; do swc -o /dev/null "$art&x=$i" & pids+=($!); done
wait "${pids[@]}"
sleep 0.2
conc=$(grep 'x=' f6.log | awk -F'\t' '{print $1, 1; print $2, -1}' | sort -n | awk '{c += $2; if (c > m) m = c} END {print m}')
t_eq "log shows 3 overlapping slow requests" 3 "$conc"

serve 7 --fault kind=slow-body,delay_ms=100,chunk=8192
hdr=$(swc -D - -o slow2.html -w 'T=%{time_total}\n' "$art")
t_match "slow-body is chunked" 'Transfer-Encoding: chunked' "$hdr"
t_match "slow-body takes its time" 'T=(0\.[3-9]|[1-9])' "$hdr"
t_ok "slow-body then the whole page" cmp slow2.html ref.html

serve 8 --fault kind=reset
swc -o /dev/null "$art"; rc=$?
t_match "reset: connection reset (curl exit $rc)" '^(52|56)$' "$rc"

serve 9 --fault kind=redirect
t_match "redirect 302 with Location" 'Location: http://mp.weixin.qq.com/s\?.*_sw_redirected=1' "$(swc -D - -o /dev/null "$art")"
t_eq "redirect then the page" "200" "$(code -L "$art")"
swc -L -o redir.html "$art"
t_ok "redirected page is the page" cmp redir.html ref.html

serve 10 --fault kind=redirect-loop
swc -L --max-redirs 5 -o /dev/null "$art"; rc=$?
t_eq "redirect-loop: too many redirects (curl 47)" 47 "$rc"

serve 11 --fault kind=wrong-length
hdr=$(swc -D - -o wl.html "$art"); rc=$?
t_eq "wrong-length: partial transfer (curl 18)" 18 "$rc"
t_match "wrong-length: Content-Length promises 1000 more" "Content-Length: $((ref_len + 1000))" "$hdr"
t_ok "wrong-length: the whole body did arrive" cmp wl.html ref.html

serve 12 --fault kind=truncate
hdr=$(swc -D - -o tr.html "$art"); rc=$?
t_eq "truncate: partial transfer (curl 18)" 18 "$rc"
t_match "truncate: right Content-Length" "Content-Length: $ref_len" "$hdr"
t_eq "truncate: half the body" "$((ref_len / 2))" "$(stat -c %s tr.html)"

serve 13 --fault kind=huge,bytes=20000000
t_match "huge: Content-Length" 'Content-Length: 20000000' "$(swc -D - -o huge.bin "$art")"
t_eq "huge: all of it" 20000000 "$(stat -c %s huge.bin)"
swc --max-filesize 1000000 -o /dev/null "$art"; rc=$?
t_eq "huge: a byte cap stops it (curl 63)" 63 "$rc"

serve 14 --fault kind=gzip-bomb,bytes=50000000
hdr=$(swc -D - -o bomb.gz "$art")
t_match "gzip-bomb: Content-Encoding gzip" 'Content-Encoding: gzip' "$hdr"
t_ok "gzip-bomb: small on the wire ($(stat -c %s bomb.gz) bytes)" test "$(stat -c %s bomb.gz)" -lt 200000
t_eq "gzip-bomb: inflates to bytes=" 50000000 "$(gunzip -c bomb.gz | wc -c)"

serve 15 --gzip
hdr=$(swc -D - -H 'Accept-Encoding: gzip' -o gz.bin "$art")
t_match "--gzip: gzip when asked" 'Content-Encoding: gzip' "$hdr"
t_ok "--gzip: same page inside" sh -c 'gunzip -c gz.bin | cmp - ref.html'
t_ok "--gzip: identity when not asked" sh -c "! curl -s -D - -o /dev/null --connect-to ::127.0.0.1:$SW_PORT '$art' | grep -qi content-encoding"

serve 16 --robots 'zhushou.360.cn=User-agent: *\nDisallow: /private\nCrawl-delay: 1'
t_eq "--robots sets the body" "$(printf 'User-agent: *\nDisallow: /private\nCrawl-delay: 1')" "$(swc http://zhushou.360.cn/robots.txt)"
t_eq "--robots: other hosts allow all" "$(printf 'User-agent: *\nDisallow:')" "$(swc http://sj.qq.com/robots.txt)"

serve 17 --fault kind=429,path=/mp/getappmsgext,count=0 --fault kind=500,host=open.t.qq.com
t_eq "path= and first-match order" "429 200 500" "$(code -X POST -d x=1 http://mp.weixin.qq.com/mp/getappmsgext) $(code "$art") $(code "$tw")"
sw_stop_all
