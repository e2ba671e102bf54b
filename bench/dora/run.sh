#!/usr/bin/env bash
# How long the DORA views take over a synthetic history (history.sql), against a throwaway
# PostgreSQL (the test services), with PostgreSQL's JIT off and on. bench/dora/run.sh [pushes]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
pushes=${1:-20000}
build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target tributary-migrate tributary-devbroker >/dev/null
env_file=$(mktemp /tmp/tributary-bench-services.XXXXXX.env)
rm -f "$env_file"
trap 'tests/harness/services.sh stop --env-file "$env_file" >/dev/null' EXIT
tests/harness/services.sh start --env-file "$env_file" \
  --devbroker "$build/tools/devbroker/tributary-devbroker" >/dev/null
server=$(sed -n 's/^TRIBUTARY_TEST_DATABASE_URL=//p' "$env_file")
psql -q "$server" -c "CREATE DATABASE bench_dora"
url=${server%/postgres}/bench_dora
DATABASE_URL=$url "$build/tools/migrate/tributary-migrate" >/dev/null 2>&1
psql -q "$url" -v pushes="$pushes" -f bench/dora/history.sql
echo "pushes=$pushes"
for jit in off on; do
  for view in change_lead_times dora_lead_time dora_deployment_frequency dora_change_failure_rate \
              dora_time_to_restore deployment_restores; do
    seconds=$(psql -qAt "$url" -c "SET jit = $jit" -c '\timing on' \
                -c "SELECT count(*) FROM analytics.$view" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    echo "jit=$jit analytics.$view ${seconds} ms"
  done
done
