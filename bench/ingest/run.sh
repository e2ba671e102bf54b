#!/usr/bin/env bash
# Ingest beside the Node peer, a producer-only client and a do-nothing nginx, in one run: the same
# devbroker, the same signed example payloads, the same wrk load (issue 10). See BENCHMARKS.md.
#   bench/ingest/run.sh [--markdown FILE] [--duration SECONDS] [--no-build]
# Without --markdown the fragment (a "## " section of BENCHMARKS.md) goes to stdout; progress
# goes to stderr. TRIBUTARY_BUILD_DIR: the Release tree (default build-release).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
markdown=/dev/stdout
duration=8
warmup=2
build_it=1
while [ $# -gt 0 ]; do
  case $1 in
    --markdown) markdown=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --no-build) build_it=0; shift ;;
    *) echo "usage: $0 [--markdown FILE] [--duration SECONDS] [--no-build]" >&2; exit 2 ;;
  esac
done
say() { echo "bench/ingest: $*" >&2; }

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null || {
    say "installing $tool"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$([ "$tool" = nginx ] && echo nginx-light || echo wrk)" >/dev/null
  }
done
export PATH=$PATH:/usr/sbin
command -v node >/dev/null || { say "node is required (the peer and the scripts)"; exit 1; }

build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
if [ "$build_it" = 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target tributary-ingest tributary-devbroker tributary-bench-producer-only >/dev/null
fi

# The peer, installed once per build tree from its pinned package.json.
peer_dir=$build/bench-peer-node-octokit
if [ ! -d "$peer_dir/node_modules" ]; then
  say "installing the peer's packages"
  rm -rf "$peer_dir" && cp -r ../shared/peers/node-octokit "$peer_dir" && chmod -R u+w "$peer_dir"
  (cd "$peer_dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

ulimit -n 8192  # 1,000 idle connections and 256 busy ones, on both ends
work=$(mktemp -d /tmp/tributary-bench-ingest.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_for() {  # URL
  for _ in $(seq 1 150); do curl -sk -o /dev/null "$1" && return 0; sleep 0.2; done
  say "no answer from $1"; return 1
}

# Certificates: ECDSA P-256 for every TLS run (what most CAs issue today), RSA 2048 for the
# handshake comparison.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/ecdsa.key" -out "$work/ecdsa.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/rsa.key" -out "$work/rsa.crt" 2>/dev/null

secret=bench-secret
examples=tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json
node bench/ingest/make_wrk_script.mjs "$examples" "$secret" "$work/requests.lua" >/dev/null
payloads=$(wc -l <"$work/requests.deliveries")

"$build/tools/devbroker/tributary-devbroker" --topic github.webhooks --topic bench.peer \
  --topic bench.producer --bootstrap-file "$work/bootstrap" >"$work/devbroker.log" 2>&1 &
devbroker_pid=$!
pids+=($devbroker_pid)
for _ in $(seq 1 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")

start_ingest() {  # NAME CERT KEY: starts ingest (TLS and plain on one port); sets ingest_pid/_port/_metrics
  local name=$1
  KAFKA_BOOTSTRAP_SERVERS=$bootstrap GITHUB_WEBHOOK_SECRET=$secret INGEST_LISTEN=127.0.0.1:0 \
    METRICS_LISTEN=127.0.0.1:0 INGEST_TLS_CERT=$2 INGEST_TLS_KEY=$3 INGEST_ALLOW_PLAINTEXT=true \
    INGEST_DRAIN_PERIOD=0s LOG_LEVEL=info "$build/ingest/tributary-ingest" >"$work/$name.log" 2>&1 &
  ingest_pid=$!
  pids+=($ingest_pid)
  for _ in $(seq 1 100); do grep -q '"listening"' "$work/$name.log" 2>/dev/null && break; sleep 0.1; done
  ingest_port=$(grep '"listening"' "$work/$name.log" | sed -E 's/.*"port":([0-9]+).*/\1/')
  ingest_metrics=$(grep '"listening"' "$work/$name.log" | sed -E 's/.*"metrics_port":([0-9]+).*/\1/')
  wait_for "http://127.0.0.1:$ingest_port/readyz"
}
start_ingest ingest "$work/ecdsa.crt" "$work/ecdsa.key"
main_ingest_pid=$ingest_pid
main_ingest_port=$ingest_port
main_ingest_metrics=$ingest_metrics

peer_port=$(free_port)
BROKERS=$bootstrap SECRET=$secret PORT=$peer_port TOPIC=bench.peer node "$peer_dir/server.mjs" >"$work/peer.log" 2>&1 &
peer_pid=$!
pids+=($peer_pid)

nginx_plain=$(free_port)
nginx_tls=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  client_max_body_size 32m;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$nginx_plain;
    listen 127.0.0.1:$nginx_tls ssl;
    ssl_certificate $work/ecdsa.crt;
    ssl_certificate_key $work/ecdsa.key;
    location / { return 202; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>>"$work/nginx/error.log" &
nginx_pid=$!
pids+=($nginx_pid)
wait_for "http://127.0.0.1:$peer_port/"
wait_for "http://127.0.0.1:$nginx_plain/"

# --- measuring ---------------------------------------------------------------------------------
results=$work/results.tsv
ticks=$(getconf CLK_TCK)
cpu_ticks() {  # PIDS...: utime+stime of each, and of their children (nginx's workers), summed
  local total=0 pid child
  for pid in "$@"; do
    for child in $pid $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      total=$((total + $(awk '{print $14 + $15}' /proc/"$child"/stat 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}
rss_kib() {  # PIDS...: resident set of each and of its children, summed
  local total=0 pid child
  for pid in "$@"; do
    for child in $pid $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      total=$((total + $(awk '/^VmRSS/ {print $2}' /proc/"$child"/status 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

# measure SERVER URL PID CONNECTIONS keepalive|close: warm-up, then one wrk run; a row of results.
measure() {
  local server=$1 url=$2 pid=$3 connections=$4 mode=$5
  local transport=plain; [[ $url == https* ]] && transport=tls
  local close=0; [ "$mode" = close ] && close=1
  WRK_CONNECTION_CLOSE=$close wrk -t2 -c"$connections" -d"${warmup}s" -s "$work/requests.lua" "$url" >/dev/null 2>&1 || true
  ( peak=0; while sleep 0.2; do r=$(rss_kib "$pid"); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$work/peak"; done ) &
  local sampler=$!
  echo 0 >"$work/peak"
  local cpu_before broker_before; cpu_before=$(cpu_ticks "$pid"); broker_before=$(cpu_ticks "$devbroker_pid")
  WRK_CONNECTION_CLOSE=$close wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$work/requests.lua" "$url" \
    >"$work/wrk.out" 2>&1 || true
  local cpu_after broker_after; cpu_after=$(cpu_ticks "$pid"); broker_after=$(cpu_ticks "$devbroker_pid")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local line; line=$(grep '^result ' "$work/wrk.out" || echo "result requests=0 errors=0 non2xx=0 seconds=1 p50_us=0 p99_us=0 p999_us=0")
  # shellcheck disable=SC2086
  local $(echo "${line#result }")
  local cpu broker_cpu
  cpu=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks" -v s="$seconds" 'BEGIN {printf "%.0f", 100 * t / hz / s}')
  broker_cpu=$(awk -v t=$((broker_after - broker_before)) -v hz="$ticks" -v s="$seconds" 'BEGIN {printf "%.0f", 100 * t / hz / s}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$transport" "$mode" "$connections" \
    "$requests" "$seconds" "$p50_us" "$p99_us" "$p999_us" "$((errors + non2xx))" "$cpu" "$(cat "$work/peak")" \
    "$broker_cpu" >>"$results"
  say "$(printf '%-14s %-5s %-9s %4s conns: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  errors %s  CPU %s%%' \
    "$server" "$transport" "$mode" "$connections" "$(awk -v r="$requests" -v s="$seconds" 'BEGIN {print r / s}')" \
    "$(awk -v v="$p50_us" 'BEGIN {print v / 1000}')" "$(awk -v v="$p99_us" 'BEGIN {print v / 1000}')" \
    "$(awk -v v="$p999_us" 'BEGIN {print v / 1000}')" "$((errors + non2xx))" "$cpu")"
}

ingest_requests() {  # answered webhook requests so far, from ingest's own counter
  curl -s "http://127.0.0.1:$main_ingest_metrics/metrics" |
    awk '/^tributary_ingest_requests_total/ {sum += $NF} END {printf "%d", sum}'
}
rss_series=$work/rss_series.tsv
checkpoint() { printf '%s\t%s\t%s\n' "$(ingest_requests)" "$(rss_kib "$main_ingest_pid")" "${1:-runs}" >>"$rss_series"; }

say "wrk -t2, ${duration}s runs after ${warmup}s warm-up; $payloads example payloads; devbroker $bootstrap"
checkpoint
for connections in 8 32 256; do
  for mode in keepalive close; do
    measure ingest "http://127.0.0.1:$ingest_port/webhooks/github" "$main_ingest_pid" "$connections" "$mode"
    checkpoint
    measure ingest "https://127.0.0.1:$ingest_port/webhooks/github" "$main_ingest_pid" "$connections" "$mode"
    checkpoint
    measure peer "http://127.0.0.1:$peer_port/" "$peer_pid" "$connections" "$mode"
    measure nginx "http://127.0.0.1:$nginx_plain/" "$nginx_pid" "$connections" "$mode"
    measure nginx "https://127.0.0.1:$nginx_tls/" "$nginx_pid" "$connections" "$mode"
  done
  # What Kafka alone allows at the same number in flight, with ingest's publisher and settings.
  broker_before=$(cpu_ticks "$devbroker_pid")
  "$build/bench/ingest/tributary-bench-producer-only" "$bootstrap" bench.producer "$work/requests.deliveries" \
    "$connections" "$duration" >"$work/producer.out" 2>"$work/producer.err" || true
  broker_after=$(cpu_ticks "$devbroker_pid")
  grep -m1 "^settings " "$work/producer.err" | sed "s/^settings //" >"$work/producer.settings" || true
  line=$(grep '^result ' "$work/producer.out" || echo "result requests=0 errors=0 seconds=1 p50_us=0 p99_us=0 p999_us=0")
  eval "$(echo "${line#result }" | tr ' ' '\n' | sed 's/^/po_/')"
  printf 'producer-only\tkafka\tin-flight\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\t%s\n' "$connections" "$po_requests" \
    "$po_seconds" "$po_p50_us" "$po_p99_us" "$po_p999_us" "$po_errors" \
    "$(awk -v t=$((broker_after - broker_before)) -v hz="$ticks" -v s="$po_seconds" 'BEGIN {printf "%.0f", 100 * t / hz / (s + 2)}')" >>"$results"
  say "producer-only  $connections in flight: $(tail -n1 "$results" | awk -F'\t' '{printf "%.0f req/s  p50 %.2f ms  p99 %.2f ms", $5 / $6, $7 / 1000, $8 / 1000}')"
done

# --- TLS handshakes: key type, protocol version, resumption (openssl s_time, one request each) ---
handshakes=$work/handshakes.tsv
handshake() {  # KEY PID PORT PROTOCOL new|reuse
  local before after out start end
  before=$(cpu_ticks "$2")
  start=$(date +%s.%N)
  out=$(openssl s_time -connect "127.0.0.1:$3" "-$4" "-$5" -time 3 -www /healthz 2>/dev/null || true)
  end=$(date +%s.%N)
  after=$(cpu_ticks "$2")
  local count
  count=$(echo "$out" | awk '/connections in .* real seconds/ {print $1; exit}')
  [ -n "$count" ] || count=0
  local seconds; seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$4" "$5" "$count" "$seconds" \
    "$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$count" 'BEGIN {printf "%.0f", n ? 1e6 * t / hz / n : 0}')" >>"$handshakes"
  say "handshake $1 $4 $5: $count in ${seconds}s"
}
for protocol in tls1_3 tls1_2; do
  for session in new reuse; do handshake ecdsa-p256 "$main_ingest_pid" "$main_ingest_port" "$protocol" "$session"; done
done
start_ingest ingest-rsa "$work/rsa.crt" "$work/rsa.key"
for protocol in tls1_3 tls1_2; do handshake rsa-2048 "$ingest_pid" "$ingest_port" "$protocol" new; done
kill -TERM "$ingest_pid"; wait "$ingest_pid" 2>/dev/null || true

# --- memory: 1,000 idle keep-alive connections; RSS over a million requests ----------------------
idle=$work/idle.tsv
for transport in plain tls; do
  before=$(rss_kib "$main_ingest_pid")
  # The client holds its connections until its stdin (a fifo we hold open) closes.
  rm -f "$work/idle.fifo" && mkfifo "$work/idle.fifo"
  node bench/ingest/idle_connections.mjs 127.0.0.1 "$main_ingest_port" "$transport" 1000 \
    "$work/requests.deliveries" "$secret" <"$work/idle.fifo" >"$work/idle.out" 2>&1 &
  idle_pid=$!
  exec 7>"$work/idle.fifo"
  for _ in $(seq 1 300); do [ -s "$work/idle.out" ] && break; sleep 0.1; done
  sleep 1
  during=$(rss_kib "$main_ingest_pid")
  idle_line=$(head -n 1 "$work/idle.out" | tr '\t' ' ')
  exec 7>&-
  wait "$idle_pid" 2>/dev/null || true
  printf '%s\t%s\t%s\t%s\n' "$transport" "$idle_line" "$before" "$during" >>"$idle"
  say "1,000 idle $transport connections ($idle_line): RSS $((before / 1024)) -> $((during / 1024)) MiB"
  sleep 1
done

# The steady stage: keep-alive at 32 connections until the process has answered a million
# requests in all (or for at most 150 s), RSS read every 15 s.
target=1000000
checkpoint steady
steady_until=$(( $(date +%s) + 150 ))
done_so_far=$(ingest_requests)
while [ "$done_so_far" -lt "$target" ] && [ "$(date +%s)" -lt "$steady_until" ]; do
  WRK_CONNECTION_CLOSE=0 wrk -t2 -c32 -d15s -s "$work/requests.lua" "http://127.0.0.1:$main_ingest_port/webhooks/github" >/dev/null 2>&1 || true
  checkpoint steady
  done_so_far=$(ingest_requests)
  say "$done_so_far requests answered; RSS $(( $(rss_kib "$main_ingest_pid") / 1024 )) MiB"
done
hwm=$(awk '/^VmHWM/ {print $2}' /proc/"$main_ingest_pid"/status)

# --- the fragment --------------------------------------------------------------------------------
# The raw figures stay in the build tree, so the fragment can be written again from them:
#   node bench/ingest/report.mjs DIR DURATION WARMUP PAYLOADS VMHWM_KIB
kept=$build/bench-ingest-last
rm -rf "$kept" && mkdir -p "$kept" && cp "$work"/*.tsv "$work/producer.settings" "$kept/" 2>/dev/null || true
echo "$duration $warmup $payloads $hwm" >"$kept/arguments"
node bench/ingest/report.mjs "$work" "$duration" "$warmup" "$payloads" "$hwm" >"$markdown"
