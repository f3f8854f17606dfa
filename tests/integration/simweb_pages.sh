# simweb: every page kind, fetched with curl --connect-to, has the shape of the
# real site (research/sources.md), plus the command-line contract.
source "$GR_TOP/tests/lib.sh"
source "$TOP/simweb/testlib.sh"

t_ok "help exits 0" "$B/simweb" --help
t_match "help documents faults" "kind=gzip-bomb" "$("$B/simweb" --help)"
t_fail "bad option exits 64" 64 "$B/simweb" --bogus
t_fail "bad fault exits 64" 64 "$B/simweb" --fault kind=nonsense
t_fail "bad date exits 64" 64 "$B/simweb" --date 2014-13-45

t_ok "truth and targets written without serving" "$B/simweb" --no-named --date $SW_DATE --truth truth --emit-targets targets
for f in organisations wechat_accounts weibo_accounts apps store_listings; do
  t_ok "targets/$f.csv" test -s targets/$f.csv
done
t_eq "wechat_accounts.csv header" "biz,name,org_key,level,province,function,verified_body" "$(head -1 targets/wechat_accounts.csv)"
t_eq "store_listings.csv header" "store,listing_id,app_key,url" "$(head -1 targets/store_listings.csv)"
t_eq "wechat_stat.tsv header" "$(printf 'biz\tmid\tidx\tread_num\tread_capped\tlike_num')" "$(head -1 truth/wechat_stat.tsv)"
t_eq "app_listing.tsv header" "$(printf 'store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\trating_count\trating_avg\tstatus')" "$(head -1 truth/app_listing.tsv)"

sw_start s --no-named --date $SW_DATE --log req.log
t_match "listening message" "^simweb: listening on 127.0.0.1:[0-9]+$" "$(grep listening s.err)"
t_match "port file" "^[0-9]+$" "$SW_PORT"

# WeChat article, modern form and 2014 footer form.
ok_art=$(awk -F'\t' '$8=="ok"{print $1, $2, $3, $4; exit}' truth/wechat_article.tsv)
set -- $ok_art
art_url="http://mp.weixin.qq.com/s?__biz=$1&mid=$2&idx=$3&sn=$4"
swc -o art.html -w '%{http_code} %{content_type}\n' "$art_url#rd" >art.meta
t_match "article 200 html" "^200 text/html; charset=(utf-8|gbk)" "$(cat art.meta)"
size=$(stat -c %s art.html)
t_ok "article 25-60 KB ($size)" test "$size" -ge 16000 -a "$size" -le 60000
iconv -f "$(sed 's/.*charset=//' art.meta)" -t utf-8 art.html >art.u8
t_match "article biz var" "var biz = \"\" \\|\\| \"$1\";" "$(cat art.u8)"
t_match "article mid var" "var mid = \"\" \\|\\| \"\" \\|\\| \"$2\";" "$(cat art.u8)"
t_match "article idx/sn/ct vars" "var ct = \"[0-9]{10}\"" "$(grep -E 'var (idx|sn|ct) =' art.u8 | tr '\n' ' ')"
t_match "article title h2" '<h2 class="rich_media_title" id="activity-name">' "$(cat art.u8)"
t_match "article js_content" '<div class="rich_media_content " id="js_content">' "$(cat art.u8)"
t_match "article nickname/msg_title" "var msg_title = \"" "$(grep -E 'var (nickname|msg_title) =' art.u8 | tr '\n' ' ')"
t_match "article Chinese body" "人民群众|政务服务|依法" "$(cat art.u8)"
n_modern=0 n_footer=0 n_cap=0
for u in $(grep '^GET http://mp.weixin.qq.com/s?' truth/urls.txt | cut -d' ' -f2); do
  page=$(swu "$u")
  case "$page" in *'id="readNum3"></span>'*) n_modern=$((n_modern + 1)) ;; esac
  case "$page" in *'id="readNum">阅读 '*) n_footer=$((n_footer + 1)) ;; esac
  case "$page" in *'阅读 100000+'* | *'阅读 10万+'*) n_cap=$((n_cap + 1)) ;; esac
done
t_ok "modern pages have empty footer placeholders ($n_modern)" test $n_modern -gt 0
t_ok "2014 footer pages ($n_footer)" test $n_footer -gt 0
t_ok "capped footers 100000+ / 10万+ ($n_cap)" test $n_cap -gt 0

# Deleted, blocked, expired and verification pages.
for st in deleted blocked expired verification; do
  set -- $(awk -F'\t' -v s=$st '$8==s{print $1, $2, $3, $4; exit}' truth/wechat_article.tsv)
  page=$(swc "http://mp.weixin.qq.com/s?__biz=$1&mid=$2&idx=$3&sn=$4")
  case $st in
    deleted) re='该内容已被发布者删除' ;; blocked) re='此帐号已被屏蔽, 内容无法查看' ;;
    expired) re='链接已过期' ;; verification) re='访问过于频繁|环境异常' ;;
  esac
  t_match "$st article page" "$re" "$page"
