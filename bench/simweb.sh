# simweb throughput with wrk: pages/s and MB/s for WeChat article pages of
# about 30 KB (cycling over ~300 different articles, keep-alive, 64 connections),
# with simweb on one thread (one core); the reference in the same run is
# robots.txt (a tiny body: the per-request ceiling of the HTTP layer).
# Target (issue 3): >= 30,000 pages/s of ~30 KB on one core.
set -euo pipefail
B=${GR_BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
DUR=${BENCH_SECONDS:-5}
command -v wrk >/dev/null || { echo "simweb bench: wrk is not installed"; exit 0; }
"$B/simweb" --seed 5 --date 2014-10-05 --scale report --no-named --truth truth 2>/dev/null
"$B/simweb" --seed 5 --date 2014-10-05 --scale report --no-named --port-file port --threads 1 2>/dev/null &
sw=$!
trap 'kill $sw 2>/dev/null || true' EXIT
for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done
port=$(cat port)

# ~300 ok articles of 25-35 KB (UTF-8, modern footer), as paths.
n=0
: >paths.txt
while read -r m u _; do
  [ "$m" = GET ] || continue
  case $u in http://mp.weixin.qq.com/s\?*) ;; *) continue ;; esac
  p=${u#http://mp.weixin.qq.com}
  s=$(curl -s -o /dev/null -w '%{size_download} %{content_type}' -H 'Host: mp.weixin.qq.com' "http://127.0.0.1:$port$p")
  case $s in *utf-8*) ;; *) continue ;; esac
  sz=${s%% *}
  if [ "$sz" -ge 25000 ] && [ "$sz" -le 35000 ]; then
    echo "$p" >>paths.txt
    n=$((n + 1))
    [ $n -ge 300 ] && break
  fi
done <truth/urls.txt
{
  echo 'local paths = {}'
  while read -r p; do printf 'paths[#paths + 1] = "%s"\n' "$p"; done <paths.txt
  echo 'local i = 0'
  echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i], { Host = "mp.weixin.qq.com" }) end'
} >articles.lua

out=$(wrk -t1 -c64 -d"${DUR}s" -s articles.lua "http://127.0.0.1:$port/")
rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
tps=$(awk '/^Transfer\/sec/{print $2}' <<<"$out")
ref=$(wrk -t1 -c64 -d"${DUR}s" -H 'Host: mp.weixin.qq.com' "http://127.0.0.1:$port/robots.txt" | awk '/^Requests\/sec/{print $2}')
echo "simweb: $n article pages of 25-35 KB, 1 server thread, wrk -t1 -c64 ${DUR}s"
printf 'simweb: articles   %10.0f pages/s  %s/s\n' "$rps" "$tps"
printf 'simweb: robots.txt %10.0f pages/s  (reference: tiny body)\n' "$ref"
printf 'simweb: article rate / robots.txt rate = %.2f; target 30000 pages/s: %s\n' \
  "$(awk -v a="$rps" -v b="$ref" 'BEGIN{print (b > 0 ? a / b : 0)}')" \
  "$(awk -v a="$rps" 'BEGIN{print (a >= 30000 ? "met" : "NOT met on this machine")}')"
