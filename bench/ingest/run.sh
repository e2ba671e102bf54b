#!/usr/bin/env bash
# Ingest throughput and latency, side by side with the Node peer (../shared/peers/node-octokit), in
# one run: the same devbroker, the same 329 signed example payloads, the same wrk load. Both answer
# only after the broker's acknowledgement.
#   bench/ingest/run.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
duration=${1:-20}
connections=${2:-32}
command -v wrk >/dev/null || { echo "bench: installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target tributary-ingest tributary-devbroker >/dev/null

work=$(mktemp -d /tmp/tributary-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

secret=bench-secret
examples=tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json
node bench/ingest/make_wrk_script.mjs "$examples" "$secret" "$work/requests.lua" >/dev/null

"$build/tools/devbroker/tributary-devbroker" --topic github.webhooks --topic bench.peer \
  --bootstrap-file "$work/bootstrap" >"$work/devbroker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")

KAFKA_BOOTSTRAP_SERVERS=$bootstrap GITHUB_WEBHOOK_SECRET=$secret INGEST_LISTEN=127.0.0.1:9401 \
  METRICS_LISTEN=127.0.0.1:9402 LOG_LEVEL=warning "$build/ingest/tributary-ingest" >"$work/ingest.log" 2>&1 &
ingest_pid=$!
pids+=($ingest_pid)

peer_dir="$work/peer"
cp -r ../shared/peers/node-octokit "$peer_dir"
chmod -R u+w "$peer_dir"
(cd "$peer_dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
BROKERS=$bootstrap SECRET=$secret PORT=9300 TOPIC=bench.peer node "$peer_dir/server.mjs" >"$work/peer.log" 2>&1 &
peer_pid=$!
pids+=($peer_pid)

for url in http://127.0.0.1:9401/readyz http://127.0.0.1:9300/; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
done

measure() {
  local name=$1 url=$2 pid=$3
  # Warm-up: connections, producer metadata, JIT for the peer.
  wrk -t2 -c"$connections" -d3s -s "$work/requests.lua" "$url" >/dev/null 2>&1
  local rss_peak=0
  ( while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid"; sleep 0.5; done ) >"$work/$name.rss" &
  local sampler=$!
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/requests.lua" "$url" >"$work/$name.wrk" 2>&1
  kill "$sampler" 2>/dev/null || true
  rss_peak=$(sort -n "$work/$name.rss" | tail -n 1)
  local rps p50 p99 line
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")
  line=$(grep '^requests ' "$work/$name.wrk")
  printf '%-22s %10s req/s   %s   peak RSS %d MiB\n' "$name" "$rps" "$line" "$((rss_peak / 1024))"
}

echo "wrk: 2 threads, $connections connections, ${duration}s, 329 example payloads cycled, devbroker on this machine"
measure tributary-ingest http://127.0.0.1:9401/webhooks/github "$ingest_pid"
measure node-octokit-peer http://127.0.0.1:9300/ "$peer_pid"
