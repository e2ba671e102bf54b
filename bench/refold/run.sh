#!/usr/bin/env bash
# The rate of `tributary-worker --refold`: loads N deliveries (GitHub's examples under fresh ids,
# each copy with its own entity ids)
# into a throwaway PostgreSQL (the test services: fsync off) with the worker's batch applier, then
# times one refold of them (bulk, catch-up, swap).
#   bench/refold/run.sh [--deliveries N] [--runs R] [--markdown FILE]
# Each of the R runs (default 3) loads a fresh database; the fragment gives every run, the best
# first (the cores are shared: the least disturbed run is the closest to the refold's own cost).
# Without --markdown it prints the fragment to stdout; with it, writes it to FILE. The fragment
# starts with "## Refold". TRIBUTARY_BUILD_DIR picks the build (default build-release, configured
# Release if it does not exist yet).
set -euo pipefail
deliveries=20000
runs=3
markdown=
while [[ $# -gt 0 ]]; do
  case $1 in
    --deliveries) deliveries=${2:?--deliveries needs a number}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --markdown) markdown=${2:?--markdown needs a file name}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench/refold/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $deliveries =~ ^[1-9][0-9]*$ ]] || { echo "bench/refold/run.sh: --deliveries must be a positive integer" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/refold/run.sh: --runs must be a positive integer" >&2; exit 2; }
cd "$(dirname "$0")/../.."
root=$(pwd)
build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target tributary-bench-refold tributary-devbroker >/dev/null
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
env_file=$(mktemp /tmp/tributary-bench-services.XXXXXX.env)
rm -f "$env_file"
trap 'tests/harness/services.sh stop --env-file "$env_file" >/dev/null' EXIT
services_log=$(mktemp /tmp/tributary-bench-services.XXXXXX.log)
tests/harness/services.sh start --env-file "$env_file" \
  --devbroker "$build/tools/devbroker/tributary-devbroker" >"$services_log" 2>&1 \
  || { cat "$services_log" >&2; exit 1; }
rm -f "$services_log"
export TRIBUTARY_HARNESS_ENV=$env_file TRIBUTARY_BUILD_DIR=$build TRIBUTARY_SOURCE_DIR=$root
results=()
for ((run = 1; run <= runs; run++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  line=$("$build/bench/refold/tributary-bench-refold" "$deliveries" 2>/dev/null)
  results+=("$line $load")
done
# Best run first (deliveries/s is the fifth field).
mapfile -t results < <(printf '%s\n' "${results[@]}" | sort -k5,5nr)
read -r count folded skipped _ _ _ entity_rows _ <<<"${results[0]}"
rows=
for result in "${results[@]}"; do
  read -r _ _ _ seconds rate locked _ load <<<"$result"
  rows+="| $(printf '%.2f' "$seconds") | $rate | $(printf '%.3f' "$locked") | $load |"$'\n'
done

fragment=$(cat <<MD
## Refold

\`bench/refold/run.sh --deliveries $deliveries --runs $runs\` ($(date -u +%Y-%m-%d), ${build_type:-unknown}
build, $(nproc) cores shared with whatever else runs, PostgreSQL with fsync off):
\`tributary-worker --refold\` rebuilding every derived table from $count raw deliveries
(GitHub's 329 example payloads under fresh delivery ids, each copy of them with its own entity
ids; $folded of folded types, $skipped kept raw only; $entity_rows entity rows), batches of 500,
no live traffic. The time covers the checks, the fresh schema, the folds, the final catch-up, the
swap (TRUNCATE + INSERT of every derived table) and the ANALYZE after it. Each run on a fresh
database; the best first.

| seconds | deliveries/s | ledger locked (s) | load average at the start |
| ---: | ---: | ---: | ---: |
${rows%$'\n'}

"Ledger locked" is how long live workers wait (their next batch blocks at its ledger insert):
the last catch-up and the swap, which copies every entity row once: it grows with the entity
tables.
MD
)
if [[ -n $markdown ]]; then
  printf '%s\n' "$fragment" > "$markdown"
else
  printf '%s\n' "$fragment"
fi
