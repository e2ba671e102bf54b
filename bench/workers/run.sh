#!/usr/bin/env bash
# The worker's fold throughput by raw-payload storage, against a throwaway PostgreSQL (the test
# services: fsync off). bench/workers/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target tributary-bench-apply tributary-devbroker >/dev/null
env_file=$(mktemp /tmp/tributary-bench-services.XXXXXX.env)
rm -f "$env_file"
trap 'tests/harness/services.sh stop --env-file "$env_file" >/dev/null' EXIT
tests/harness/services.sh start --env-file "$env_file" \
  --devbroker "$build/tools/devbroker/tributary-devbroker" >/dev/null
export TRIBUTARY_HARNESS_ENV=$env_file TRIBUTARY_BUILD_DIR=$build TRIBUTARY_SOURCE_DIR=$root
for storage in text pglz json jsonb; do
  "$build/bench/workers/tributary-bench-apply" "$storage" 2>/dev/null
done