done

# getappmsgext: form body, query string, unknown ids.
set -- $ok_art
j=$(swc -X POST -d "__biz=$1&mid=$2&idx=$3&sn=$4&is_only_read=1&is_temp_url=0&appmsg_type=9" "http://mp.weixin.qq.com/mp/getappmsgext?appmsg_token=x&x5=0")
t_match "getappmsgext read_num" '^[0-9]+$' "$(jq -r .appmsgstat.read_num <<<"$j")"
t_match "getappmsgext like_num old_like_num" '^[0-9]+ [0-9]+$' "$(jq -r '"\(.appmsgstat.like_num) \(.appmsgstat.old_like_num)"' <<<"$j")"
j2=$(swc -X POST "http://mp.weixin.qq.com/mp/getappmsgext?__biz=$1&mid=$2&idx=$3&sn=$4")
t_eq "getappmsgext from the query string" "$(jq -c .appmsgstat <<<"$j")" "$(jq -c .appmsgstat <<<"$j2")"
j3=$(swc -X POST -d "__biz=$1&mid=1&idx=1&sn=x" http://mp.weixin.qq.com/mp/getappmsgext)
t_eq "getappmsgext unknown id" '-1 null' "$(jq -r '"\(.base_resp.ret) \(.appmsgstat)"' <<<"$j3")"

# History: home (HTML, msgList with &quot;) and getmsg (JSON with a JSON string inside).
busy=$(awk -F'\t' 'NR>1{n[$1]++} END{for (b in n) if (n[b] > 12) {print b; exit}}' truth/wechat_article.tsv)
home=$(swc "http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=$busy&scene=124")
t_match "home msgList with &quot;" "var msgList = '\\{&quot;list&quot;:\\[" "$home"
t_match "home can_msg_continue" "var can_msg_continue = '1' \\* 1;" "$home"
t_eq "home lists 10 pushes" 10 "$(sed -n "s/.*var msgList = '\(.*\)';/\1/p" <<<"$home" | sed 's/&quot;/"/g; s/&amp;/\&/g' | jq '.list | length')"
gm=$(swc "http://mp.weixin.qq.com/mp/profile_ext?action=getmsg&__biz=$busy&f=json&offset=10&count=10&is_ok=1")
t_eq "getmsg ret" 0 "$(jq .ret <<<"$gm")"
t_match "getmsg general_msg_list is a string" '^"string"$' "$(jq '.general_msg_list | type' <<<"$gm")"
t_eq "getmsg items are type 49" true "$(jq '[.general_msg_list | fromjson | .list[].comm_msg_info.type == 49] | all' <<<"$gm")"
t_match "getmsg next_offset" '^[0-9]+ [01]$' "$(jq -r '"\(.next_offset) \(.can_msg_continue)"' <<<"$gm")"
t_match "content_url with &amp;" 'mp.weixin.qq.com/s\?__biz=.*&amp;mid=' "$(jq -r '.general_msg_list | fromjson | .list[0].app_msg_ext_info.content_url' <<<"$gm")"
t_match "multi_app_msg_item_list" 'multi_app_msg_item_list' "$(jq -r .general_msg_list <<<"$gm")"

# Tencent Weibo.
acc=$(awk -F'\t' 'NR>1 && $6=="ok"{print $1; exit}' truth/weibo_account.tsv)
j=$(swc "http://open.t.qq.com/api/user/other_info?format=json&name=$acc")
t_eq "other_info envelope" "0 0 ok" "$(jq -r '"\(.ret) \(.errcode) \(.msg)"' <<<"$j")"
t_match "other_info counts" '^[0-9]+ [0-9]+ [0-9]+$' "$(jq -r '.data | "\(.fansnum) \(.idolnum) \(.tweetnum)"' <<<"$j")"
nul=$(awk -F'\t' 'NR>1 && $6=="error"{print $1; exit}' truth/weibo_account.tsv)
t_eq "other_info data null" null "$(swc "http://open.t.qq.com/api/user/other_info?format=json&name=$nul" | jq -c .data)"
tl=$(swc "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=$acc&reqnum=5&pageflag=0&pagetime=0")
t_eq "timeline first page: 5 posts, hasnext 0 (more)" "5 0" "$(jq -r '"\(.data.info | length) \(.data.hasnext)"' <<<"$tl")"
t_match "timeline post fields" '^[0-9]+ [0-9]+ (1|2|4|7) [0-9]+ [0-9]+$' "$(jq -r '.data.info[0] | "\(.id) \(.timestamp) \(.type) \(.count) \(.mcount)"' <<<"$tl")"
last=$(jq '.data.info[-1].timestamp' <<<"$tl")
tl2=$(swc "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=$acc&reqnum=5&pageflag=1&pagetime=$last")
t_ok "next page is older" test "$(jq '.data.info[0].timestamp' <<<"$tl2")" -lt "$last"
tl3=$(swc "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=$acc&reqnum=70&pageflag=1&pagetime=1")
t_eq "past the end: hasnext 1" "1 0" "$(jq -r '"\(.data.hasnext) \(.data.info | length)"' <<<"$tl3")"
t_match "mentions in text" '@[a-z_]+' "$(swc "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=$acc&reqnum=70" | jq -r '.data.info[].text')"

# App stores.
url_of() { awk -F, -v s="$1" '$1==s{print $4}' targets/store_listings.csv; }
all=""
for s in 360 91 yyb baidu wandoujia; do
  for u in $(url_of $s); do all+=$(swu "$u")$'\n'; done
done
t_match "360 s-3 download span" '<span class="s-3">下载：[^<]*万次</span>' "$all"
t_match "360 pname" "'pname': \"cn\\.gov\\." "$all"
t_match "360 comment inside value cell" '<!--versioncode:[0-9]+-->' "$all"
t_match "360 comment inside the count" '<span class="s-3">下载：<!-- dl -->' "$all"
t_match "91 s_info full-width colon" '<li>下载次数：[0-9]+万</li>' "$all"
t_match "91 commas" '下载次数：12,330,000' "$all"
t_match "yyb det-ins-num 亿" '<div class="det-ins-num">8\.3亿下载</div>' "$all"
t_match "baidu download-num ASCII colon" '<span class="download-num">下载次数: 6\.9亿</span>' "$all"
t_match "wandoujia interactionCount 万" '<i itemprop="interactionCount">[0-9.]+万</i>' "$all"
t_match "wandoujia 少量人" '<i itemprop="interactionCount">少量人</i>' "$all"
t_match "full-width digits" '０|１|２|３|４|５|６|７|８|９' "$all"
t_match "&nbsp; in a count" '&nbsp;' "$all"
it=$(swc "$(url_of appstore | head -1)")
t_eq "itunes lookup resultCount" 1 "$(jq .resultCount <<<"$it")"
t_match "itunes has no downloads" 'null' "$(jq '.results[0].downloads' <<<"$it")"
rated=$(for u in $(url_of appstore); do swc "$u" | jq -r '.results[0].userRatingCount // empty'; done | head -1)
t_match "itunes userRatingCount" '^[0-9]+$' "$rated"
gone=$(awk -F'\t' '$9=="not_found" && $1!="appstore"{print $1, $2; exit}' truth/app_listing.tsv)
gone_url=$(awk -F, -v s="${gone% *}" -v id="${gone#* }" '$1==s && $2==id{print $4}' targets/store_listings.csv)
t_eq "removed listing 404" 404 "$(swc -o /dev/null -w '%{http_code}' "$gone_url")"

# GBK pages: header and meta agree, and the bytes are GBK.
gbk=0
while read -r m u _; do
  [ "$m" = GET ] || continue
  ct=$(swc -o page.bin -w '%{content_type}' "$u")
  case $ct in *gbk*)
    gbk=$((gbk + 1))
    t_match "gbk meta ($u)" 'charset=("?)gbk' "$(iconv -f gbk -t utf-8 page.bin)"
    t_ok "gbk bytes are not UTF-8" sh -c '! iconv -f utf-8 -t utf-8 page.bin >/dev/null 2>&1'
    break ;;
  esac
