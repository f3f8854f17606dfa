# simweb: the truth matches what is served (every URL of urls.txt, checked by an
# independent parser), runs are deterministic, and days change the world.
source "$GR_TOP/tests/lib.sh"
source "$TOP/simweb/testlib.sh"
chk="$TOP/simweb/check_truth.py"

for day in 0 3; do
  "$B/simweb" --no-named --date $SW_DATE --day $day --seed 7 --truth truth$day 2>/dev/null
  sw_start d$day --no-named --date $SW_DATE --day $day --seed 7
  t_ok "day $day: served pages equal the truth" python3 "$chk" "$SW_PORT" truth$day
done
sw_stop_all

# The named targets too (conf/targets), and a bigger universe.
if [ -f "$TOP/conf/targets/wechat_accounts.csv" ]; then
  "$B/simweb" --named "$TOP/conf/targets" --date $SW_DATE --truth truthn 2>/dev/null
  sw_start n --named "$TOP/conf/targets" --date $SW_DATE
  t_ok "named universe: served pages equal the truth" python3 "$chk" "$SW_PORT" truthn
  sw_stop_all
fi

# Determinism: two servers with the same options serve byte-identical bodies and
# write identical truth; another seed gives another world.
"$B/simweb" --no-named --date $SW_DATE --seed 7 --truth again0 2>/dev/null
t_ok "same seed and day: identical truth" diff -r truth0 again0
"$B/simweb" --no-named --date $SW_DATE --seed 8 --truth other 2>/dev/null
t_ok "another seed: another truth" sh -c '! cmp -s truth0/wechat_stat.tsv other/wechat_stat.tsv'
sw_start a --no-named --date $SW_DATE --seed 7 --gzip
python3 "$chk" "$SW_PORT" truth0 dump pa >/dev/null
sw_start b --no-named --date $SW_DATE --seed 7 --gzip
python3 "$chk" "$SW_PORT" truth0 dump pb >/dev/null
t_ok "two runs serve byte-identical pages ($(ls pa | wc -l) URLs)" diff -r pa pb
gz1=$(swc -H 'Accept-Encoding: gzip' "$(grep -m1 '^GET http://mp.weixin.qq.com/s?' truth0/urls.txt | cut -d' ' -f2)" | md5sum)
SW_PORT=$(cat a.port)
gz2=$(swc -H 'Accept-Encoding: gzip' "$(grep -m1 '^GET http://mp.weixin.qq.com/s?' truth0/urls.txt | cut -d' ' -f2)" | md5sum)
t_eq "gzip bodies identical too" "$gz1" "$gz2"
sw_stop_all

# Days: new articles appear, reads and likes grow, followers change and some fall,
# downloads grow.
new=$(awk -F'\t' 'NR>1 && $7 != "\\N" && $7 >= "2014-10-02"' truth3/wechat_article.tsv | wc -l)
t_ok "day 3 has articles published after day 0 ($new)" test "$new" -gt 0
old0=$(awk -F'\t' 'NR>1 && $7 != "\\N" && $7 >= "2014-10-02"' truth0/wechat_article.tsv | wc -l)
t_eq "day 0 has none from the future" 0 "$old0"
join_stats() { awk -F'\t' 'NR>1 && $4!="\\N"{print $1"/"$2"/"$3, $4, $6}' "$1" | sort; }
join <(join_stats truth0/wechat_stat.tsv) <(join_stats truth3/wechat_stat.tsv) >reads.txt
t_ok "some articles in both days ($(wc -l <reads.txt))" test -s reads.txt
t_eq "reads and likes never fall" 0 "$(awk '$4 < $2 || $5 < $3' reads.txt | wc -l)"
t_ok "reads grow" test "$(awk '$4 > $2' reads.txt | wc -l)" -gt 0
fol() { awk -F'\t' 'NR>1 && $3!="\\N"{print $1, $3}' "$1" | sort; }
join <(fol truth0/weibo_account.tsv) <(fol truth3/weibo_account.tsv) >fol.txt
t_ok "some followers fall ($(awk '$3 < $2' fol.txt | wc -l))" test "$(awk '$3 < $2' fol.txt | wc -l)" -gt 0
t_ok "some followers grow" test "$(awk '$3 > $2' fol.txt | wc -l)" -gt 0
dl() { awk -F'\t' 'NR>1 && $5!="\\N"{print $1"/"$2, $5}' "$1" | sort; }
join <(dl truth0/app_listing.tsv) <(dl truth3/app_listing.tsv) >dl.txt
t_eq "downloads never fall" 0 "$(awk '$3 < $2' dl.txt | wc -l)"
t_ok "downloads grow" test "$(awk '$3 > $2' dl.txt | wc -l)" -gt 0

# Report scale: the sizes of the report, built quickly and in little memory.
/usr/bin/time -f '%M %e' -o rep.time "$B/simweb" --no-named --scale report --date $SW_DATE --emit-targets rep 2>/dev/null
t_eq "report scale: tracked WeChat accounts" 1050 "$(($(wc -l <rep/wechat_accounts.csv) - 1))"
t_eq "report scale: Weibo accounts" 186697 "$(($(wc -l <rep/weibo_accounts.csv) - 1))"
t_eq "report scale: civil servants" 70090 "$(grep -c civil_servant rep/weibo_accounts.csv)"
t_eq "report scale: apps" 377 "$(($(wc -l <rep/apps.csv) - 1))"
# (a memory bound of the product build: AddressSanitizer's shadow memory and
# redzones roughly triple it, so the sanitizer run of the suite checks 900 MB)
lim=300000; ldd "$B/simweb" | grep -q libasan && lim=900000
t_ok "report scale under $((lim / 1000)) MB ($(cut -d' ' -f1 rep.time) KB)" test "$(cut -d' ' -f1 rep.time)" -lt $lim
# the Sogou search universe (18,090 accounts) is built only when a discovery
# page or its truth is asked for: without them the report scale stays small
if ! ldd "$B/simweb" | grep -q libasan; then
  t_ok "report scale without discovery under 100 MB ($(cut -d' ' -f1 rep.time) KB)" test "$(cut -d' ' -f1 rep.time)" -lt 100000
fi
