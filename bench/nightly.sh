# A whole nightly run at report scale on the simulated web, politeness off: total wall
# time and each stage's wall and CPU time (from the driver's summary). The reference
# in the same run is simweb's own share: the CPU time simweb spent serving.
set -euo pipefail
B=$GR_BIN
SCALE=${BENCH_NIGHTLY_SCALE:-report}
$B/simweb --seed 1 --scale "$SCALE" --emit-targets targets >/dev/null 2>&1
# mp.weixin.qq.com over TLS with a test CA, as the night users run reaches the real host
"$GR_TOP/scripts/test_ca.sh" tls
$B/simweb --seed 1 --scale "$SCALE" --listen 127.0.0.1:0 --port-file port --gzip \
  --tls-port 0 --cert tls/srv.pem --key tls/srv.key 2>simweb.err &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s port ] && break; sleep 0.05; done
read -r port tlsport <port
cat > nightly.conf <<CONF
[crawler]
connect_to = mp.weixin.qq.com:443:127.0.0.1:$tlsport,127.0.0.1:$port
ca_file = $PWD/tls/ca.pem
delay_ms = 0
max_inflight_per_host = 100000
concurrency = 256
robots = false
stats_schedule = 0,86400,604800
progress_log_seconds = 0
idle_exit_seconds = 2
[nightly]
targets = $PWD/targets
spool = $PWD/spool
crawl_budget = 3600
log_file = $PWD/nightly.log
CONF
t0=$(date +%s.%N)
$B/govreach --config nightly.conf nightly || echo "bench nightly: the run exited $?"
t1=$(date +%s.%N)
web_cpu=$(awk '{print ($14 + $15) / 100}' /proc/$web/stat)
echo "pages stored: $(psql -X -qtA -c 'SELECT count(*) FROM crawl.frontier WHERE state = '"'"'done'"'"'') URLs done"
awk -v a="$t0" -v b="$t1" -v c="$web_cpu" 'BEGIN { printf "total wall %.1fs; simweb served it with %.1fs CPU\n", b - a, c }'