done <truth/urls.txt
t_ok "a GBK page exists" test $gbk -gt 0

# robots.txt, unknown hosts and paths.
t_eq "default robots.txt" "$(printf 'User-agent: *\nDisallow:')" "$(swc http://zhushou.360.cn/robots.txt)"
t_eq "unknown host 404" 404 "$(swc -o /dev/null -w '%{http_code}' http://www.example.com/)"
t_eq "unknown path 404" 404 "$(swc -o /dev/null -w '%{http_code}' http://mp.weixin.qq.com/nothing)"

# Request log: start_us end_us host method path status bytes.
sleep 0.2
t_match "log line format" $'^[0-9]{16}\t[0-9]{16}\tmp.weixin.qq.com\tPOST\t/mp/getappmsgext\\?appmsg_token=x&x5=0\t200\t[0-9]+$' "$(grep -m1 appmsg_token req.log)"
t_eq "log start <= end" 0 "$(awk -F'\t' '$1 > $2' req.log | wc -l)"

# Named targets from conf/targets appear under their names.
if [ -f "$TOP/conf/targets/wechat_accounts.csv" ]; then
  "$B/simweb" --date $SW_DATE --named "$TOP/conf/targets" --emit-targets named 2>/dev/null
  first=$(sed -n 2p "$TOP/conf/targets/wechat_accounts.csv" | cut -d, -f1,2)
  t_ok "named WeChat account in the targets ($first)" grep -qF "$first" named/wechat_accounts.csv
  sw_start n --date $SW_DATE --named "$TOP/conf/targets"
  t_match "named account's home page" "${first#*,}" "$(swc "http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=${first%%,*}")"
fi
sw_stop_all
